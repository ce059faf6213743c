/* cp932.c — CP932 to UTF-8 from a table: glibc's own mapping, taken from its
 * iconv at build time (gen-cp932.c writes cp932-table.h).
 *
 * Why not iconv: the certnotice front is linked statically (static-pie,
 * libc included: src/meson.build), and a static libc's iconv opens CP932 by
 * loading glibc's CP932.so with a second libc.so.6 and dynamic loader of its
 * own: for an ordinary Japanese mail (an ISO-2022-JP subject, decoded
 * through Shift_JIS) that alone made the front cost ~1.7× `cat` instead of
 * ~1×.  The table is read-only data; only the pages a text touches are
 * faulted in.  gen-cp932 checks that glibc's converter is what this loop
 * reproduces (and fails the build otherwise); tests/test-cp932.c compares
 * the two over every byte, every pair of bytes and random strings. */
#include "cp932.h"

#include <stdint.h>

#include "cp932-table.h"

guint
cn_cp932_lossy (const char *in, gsize len, GString *out)
{
  const guchar *p = (const guchar *) in, *end = p + len;
  guint errors = 0;
  while (p < end) {
    guint c = cp932_single[*p];
    if (c != CP932_NONE) {
      p++;
    } else {
      guint row = cp932_row[*p];
      c = 0;
      if (row != CP932_NOT_LEAD && end - p >= 2 && p[1] >= CP932_TRAIL_MIN && p[1] <= CP932_TRAIL_MAX)
        c = cp932_double[row][p[1] - CP932_TRAIL_MIN];
      if (c == 0) {
        /* invalid, a lead byte at the end, or before a byte that cannot
         * follow it: this one byte */
        g_string_append_len (out, "\xEF\xBF\xBD", 3);
        errors++;
        p++;
        continue;
      }
      p += 2;
    }
    if (c < 0x80)
      g_string_append_c (out, (char) c);   /* 0x00 too, as iconv */
    else
      g_string_append_unichar (out, c);
  }
  return errors;
}
