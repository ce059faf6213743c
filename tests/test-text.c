/* test-text.c — unit tests for text.c (charsets, RFC 2047, HTML, NFKC) and
 * the extraction helpers of match.c. */
#include "text.h"
#include "match.h"

#include <string.h>

static void
check_decode (const char *bytes, gssize len, const char *charset, const char *want, gboolean want_lossy)
{
  CnDecodeStatus st = { 0 };
  g_autofree char *got = cn_text_to_utf8 (bytes, len < 0 ? strlen (bytes) : (gsize) len, charset, &st);
  g_assert_true (g_utf8_validate (got, -1, NULL));
  g_assert_cmpstr (got, ==, want);
  g_assert_cmpint (st.lossy, ==, want_lossy);
}

static void
test_charsets (void)
{
  /* ISO-2022-JP: "更新エラー" */
  check_decode ("\x1b$B99?7%(%i!<\x1b(B", -1, "ISO-2022-JP", "更新エラー", FALSE);
  /* ISO-2022-JP with an NEC row-13 character (①), which glibc rejects */
  check_decode ("\x1b$B-!\x1b(B", -1, "iso-2022-jp", "①", FALSE);
  /* Shift_JIS read as CP932: ～ (0x8160) and ㈱ (0x878a) */
  check_decode ("\x81\x60\x87\x8a", -1, "Shift_JIS", "～㈱", FALSE);
  check_decode ("\x87\x40", -1, "x-sjis", "①", FALSE);
  /* EUC-JP */
  check_decode ("\xb9\xb9\xbf\xb7", -1, "EUC-JP", "更新", FALSE);
  /* UTF-8 labelled ISO-8859-1: believed to be UTF-8 */
  check_decode ("\xe6\x9b\xb4\xe6\x96\xb0", -1, "iso-8859-1", "更新", FALSE);
  /* real Latin-1 stays Latin-1 */
  check_decode ("caf\xe9", -1, "iso-8859-1", "café", FALSE);
  /* undeclared 8-bit: detected (Shift_JIS here) */
  check_decode ("\x8d\x58\x90\x56", -1, NULL, "更新", FALSE);
  /* UTF-8 with a stray byte: replaced, the rest kept */
  check_decode ("\xe6\x9b\xb4\xff\xe6\x96\xb0", -1, "UTF-8", "更\xef\xbf\xbd新", TRUE);
  /* unknown charset name: falls back, never fails */
  check_decode ("abc", -1, "x-no-such-charset", "abc", FALSE);
  /* NULs never cut the text short */
  check_decode ("a\0b", 3, "UTF-8", "a b", FALSE);
  /* glibc's iconv passes code points above U+10FFFF through (fuzz X1/M1):
   * the result must still be valid UTF-8 */
  {
    CnDecodeStatus st = { 0 };
    g_autofree char *u = cn_text_to_utf8 ("\0\0\0w\x7f\xff\xff\xff\0\0\0w", 12, "UCS-4", &st);
    g_assert_true (g_utf8_validate (u, -1, NULL));
    g_assert_true (st.lossy);
    g_autofree char *v = cn_text_to_utf8 ("a\xf5\x99\xac\xb0" "b", 6, "\x01UTF8", NULL);
    g_assert_true (g_utf8_validate (v, -1, NULL));
  }
  /* a truncated multibyte sequence at the end */
  check_decode ("\x8d\x58\x90\x56\x8d", -1, "Shift_JIS", "更新\xef\xbf\xbd", TRUE);
}

static void
check_header (const char *raw, const char *want)
{
  g_autofree char *got = cn_text_decode_header (raw, NULL);
  g_assert_cmpstr (got, ==, want);
}

