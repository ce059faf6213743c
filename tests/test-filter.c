/* test-filter.c — the byte-exact splice of filter mode. */
#include "splice.h"

#include <string.h>

/* The first 300 bytes of S, escaped, for a message. */
static char *
escape (const char *s, gsize n)
{
  GString *out = g_string_new (NULL);
  for (gsize i = 0; i < n && i < 300; i++) {
    guchar c = (guchar) s[i];
    if (c == '\n')
      g_string_append (out, "\\n");
    else if (c == '\r')
      g_string_append (out, "\\r");
    else if (c < 0x20 || c >= 0x7f)
      g_string_append_printf (out, "\\x%02x", c);
    else
      g_string_append_c (out, (char) c);
  }
  if (n > 300)
    g_string_append_printf (out, "… (%zu bytes)", (size_t) n);
  return g_string_free (out, FALSE);
}

static void
check (const char *in, gssize inlen, const char *headers, const char *want, gssize wantlen)
{
  gsize n = inlen < 0 ? strlen (in) : (gsize) inlen;
  g_autoptr (GBytes) out = cn_splice (in, n, headers);
  gsize got_len = 0;
  const char *got = g_bytes_get_data (out, &got_len);
  gsize wl = wantlen < 0 ? strlen (want) : (gsize) wantlen;
  if (got_len != wl || (wl > 0 && memcmp (got, want, wl) != 0)) {
    g_autofree char *g = escape (got, got_len);
    g_autofree char *w = escape (want, wl);
    g_test_message ("got  %s\nwant %s", g, w);
    g_test_fail ();
  }
}

static void
test_splice (void)
{
  const char *h = "X-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\n";
  /* LF: our fields go at the top */
  check ("A: 1\nB: 2\n\nbody\n", -1, h,
         "X-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\nA: 1\nB: 2\n\nbody\n", -1);
  /* CRLF: our lines take the mail's line ending */
  check ("A: 1\r\n\r\nbody\r\n", -1, h,
         "X-Certnotice-Verdict: unverified\r\nX-Certnotice: provider=x\r\nA: 1\r\n\r\nbody\r\n", -1);
  /* bare CR (old Mac): one long line to every delivery agent, ending in CR:
   * ours in CR LF */
  check ("A: 1\rB: 2\r\rbody\r", -1, h,
         "X-Certnotice-Verdict: unverified\r\nX-Certnotice: provider=x\r\nA: 1\rB: 2\r\rbody\r", -1);
  check ("A: 1\rB: 2\r\rbody", -1, h,
         "X-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\nA: 1\rB: 2\r\rbody", -1);
  /* no body, no final line end: nothing else is added */
  check ("A: 1\nB: 2", -1, h, "X-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\nA: 1\nB: 2", -1);
  /* preset X-Certnotice* headers go (any name with that prefix), folded
   * lines with them; other headers stay in order; the body is not touched */
  check ("X-Certnotice-Verdict: renewed\nA: 1\nx-certnotice: a;\n\tb\n c\nX-Certnotice-Other: z\nX-CertnoticeX: y\n"
         "X-Certnot: kept\nB: 2\n\nX-Certnotice: in body\n",
         -1, NULL, "A: 1\nX-CertnoticeX: y\nX-Certnot: kept\nB: 2\n\nX-Certnotice: in body\n", -1);
  /* an mbox From_ line stays first and is never taken for a header */
  check ("From x@y Mon Jan  1 00:00:00 2024\nA: 1\n\nb\n", -1, h,
         "From x@y Mon Jan  1 00:00:00 2024\nX-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\nA: 1\n\nb\n", -1);
  check ("From x@y", -1, h, "From x@y\nX-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\n", -1);
  /* NULs and 8-bit bytes in the body, and nothing to add: identical */
  check ("A: \xff\n\n\0\x80\n", 7, NULL, "A: \xff\n\n\0\x80\n", 7);
  check ("A: \xff\n\n\0\x80\n", 7, "", "A: \xff\n\n\0\x80\n", 7);
  /* the line end comes from the first line kept, not from a field being
   * removed: filtering twice changes nothing the second time (fuzz S2) */
  check ("X-Certnotice: old\r\nA: 1\n\nb\n", -1, h,
         "X-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\nA: 1\n\nb\n", -1);
  check ("X-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\nA: 1\n\nb\n", -1, h,
         "X-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\nA: 1\n\nb\n", -1);
  /* white space at the top does not become part of our last field */
  check (" x\nA: 1\n\nb\n", -1, h, " x\nX-Certnotice-Verdict: unverified\nX-Certnotice: provider=x\nA: 1\n\nb\n", -1);
  /* a last line ending in CR gets CR LF, so that filtering again agrees
   * (fuzz finding S2-cr-at-end-of-last-line) */
  check (" x\rbody\r", -1, h, " x\rbody\r\r\nX-Certnotice-Verdict: unverified\r\nX-Certnotice: provider=x\r\n", -1);
  check (" x\rbody\r\r\nX-Certnotice-Verdict: unverified\r\nX-Certnotice: provider=x\r\n", -1, h,
         " x\rbody\r\r\nX-Certnotice-Verdict: unverified\r\nX-Certnotice: provider=x\r\n", -1);
  /* empty input */
  check ("", 0, NULL, "", 0);
  check ("", 0, h, h, -1);
}

