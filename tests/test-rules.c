/* test-rules.c — the rule loader's validation, matching limits, and authn. */
#include "triage.h"
#include "source.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *good_provider =
  "[provider]\n"
  "id = demo\n"
  "name = Demo Hosting\n"
  "sender_domains = demo.example;\n"
  "support_url = https://demo.example/help\n"
  "remediation = step one;step two;\n";

/* Write CONTENT as NAME into a fresh directory; return the directory. */
static char *
rules_dir_with (const char *name, const char *content)
{
  g_autoptr (GError) e = NULL;
  char *dir = g_dir_make_tmp ("cn-rules-XXXXXX", &e);
  g_assert_no_error (e);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, content, -1, &e));
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name (d))) {
    g_autofree char *p = g_build_filename (dir, n, NULL);
    g_unlink (p);
  }
  g_rmdir (dir);
}

/* Loading CONTENT must fail with a message containing each of WANT. */
static void
expect_error (const char *content, const char *const *want)
{
  g_autofree char *dir = rules_dir_with ("demo.rules", content);
  g_autoptr (GError) e = NULL;
  g_autoptr (CnRuleSet) set = cn_rules_load_dir (dir, TRUE, &e);
  g_assert_null (set);
  g_assert_error (e, CN_ERROR, CN_ERROR_RULES);
  for (; *want; want++) {
    if (strstr (e->message, *want) == NULL)
      g_test_message ("error \"%s\" lacks \"%s\"", e->message, *want);
    g_assert_nonnull (strstr (e->message, *want));
  }
  remove_dir (dir);
}

static void
test_bad_pattern (void)
{
  g_autofree char *r = g_strconcat (good_provider, "\n[notice renewal-failed]\nsubject = ok\nbody = abc(def\n", NULL);
  /* line 10, and PCRE2's offset of the missing ')' */
  expect_error (r, (const char *[]) { "demo.rules:10:", "body", "offset 7", "missing closing parenthesis", NULL });
}

static void
test_unknown_key (void)
{
  g_autofree char *r = g_strconcat (good_provider, "colour = red\n\n[notice x]\nbody = a\n", NULL);
  expect_error (r, (const char *[]) { "demo.rules:7:", "unknown key 'colour'", NULL });
}

static void
test_missing_fields (void)
{
  expect_error ("[provider]\nid = demo\n\n[notice x]\nsubject = a\n",
                (const char *[]) { "demo.rules:1:", "missing name", "missing sender_domains",
                                   "missing remediation", "missing support_url", NULL });
  g_autofree char *r = g_strconcat (good_provider, "\n[notice renewal-failed]\ndays = (?<days>\\d+)\n", NULL);
  expect_error (r, (const char *[]) { "demo.rules:8:", "needs a subject, body or text pattern", NULL });
  expect_error (good_provider, (const char *[]) { "no [notice KIND] group", NULL });
}

static void
test_groups_and_fields (void)
{
  g_autofree char *a = g_strconcat (good_provider, "\n[notice x]\nbody = (?<domian>\\S+)\n", NULL);
  expect_error (a, (const char *[]) { "demo.rules:9:", "unknown named group (?<domian>", NULL });
  g_autofree char *b = g_strconcat (good_provider, "\n[notice x]\nbody = a\ndomain = \\S+\n", NULL);
  expect_error (b, (const char *[]) { "demo.rules:10:", "has no (?<domain>", NULL });
  g_autofree char *c = g_strconcat (good_provider, "\n[other]\nbody = a\n", NULL);
  expect_error (c, (const char *[]) { "demo.rules:8:", "unknown group [other]", NULL });
  g_autofree char *d = g_strconcat (good_provider, "\n[notice x]\nbody = a\nbody = b\n", NULL);
  expect_error (d, (const char *[]) { "demo.rules:10:", "appears twice", NULL });
  g_autofree char *e = g_strconcat (good_provider, "\n[notice x]\nbody = a\nthis is not a key\n", NULL);
  expect_error (e, (const char *[]) { "demo.rules:10:", "not a key = value line", NULL });
  g_autofree char *g2 = g_strconcat (good_provider, "\n[notice x]\nbody = a\nremediation = open C:\\Users\\me;\n", NULL);
  expect_error (g2, (const char *[]) { "demo.rules:10:", "'\\U' is not an escape", NULL });
  g_autofree char *f = g_strconcat (good_provider, "\n[notice Bad Kind]\nbody = a\n", NULL);
  expect_error (f, (const char *[]) { "demo.rules:8:", "lowercase", NULL });
}

