/* euc.c — EUC-JP-MS and EUC-KR to UTF-8 from tables: glibc's own
 * mappings, taken from its iconv at build time (gen-euc.c writes
 * euc-tables.h).
 *
 * Why not iconv: the certnotice front is linked statically (static-pie,
 * libc included: src/meson.build), and a static libc's iconv opens
 * EUC-JP-MS or EUC-KR by loading glibc's module with a second libc.so.6
 * and dynamic loader of its own, ~0.5 ms, as much again as an ordinary
 * mail costs; and text.c tries EUC-JP on every undeclared 8-bit header.
 * The tables are read-only data; only the pages a text touches are
 * faulted in.  gen-euc checks that glibc's converters are what this loop
 * reproduces (and fails the build otherwise); tests/test-euc.c compares
 * the two over every byte, every pair of bytes, every three bytes after
 * EUC-JP's 0x8F and random strings. */
#include "euc.h"

#include <stdint.h>

#include "euc-tables.h"

static gboolean
trail (guchar b)
{
  return b >= EUC_TRAIL_MIN && b < EUC_TRAIL_MIN + EUC_TRAILS;
}

static guint
euc_lossy (const EucTables *t, const char *in, gsize len, GString *out)
{
  const guchar *p = (const guchar *) in, *end = p + len;
  guint errors = 0;
  while (p < end) {
    guint c = t->single[*p];
    if (c != EUC_NONE) {
      p++;
    } else {
      guint row = t->row2[*p], n = 2;
      c = 0;
      if (row != EUC_NOT_LEAD) {
        if (end - p >= 2 && trail (p[1]))
          c = t->pair[row][p[1] - EUC_TRAIL_MIN];
      } else if (*p == t->lead3 && end - p >= 3 && trail (p[1]) && trail (p[2])) {
        row = t->row3[p[1]];
        n = 3;
        if (row != EUC_NOT_LEAD)
          c = t->triple[row][p[2] - EUC_TRAIL_MIN];
      }
      if (c == 0) {
        /* invalid, cut short at the end, or a lead byte before bytes
         * that do not complete it: this one byte */
        g_string_append_len (out, "\xEF\xBF\xBD", 3);
        errors++;
        p++;
        continue;
      }
      p += n;
    }
    if (c < 0x80)
      g_string_append_c (out, (char) c);   /* 0x00 too, as iconv */
    else
      g_string_append_unichar (out, c);
  }
  return errors;
}

guint
cn_eucjp_lossy (const char *in, gsize len, GString *out)
{
  return euc_lossy (&eucjp_tables, in, len, out);
}

guint
cn_euckr_lossy (const char *in, gsize len, GString *out)
{
  return euc_lossy (&euckr_tables, in, len, out);
}
