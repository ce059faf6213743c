/* test-sbcs.c — sbcs.c's tables decode exactly as glibc's iconv did, and
 * a name is read through a table exactly when iconv opened with that name
 * is the table's charset.
 *
 *   /sbcs/names     the names text.c reads as single-byte (iso-8859-0…17,
 *                   iso8859-0…17, windows-1250…1259, cp1250…1259, latin1,
 *                   l1; koi8-r, tis-620 and the others of more_names, not
 *                   "Latin"): cn_sbcs_find gives a table for each name sbcs.h
 *                   lists, and none for the others; every byte through the
 *                   table as through iconv opened with that very name
 *                   (ref_lossy, iconv-ref.c), directly and through
 *                   cn_text_to_utf8
 *   /sbcs/pairs     every table, every pair of bytes: the same as iconv;
 *                   through cn_text_to_utf8 too for ISO-8859-1, ISO-8859-15
 *                   and WINDOWS-1252 (the ones mail has most)
 *   /sbcs/random    random byte strings (a fixed seed) under every name, in
 *                   the cases and with the whitespace mail has them: what
 *                   text.c gave through iconv with that name
 *   /sbcs/iconv     the names left to iconv: those it does not know
 *                   (iso-8859-12, windows-1259, …) read as WINDOWS-1252
 *                   (now a table), those whose charsets compose
 *                   (windows-1255, cp1258) and other spellings through
 *                   iconv, as before
 *   /sbcs/header    encoded words under every name, in lower and upper
 *                   case, through cn_text_decode_header
 */
#include "iconv-ref.h"
#include "sbcs.h"
#include "text.h"

#include <string.h>

static guint
sbcs (gconstpointer table, const char *in, gsize len, GString *out)
{
  return cn_sbcs_lossy (table, in, len, out);
}

/* names of other single-byte charsets with a table (the first six), and
 * some of the same families iconv has without one; text.c does not take
 * them for "Latin" (which it reads as UTF-8 when the bytes are, and as
 * WINDOWS-1252 when iconv does not know the name) */
static const char *const more_names[] = {
  "koi8-r", "koi8-u", "tis-620", "tis620", "windows-874", "cp874",
  "koi8-ru", "koi8-t", "koi8", "iso-ir-166",
};

/* whether text.c reads NAME (any case, blanks around) as "Latin" */
static gboolean
latin_name (const char *name)
{
  g_autofree char *key = g_strstrip (g_ascii_strdown (name, -1));
  for (guint i = 0; i < G_N_ELEMENTS (more_names); i++)
    if (!strcmp (key, more_names[i]))
      return FALSE;
  return TRUE;
}

/* every name text.c reads as single-byte that this test asks about */
static GPtrArray *
family (void)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  for (guint n = 0; n <= 17; n++) {
    g_ptr_array_add (names, g_strdup_printf ("iso-8859-%u", n));
    g_ptr_array_add (names, g_strdup_printf ("iso8859-%u", n));
  }
  for (guint n = 1250; n <= 1259; n++) {
    g_ptr_array_add (names, g_strdup_printf ("windows-%u", n));
    g_ptr_array_add (names, g_strdup_printf ("cp%u", n));
  }
  g_ptr_array_add (names, g_strdup ("latin1"));
  g_ptr_array_add (names, g_strdup ("l1"));
  for (guint i = 0; i < G_N_ELEMENTS (more_names); i++)
    g_ptr_array_add (names, g_strdup (more_names[i]));
  return names;
}

/* the names sbcs.h says are read through a table */
static gboolean
listed (const char *name)
{
  for (guint n = 1; n <= 16; n++) {
    g_autofree char *a = g_strdup_printf ("iso-8859-%u", n);
    g_autofree char *b = g_strdup_printf ("iso8859-%u", n);
    if (n != 12 && (!strcmp (name, a) || !strcmp (name, b)))
      return TRUE;
  }
  for (guint n = 1250; n <= 1257; n++) {
    g_autofree char *a = g_strdup_printf ("windows-%u", n);
    g_autofree char *b = g_strdup_printf ("cp%u", n);
    if (n != 1255 && (!strcmp (name, a) || !strcmp (name, b)))
      return TRUE;
  }
  for (guint i = 0; i < 6; i++)   /* the first six of more_names */
    if (!strcmp (name, more_names[i]))
      return TRUE;
  return !strcmp (name, "latin1") || !strcmp (name, "l1");
}

static iconv_t
open_or_null (const char *name)
{
  iconv_t cd = iconv_open ("UTF-8", name);
  return cd == (iconv_t) -1 ? NULL : cd;
}

