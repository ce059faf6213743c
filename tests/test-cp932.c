/* test-cp932.c — cp932.c's table decodes exactly as glibc's iconv did.
 *
 *   /cp932/pairs        every byte alone and every pair of bytes: the same
 *                       UTF-8 and the same count of replacements as
 *                       glibc's iconv ("UTF-8" from "CP932") through the
 *                       loop text.c used (ref_lossy, iconv-ref.c), both from
 *                       cn_cp932_lossy and through cn_text_to_utf8 as
 *                       "Shift_JIS" and "CP932"
 *   /cp932/random       random byte strings, mostly lead and trail bytes
 *                       (a fixed seed): the same
 *   /cp932/iso-2022-jp  ISO-2022-JP with the NEC and NEC-selected IBM
 *                       extensions glibc's ISO-2022-JP rejects (①, ㈱, ～,
 *                       纊 …) and with cells CP932 lacks: what text.c gave
 *                       through iconv (the same Shift_JIS bytes through
 *                       ref_lossy)
 */
#include "cp932.h"
#include "iconv-ref.h"
#include "text.h"

#include <string.h>

static iconv_t cd;

static guint
cp932 (gconstpointer table, const char *in, gsize len, GString *out)
{
  (void) table;
  return cn_cp932_lossy (in, len, out);
}

/* BYTES decoded by cn_cp932_lossy and by ref_lossy (iconv-ref.c): the
 * same; and through cn_text_to_utf8 as CHARSET (a name text.c reads as
 * CP932) */
static void
check_bytes (const char *bytes, gsize len, const char *charset)
{
  ref_check (cd, cp932, NULL, bytes, len, charset, FALSE);
}

static void
test_pairs (void)
{
  ref_checked = 0;
  for (guint b = 0; b < 256; b++) {
    char s[1] = { (char) b };
    check_bytes (s, 1, "Shift_JIS");
    check_bytes (s, 1, "CP932");
  }
  for (guint l = 0; l < 256; l++)
    for (guint t = 0; t < 256; t++) {
      char s[2] = { (char) l, (char) t };
      check_bytes (s, 2, "Shift_JIS");
      check_bytes (s, 2, "CP932");
    }
  g_assert_cmpuint (ref_checked, ==, 2 * 256 + 2 * 256 * 256);
}

/* a byte for a random string: mostly what CP932's lead and trail bytes are,
 * the bytes next to them and the ones no CP932 character uses */
static char
random_byte (GRand *r)
{
  static const guchar edges[] = { 0x00, 0x0a, 0x0d, 0x1b, 0x3f, 0x40, 0x7e, 0x7f, 0x80, 0x81, 0x9f,
                                  0xa0, 0xa1, 0xdf, 0xe0, 0xef, 0xf0, 0xfc, 0xfd, 0xfe, 0xff };
  guint k = g_rand_int_range (r, 0, 100);
  if (k < 35)                 /* a lead byte */
    return (char) (k & 1 ? g_rand_int_range (r, 0x81, 0xa0) : g_rand_int_range (r, 0xe0, 0xfd));
  if (k < 65)                 /* what may follow one */
    return (char) g_rand_int_range (r, 0x40, 0xfd);
  return ref_random_byte (r, edges, G_N_ELEMENTS (edges));
}

static void
test_random (void)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (932);
  guint lossy = ref_check_random (r, 2500, random_byte, cd, cp932, NULL, "Shift_JIS", FALSE);
  lossy += ref_check_random (r, 2500, random_byte, cd, cp932, NULL, "CP932", FALSE);
  /* both kinds of string were met */
  g_assert_cmpuint (lossy, >, 1000);
  g_assert_cmpuint (lossy, <, 5000 - 100);
}

/* ISO-2022-JP: what cn_text_to_utf8 gives for ISO (the text between ESC $ B
 * and ESC ( B), which text.c turns into SJIS, is WANT and what ref_lossy
 * makes of SJIS */
static void
check_jis (const char *iso, const char *sjis, const char *want, gboolean want_lossy)
{
  g_autoptr (GString) ref = g_string_new (NULL);
  guint ref_errors = ref_lossy (cd, sjis, strlen (sjis), ref);
  g_assert_cmpstr (ref->str, ==, want);
  g_assert_cmpint (ref_errors > 0, ==, want_lossy);
  g_autofree char *in = g_strconcat ("\x1b$B", iso, "\x1b(B", NULL);
  CnDecodeStatus st = { 0 };
  g_autofree char *got = cn_text_to_utf8 (in, strlen (in), "ISO-2022-JP", &st);
  g_assert_cmpstr (got, ==, want);
  g_assert_cmpint (st.lossy, ==, want_lossy);
}

static void
test_iso2022jp (void)
{
  /* NEC row 13: ① ㈱ Ⅰ №; JIS X 0208 cells CP932 maps otherwise than
   * glibc's ISO-2022-JP: ～ (U+FF5E) ∥ (U+2225) － (U+FF0D) ￢ (U+FFE2);
   * ≒; NEC-selected IBM extensions (rows 89–92): 纊 ＂ */
  check_jis ("-!-j-5-b", "\x87\x40\x87\x8a\x87\x54\x87\x82", "①㈱Ⅰ№", FALSE);
  check_jis ("!A!B!]\"L\"b", "\x81\x60\x81\x61\x81\x7c\x81\xca\x81\xe0", "～∥－￢≒", FALSE);
  check_jis ("y!|~", "\xed\x40\xee\xfc", "纊＂", FALSE);
  /* 株式会社 (㈱) with a wave dash, as in real mail subjects */
  check_jis ("3t<02q<R!A-j", "\x8a\x94\x8e\xae\x89\xef\x8e\xd0\x81\x60\x87\x8a", "株式会社～㈱", FALSE);
  /* a cell CP932 lacks (row 9 → 0x8540): the lead byte replaced, the
   * trail byte read again as '@'; row 13's last cell (0x879e), whose
   * trail byte is a lead byte, before ① (0x8740): the 0x9e and 0x87 are
   * a character.  In long text, so that text.c keeps the declared
   * charset. */
  GString *iso = g_string_new (NULL), *sjis = g_string_new (NULL), *want = g_string_new (NULL);
  for (guint i = 0; i < 60; i++) {
    g_string_append (iso, "99?7");                    /* 更新 */
    g_string_append (sjis, "\x8d\x58\x90\x56");
    g_string_append (want, "更新");
  }
  g_string_append (iso, ")!-~-!");
  g_string_append (sjis, "\x85\x40\x87\x9e\x87\x40");
  g_autoptr (GString) tail = g_string_new (NULL);
  g_assert_cmpuint (ref_lossy (cd, "\x9e\x87", 2, tail), ==, 0);
  g_string_append_printf (want, "\xEF\xBF\xBD@\xEF\xBF\xBD%s@", tail->str);
  check_jis (iso->str, sjis->str, want->str, TRUE);
  g_string_free (iso, TRUE);
  g_string_free (sjis, TRUE);
  g_string_free (want, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cd = iconv_open ("UTF-8", "CP932");
  g_assert_true (cd != (iconv_t) -1);
  g_test_add_func ("/cp932/pairs", test_pairs);
  g_test_add_func ("/cp932/random", test_random);
  g_test_add_func ("/cp932/iso-2022-jp", test_iso2022jp);
  int ret = g_test_run ();
  iconv_close (cd);
  return ret;
}
