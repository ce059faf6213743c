/* fuzz-text.c — libFuzzer target: src/text.c, bytes to matchable text.
 *
 * Input: byte 0 picks the declared charset (from the list below), byte 1 is
 * flags (bit 0: drop quoted lines), the rest is the text.  Checked:
 *   E1  where the API takes a length, the function reads no further: its
 *       input is given in a buffer of exactly that length, with no NUL after
 *       it (with E1 skipped, a NUL follows, as the callers in src/ have it)
 *   X1  (text.h: "every function here returns … valid UTF-8")
 *       cn_text_to_utf8, cn_text_decode_header, cn_text_html_to_text and
 *       cn_text_for_matching return valid UTF-8
 *   X2  cn_text_decode_header's result has no control characters (C0, DEL,
 *       C1), no runs of spaces and no leading or trailing space
 *   X3  cn_text_for_matching's result has no CR, ends every line in "\n",
 *       keeps no quoted line when asked to drop them, and is a fixed point
 *       (running it again changes nothing)
 *   X4  cn_text_nfkc gives what g_utf8_normalize (…, G_NORMALIZE_NFKC)
 *       gives, byte for byte (on the decoded text and on the raw bytes)
 * $CN_FUZZ_SKIP (comma-separated names) switches checks off.
 */
#include "fuzz-common.h"

#include "text.h"

static const char *const charsets[] = {
  "ISO-2022-JP", "Shift_JIS", "EUC-JP", "UTF-8", "iso-8859-1", NULL, "x-bogus-charset",
  "us-ascii", "windows-1252", "CP932", "ISO-2022-JP-2", "latin1", "UTF-16", "UTF-7",
  "GB18030", "ISO-2022-KR", "", " utf-8 ", "iso-8859-99",
  /* the charsets text.c decodes from tables (cp932.c, sbcs.c, euc.c) */
  "EUC-KR", "eucjp-ms", "iso8859-15", "ISO-8859-5", "cp1250", "windows-1251", "l1", "WINDOWS-1255",
  "koi8-r", "TIS-620", "windows-874",
  /* names glibc's iconv knows but text.c does not: its output is not
   * necessarily valid UTF-8 (code points above U+10FFFF pass through) */
  "UCS-4", "\x01\x02UTF-8", "UTF-32", "WCHAR_T",
};

static char **skips;

static gboolean
check_on (const char *name)
{
  return skips == NULL || !g_strv_contains ((const char *const *) skips, name);
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  cn_fuzz_setup ();
  const char *skip = g_getenv ("CN_FUZZ_SKIP");
  if (skip && *skip)
    skips = g_strsplit (skip, ",", -1);
  return 0;
}

static void
check_valid (const char *fn, const char *out, const char *cs)
{
  CN_FUZZ_CHECK (out != NULL, "X1: %s returned NULL", fn);
  if (!check_on ("X1"))
    return;
  const char *bad = NULL;
  if (!g_utf8_validate (out, -1, &bad)) {
    g_autofree char *esc = cn_fuzz_escape (out, strlen (out));
    CN_FUZZ_CHECK (FALSE, "X1: %s (charset %s) returned invalid UTF-8 at byte %zu: \"%.400s\"", fn,
                   cs ? cs : "NULL", (size_t) (bad - out), esc);
  }
}

static void
check_header (const char *h)
{
  if (!check_on ("X2"))
    return;
  gsize n = strlen (h);
  g_autofree char *esc = cn_fuzz_escape (h, n);
  CN_FUZZ_CHECK (n == 0 || (h[0] != ' ' && h[n - 1] != ' '), "X2: decoded header not trimmed: \"%s\"", esc);
  CN_FUZZ_CHECK (strstr (h, "  ") == NULL, "X2: run of spaces in a decoded header: \"%s\"", esc);
  for (gsize i = 0; i < n; i++) {
    CN_FUZZ_CHECK ((guchar) h[i] >= 0x20 && h[i] != 0x7f, "X2: control character 0x%02x in a decoded header: \"%s\"",
                   (guchar) h[i], esc);
    CN_FUZZ_CHECK (!((guchar) h[i] == 0xc2 && i + 1 < n && (guchar) h[i + 1] >= 0x80 && (guchar) h[i + 1] <= 0x9f),
                   "X2: C1 control U+00%02X in a decoded header: \"%s\"", (guchar) h[i + 1], esc);
  }
}