static void
test_rfc2047 (void)
{
  /* Python's email package (policy.SMTP), UTF-8 base64, split mid-subject
   * with '=' padding inside the run (GMime 3.2.13 stops there) */
  check_header (" =?utf-8?b?W+OBleOBj+OCieOCpOODs+OCv+ODvOODjeODg+ODiF3jgJDph43opoE=?=\r\n"
                " =?utf-8?b?44CRU1NM44K144O844OQ6Ki85piO5pu4IOacieWKueacn+mWk+OBq+mWouOBmQ==?=\r\n"
                " =?utf-8?b?44KL44GU5qGI5YaF?=",
                "[さくらインターネット]【重要】SSLサーバ証明書 有効期間に関するご案内");
  /* Python's email.header.Header, ISO-2022-JP over three words */
  check_header ("=?iso-2022-jp?b?WxskQiQ1JC8kaSUkJXMlPyE8JU0lQyVIGyhCXRskQiFaPUVNVyFbTDUbKEI=?=\n"
                " =?iso-2022-jp?b?GyRCTkEbKEJTU0wbJEI+WkxAPXEbKEIgGyRCOTk/NyUoJWkhPCRLGyhC?=\n"
                " =?iso-2022-jp?b?GyRCJEQkJCRGGyhC?=",
                "[さくらインターネット]【重要】無料SSL証明書 更新エラーについて");
  /* a multibyte character split across two words (some mailers do) */
  check_header ("=?UTF-8?B?5pu0?= =?UTF-8?B?5paw?=", "更新");
  check_header ("=?UTF-8?B?5ps=?= =?UTF-8?B?tOaWsA==?=", "更新");
  /* Q encoding, underscores, lowercase charset, RFC 2231 language */
  check_header ("=?utf-8?q?SSL=E6=9B=B4=E6=96=B0_ok?=", "SSL更新 ok");
  check_header ("=?UTF-8*ja?Q?abc?=", "abc");
  /* text between words is kept, whitespace between words is not */
  check_header ("Re: =?UTF-8?B?5pu0?= and =?UTF-8?B?5paw?=", "Re: 更 and 新");
  /* malformed words stay as written */
  check_header ("=?UTF-8?X?abc?= =?broken", "=?UTF-8?X?abc?= =?broken");
  /* raw 8-bit UTF-8 and raw Shift_JIS headers */
  check_header ("\xe6\x9b\xb4\xe6\x96\xb0", "更新");
  check_header ("\x8d\x58\x90\x56", "更新");
  /* folding and control characters become single spaces */
  check_header ("  a\r\n\tb \x01 c  ", "a b c");
  /* C1 controls too (U+009B is a terminal's CSI), raw or encoded */
  check_header ("a\xc2\x9b" "31m", "a 31m");
  check_header ("=?UTF-8?B?wpsxbQ==?=", "1m");
}

static void
test_encoded_word_flood (void)
{
  g_autoptr (GString) s = g_string_new (NULL);
  for (int i = 0; i < CN_MAX_ENCODED_WORDS + 100; i++)
    g_string_append (s, "=?UTF-8?B?YQ==?= ");
  g_autofree char *got = cn_text_decode_header (s->str, NULL);
  /* the first CN_MAX_ENCODED_WORDS are decoded and joined, the rest kept raw */
  g_assert_true (g_str_has_prefix (got, "aaaa"));
  g_assert_nonnull (strstr (got, "=?UTF-8?B?YQ==?="));
  g_assert_cmpuint (strspn (got, "a"), ==, CN_MAX_ENCODED_WORDS);
}

static void
check_html (const char *html, const char *want)
{
  g_autofree char *got = cn_text_html_to_text (html, strlen (html));
  g_assert_cmpstr (got, ==, want);
}

static void
test_html (void)
{
  check_html ("<p>a</p><p>b<br>c</p>", "\na\n\nb\nc\n");
  check_html ("x&amp;y &lt;&gt; &#12450;&#x30A2; &nbsp;z", "x&y <> アア  z");
  check_html ("<style>p{color:red}</style><script>if (a<b) x()</script>t", "t");
  check_html ("<a href=\"x>y\">link</a>", "link");
  check_html ("a<!-- <p>hidden</p> -->b", "ab");
  check_html ("1 < 2 &bogus; &#0; &#xZZ;", "1 < 2 &bogus; \xef\xbf\xbd &#xZZ;");
  check_html ("<table><tr><td>a</td><td>b</td></tr></table>", "\n\n a  b \n\n");
  check_html ("line\none", "line one");
  check_html ("<unclosed", "");
  /* a '<' as the very last byte (fuzz finding E1: read past the end) */
  g_autofree char *lt = g_strndup ("ab<", 3);
  g_autofree char *got = cn_text_html_to_text (lt, 3);
  g_assert_cmpstr (got, ==, "ab<");
}

