/* gen-cp932.c — writes cp932-table.h, the tables of src/cp932.c, from the
 * build machine's glibc: what iconv ("UTF-8" from "CP932") gives for every
 * byte and every pair of bytes.  Run at build time (src/meson.build).
 *
 *   gen-cp932 OUTPUT
 *
 * cp932.c decodes with the tables exactly as text.c's iconv loop (convert;
 * at EILSEQ or EINVAL one U+FFFD, skip one byte, reset) did with glibc's
 * converter, assuming what this program checks over all 65,536 pairs:
 *   - each byte is on its own either a character (one code point), a lead
 *     byte (EINVAL: incomplete) or invalid (EILSEQ, nothing consumed);
 *   - a lead byte and any byte after it are either one character (one code
 *     point, both bytes consumed) or EILSEQ with nothing consumed;
 *   - a byte that is no lead byte converts the same whatever follows it;
 *   - every character is one code point of the BMP; none is U+0000 but
 *     byte 0x00's own, and none is one of the tables' two markers.
 * Anything else (another glibc, another converter) fails the build, and so
 * does an iconv that cannot open CP932.  The output is written only when
 * every check passed. */
#include "gen-probe.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#define NONE 0xffffu   /* cp932_single: not a character on its own */
#define NOT_LEAD 0xffu /* cp932_row: not a lead byte */

static int kind[256];            /* PROBE_CHAR, PROBE_LEAD, PROBE_INVALID */
static unsigned single[256];     /* the code point of a PROBE_CHAR */
static unsigned pair[256][256];  /* lead, trail: the code point, 0 if none */

int
main (int argc, char **argv)
{
  if (argc != 2) {
    fprintf (stderr, "usage: gen-cp932 OUTPUT\n");
    return 2;
  }
  probe_init (argv[0]);
  iconv_t cd = probe_open ("CP932");
  unsigned char in[2], out[PROBE_OUT];
  size_t used, outlen;
  int err;

  for (unsigned b = 0; b < 256; b++)
    kind[b] = probe_byte (cd, b, NONE, &single[b]);

  unsigned leads = 0, tmin = 256, tmax = 0, chars = 0;
  for (unsigned l = 0; l < 256; l++)
    for (unsigned t = 0; t < 256; t++) {
      in[0] = (unsigned char) l;
      in[1] = (unsigned char) t;
      if (kind[l] == PROBE_CHAR) {         /* no lead byte: each alone */
        probe_then (cd, in, 2, single[l], kind[t], single[t]);
        continue;
      }
      if (kind[l] == PROBE_INVALID) {
        probe_rejected (cd, in, 2);
        continue;
      }
      size_t r = probe_convert (cd, in, 2, &err, &used, out, &outlen);
      unsigned bytes = l << 8 | t;
      if (r == 0 && used == 2) {
        unsigned c = probe_one_bmp (out, outlen, bytes, NONE);
        if (c == 0)
          probe_fail ("0x%04X: U+0000 (0 marks no character in the table)", bytes);
        pair[l][t] = c;
        chars++;
        tmin = t < tmin ? t : tmin;
        tmax = t > tmax ? t : tmax;
      } else if (!(err == EILSEQ && used == 0 && outlen == 0)) {
        probe_fail ("0x%04X: a lead byte and a byte give neither one character nor EILSEQ at the lead "
                    "(iconv returned %zd, errno %d, %zu used)", bytes, (ssize_t) r, err, used);
      }
    }
  for (unsigned l = 0; l < 256; l++)
    if (kind[l] == PROBE_LEAD)
      leads++;
  if (leads == 0 || leads >= NOT_LEAD || chars == 0)
    probe_fail ("%u lead bytes, %u double-byte characters: not CP932", leads, chars);
  iconv_close (cd);

  FILE *f = probe_create (argv[1]);
  fprintf (f,
           "/* cp932-table.h — written by gen-cp932 (src/gen-cp932.c) from glibc %s's\n"
           " * iconv (\"UTF-8\" from \"CP932\"): do not edit.  %u lead bytes, %u\n"
           " * double-byte characters, trail bytes 0x%02X..0x%02X. */\n\n",
           gnu_get_libc_version (), leads, chars, tmin, tmax);
  fprintf (f, "#define CP932_NONE 0x%04Xu     /* cp932_single: no character alone */\n", NONE);
  fprintf (f, "#define CP932_NOT_LEAD 0x%02Xu   /* cp932_row: no lead byte */\n", NOT_LEAD);
  fprintf (f, "#define CP932_TRAIL_MIN 0x%02Xu\n#define CP932_TRAIL_MAX 0x%02Xu\n", tmin, tmax);
  fprintf (f, "#define CP932_LEADS %u\n\n", leads);
  fprintf (f, "/* each byte alone: its code point, or CP932_NONE (a lead byte or invalid) */\n");
  fprintf (f, "static const uint16_t cp932_single[256] = {");
  for (unsigned b = 0; b < 256; b++)
    fprintf (f, "%s0x%04X,", b % 8 ? " " : "\n  ", kind[b] == PROBE_CHAR ? single[b] : NONE);
  fprintf (f, "\n};\n\n/* each lead byte's row in cp932_double, else CP932_NOT_LEAD */\n");
  fprintf (f, "static const uint8_t cp932_row[256] = {");
  unsigned row = 0;
  for (unsigned b = 0; b < 256; b++)
    fprintf (f, "%s%u,", b % 16 ? " " : "\n  ", kind[b] == PROBE_LEAD ? row++ : NOT_LEAD);
  fprintf (f, "\n};\n\n/* [row][trail - CP932_TRAIL_MIN]: the code point, or 0 (EILSEQ at the lead) */\n");
  fprintf (f, "static const uint16_t cp932_double[CP932_LEADS][CP932_TRAIL_MAX - CP932_TRAIL_MIN + 1] = {\n");
  for (unsigned l = 0; l < 256; l++) {
    if (kind[l] != PROBE_LEAD)
      continue;
    fprintf (f, "  { /* 0x%02X */", l);
    for (unsigned t = tmin; t <= tmax; t++)
      fprintf (f, "%s0x%04X,", (t - tmin) % 8 ? " " : "\n    ", pair[l][t]);
    fprintf (f, "\n  },\n");
  }
  fprintf (f, "};\n");
  probe_close (f, argv[1]);
  return 0;
}
