/* test-euc.c — euc.c's tables decode exactly as glibc's iconv did
 * (EUC-JP-MS, which text.c reads every EUC-JP name as, and EUC-KR).
 *
 *   /euc/jp-pairs    every byte alone and every pair of bytes: the same
 *                    UTF-8 and the same count of replacements as glibc's
 *                    iconv ("UTF-8" from "EUC-JP-MS") through the loop
 *                    text.c used (ref_lossy, iconv-ref.c), from
 *                    cn_eucjp_lossy and through cn_text_to_utf8 as "EUC-JP"
 *   /euc/jp-triples  every three bytes 0x8F xx yy (JIS X 0212, the IBM
 *                    extensions, user-defined), and each followed by a
 *                    byte that begins a character: the same
 *   /euc/kr-pairs    every byte alone and every pair, EUC-KR: the same,
 *                    through cn_text_to_utf8 as "EUC-KR" too
 *   /euc/random      random byte strings (a fixed seed), mostly lead and
 *                    trail bytes, 0x8E and 0x8F: the same, for both
 *   /euc/names       every name text.c reads as EUC-JP (as glibc's
 *                    EUC-JP-MS, as before) or as EUC-KR (as iconv opened
 *                    with that very name), in the cases mail has them,
 *                    through cn_text_to_utf8 and cn_text_decode_header
 *   /euc/guess       undeclared 8-bit text in EUC-JP, which text.c tells
 *                    from Shift_JIS by the errors each gives: found
 */
#include "euc.h"
#include "iconv-ref.h"
#include "text.h"

#include <string.h>

static iconv_t jp, kr;

static guint
eucjp (gconstpointer table, const char *in, gsize len, GString *out)
{
  (void) table;
  return cn_eucjp_lossy (in, len, out);
}

static guint
euckr (gconstpointer table, const char *in, gsize len, GString *out)
{
  (void) table;
  return cn_euckr_lossy (in, len, out);
}

/* every byte alone and every pair: DECODE as ref_lossy with CD, and
 * through cn_text_to_utf8 as CHARSET */
static void
check_pairs (iconv_t cd, RefDecoder decode, const char *charset)
{
  ref_checked = 0;
  for (guint b = 0; b < 256; b++) {
    char s[1] = { (char) b };
    ref_check (cd, decode, NULL, s, 1, charset, FALSE);
  }
  for (guint l = 0; l < 256; l++)
    for (guint t = 0; t < 256; t++) {
      char s[2] = { (char) l, (char) t };
      ref_check (cd, decode, NULL, s, 2, charset, FALSE);
    }
  g_assert_cmpuint (ref_checked, ==, 256 + 256 * 256);
}

static void
test_jp_pairs (void)
{
  check_pairs (jp, eucjp, "EUC-JP");
}

static void
test_jp_triples (void)
{
  ref_checked = 0;
  guint chars = 0;
  for (guint a = 0; a < 256; a++)
    for (guint b = 0; b < 256; b++) {
      char s[4] = { '\x8f', (char) a, (char) b, '\xb0' };
      ref_check (jp, eucjp, NULL, s, 3, "EUC-JP", FALSE);
      /* followed by a byte that begins a character of two (0xB0), of
       * three (0x8F) */
      ref_check (jp, eucjp, NULL, s, 4, NULL, FALSE);
      s[3] = '\x8f';
      ref_check (jp, eucjp, NULL, s, 4, NULL, FALSE);
      g_autoptr (GString) ref = g_string_new (NULL);
      if (ref_lossy (jp, s, 3, ref) == 0)
        chars++;
    }
  g_assert_cmpuint (ref_checked, ==, 3 * 256 * 256);
  /* JIS X 0212 (6,067), the IBM extensions and the user-defined rows */
  g_assert_cmpuint (chars, >, 7000);
}

static void
test_kr_pairs (void)
{
  check_pairs (kr, euckr, "EUC-KR");
}

/* a byte for a random string: mostly what EUC's lead and trail bytes are,
 * 0x8E and 0x8F, and the bytes next to them */
static char
random_byte (GRand *r)
{
  static const guchar edges[] = { 0x00, 0x0a, 0x1b, 0x7f, 0x80, 0x8d, 0x8e, 0x8f, 0x90, 0x9f, 0xa0,
                                  0xa1, 0xa8, 0xad, 0xc9, 0xdf, 0xe0, 0xf4, 0xf5, 0xfd, 0xfe, 0xff };
  if (g_rand_int_range (r, 0, 100) < 60)   /* a lead or trail byte */
    return (char) g_rand_int_range (r, 0xa1, 0xff);
  return ref_random_byte (r, edges, G_N_ELEMENTS (edges));
}