static void
test_for_matching (void)
{
  g_autofree char *a = cn_text_for_matching ("【約１５日前】\r\nコモンネーム：ｅｘａｍｐｌｅ．ｃｏｍ\r\n", -1, TRUE);
  g_assert_cmpstr (a, ==, "【約15日前】\nコモンネーム:example.com\n");
  g_autofree char *b = cn_text_for_matching ("keep\n> quoted\n  >> deeper\n＞ fullwidth\nkeep2", -1, TRUE);
  g_assert_cmpstr (b, ==, "keep\nkeep2\n");
  g_autofree char *c = cn_text_for_matching ("> kept when not dropping", -1, FALSE);
  g_assert_cmpstr (c, ==, "> kept when not dropping\n");
  g_autofree char *d = cn_text_for_matching ("a\rb\r\n\nc", -1, TRUE);
  g_assert_cmpstr (d, ==, "a\nb\n\nc\n");
}

/* No code point of combining class 0 that cn_text_nfkc() may take for
 * stable is the second of a canonical pair, in GLib's tables. */
static void
test_nfkc_ranges (void)
{
  guint pairs = 0;
  for (gunichar x = 0; x < 0x110000; x++) {
    gunichar a = 0, b = 0;
    if (!g_unichar_decompose (x, &a, &b) || b == 0)
      continue;
    pairs++;
    if (g_unichar_combining_class (b) == 0 && cn_text_nfkc_range (b))
      g_error ("U+%04X is the second of U+%04X's pair (U+%04X U+%04X)", b, x, a, b);
  }
  g_assert_cmpuint (pairs, >, 2000);
}

static void
check_nfkc (const char *s, gssize len)
{
  g_autofree char *want = g_utf8_normalize (s, len, G_NORMALIZE_NFKC);
  g_autofree char *got = cn_text_nfkc (s, len);
  g_assert_cmpstr (got, ==, want);
}

/* cn_text_nfkc() is g_utf8_normalize()'s NFKC, byte for byte. */
static void
test_nfkc_same (void)
{
  /* every code point of the BMP alone, after a stable one, and between
   * a letter and a combining mark */
  for (gunichar c = 1; c < 0x10000; c++) {
    if (c >= 0xd800 && c < 0xe000)
      continue;
    char one[8] = { 0 };
    g_unichar_to_utf8 (c, one);
    g_autofree char *a = g_strdup_printf ("%s", one);
    g_autofree char *b = g_strdup_printf ("\xc3\xa4%s\xcc\x88x", one);
    g_autofree char *d = g_strdup_printf ("\xe3\x81\x8b%s\xe3\x82\x99", one);
    check_nfkc (a, -1);
    check_nfkc (b, -1);
    check_nfkc (d, -1);
  }
  /* random text from code points that compose, decompose, reorder, or
   * stay as they are */
  static const gunichar pool[] = {
    'a', 'e', 'A', ' ', '\n', 0xe4, 0xdf, 0xc5, 0x300, 0x301, 0x308, 0x316, 0x327, 0x345, 0x3b1, 0x3c9, 0x1f00,
    0x3099, 0x309a, 0x309b, 0x304b, 0x30ab, 0x30cf, 0xff76, 0xff9e, 0xff9f, 0xff21, 0x3000, 0x2460, 0x3231,
    0x1100, 0x1161, 0x11a8, 0xac00, 0xac01, 0x09c7, 0x09be, 0x0b47, 0x0b3e, 0x0915, 0x093c, 0xfb01, 0x2126,
    0x212b, 0x1e9b, 0x323, 0x4e00, 0xf900, 0x2026, 0x1f600, 0x1d15e, 0x110ba, 0x11099,
  };
  GRand *r = g_rand_new_with_seed (14);
  for (int i = 0; i < 20000; i++) {
    GString *s = g_string_new (NULL);
    int n = g_rand_int_range (r, 1, 24);
    for (int k = 0; k < n; k++)
      g_string_append_unichar (s, pool[g_rand_int_range (r, 0, G_N_ELEMENTS (pool))]);
    check_nfkc (s->str, -1);
    check_nfkc (s->str, (gssize) (s->len / 2));   /* maybe cut inside a code point: invalid */
    g_string_free (s, TRUE);
  }
  g_rand_free (r);
  /* long accented text, invalid UTF-8, surrogates, NUL */
  GString *l = g_string_new (NULL);
  while (l->len < 70000)
    g_string_append (l, "Die hei\xc3\x9f" "e Zypernsonne qu\xc3\xa4lte Max und Victoria ja b\xc3\xb6se ");
  check_nfkc (l->str, -1);
  g_string_free (l, TRUE);
  check_nfkc ("a\xff" "b", -1);
  check_nfkc ("\xed\xa0\x80x\xc3\xa4", -1);
  check_nfkc ("\xf4\x90\x80\x80\xc3\xa4", -1);
  check_nfkc ("ab\0cd", 5);
}