static void
test_names (void)
{
  g_autoptr (GPtrArray) names = family ();
  guint tables = 0;
  for (guint i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    const CnSbcs *t = cn_sbcs_find (name);
    g_test_message ("%s: %s", name, t ? "a table" : "none");
    g_assert_true ((t != NULL) == listed (name));
    if (t == NULL)
      continue;
    tables++;
    iconv_t cd = open_or_null (name);
    g_assert_nonnull (cd);
    ref_checked = 0;
    for (guint b = 0; b < 256; b++) {
      char s[1] = { (char) b };
      ref_check (cd, sbcs, t, s, 1, name, latin_name (name));
    }
    g_assert_cmpuint (ref_checked, ==, 256);
    iconv_close (cd);
  }
  g_assert_cmpuint (tables, ==, 2 * 15 + 2 + 2 * 7 + 6);
  /* text.c asks with the name lowercased and trimmed */
  g_assert_null (cn_sbcs_find ("ISO-8859-1"));
  g_assert_null (cn_sbcs_find (" latin1"));
  g_assert_null (cn_sbcs_find (""));
  g_assert_true (cn_sbcs_windows_1252 () == cn_sbcs_find ("windows-1252"));
}

static void
test_pairs (void)
{
  g_autoptr (GPtrArray) names = family ();
  ref_checked = 0;
  guint tables = 0;
  for (guint i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    const CnSbcs *t = cn_sbcs_find (name);
    /* each table once, under its first name */
    if (t == NULL || (i > 0 && cn_sbcs_find (names->pdata[i - 1]) == t) ||
        (!strcmp (name, "latin1") || !strcmp (name, "l1")))
      continue;
    tables++;
    iconv_t cd = open_or_null (name);
    g_assert_nonnull (cd);
    gboolean text = !strcmp (name, "iso-8859-1") || !strcmp (name, "iso-8859-15") || !strcmp (name, "windows-1252");
    for (guint l = 0; l < 256; l++)
      for (guint r = 0; r < 256; r++) {
        char s[2] = { (char) l, (char) r };
        ref_check (cd, sbcs, t, s, 2, text ? name : NULL, latin_name (name));
      }
    iconv_close (cd);
  }
  g_assert_cmpuint (tables, ==, 15 + 7 + 4);
  g_assert_cmpuint (ref_checked, ==, tables * 256 * 256);
}

static void
test_random (void)
{
  g_autoptr (GPtrArray) names = family ();
  g_autoptr (GRand) r = g_rand_new_with_seed (8859);
  guint lossy = 0, utf8 = 0, checked = 0;
  for (guint n = 0; n < 8000; n++) {
    const char *name = names->pdata[g_rand_int_range (r, 0, names->len)];
    const CnSbcs *t = cn_sbcs_find (name);
    if (t == NULL)
      continue;
    g_autofree char *declared = ref_spelled (name, n % 3);
    iconv_t cd = open_or_null (declared);   /* what text.c asked before */
    g_assert_nonnull (cd);
    char s[48];
    gsize len = g_rand_int_range (r, 0, sizeof s + 1);
    for (gsize i = 0; i < len; i++)
      s[i] = (char) (g_rand_int_range (r, 0, 4) ? g_rand_int_range (r, 0x80, 0x100) : g_rand_int_range (r, 0, 0x80));
    /* now and then valid UTF-8, which text.c reads as such */
    if (n % 50 == 0)
      len = g_strlcpy (s, "caf\xc3\xa9 \xe2\x82\xac", sizeof s);
    g_autoptr (GString) ref = g_string_new (NULL);
    if (ref_lossy (cd, s, len, ref) > 0)
      lossy++;
    if (g_utf8_validate (s, len, NULL))
      utf8++;
    ref_check (cd, sbcs, t, s, len, declared, latin_name (declared));
    iconv_close (cd);
    checked++;
  }
  g_assert_cmpuint (checked, >, 5000);
  g_assert_cmpuint (lossy, >, 500);
  g_assert_cmpuint (utf8, >, 100);
}

/* BYTES under NAME, a name text.c reads as single-byte but not through a
 * table: through cn_text_to_utf8 as before, through iconv opened with
 * NAME, or when iconv does not know it as WINDOWS-1252 (CP1252: iconv's) */
static void
check_iconv_name (const char *name, const char *bytes, gsize len, iconv_t cp1252)
{
  g_autofree char *key = g_strstrip (g_ascii_strdown (name, -1));
  g_assert_null (cn_sbcs_find (key));
  iconv_t cd = open_or_null (name);
  if (cd != NULL) {
    ref_check_text (cd, bytes, len, name, latin_name (name));
    iconv_close (cd);
  } else {
    g_assert_true (latin_name (name));   /* (an unknown other name: UTF-8) */
    ref_check (cp1252, sbcs, cn_sbcs_windows_1252 (), bytes, len, name, TRUE);
  }
}