static void
test_random (void)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (20932);
  guint jp_lossy = ref_check_random (r, 5000, random_byte, jp, eucjp, NULL, "EUC-JP", FALSE);
  guint kr_lossy = ref_check_random (r, 5000, random_byte, kr, euckr, NULL, "EUC-KR", FALSE);
  /* both kinds of string were met */
  g_assert_cmpuint (jp_lossy, >, 1000);
  g_assert_cmpuint (jp_lossy, <, 5000 - 250);
  g_assert_cmpuint (kr_lossy, >, 1000);
  g_assert_cmpuint (kr_lossy, <, 5000 - 250);
}

static void
test_names (void)
{
  /* text.c's names: EUC-JP ones decoded as EUC-JP-MS whatever iconv would
   * make of the name itself, EUC-KR ones as iconv opens the name */
  const char *jp_names[] = { "euc-jp", "x-euc-jp", "eucjp", "euc_jp", "cseucpkdfmtjapanese", "eucjp-ms" };
  const char *kr_names[] = { "euc-kr", "euckr", "cseuckr" };
  /* 証明書の更新 (JIS X 0208), ①㈱ (NEC row 13), 丂 (JIS X 0212,
   * 0x8FB0A1); 서버인증서갱신 (KS X 1001) */
  const char *jp_text = "\xbe\xda\xcc\xc0\xbd\xf1\xa4\xce\xb9\xb9\xbf\xb7\xad\xa1\xad\xea\x8f\xb0\xa1";
  const char *kr_text = "\xbc\xad\xb9\xf6\xc0\xce\xc1\xf5\xbc\xad\xb0\xbb\xbd\xc5";
  g_autoptr (GRand) r = g_rand_new_with_seed (5601);
  for (guint k = 0; k < G_N_ELEMENTS (jp_names) + G_N_ELEMENTS (kr_names); k++) {
    gboolean korean = k >= G_N_ELEMENTS (jp_names);
    const char *name = korean ? kr_names[k - G_N_ELEMENTS (jp_names)] : jp_names[k];
    for (guint v = 0; v < 3; v++) {
      g_autofree char *declared = ref_spelled (name, v);
      iconv_t cd = jp;
      if (korean) {
        cd = iconv_open ("UTF-8", declared);
        g_assert_true (cd != (iconv_t) -1);
      }
      RefDecoder decode = korean ? euckr : eucjp;
      const char *text = korean ? kr_text : jp_text;
      ref_check (cd, decode, NULL, text, strlen (text), declared, FALSE);
      for (guint n = 0; n < 300; n++) {
        char s[32];
        gsize len = g_rand_int_range (r, 0, sizeof s + 1);
        for (gsize i = 0; i < len; i++)
          s[i] = random_byte (r);
        ref_check (cd, decode, NULL, s, len, declared, FALSE);
      }
      if (v < 2)   /* a charset token has no whitespace */
        ref_check_header (cd, text, strlen (text), declared);
      if (korean)
        iconv_close (cd);
    }
  }
  g_autofree char *a = cn_text_to_utf8 (jp_text, strlen (jp_text), "EUC-JP", NULL);
  g_assert_cmpstr (a, ==, "証明書の更新①㈱丂");
  g_autofree char *b = cn_text_to_utf8 (kr_text, strlen (kr_text), "euc-kr", NULL);
  g_assert_cmpstr (b, ==, "서버인증서갱신");
}

static void
test_guess (void)
{
  /* undeclared (8-bit header text, or a part without a charset):
   * EUC-JP gives fewer errors than Shift_JIS, so it is taken */
  CnDecodeStatus st = { 0 };
  const char *expiring = "\xcd\xad\xb8\xfa\xb4\xfc\xb8\xc2\xa4\xac\xc0\xda\xa4\xec\xa4\xde\xa4\xb9";
  g_autofree char *a = cn_text_to_utf8 (expiring, strlen (expiring), NULL, &st);
  g_assert_cmpstr (a, ==, "有効期限が切れます");
  g_assert_false (st.lossy);
  g_autofree char *b = cn_text_decode_header ("Re: \xa5\xb5\xa1\xbc\xa5\xd0\xbe\xda\xcc\xc0\xbd\xf1", NULL);
  g_assert_cmpstr (b, ==, "Re: サーバ証明書");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  jp = iconv_open ("UTF-8", "EUC-JP-MS");
  kr = iconv_open ("UTF-8", "EUC-KR");
  g_assert_true (jp != (iconv_t) -1 && kr != (iconv_t) -1);
  g_test_add_func ("/euc/jp-pairs", test_jp_pairs);
  g_test_add_func ("/euc/jp-triples", test_jp_triples);
  g_test_add_func ("/euc/kr-pairs", test_kr_pairs);
  g_test_add_func ("/euc/random", test_random);
  g_test_add_func ("/euc/names", test_names);
  g_test_add_func ("/euc/guess", test_guess);
  int ret = g_test_run ();
  iconv_close (jp);
  iconv_close (kr);
  return ret;
}