/* A copy of the LEN bytes at S: without a NUL after them (E1), else with. */
static char *
exact_copy (const char *s, gsize len)
{
  if (!check_on ("E1"))
    return g_strndup (s, len);
  return g_memdup2 (s, len ? len : 1);
}

/* cn_text_for_matching on UTF8, with the X3 checks. */
static void
matching (const char *utf8, gboolean drop, const char *cs)
{
  gsize len = strlen (utf8);
  g_autofree char *exact = exact_copy (utf8, len);
  g_autofree char *m = cn_text_for_matching (exact, len, drop);
  check_valid ("cn_text_for_matching", m, cs);
  if (!check_on ("X3"))
    return;
  gsize n = strlen (m);
  g_autofree char *esc = cn_fuzz_escape (m, MIN (n, 400));
  CN_FUZZ_CHECK (strchr (m, '\r') == NULL, "X3: CR in text for matching: \"%s\"", esc);
  CN_FUZZ_CHECK (n == 0 || m[n - 1] == '\n', "X3: text for matching does not end in a line end: \"%s\"", esc);
  if (drop) {
    for (const char *line = m; *line;) {
      const char *s = line + strspn (line, " \t");
      CN_FUZZ_CHECK (*s != '>', "X3: a quoted line was kept: \"%s\"", esc);
      const char *nl = strchr (line, '\n');
      line = nl ? nl + 1 : line + strlen (line);
    }
  }
  g_autofree char *again = cn_text_for_matching (m, n, drop);
  if (strcmp (again, m) != 0) {
    g_autofree char *esc2 = cn_fuzz_escape (again, MIN (strlen (again), 400));
    CN_FUZZ_CHECK (FALSE, "X3: not a fixed point:\n  once  \"%s\"\n  twice \"%s\"", esc, esc2);
  }
}

/* X4: the NFKC of the LEN bytes at S, in parts, is GLib's. */
static void
nfkc (const char *s, gssize len)
{
  g_autofree char *want = g_utf8_normalize (s, len, G_NORMALIZE_NFKC);
  g_autofree char *got = cn_text_nfkc (s, len);
  if (g_strcmp0 (want, got) != 0) {
    g_autofree char *in = cn_fuzz_escape (s, MIN ((gsize) len, 300));
    g_autofree char *w = want ? cn_fuzz_escape (want, MIN (strlen (want), 300)) : g_strdup ("(null)");
    g_autofree char *g = got ? cn_fuzz_escape (got, MIN (strlen (got), 300)) : g_strdup ("(null)");
    CN_FUZZ_CHECK (FALSE, "X4: cn_text_nfkc (\"%s\") is \"%s\", GLib's NFKC \"%s\"", in, g, w);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  const char *cs = charsets[data[0] % G_N_ELEMENTS (charsets)];
  gboolean drop = (data[1] & 1) != 0;
  /* the text ends where libFuzzer's buffer ends: nothing to read past it */
  g_autofree char *copy = check_on ("E1") ? NULL : g_strndup ((const char *) data + 2, size - 2);
  const char *text = copy ? copy : (const char *) data + 2;
  gsize len = size - 2;

  CnDecodeStatus lossy = { 0 };
  g_autofree char *utf8 = cn_text_to_utf8 (text, len, cs, &lossy);
  check_valid ("cn_text_to_utf8", utf8, cs);

  g_autofree char *raw = g_strndup (text, len);
  g_autofree char *header = cn_text_decode_header (raw, &lossy);
  check_valid ("cn_text_decode_header", header, cs);
  check_header (header);

  gsize ulen = strlen (utf8);
  g_autofree char *exact = exact_copy (utf8, ulen);
  g_autofree char *plain = cn_text_html_to_text (exact, ulen);
  check_valid ("cn_text_html_to_text", plain, cs);

  matching (utf8, drop, cs);
  matching (plain, drop, cs);
  if (check_on ("X4")) {
    nfkc (utf8, (gssize) ulen);
    nfkc (text, (gssize) len);
  }
  return 0;
}
