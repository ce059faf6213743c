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
#include <errno.h>
#include <gnu/libc-version.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define NONE 0xffffu   /* cp932_single: not a character on its own */
#define NOT_LEAD 0xffu /* cp932_row: not a lead byte */

enum { CHAR, LEAD, INVALID };

static iconv_t cd;

static _Noreturn void fail (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static _Noreturn void
fail (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "gen-cp932: ");
  vfprintf (stderr, fmt, ap);
  fprintf (stderr, "\n");
  va_end (ap);
  exit (1);
}

/* Convert LEN bytes from a reset state.  Returns iconv's result, sets
 * *ERR (0 when none), *USED (bytes consumed) and OUT and *OUTLEN. */
static size_t
convert (const unsigned char *in, size_t len, int *err, size_t *used, unsigned char *out, size_t *outlen)
{
  char *ip = (char *) in, *op = (char *) out;
  size_t ileft = len, oleft = 16;
  iconv (cd, NULL, NULL, NULL, NULL);
  errno = 0;
  size_t r = iconv (cd, &ip, &ileft, &op, &oleft);
  *err = r == (size_t) -1 ? errno : 0;
  *used = len - ileft;
  *outlen = 16 - oleft;
  return r;
}

/* The one code point of the UTF-8 in S (N bytes) that must be one BMP
 * character, or fail naming BYTES. */
