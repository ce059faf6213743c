/* test-filter.c — the byte-exact splice of filter mode. */
#include "splice.h"

#include <string.h>

static void
check (const char *in, gssize inlen, const char *headers, const char *want, gssize wantlen)
{
  gsize n = inlen < 0 ? strlen (in) : (gsize) inlen;
  g_autoptr (GBytes) out = cn_splice (in, n, headers);
  gsize got_len = 0;
  const char *got = g_bytes_get_data (out, &got_len);
  gsize wl = wantlen < 0 ? strlen (want) : (gsize) wantlen;
  if (got_len != wl || (wl > 0 && memcmp (got, want, wl) != 0)) {
    g_autofree char *g = g_strescape (g_strndup (got, got_len), NULL);
    g_autofree char *w = g_strescape (g_strndup (want, wl), NULL);
    g_test_message ("got  %s\nwant %s", g, w);
    g_test_fail ();
  }
}

static void
test_splice (void)
{
  const char *h = "X-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\n";
  /* LF */
  check ("A: 1\nB: 2\n\nbody\n", -1, h,
         "A: 1\nB: 2\nX-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\n\nbody\n", -1);
  /* CRLF: our lines take the mail's line ending */
  check ("A: 1\r\n\r\nbody\r\n", -1, h,
         "A: 1\r\nX-Certnotice-Verdict: unverified\r\nX-Certnotice: provider=x\r\n\r\nbody\r\n", -1);
  /* bare CR (old Mac) */
  check ("A: 1\rB: 2\r\rbody\r", -1, h,
         "A: 1\rB: 2\rX-Certnotice-Verdict: unverified\rX-Certnotice: provider=x\r\rbody\r", -1);
  /* no body, no final line end */
  check ("A: 1\nB: 2", -1, h, "A: 1\nB: 2\nX-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\n", -1);
  /* preset X-Certnotice* headers go (any name with that prefix), folded
   * lines with them; other headers stay in order; the body is not touched */
  check ("X-Certnotice-Verdict: renewed\nA: 1\nx-certnotice: a;\n\tb\n c\nX-Certnotice-Other: z\nX-CertnoticeX: y\n"
         "X-Certnot: kept\nB: 2\n\nX-Certnotice: in body\n",
         -1, NULL, "A: 1\nX-Certnot: kept\nB: 2\n\nX-Certnotice: in body\n", -1);
  /* an mbox From_ line stays first and is never taken for a header */
  check ("From x@y Mon Jan  1 00:00:00 2024\nA: 1\n\nb\n", -1, h,
         "From x@y Mon Jan  1 00:00:00 2024\nA: 1\nX-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\n\nb\n", -1);
  /* NULs and 8-bit bytes, and nothing to add: identical */
  check ("A: \xff\0\n\n\0\x80\n", 7, NULL, "A: \xff\0\n\n\0\x80\n", 7);
  check ("A: \xff\0\n\n\0\x80\n", 7, "", "A: \xff\0\n\n\0\x80\n", 7);
  /* the line end comes from the blank line, not from a field being removed:
   * filtering twice changes nothing the second time (fuzz finding S2) */
  check ("X-Certnotice: old\r\nA: 1\n\nb\n", -1, h,
         "A: 1\nX-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\n\nb\n", -1);
  check ("A: 1\nX-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\n\nb\n", -1, h,
         "A: 1\nX-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\n\nb\n", -1);
  /* empty input */
  check ("", 0, NULL, "", 0);
}

static void
test_header_end (void)
{
  const char *eol;
  g_assert_cmpuint (cn_splice_header_end ("A: 1\n\nb", 7, &eol), ==, 5);
  g_assert_cmpstr (eol, ==, "\n");
  g_assert_cmpuint (cn_splice_header_end ("A: 1\r\n\r\nb", 9, &eol), ==, 6);
  g_assert_cmpstr (eol, ==, "\r\n");
  g_assert_cmpuint (cn_splice_header_end ("A: 1", 4, &eol), ==, 4);
  g_assert_cmpuint (cn_splice_header_end ("\nbody", 5, &eol), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/filter/splice", test_splice);
  g_test_add_func ("/filter/header-end", test_header_end);
  return g_test_run ();
}