/* #16.1: white space, CRs or a NUL before the colon still name our field */
static void
test_preset_forms (void)
{
  const char *h = "X-Certnotice-Verdict: suspicious\nX-Certnotice: provider=x\n";
  const char *want = "X-Certnotice-Verdict: suspicious\nX-Certnotice: provider=x\nA: 1\n\nb\n";
  check ("X-Certnotice-Verdict : action-required\nA: 1\n\nb\n", -1, h, want, -1);
  check ("X-Certnotice-Verdict\t: action-required\nA: 1\n\nb\n", -1, h, want, -1);
  check ("x-CERTNOTICE-verdict  \t :action-required\nA: 1\n\nb\n", -1, h, want, -1);
  check ("X-Certnotice\r-Verdict: action-required\nA: 1\n\nb\n", -1, h, want, -1);   /* maildrop drops CRs */
  check ("\rX-Certnotice-Verdict: action-required\nA: 1\n\nb\n", -1, h, want, -1);
  check ("X-Certnotice-Verdict\r: action-required\nA: 1\n\nb\n", -1, h, want, -1);
  check ("A: 1\nX-Certnotice-Verdict\0: action-required\n\nb\n", 47, h, want, -1);  /* maildrop: NUL = space */
  check ("X-Certnotice :x\n  folded\nA: 1\n\nb\n", -1, h, want, -1);
  /* a long name of ours is ours (fuzz finding S4-long-name-of-ours) */
  check ("X-Certnotice-Verccccccccccccccccccccccccccccccccccccccccccccccccdict: x\nA: 1\n\nb\n", -1, h, want, -1);
  check ("X-Certnotice                                      : x\nA: 1\n\nb\n", -1, h, want, -1);
  /* not ours: another name, or no colon on the line */
  check ("X-Certnotice-Verdict\n: x\nA: 1\n\nb\n", -1, NULL, "X-Certnotice-Verdict\n: x\nA: 1\n\nb\n", -1);
  check ("X-Certnotices: x\nX-Cert notice: y\n\nb\n", -1, NULL, "X-Certnotices: x\nX-Cert notice: y\n\nb\n", -1);
}

/* #16.2: where the header section ends, as procmail reads it */
static void
test_procmail_reading (void)
{
  const char *h = "X-Certnotice-Verdict: suspicious\nX-Certnotice: provider=x\n";
  /* a line that is only CR LF does not end procmail's header section */
  check ("A: 1\n\r\nX-Certnotice-Verdict: action-required\n\nb\n", -1, h,
         "X-Certnotice-Verdict: suspicious\nX-Certnotice: provider=x\nA: 1\n\r\n\nb\n", -1);
  /* a mail that starts with LFs: procmail skips them */
  check ("\n\nX-Certnotice-Verdict: action-required\nA: 1\n\nb\n", -1, NULL, "\n\nA: 1\n\nb\n", -1);
  check ("\n\nX-Certnotice-Verdict: action-required\nA: 1\n\nb\n", -1, h,
         "X-Certnotice-Verdict: suspicious\nX-Certnotice: provider=x\n\n\nX-Certnotice-Verdict: action-required\nA: 1\n\nb\n", -1);
  /* … also once a dropped field no longer separates two runs of LFs */
  check ("\nX-Certnotice: a\n\nX-Certnotice-Verdict: b\n\nz\n", -1, NULL, "\n\n\nz\n", -1);
  /* a NUL before the first LF LF: procmail's header section is all of it */
  check ("A: 1\0\n\nb\nX-Certnotice-Verdict: action-required\n", 47, NULL, "A: 1\0\n\nb\n", 9);
  /* CRs and no LF in the first 8 KiB: LF lines are what the agents read */
  g_autoptr (GString) cr = g_string_new ("A: 1\r");
  while (cr->len < 9000)
    g_string_append (cr, "B: 2\r");
  /* (the first line ends in CR LF: our lines too) */
  g_autoptr (GString) want = g_string_new ("X-Certnotice-Verdict: suspicious\r\nX-Certnotice: provider=x\r\n");
  g_string_append_len (want, cr->str, cr->len);
  g_string_append (cr, "\nX-Certnotice-Verdict: action-required\n\nb\n");
  g_string_append (want, "\n\nb\n");
  check (cr->str, cr->len, h, want->str, want->len);
  /* a CRLF mail: procmail's header section runs to the first LF LF */
  check ("A: 1\r\n\r\nX-Certnotice-Verdict: x\r\n", -1, NULL, "A: 1\r\n\r\n", -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/filter/splice", test_splice);
  g_test_add_func ("/filter/preset-forms", test_preset_forms);
  g_test_add_func ("/filter/procmail-reading", test_procmail_reading);
  return g_test_run ();
}