static unsigned
one_bmp (const unsigned char *s, size_t n, unsigned bytes)
{
  unsigned c;
  if (n == 1 && s[0] < 0x80)
    c = s[0];
  else if (n == 2 && (s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80)
    c = (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
  else if (n == 3 && (s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80)
    c = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
  else
    fail ("0x%X: not one code point of the BMP (%u bytes of UTF-8)", bytes, (unsigned) n);
  if (c >= 0xd800 && c <= 0xdfff)
    fail ("0x%X: a surrogate, U+%04X", bytes, c);
  if (c == NONE)
    fail ("0x%X: U+%04X, the table's marker", bytes, c);
  return c;
}

/* C's UTF-8 in OUT; its length */
static size_t
encode (unsigned c, unsigned char *out)
{
  if (c < 0x80) {
    out[0] = (unsigned char) c;
    return 1;
  }
  if (c < 0x800) {
    out[0] = (unsigned char) (0xc0 | c >> 6);
    out[1] = (unsigned char) (0x80 | (c & 0x3f));
    return 2;
  }
  out[0] = (unsigned char) (0xe0 | c >> 12);
  out[1] = (unsigned char) (0x80 | (c >> 6 & 0x3f));
  out[2] = (unsigned char) (0x80 | (c & 0x3f));
  return 3;
}

static unsigned kind[256];       /* CHAR, LEAD, INVALID */
static unsigned single[256];     /* the code point of a CHAR */
static unsigned pair[256][256];  /* lead, trail: the code point, 0 if none */

int
main (int argc, char **argv)
{
  if (argc != 2) {
    fprintf (stderr, "usage: gen-cp932 OUTPUT\n");
    return 2;
  }
  cd = iconv_open ("UTF-8", "CP932");
  if (cd == (iconv_t) -1) {
    perror ("gen-cp932: iconv_open (\"UTF-8\", \"CP932\") on the build machine");
    return 1;
  }
  unsigned char in[2], out[16];
  size_t used, outlen;
  int err;

  for (unsigned b = 0; b < 256; b++) {
    in[0] = (unsigned char) b;
    size_t r = convert (in, 1, &err, &used, out, &outlen);
    if (r == 0 && used == 1) {
      kind[b] = CHAR;
      single[b] = one_bmp (out, outlen, b);
    } else if (err == EINVAL && used == 0 && outlen == 0) {
      kind[b] = LEAD;
    } else if (err == EILSEQ && used == 0 && outlen == 0) {
      kind[b] = INVALID;
    } else {
      fail ("0x%02X alone: iconv returned %zd (errno %d, %zu used), neither a character, a lead byte nor invalid",
            b, (ssize_t) r, err, used);
    }
  }

  unsigned leads = 0, tmin = 256, tmax = 0, chars = 0;
  for (unsigned l = 0; l < 256; l++)
    for (unsigned t = 0; t < 256; t++) {
      in[0] = (unsigned char) l;
      in[1] = (unsigned char) t;
      size_t r = convert (in, 2, &err, &used, out, &outlen);
      unsigned bytes = l << 8 | t;
      if (kind[l] == LEAD) {
        if (r == 0 && used == 2) {
          unsigned c = one_bmp (out, outlen, bytes);
          if (c == 0)
            fail ("0x%04X: U+0000 (0 marks no character in the table)", bytes);
          pair[l][t] = c;
          chars++;
          tmin = t < tmin ? t : tmin;
          tmax = t > tmax ? t : tmax;
        } else if (!(err == EILSEQ && used == 0 && outlen == 0)) {
          fail ("0x%04X: a lead byte and a byte give neither one character nor EILSEQ at the lead "
                "(iconv returned %zd, errno %d, %zu used)", bytes, (ssize_t) r, err, used);
        }
        continue;
      }
      /* no lead byte: the pair must give what the first byte gives alone,
       * then what the second gives afresh */
      int want_err = kind[l] == INVALID ? EILSEQ : kind[t] == LEAD ? EINVAL : kind[t] == INVALID ? EILSEQ : 0;
      size_t want_used = kind[l] == INVALID ? 0 : kind[t] == CHAR ? 2 : 1;
      unsigned char want[16];
      size_t want_len = 0;
      if (kind[l] == CHAR)
        want_len += encode (single[l], want);
      if (kind[l] == CHAR && kind[t] == CHAR)
        want_len += encode (single[t], want + want_len);
      if (err != want_err || used != want_used || (err == 0 && r != 0) || outlen != want_len ||
          memcmp (out, want, want_len) != 0)
        fail ("0x%04X: its first byte, no lead byte, converts otherwise followed by another", bytes);
    }
  for (unsigned l = 0; l < 256; l++)
    if (kind[l] == LEAD)
      leads++;
  if (leads == 0 || leads >= NOT_LEAD || chars == 0)
    fail ("%u lead bytes, %u double-byte characters: not CP932", leads, chars);
  iconv_close (cd);

  FILE *f = fopen (argv[1], "w");
  if (f == NULL) {
    perror (argv[1]);
    return 1;
  }
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
    fprintf (f, "%s0x%04X,", b % 8 ? " " : "\n  ", kind[b] == CHAR ? single[b] : NONE);
  fprintf (f, "\n};\n\n/* each lead byte's row in cp932_double, else CP932_NOT_LEAD */\n");
  fprintf (f, "static const uint8_t cp932_row[256] = {");
  unsigned row = 0;
  for (unsigned b = 0; b < 256; b++)
    fprintf (f, "%s%u,", b % 16 ? " " : "\n  ", kind[b] == LEAD ? row++ : NOT_LEAD);
  fprintf (f, "\n};\n\n/* [row][trail - CP932_TRAIL_MIN]: the code point, or 0 (EILSEQ at the lead) */\n");
  fprintf (f, "static const uint16_t cp932_double[CP932_LEADS][CP932_TRAIL_MAX - CP932_TRAIL_MIN + 1] = {\n");
  for (unsigned l = 0; l < 256; l++) {
    if (kind[l] != LEAD)
      continue;
    fprintf (f, "  { /* 0x%02X */", l);
    for (unsigned t = tmin; t <= tmax; t++)
      fprintf (f, "%s0x%04X,", (t - tmin) % 8 ? " " : "\n    ", pair[l][t]);
    fprintf (f, "\n  },\n");
  }
  fprintf (f, "};\n");
  if (ferror (f) | fclose (f)) {
    perror (argv[1]);
    remove (argv[1]);
    return 1;
  }
  return 0;
}