static void
test_hostile_files (void)
{
  /* invalid UTF-8 on line 3 */
  expect_error ("[provider]\nid = demo\nname = \xff\xfe\n", (const char *[]) { "demo.rules:3:", "not valid UTF-8", NULL });
  /* a huge file */
  g_autofree char *big = g_strnfill (CN_RULE_FILE_MAX + 1, '#');
  expect_error (big, (const char *[]) { "a rule file is at most", NULL });
  /* a huge pattern */
  g_autofree char *pat = g_strnfill (CN_PATTERN_MAX + 1, 'a');
  g_autofree char *r = g_strconcat (good_provider, "\n[notice x]\nbody = ", pat, "\n", NULL);
  expect_error (r, (const char *[]) { "pattern longer than", NULL });
}

static void
test_empty_dir (void)
{
  g_autofree char *dir = rules_dir_with ("README", "not a rule file");
  g_autoptr (GError) e = NULL;
  g_assert_null (cn_rules_load_dir (dir, FALSE, &e));
  g_assert_nonnull (strstr (e->message, "no *.rules files"));
  remove_dir (dir);
  g_clear_error (&e);
  g_assert_null (cn_rules_load_dir ("/nonexistent/rules", FALSE, &e));
  g_assert_error (e, CN_ERROR, CN_ERROR_RULES);
}

static void
test_shipped_rules (void)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (CnRuleSet) set = cn_rules_load_dir (g_test_get_filename (G_TEST_DIST, "rules", NULL), TRUE, &e);
  g_assert_no_error (e);
  g_assert_cmpuint (set->rules->len, >=, 2);
  for (guint i = 0; i < set->rules->len; i++) {
    CnRule *r = set->rules->pdata[i];
    g_autofree char *d = cn_rule_describe (r, TRUE);
    g_assert_nonnull (strstr (d, r->id));
    g_assert_nonnull (strstr (d, "(line "));
    g_assert_cmpuint (g_strv_length (r->remediation), >=, 3);
    g_assert_true (g_str_has_prefix (r->support_url, "https://"));
  }
}

/* A mail for the demo provider with BODY; the caller frees the array. */
static GPtrArray *
mail (const char *from, const char *extra_headers, const char *body)
{
  g_autofree char *raw = g_strdup_printf ("From: %s\nSubject: notice\nDate: Mon, 1 Jul 2024 10:00:00 +0900\n%s"
                                          "Content-Type: text/plain; charset=UTF-8\n\n%s\n",
                                          from, extra_headers, body);
  return cn_source_from_bytes (raw, strlen (raw), "test");
}

static CnRuleSet *
demo_rules (const char *notice)
{
  g_autofree char *r = g_strconcat (good_provider, notice, NULL);
  g_autofree char *dir = rules_dir_with ("demo.rules", r);
  g_autoptr (GError) e = NULL;
  CnRuleSet *set = cn_rules_load_dir (dir, TRUE, &e);
  g_assert_no_error (e);
  remove_dir (dir);
  return set;
}

static void
test_match_limit (void)
{
  /* catastrophic backtracking gives up at the match limit, promptly */
  g_autoptr (CnRuleSet) set = demo_rules ("\n[notice x]\nbody = ^(a+)+$\n");
  g_autofree char *as = g_strnfill (40, 'a');
  g_autofree char *body = g_strconcat (as, "b", NULL);
  g_autoptr (GPtrArray) mails = mail ("x@demo.example", "", body);
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (CnNotice) n = cn_judge (set, mails->pdata[0], &(CnOptions) { 0 }, NULL);
  gint64 us = g_get_monotonic_time () - t0;
  g_test_message ("catastrophic pattern gave up after %" G_GINT64_FORMAT " us", us);
  g_assert_null (n->rule);
  g_assert_cmpuint (n->reasons->len, ==, 1);
  g_assert_nonnull (strstr (n->reasons->pdata[0], "gave up"));
}

