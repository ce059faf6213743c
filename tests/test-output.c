/* test-output.c — what certnotice writes: the one JSON writer (json.c),
 * strictly escaped whatever the strings hold (#16.7) and otherwise the same
 * text as json-glib; and the terminal sanitiser (output.c, #16.9). */
#include "json.h"
#include "output.h"

#include <string.h>

/* TEXT is one line of strict JSON: valid UTF-8, no byte below 0x20, no DEL,
 * no C1 control, no U+2028/U+2029, no bidi control; and it parses back. */
static void
assert_strict (const char *text)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p; p++) {
    guchar c = (guchar) *p;
    g_assert_true (c >= 0x20 && c != 0x7f);
  }
  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    gunichar u = g_utf8_get_char (p);
    g_assert_false (u == 0x2028 || u == 0x2029 || (u >= 0x80 && u <= 0x9f) || (u >= 0x202a && u <= 0x202e) ||
                    (u >= 0x2066 && u <= 0x2069) || u == 0x200e || u == 0x200f || u == 0x061c);
  }
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) e = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, -1, &e));
  g_assert_no_error (e);
}

/* S written as a JSON string and parsed back. */
static char *
round_trip (const char *s, gssize len)
{
  g_autoptr (GString) out = g_string_new (NULL);
  cn_json_append_string (out, s, len);
  assert_strict (out->str);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, out->str, -1, NULL));
  return g_strdup (json_node_get_string (json_parser_get_root (parser)));
}

static void
test_escaping (void)
{
  struct {
    const char *in;
    gssize len;
    const char *want;   /* the string read back */
  } cases[] = {
    { "plain ascii", -1, "plain ascii" },
    { "unit\x1fsep", -1, "unit\x1fsep" },                 /* json-glib 1.6 writes it raw */
    { "\x01\x02\x1b[2J\x07\x7f", -1, "\x01\x02\x1b[2J\x07\x7f" },
    { "quote \" backslash \\ slash /", -1, "quote \" backslash \\ slash /" },
    { "tab\tnl\ncr\rff\fbs\b", -1, "tab\tnl\ncr\rff\fbs\b" },
    { "日本語 ✓", -1, "日本語 ✓" },
    { "line\xe2\x80\xa8sep\xe2\x80\xa9", -1, "line\xe2\x80\xa8sep\xe2\x80\xa9" },
    { "csi \xc2\x9b" "2J rlo \xe2\x80\xae lri \xe2\x81\xa6", -1, "csi \xc2\x9b" "2J rlo \xe2\x80\xae lri \xe2\x81\xa6" },
    { "bad \xff byte", -1, "bad \xef\xbf\xbd byte" },   /* U+FFFD */
    { "cut \xe6\x97", -1, "cut \xef\xbf\xbd\xef\xbf\xbd" },
    { "overlong \xc0\x80", -1, "overlong \xef\xbf\xbd\xef\xbf\xbd" },
    { "surrogate \xed\xa0\x80", -1, "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
    { "nul\0inside", 10, "nul" },                          /* \u0000 reads back as a C string */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("case %zu", i);
    g_autofree char *back = round_trip (cases[i].in, cases[i].len);
    g_assert_cmpstr (back, ==, cases[i].want);
  }
  g_autoptr (GString) out = g_string_new (NULL);
  cn_json_append_string (out, "nul\0inside", 10);
  g_assert_cmpstr (out->str, ==, "\"nul\\u0000inside\"");
}

/* Where json-glib is right, the text is the same as its generator's:
 * member order, numbers, booleans, nulls, nesting. */
static void
test_same_as_json_glib (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, "a/b.eml");
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, -42);
  json_builder_set_member_name (b, "authentic");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "none");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "reasons");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "x \"y\"");
  json_builder_add_string_value (b, "日本");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "empty");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "live");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "ok");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "zzz");
  json_builder_add_int_value (b, 7);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *ours = cn_json_to_string (root);
  g_autofree char *theirs = json_to_string (root, FALSE);
  g_assert_cmpstr (ours, ==, theirs);
}