static void
test_iconv (void)
{
  g_autoptr (GPtrArray) names = family ();
  /* other spellings: another number, a suffix, a space inside */
  const char *other[] = { "iso-8859-01", "iso-8859-1:1987", "ISO8859-1//TRANSLIT", "windows-1252x", "cp1252 x",
                          "Windows-1250 (Central European)", "iso8859-2 latin2", "iso-8859-9e" };
  for (guint i = 0; i < G_N_ELEMENTS (other); i++)
    g_ptr_array_add (names, g_strdup (other[i]));
  iconv_t cp1252 = open_or_null ("WINDOWS-1252");
  g_assert_nonnull (cp1252);
  g_autoptr (GRand) r = g_rand_new_with_seed (1252);
  guint unknown = 0, known = 0;
  for (guint i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    g_autofree char *key = g_strstrip (g_ascii_strdown (name, -1));
    if (cn_sbcs_find (key) != NULL)
      continue;
    iconv_t cd = open_or_null (name);
    g_test_message ("%s: %s", name, cd ? "iconv" : "unknown to iconv: WINDOWS-1252");
    if (cd) {
      known++;
      iconv_close (cd);
    } else {
      unknown++;
    }
    for (guint b = 0; b < 256; b++) {
      char s[1] = { (char) b };
      check_iconv_name (name, s, 1, cp1252);
    }
    for (guint n = 0; n < 200; n++) {
      char s[32];
      gsize len = g_rand_int_range (r, 0, sizeof s + 1);
      for (gsize j = 0; j < len; j++)
        s[j] = (char) g_rand_int_range (r, 0, 0x100);
      check_iconv_name (name, s, len, cp1252);
    }
  }
  /* CP1255 composes a letter and its mark: still iconv's */
  check_iconv_name ("windows-1255", "\xe1\xcc", 2, cp1252);
  g_assert_cmpuint (known, >=, 4);     /* windows-1255, cp1255, windows-1258, cp1258, … */
  g_assert_cmpuint (unknown, >=, 10);  /* iso-8859-0, -12, -17, windows-1259, … */
  iconv_close (cp1252);
}

static void
test_header (void)
{
  g_autoptr (GPtrArray) names = family ();
  guint checked = 0;
  for (guint i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    if (cn_sbcs_find (name) == NULL)
      continue;
    iconv_t cd = open_or_null (name);
    g_assert_nonnull (cd);
    /* every byte 0x80..0xFF that is no C1 control in this charset (the
     * header's controls become spaces), invalid ones too */
    GString *bytes = g_string_new (NULL);
    for (guint b = 0x80; b < 0x100; b++) {
      char s[1] = { (char) b };
      g_autoptr (GString) one = g_string_new (NULL);
      ref_lossy (cd, s, 1, one);
      if (!((guchar) one->str[0] == 0xc2 && (guchar) one->str[1] <= 0x9f))
        g_string_append_c (bytes, (char) b);
    }
    g_assert_false (g_utf8_validate (bytes->str, bytes->len, NULL));
    g_autofree char *upper = g_ascii_strup (name, -1);
    ref_check_header (cd, bytes->str, bytes->len, name);
    ref_check_header (cd, bytes->str, bytes->len, upper);
    g_string_free (bytes, TRUE);
    iconv_close (cd);
    checked++;
  }
  g_assert_cmpuint (checked, ==, 2 * 15 + 2 + 2 * 7 + 6);
  /* as mail has them */
  g_autofree char *a = cn_text_decode_header ("=?ISO-8859-1?Q?Caf=E9_ouvert?=", NULL);
  g_assert_cmpstr (a, ==, "Café ouvert");
  g_autofree char *b = cn_text_decode_header ("=?windows-1252?Q?=80_5_=96_=93offre=94?=", NULL);
  g_assert_cmpstr (b, ==, "€ 5 – “offre”");
  g_autofree char *c = cn_text_decode_header ("=?iso-8859-15?B?pA==?= =?iso-8859-2?Q?=B9?=", NULL);
  g_assert_cmpstr (c, ==, "€š");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sbcs/names", test_names);
  g_test_add_func ("/sbcs/pairs", test_pairs);
  g_test_add_func ("/sbcs/random", test_random);
  g_test_add_func ("/sbcs/iconv", test_iconv);
  g_test_add_func ("/sbcs/header", test_header);
  return g_test_run ();
}