static void
test_colon_flood (void)
{
  /* 200,000 colons after コモンネーム with the shipped rules: no match, no hang */
  g_autoptr (GError) e = NULL;
  g_autoptr (CnRuleSet) set = cn_rules_load_dir (g_test_get_filename (G_TEST_DIST, "rules", NULL), TRUE, &e);
  g_autofree char *colons = g_strnfill (200000, ':');
  g_autofree char *raw = g_strdup_printf ("From: support@sakura.ad.jp\n"
                                          "Subject: [さくらインターネット]【重要】無料SSL証明書 更新エラーについて\n"
                                          "Content-Type: text/plain; charset=UTF-8\n\nコモンネーム%s\n", colons);
  g_autoptr (GPtrArray) mails = cn_source_from_bytes (raw, strlen (raw), "flood");
  g_autoptr (CnNotice) n = cn_judge (set, mails->pdata[0], &(CnOptions) { 0 }, NULL);
  g_assert_nonnull (n->rule);
  g_assert_null (n->domain);
}

static void
test_authn (void)
{
  g_autoptr (CnRuleSet) set = demo_rules ("\n[notice x]\nbody = (?<domain>site\\.example)\n");
  static char *trusted[] = { "mx.trusted", NULL };
  CnOptions opts = { .trusted_authserv = trusted };
  struct {
    const char *from, *headers;
    CnTristate authentic;
    const char *reason;
  } cases[] = {
    { "a@demo.example", "", CN_UNKNOWN, NULL },
    { "a@mail.demo.example", "", CN_UNKNOWN, NULL },
    { "a@notdemo.example", "", CN_FALSE, "not a genuine sender domain" },
    { "a@demo.example.evil", "", CN_FALSE, "not a genuine" },
    { "\"a@demo.example\" <x@evil.example>", "", CN_FALSE, "evil.example" },
    { "a@demo.example, b@evil.example", "", CN_FALSE, "evil.example" },
    { "a@demo.example", "Authentication-Results: mx.trusted; dkim=pass header.d=demo.example\n", CN_TRUE, NULL },
    { "a@demo.example", "Authentication-Results: mx.trusted;\n dmarc=pass (p=reject) header.from=demo.example\n", CN_TRUE, NULL },
    { "a@demo.example", "Authentication-Results: mx.other; dkim=pass header.d=demo.example\n", CN_UNKNOWN, NULL },
    { "a@demo.example", "Authentication-Results: mx.trusted; dkim=pass header.d=evil.example\n", CN_UNKNOWN, NULL },
    { "a@demo.example", "Authentication-Results: mx.trusted; dkim=fail (bad; sig) header.d=demo.example\n", CN_FALSE, "dkim=fail" },
    { "a@demo.example", "Authentication-Results: mx.other 1; spf=fail smtp.mailfrom=demo.example\n", CN_FALSE, "spf=fail" },
    /* forwarded: SPF broke, DKIM held */
    { "a@demo.example", "Authentication-Results: mx.trusted; spf=fail smtp.mailfrom=demo.example;\n"
                        " dkim=pass header.i=@demo.example\n", CN_TRUE, NULL },
    { "a@demo.example", "Authentication-Results: mx.trusted; spf=softfail; dkim=none\n", CN_UNKNOWN, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GPtrArray) mails = mail (cases[i].from, cases[i].headers, "site.example");
    g_autoptr (CnNotice) n = cn_judge (set, mails->pdata[0], &opts, NULL);
    g_test_message ("case %zu: %s", i, cases[i].from);
    g_assert_nonnull (n->rule);
    g_assert_cmpint (n->authentic, ==, cases[i].authentic);
    g_assert_cmpint (n->verdict, ==, cases[i].authentic == CN_FALSE ? CN_VERDICT_SUSPICIOUS : CN_VERDICT_UNVERIFIED);
    if (cases[i].reason) {
      g_assert_cmpuint (n->reasons->len, >=, 1);
      gboolean found = FALSE;
      for (guint r = 0; r < n->reasons->len; r++)
        found |= strstr (n->reasons->pdata[r], cases[i].reason) != NULL;
      g_assert_true (found);
    } else {
      g_assert_cmpuint (n->reasons->len, ==, 0);
    }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rules/bad-pattern", test_bad_pattern);
  g_test_add_func ("/rules/unknown-key", test_unknown_key);
  g_test_add_func ("/rules/missing-fields", test_missing_fields);
  g_test_add_func ("/rules/groups-and-fields", test_groups_and_fields);
  g_test_add_func ("/rules/hostile-files", test_hostile_files);
  g_test_add_func ("/rules/empty-dir", test_empty_dir);
  g_test_add_func ("/rules/shipped", test_shipped_rules);
  g_test_add_func ("/match/limit", test_match_limit);
  g_test_add_func ("/match/colon-flood", test_colon_flood);
  g_test_add_func ("/authn/cases", test_authn);
  return g_test_run ();
}