/* Random strings (a fixed seed): every one is written strictly and reads
 * back as itself made valid. */
static void
test_random (void)
{
  GRand *r = g_rand_new_with_seed (16);
  for (int i = 0; i < 20000; i++) {
    char buf[64];
    gsize n = (gsize) g_rand_int_range (r, 0, sizeof buf);
    for (gsize k = 0; k < n; k++) {
      /* mostly controls, high bytes and UTF-8 lead bytes */
      static const char pick[] = "\x01\x1f\x7f\x80\x9b\xc2\xe2\x80\xa8\xed\xf0\xff\"\\aZ ";
      buf[k] = g_rand_boolean (r) ? (char) g_rand_int_range (r, 0, 256) : pick[g_rand_int_range (r, 0, sizeof pick - 1)];
      if (buf[k] == '\0')
        buf[k] = 'x';
    }
    g_autoptr (GString) out = g_string_new (NULL);
    cn_json_append_string (out, buf, (gssize) n);
    assert_strict (out->str);
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_assert_true (json_parser_load_from_data (parser, out->str, -1, NULL));
    g_autofree char *valid = g_utf8_make_valid (buf, (gssize) n);
    g_assert_cmpstr (json_node_get_string (json_parser_get_root (parser)), ==, valid);
  }
  g_rand_free (r);
}

/* #16.9: no escape sequence, C1 control or bidi control reaches a terminal */
static void
test_safe (void)
{
  g_autoptr (GString) t = g_string_new (NULL);
  g_assert_cmpstr (cn_safe (t, "plain 日本語\ttab"), ==, "plain 日本語\ttab");
  g_assert_cmpstr (cn_safe (t, "\x1b]0;owned\x07\x1b[2J"), ==, "?]0;owned??[2J");
  g_assert_cmpstr (cn_safe (t, "csi \xc2\x9b" "2J nel \xc2\x85 del \x7f"), ==, "csi ?2J nel ? del ?");
  g_assert_cmpstr (cn_safe (t, "line\nbreak\rcr"), ==, "line?break?cr");
  g_assert_cmpstr (cn_safe_lines (t, "line\nbreak\rcr"), ==, "line\nbreak?cr");
  /* RLO, LRE, PDF, LRI, RLI, FSI, PDI, LRM, RLM, ALM */
  g_assert_cmpstr (cn_safe (t, "a\u202eb\u202ac\u202cd\u2066e\u2067f\u2068g\u2069h\u200ei\u200fj\u061ck"), ==,
                   "a?b?c?d?e?f?g?h?i?j?k");
  /* bytes that are not UTF-8 (a raw 0x9b is CSI to an 8-bit terminal) */
  g_assert_cmpstr (cn_safe (t, "raw \x9b" "2J \xff"), ==, "raw \xef\xbf\xbd" "2J \xef\xbf\xbd");
  g_assert_cmpstr (cn_safe (t, NULL), ==, "");
  /* random bytes: the result is UTF-8 with none of the above */
  GRand *r = g_rand_new_with_seed (9);
  for (int i = 0; i < 20000; i++) {
    char buf[48];
    gsize n = (gsize) g_rand_int_range (r, 0, sizeof buf - 1);
    for (gsize k = 0; k < n; k++)
      buf[k] = (char) g_rand_int_range (r, 1, 256);
    buf[n] = '\0';
    const char *out = cn_safe_lines (t, buf);
    g_assert_true (g_utf8_validate (out, -1, NULL));
    for (const char *p = out; *p; p = g_utf8_next_char (p)) {
      gunichar u = g_utf8_get_char (p);
      g_assert_true (u == '\t' || u == '\n' || (u >= 0x20 && u != 0x7f && !(u >= 0x80 && u <= 0x9f)));
      g_assert_false ((u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069) || u == 0x200e ||
                      u == 0x200f || u == 0x061c);
    }
  }
  g_rand_free (r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/escaping", test_escaping);
  g_test_add_func ("/json/same-as-json-glib", test_same_as_json_glib);
  g_test_add_func ("/json/random", test_random);
  g_test_add_func ("/output/safe", test_safe);
  return g_test_run ();
}
