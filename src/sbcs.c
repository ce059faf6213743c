/* sbcs.c — single-byte charsets to UTF-8 from tables: glibc's own
 * mappings, taken from its iconv at build time (gen-sbcs.c writes
 * sbcs-table.h).
 *
 * Why not iconv: the certnotice front is linked statically (static-pie,
 * libc included: src/meson.build), and a static libc's iconv opens
 * ISO-8859-1 or WINDOWS-1252 by loading glibc's module with a second
 * libc.so.6 and dynamic loader of its own, ~0.5 ms, as much again as an
 * ordinary mail costs.  A table is 128 code points (bytes 0x00..0x7F are
 * ASCII in all of them); gen-sbcs checks that glibc's converters are what
 * this loop reproduces and which names open which (and fails the build
 * otherwise); tests/test-sbcs.c compares the two over every byte, every
 * pair of bytes, random strings and every name. */
#include "sbcs.h"

#include <stdint.h>
#include <string.h>

struct CnSbcs {
  uint16_t high[128];   /* bytes 0x80..0xFF: code point, or SBCS_INVALID */
};

#include "sbcs-table.h"

const CnSbcs *
cn_sbcs_find (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (sbcs_names); i++)
    if (strcmp (name, sbcs_names[i].name) == 0)
      return &sbcs_tables[sbcs_names[i].table];
  return NULL;
}

const CnSbcs *
cn_sbcs_windows_1252 (void)
{
  return &sbcs_tables[SBCS_WINDOWS_1252];
}

guint
cn_sbcs_lossy (const CnSbcs *cs, const char *in, gsize len, GString *out)
{
  const guchar *p = (const guchar *) in, *end = p + len;
  guint errors = 0;
  while (p < end) {
    const guchar *ascii = p;
    while (p < end && *p < 0x80)
      p++;
    g_string_append_len (out, (const char *) ascii, p - ascii);   /* 0x00 too, as iconv */
    if (p == end)
      break;
    guint c = cs->high[*p++ - 0x80];
    if (c == SBCS_INVALID) {
      g_string_append_len (out, "\xEF\xBF\xBD", 3);
      errors++;
    } else {
      g_string_append_unichar (out, c);
    }
  }
  return errors;
}
