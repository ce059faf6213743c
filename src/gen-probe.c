/* gen-probe.c — glibc's iconv asked about a few bytes at a time, for the
 * table generators (gen-probe.h). */
#include "gen-probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static const char *prog = "gen";

void
probe_init (const char *argv0)
{
  const char *slash = strrchr (argv0, '/');
  prog = slash ? slash + 1 : argv0;
}

void
probe_fail (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "%s: ", prog);
  vfprintf (stderr, fmt, ap);
  fprintf (stderr, "\n");
  va_end (ap);
  exit (1);
}

/* the N bytes at IN in hex, for messages (static storage) */
static const char *
hex (const unsigned char *in, size_t n)
{
  static char buf[2 * 8 + 1];
  size_t i;
  for (i = 0; i < n && i < 8; i++)
    snprintf (buf + 2 * i, 3, "%02X", in[i]);
  buf[2 * i] = '\0';
  return buf;
}

iconv_t
probe_open (const char *from)
{
  iconv_t cd = iconv_open ("UTF-8", from);
  if (cd == (iconv_t) -1)
    probe_fail ("iconv_open (\"UTF-8\", \"%s\") on the build machine: %s", from, strerror (errno));
  return cd;
}

size_t
probe_convert (iconv_t cd, const unsigned char *in, size_t len, int *err, size_t *used, unsigned char *out,
               size_t *outlen)
{
  char *ip = (char *) in, *op = (char *) out;
  size_t ileft = len, oleft = PROBE_OUT;
  iconv (cd, NULL, NULL, NULL, NULL);
  errno = 0;
  size_t r = iconv (cd, &ip, &ileft, &op, &oleft);
  *err = r == (size_t) -1 ? errno : 0;
  *used = len - ileft;
  *outlen = PROBE_OUT - oleft;
  /* text.c's loop ends with a flush: here it must write nothing (no
   * character held back, no state) */
  char rest[PROBE_OUT], *rp = rest;
  size_t rleft = sizeof rest;
  iconv (cd, NULL, NULL, &rp, &rleft);
  if (rleft != sizeof rest)
    probe_fail ("0x%s: %zu bytes of output held back until the end (a converter with state)", hex (in, len),
                sizeof rest - rleft);
  return r;
}

unsigned
probe_one_bmp (const unsigned char *s, size_t n, unsigned bytes, unsigned marker)
{
  unsigned c;
  if (n == 1 && s[0] < 0x80)
    c = s[0];
  else if (n == 2 && (s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80)
    c = (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
  else if (n == 3 && (s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80)
    c = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
  else
    probe_fail ("0x%X: not one code point of the BMP (%u bytes of UTF-8)", bytes, (unsigned) n);
  if (c >= 0xd800 && c <= 0xdfff)
    probe_fail ("0x%X: a surrogate, U+%04X", bytes, c);
  if (c == marker)
    probe_fail ("0x%X: U+%04X, the table's marker", bytes, c);
  return c;
}

size_t
probe_encode (unsigned c, unsigned char *out)
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

int
probe_byte (iconv_t cd, unsigned b, unsigned marker, unsigned *c)
{
  unsigned char in[1] = { (unsigned char) b }, out[PROBE_OUT];
  size_t used, outlen;
  int err;
  size_t r = probe_convert (cd, in, 1, &err, &used, out, &outlen);
  if (r == 0 && used == 1 && outlen == 0)
    probe_fail ("0x%02X alone: consumed, nothing written (a shift or a mark: a converter with state)", b);
  if (r == 0 && used == 1) {
    *c = probe_one_bmp (out, outlen, b, marker);
    return PROBE_CHAR;
  }
  if (err == EINVAL && used == 0 && outlen == 0)
    return PROBE_LEAD;
  if (err == EILSEQ && used == 0 && outlen == 0)
    return PROBE_INVALID;
  probe_fail ("0x%02X alone: iconv returned %zd (errno %d, %zu used), neither a character, a lead byte nor invalid",
              b, (ssize_t) r, err, used);
}

void
probe_then (iconv_t cd, const unsigned char *in, size_t n, unsigned c, int kind, unsigned next)
{
  unsigned char out[PROBE_OUT], want[PROBE_OUT];
  size_t used, outlen;
  int err;
  size_t r = probe_convert (cd, in, n, &err, &used, out, &outlen);
  size_t want_len = probe_encode (c, want);
  if (kind == PROBE_CHAR)
    want_len += probe_encode (next, want + want_len);
  int want_err = kind == PROBE_LEAD ? EINVAL : kind == PROBE_INVALID ? EILSEQ : 0;
  size_t want_used = kind == PROBE_CHAR ? n : n - 1;
  if (err != want_err || used != want_used || (err == 0 && r != 0) || outlen != want_len ||
      memcmp (out, want, want_len) != 0)
    probe_fail ("0x%s: a character and a byte convert otherwise than each alone "
                "(iconv returned %zd, errno %d, %zu used)", hex (in, n), (ssize_t) r, err, used);
}

void
probe_rejected (iconv_t cd, const unsigned char *in, size_t n)
{
  unsigned char out[PROBE_OUT];
  size_t used, outlen;
  int err;
  size_t r = probe_convert (cd, in, n, &err, &used, out, &outlen);
  if (!(err == EILSEQ && used == 0 && outlen == 0))
    probe_fail ("0x%s: not rejected at its first byte (iconv returned %zd, errno %d, %zu used)", hex (in, n),
                (ssize_t) r, err, used);
}

FILE *
probe_create (const char *path)
{
  FILE *f = fopen (path, "w");
  if (f == NULL)
    probe_fail ("%s: %s", path, strerror (errno));
  return f;
}

void
probe_close (FILE *f, const char *path)
{
  if (ferror (f) | fclose (f)) {
    int e = errno;
    remove (path);
    probe_fail ("%s: %s", path, strerror (e));
  }
}