static void
check_domain (const char *in, const char *want)
{
  g_autofree char *got = cn_normalize_domain (in);
  g_assert_cmpstr (got, ==, want);
}

static void
test_domains (void)
{
  check_domain ("Example.COM.", "example.com");
  check_domain ("  www.example.co.jp  ", "www.example.co.jp");
  check_domain ("例え.jp", "xn--r8jz45g.jp");
  check_domain ("xn--r8jz45g.jp", "xn--r8jz45g.jp");
  check_domain ("*.example.com", "example.com");
  check_domain ("<example.org>", "example.org");
  check_domain ("localhost", NULL);
  check_domain ("192.0.2.1", NULL);
  check_domain ("-bad.example.com", NULL);
  check_domain ("bad_label.example.com", NULL);
  check_domain ("a..b.com", NULL);
  check_domain ("", NULL);
  g_autofree char *long_label = g_strnfill (64, 'a');
  g_autofree char *too_long = g_strconcat (long_label, ".com", NULL);
  check_domain (too_long, NULL);
}

static void
check_date (const char *in, int y, int m, int d)
{
  g_autoptr (GDate) got = cn_parse_date (in);
  if (y == 0) {
    g_assert_null (got);
    return;
  }
  g_assert_nonnull (got);
  g_assert_cmpint (g_date_get_year (got), ==, y);
  g_assert_cmpint (g_date_get_month (got), ==, m);
  g_assert_cmpint (g_date_get_day (got), ==, d);
}

static void
test_dates (void)
{
  check_date ("2021/08/15", 2021, 8, 15);
  check_date ("2020年4月28日", 2020, 4, 28);
  check_date ("2019-04-18 UTC", 2019, 4, 18);
  check_date ("2021.01.31", 2021, 1, 31);
  check_date ("2021 / 1 / 5", 2021, 1, 5);
  check_date ("2021/02/30", 0, 0, 0);
  check_date ("21/08/15", 0, 0, 0);
  check_date ("2021/08", 0, 0, 0);
  check_date ("99999999/1/1", 0, 0, 0);
  check_date ("April 18, 2019", 2019, 4, 18);
  check_date ("Dec 20 2021", 2021, 12, 20);
  check_date ("18 Sept 2019 UTC", 2019, 9, 18);
  check_date ("expires on 2019-04-18 UTC", 2019, 4, 18);
  check_date ("decided 2021/01/31", 2021, 1, 31);
  check_date ("Feb 30, 2021", 0, 0, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/charsets", test_charsets);
  g_test_add_func ("/text/rfc2047", test_rfc2047);
  g_test_add_func ("/text/rfc2047-flood", test_encoded_word_flood);
  g_test_add_func ("/text/html", test_html);
  g_test_add_func ("/text/for-matching", test_for_matching);
  g_test_add_func ("/text/nfkc/ranges", test_nfkc_ranges);
  g_test_add_func ("/text/nfkc/same", test_nfkc_same);
  g_test_add_func ("/match/domains", test_domains);
  g_test_add_func ("/match/dates", test_dates);
  return g_test_run ();
}
