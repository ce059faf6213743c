/* test-rules.c — the rule loader's validation, matching (sender first, names,
 * every domain, dates), the generic detector, limits, and authn. */
#include "triage.h"
#include "test-notice.h"
#include "generic.h"
#include "source.h"
#include "config.h"

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
test_new_keys (void)
{
  g_autofree char *a = g_strconcat (good_provider, "\n[notice x]\nbody = a\ndomains = names: (\\S+)\n", NULL);
  expect_error (a, (const char *[]) { "demo.rules:10:", "domains: the pattern has no (?<domains>", NULL });
  g_autofree char *b = g_strconcat (good_provider, "\n[notice x]\nbody = (?<domains>\\S+)\n", NULL);
  expect_error (b, (const char *[]) { "demo.rules:9:", "no named group (?<domains>", "allowed here: domain, days, expires, account", NULL });
  g_autofree char *c = g_strconcat (good_provider, "names = (?<domain>Demo)\n\n[notice x]\nbody = a\n", NULL);
  expect_error (c, (const char *[]) { "demo.rules:7:", "allowed here: none", NULL });
  g_autofree char *d = g_strconcat (good_provider, "\n[notice x]\nbody = a\ndomains = (?<domain>\\S+)\n", NULL);
  expect_error (d, (const char *[]) { "demo.rules:10:", "allowed here: domains", NULL });
  g_autofree char *e = g_strconcat (good_provider, "\n[notice x]\nbody = a\nnames = (\n", NULL);
  expect_error (e, (const char *[]) { "demo.rules:10:", "names: bad pattern", NULL });
  g_autofree char *generic_id = g_strconcat ("[provider]\nid = generic\nname = x\nsender_domains = x.example;\n"
                                             "support_url = https://x.example\nremediation = a;\n\n[notice x]\nbody = a\n", NULL);
  expect_error (generic_id, (const char *[]) { "demo.rules:2:", "the generic detector's", NULL });
}

/* Steps are separated by ';': one inside a step splits it.  Each step must
 * close every bracket it opens. */
static void
assert_steps_whole (char **steps)
{
  static const char *const pairs[][2] = { { "(", ")" }, { "（", "）" }, { "「", "」" }, { "[", "]" } };
  for (char **st = steps; st && *st; st++)
    for (gsize p = 0; p < G_N_ELEMENTS (pairs); p++) {
      int depth = 0;
      gsize ol = strlen (pairs[p][0]), cl = strlen (pairs[p][1]);
      for (const char *c = *st; *c; c++) {
        if (strncmp (c, pairs[p][0], ol) == 0)
          depth++;
        else if (strncmp (c, pairs[p][1], cl) == 0)
          depth--;
      }
      if (depth != 0)
        g_test_message ("step with unbalanced %s%s: %s", pairs[p][0], pairs[p][1], *st);
      g_assert_cmpint (depth, ==, 0);
    }
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
    /* only the providers whose mail is local ship no sender: an empty list
     * anywhere else would be a mistake that makes no notice suspicious */
    static const char *const local[] = { "certbot", "acme-sh", NULL };
    g_assert_nonnull (r->sender_domains);
    g_assert_true ((r->sender_domains[0] == NULL) == g_strv_contains (local, r->id));
    for (guint k = 0; k < r->kinds->len; k++)
      assert_steps_whole (cn_kind_remediation (r->kinds->pdata[k]));
  }
  /* the generic detector comes with them, and describes itself */
  g_assert_nonnull (set->generic);
  g_assert_true (set->generic->rule.generic);
  g_assert_cmpstr (set->generic->rule.id, ==, "generic");
  g_assert_null (set->generic->rule.sender_domains[0]);
  for (guint k = 0; k < set->generic->rule.kinds->len; k++) {
    assert_steps_whole (cn_kind_remediation (set->generic->rule.kinds->pdata[k]));
    assert_steps_whole (cn_kind_remediation (set->generic->kinds_ja->pdata[k]));
  }
  g_autofree char *gd = cn_generic_describe (set->generic, TRUE);
  g_assert_nonnull (strstr (gd, "pattern "));
  g_assert_nonnull (strstr (gd, "renewal-failed"));
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

/* The rules of DIR, which must be valid; DIR is removed. */
static CnRuleSet *
load_and_remove (const char *dir)
{
  g_autoptr (GError) e = NULL;
  CnRuleSet *set = cn_rules_load_dir (dir, TRUE, &e);
  g_assert_no_error (e);
  remove_dir (dir);
  return set;
}

static CnRuleSet *
demo_rules (const char *notice)
{
  g_autofree char *r = g_strconcat (good_provider, notice, NULL);
  g_autofree char *dir = rules_dir_with ("demo.rules", r);
  return load_and_remove (dir);
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

/* ---- dates and day counts ---- */

static void
test_dates (void)
{
  struct { const char *in; int y, m, d; } cases[] = {
    { "Nov 14, 2024 at 23:59:59 UTC", 2024, 11, 14 },   /* AWS */
    { "May 05, 2023 at 23:59:59 UTC", 2023, 5, 5 },
    { "Jan 10, 2026 at 23:59:59 UTC", 2026, 1, 10 },
    { "31 Jul 18 06:24 +0000", 2018, 7, 31 },           /* Let's Encrypt, RFC 822 year */
    { "08 Jul 16 02:04 +0000", 2016, 7, 8 },
    { "Apr 25, 2019", 2019, 4, 25 },                    /* Netlify */
    { "April 18, 2019 at 12:00:00 AM UTC", 2019, 4, 18 },
    { "Dec 20 2021", 2021, 12, 20 },
    { "18 Sept 2019", 2019, 9, 18 },
    { "Tue, 18 Apr 2019", 2019, 4, 18 },
    { "2019 April 18", 2019, 4, 18 },
    { "2024-03-06", 2024, 3, 6 },                       /* ISO */
    { "2023-02-18 07:49:26 +0000 UTC", 2023, 2, 18 },
    { "2021/08/15", 2021, 8, 15 },
    { "2020年4月28日", 2020, 4, 28 },
    { "2021.01.31", 2021, 1, 31 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GDate) d = cn_parse_date (cases[i].in);
    g_test_message ("date %s", cases[i].in);
    g_assert_nonnull (d);
    g_assert_cmpint (g_date_get_year (d), ==, cases[i].y);
    g_assert_cmpint (g_date_get_month (d), ==, cases[i].m);
    g_assert_cmpint (g_date_get_day (d), ==, cases[i].d);
  }
  const char *bad[] = {
    "Jul 18 06:24",          /* no year: 06 is an hour, not a year */
    "decided on 18, 2019",   /* no month word */
    "31 Feb 2020", "2024/13/01", "2024/03/0271", "Nov 14, 24", "1989-01-01", "", "in 7 days",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("not a date: %s", bad[i]);
    g_assert_null (cn_parse_date (bad[i]));
  }
}

static void
test_day_counts (void)
{
  g_autoptr (CnRuleSet) set = demo_rules ("\n[notice x]\nbody = notice\n"
                                          "days = (?i)expires?\\s+in\\s+(?<days>[^\\n.]+)\n");
  struct { const char *body; gint64 days; } cases[] = {
    { "notice: the certificate expires in 7 days.", 7 },
    { "notice: it will expire in 6 days, 21 hours, 13 minutes, and 51 seconds.", 6 },
    { "notice: it will expire in 1 days.", 1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GPtrArray) mails = mail ("a@demo.example", "", cases[i].body);
    g_autoptr (CnNotice) n = cn_judge (set, mails->pdata[0], &(CnOptions) { 0 }, NULL);
    g_assert_nonnull (n->rule);
    g_assert_cmpint (n->days, ==, cases[i].days);
    /* no date in the mail: Date (2024-07-01 +0900) + days */
    g_assert_nonnull (n->expires);
    g_assert_false (n->expires_stated);
    g_assert_cmpint (g_date_get_day (n->expires), ==, 1 + cases[i].days);
  }
}

/* ---- every name a notice is about ---- */

static void
assert_domains (const CnNotice *n, const char *const *want)
{
  g_autoptr (GString) got = g_string_new (NULL);
  for (guint i = 0; i < n->domains->len; i++)
    g_string_append_printf (got, " %s", (char *) n->domains->pdata[i]);
  g_test_message ("domains:%s", got->str);
  guint k = 0;
  for (; want[k]; k++) {
    g_assert_cmpuint (k, <, n->domains->len);
    g_assert_cmpstr (n->domains->pdata[k], ==, want[k]);
  }
  g_assert_cmpuint (n->domains->len, ==, k);
  g_assert_cmpstr (n->domain, ==, want[0]);
}

static void
test_domains (void)
{
  g_autoptr (CnRuleSet) set = demo_rules ("\n[notice x]\nbody = notice\n"
                                          "domain = primary (?<domain>\\S+)\n"
                                          "domains = (?m)^names: (?<domains>.*)$\n");
  /* one line with every separator a mail puts between names, a second line
   * (every match counts), a wildcard and its base, and what is no host name */
  g_autoptr (GPtrArray) mails = mail ("a@demo.example", "",
    "notice: the primary Main.Example.COM. and the others\n"
    "names: a.example.com, B.Example.com、c.example.com 「d.example.com」 \"e.example.com\" 'f.example.com'\n"
    "names: g.example.com | h.example.com;i.example.com ・j.example.com (k.example.com) main.example.com\n"
    "names: *.w.example.com w.example.com x@y.example 1.2.3.4 e.g. example.com:443 /etc/x.pem 例え.jp\n");
  g_autoptr (CnNotice) n = cn_judge (set, mails->pdata[0], &(CnOptions) { 0 }, NULL);
  g_assert_nonnull (n->rule);
  assert_domains (n, (const char *[]) { "main.example.com", "a.example.com", "b.example.com", "c.example.com",
                                        "d.example.com", "e.example.com", "f.example.com", "g.example.com",
                                        "h.example.com", "i.example.com", "j.example.com", "k.example.com",
                                        "w.example.com", "example.com", "xn--r8jz45g.jp", NULL });
  g_assert_true (has_reason (n, "wildcard *.w.example.com: w.example.com itself is checked"));
  g_assert_cmpuint (n->reasons->len, ==, 1);
}

static void
test_domains_cap (void)
{
  g_autoptr (CnRuleSet) set = demo_rules ("\n[notice x]\nbody = notice\n"
                                          "domains = (?m)^(?<domains>h\\d+\\.example\\.com)$\n");
  g_autoptr (GString) body = g_string_new ("notice\n");
  for (int i = 0; i < 150; i++)
    g_string_append_printf (body, "h%d.example.com\nh%d.example.com\n", i, i);   /* each twice */
  g_autoptr (GPtrArray) mails = mail ("a@demo.example", "", body->str);
  g_autoptr (CnNotice) n = cn_judge (set, mails->pdata[0], &(CnOptions) { 0 }, NULL);
  g_assert_cmpuint (n->domains->len, ==, CN_DOMAINS_MAX);
  g_assert_cmpstr (n->domains->pdata[99], ==, "h99.example.com");
  g_assert_true (has_reason (n, "names 150 host names: only the first 100 are kept"));
}

static void
test_domains_none_valid (void)
{
  /* the primary is no host name: the list gives the first, the reason stays */
  g_autoptr (CnRuleSet) set = demo_rules ("\n[notice x]\nbody = notice\n"
                                          "domain = primary (?<domain>\\S+)\n"
                                          "domains = names: (?<domains>.*)\n");
  g_autoptr (GPtrArray) mails = mail ("a@demo.example", "", "notice: primary not_a_host\nnames: b.example.com\n");
  g_autoptr (CnNotice) n = cn_judge (set, mails->pdata[0], &(CnOptions) { 0 }, NULL);
  assert_domains (n, (const char *[]) { "b.example.com", NULL });
  g_assert_true (has_reason (n, "'not_a_host', which is not a valid host name"));
  /* nothing at all */
  g_autoptr (GPtrArray) m2 = mail ("a@demo.example", "", "notice without names\n");
  g_autoptr (CnNotice) n2 = cn_judge (set, m2->pdata[0], &(CnOptions) { 0 }, NULL);
  g_assert_nonnull (n2->rule);
  g_assert_null (n2->domain);
  g_assert_cmpuint (n2->domains->len, ==, 0);
}

/* ---- sender first ---- */

/* Two providers with the same wording: alpha (read first) and beta. */
static CnRuleSet *
twin_rules (void)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cn-rules-XXXXXX", &e);
  g_assert_no_error (e);
  const char *ids[] = { "alpha", "beta", "gamma" };
  for (int i = 0; i < 3; i++) {
    g_autofree char *path = g_strdup_printf ("%s/%s.rules", dir, ids[i]);
    g_autofree char *names = i == 2 ? g_strdup ("") : g_strdup_printf ("names = (?i)%s", ids[i]);
    g_autofree char *text = g_strdup_printf (
      "[provider]\nid = %s\nname = %c%s\nsender_domains = %s.example;\n"
      "support_url = https://%s.example/help\nremediation = one;two;\n%s\n"
      "[notice renewal-failed]\nsubject = renewal failed\ndomain = for (?<domain>\\S+)\n%s",
      ids[i], g_ascii_toupper (ids[i][0]), ids[i] + 1, ids[i], ids[i],
      names,
      /* gamma: the kind has its own names, and the provider none */
      i == 2 ? "names = Gamma Kind\n" : "");
    g_assert_true (g_file_set_contents (path, text, -1, &e));
  }
  return load_and_remove (dir);
}

static void
test_sender_first (void)
{
  g_autoptr (CnRuleSet) set = twin_rules ();
  struct {
    const char *from, *body, *provider;
    CnVerdict verdict;
  } cases[] = {
    /* the genuine sender picks its provider, named or not, whatever the file order */
    { "a@beta.example", "renewal failed for site.example", "beta", CN_VERDICT_UNVERIFIED },
    { "a@mail.beta.example", "renewal failed for site.example", "beta", CN_VERDICT_UNVERIFIED },
    { "a@alpha.example", "renewal failed for site.example", "alpha", CN_VERDICT_UNVERIFIED },
    { "a@beta.example", "Alpha: renewal failed for site.example", "beta", CN_VERDICT_UNVERIFIED },
    /* anyone else must name the provider, and is suspicious */
    { "a@evil.example", "BETA says: renewal failed for site.example", "beta", CN_VERDICT_SUSPICIOUS },
    { "a@evil.example", "Alpha says: renewal failed for site.example", "alpha", CN_VERDICT_SUSPICIOUS },
    { "a@evil.example", "renewal failed for site.example", NULL, CN_VERDICT_NOT_A_NOTICE },
    /* two senders: neither provider's alone, so names decide */
    { "a@alpha.example, b@beta.example", "renewal failed for site.example", NULL, CN_VERDICT_NOT_A_NOTICE },
    { "a@alpha.example, b@beta.example", "beta: renewal failed for site.example", "beta", CN_VERDICT_SUSPICIOUS },
    /* a kind's own names */
    { "a@evil.example", "Gamma Kind: renewal failed for site.example", "gamma", CN_VERDICT_SUSPICIOUS },
    { "a@gamma.example", "renewal failed for site.example", "gamma", CN_VERDICT_UNVERIFIED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *raw = g_strdup_printf ("From: %s\nSubject: renewal failed\n"
                                            "Content-Type: text/plain; charset=UTF-8\n\n%s\n",
                                            cases[i].from, cases[i].body);
    g_autoptr (GPtrArray) mails = cn_source_from_bytes (raw, strlen (raw), "twin");
    g_autoptr (GString) trace = g_string_new (NULL);
    g_autoptr (CnNotice) n = cn_judge (set, mails->pdata[0], &(CnOptions) { 0 }, trace);
    g_test_message ("case %zu: From %s: %s", i, cases[i].from, trace->str);
    g_assert_cmpstr (n->rule ? n->rule->id : NULL, ==, cases[i].provider);
    g_assert_cmpint (n->verdict, ==, cases[i].verdict);
    if (cases[i].provider)
      g_assert_cmpstr (n->domain, ==, "site.example");
  }
}

/* ---- a provider whose mail is local (certbot, acme.sh) ---- */

/* A provider whose sender_domains is given, empty: the user's own hosts
 * send its mail. */
static CnRuleSet *
local_rules (void)
{
  g_autofree char *dir = rules_dir_with ("local.rules",
    "[provider]\nid = local\nname = Local\nsender_domains =\n"
    "support_url = https://local.example/help\nremediation = one;two;three;\n"
    "\n[notice x]\nbody = (?<domain>site\\.example)\n");
  return load_and_remove (dir);
}

static void
test_local_senders (void)
{
  g_autoptr (CnRuleSet) set = local_rules ();
  CnRule *rule = set->rules->pdata[0];
  g_assert_nonnull (rule->sender_domains);
  g_assert_null (rule->sender_domains[0]);
  g_autofree char *desc = cn_rule_describe (rule, FALSE);
  g_assert_nonnull (strstr (desc, "from your own hosts (none declared)"));

  static char *trusted[] = { "mx.trusted", NULL };
  CnOptions opts = { .trusted_authserv = trusted };
  struct {
    const char *from, *headers;
    gboolean declared;   /* after the config has declared web1.example */
    CnTristate authentic;
    const char *reason;  /* the one reason expected, or NULL for none */
  } cases[] = {
    /* nobody declared a host: any From, not checked, never authentic */
    { "root@web1.example (Cron Daemon)", "", FALSE, CN_UNKNOWN, "the sender is not checked" },
    { "x@anything.example", "", FALSE, CN_UNKNOWN, "[provider local] sender_domains" },
    { "root@web1.example",
      "Authentication-Results: mx.trusted; dkim=pass header.d=web1.example; dmarc=pass\n",
      FALSE, CN_UNKNOWN, "the sender is not checked" },
    /* a failed authentication is suspicious all the same */
    { "root@web1.example", "Authentication-Results: mx.trusted; dkim=fail header.d=web1.example\n",
      FALSE, CN_FALSE, "dkim=fail" },
    /* declared: the ordinary check */
    { "root@web1.example (Cron Daemon)", "", TRUE, CN_UNKNOWN, NULL },
    { "root@host.web1.example", "", TRUE, CN_UNKNOWN, NULL },
    { "root@web2.example", "", TRUE, CN_FALSE, "not a genuine sender domain of local (web1.example)" },
    { "root@web1.example", "Authentication-Results: mx.trusted; dkim=pass header.d=web1.example\n",
      TRUE, CN_TRUE, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    if (cases[i].declared && rule->sender_domains[0] == NULL) {
      /* the user's config, as every command applies it */
      g_autoptr (GError) e = NULL;
      g_autofree char *cdir = g_dir_make_tmp ("cn-config-XXXXXX", &e);
      g_autofree char *cpath = g_build_filename (cdir, "config", NULL);
      g_assert_true (g_file_set_contents (cpath, "[provider local]\nsender_domains = web1.example;\n", -1, &e));
      g_autoptr (CnConfig) c = cn_config_load (cpath, TRUE, &e);
      g_assert_no_error (e);
      g_assert_true (cn_config_apply_providers (c, set, &e));
      g_assert_no_error (e);
      remove_dir (cdir);
      g_assert_cmpstr (rule->sender_domains[0], ==, "web1.example");
    }
    g_autoptr (GPtrArray) mails = mail (cases[i].from, cases[i].headers, "site.example");
    g_autoptr (CnNotice) n = cn_judge (set, mails->pdata[0], &opts, NULL);
    g_test_message ("case %zu: %s", i, cases[i].from);
    g_assert_nonnull (n->rule);
    g_assert_cmpstr (n->domain, ==, "site.example");
    g_assert_cmpint (n->authentic, ==, cases[i].authentic);
    g_assert_cmpint (n->verdict, ==, cases[i].authentic == CN_FALSE ? CN_VERDICT_SUSPICIOUS : CN_VERDICT_UNVERIFIED);
    if (cases[i].reason)
      g_assert_true (has_reason (n, cases[i].reason));
    else
      g_assert_cmpuint (n->reasons->len, ==, 0);
  }
  /* no From at all: nothing to hold against it either, until declared */
  g_autoptr (CnRuleSet) set2 = local_rules ();
  const char *nofrom = "Subject: notice\nContent-Type: text/plain; charset=UTF-8\n\nsite.example\n";
  g_autoptr (GPtrArray) m2 = cn_source_from_bytes (nofrom, strlen (nofrom), "test");
  g_autoptr (CnNotice) n2 = cn_judge (set2, m2->pdata[0], &opts, NULL);
  g_assert_cmpint (n2->verdict, ==, CN_VERDICT_UNVERIFIED);
  g_assert_false (has_reason (n2, "no From address"));
}

/* ---- the generic detector (with the shipped rules) ---- */

static CnRuleSet *
shipped (void)
{
  g_autoptr (GError) e = NULL;
  CnRuleSet *set = cn_rules_load_dir (g_test_get_filename (G_TEST_DIST, "rules", NULL), TRUE, &e);
  g_assert_no_error (e);
  return set;
}

static CnNotice *
judge_raw (const CnRuleSet *set, GPtrArray **keep, const char *from, const char *headers,
           const char *subject, const char *body, const CnOptions *opts, GString *trace)
{
  g_autofree char *raw = g_strdup_printf ("From: %s\n%sSubject: %s\nDate: Mon, 3 Jun 2024 10:00:00 +0900\n"
                                          "Content-Type: text/plain; charset=UTF-8\n\n%s\n",
                                          from, headers, subject, body);
  *keep = cn_source_from_bytes (raw, strlen (raw), "generic");
  return cn_judge (set, (*keep)->pdata[0], opts, trace);
}

static gboolean
has_japanese (const char *s)
{
  for (const char *p = s; *p; p = g_utf8_next_char (p)) {
    GUnicodeScript sc = g_unichar_get_script (g_utf8_get_char (p));
    if (sc == G_UNICODE_SCRIPT_HIRAGANA || sc == G_UNICODE_SCRIPT_KATAKANA)
      return TRUE;
  }
  return FALSE;
}

static void
test_generic_language (void)
{
  g_autoptr (CnRuleSet) set = shipped ();
  g_autoptr (GPtrArray) k1 = NULL, k2 = NULL;
  g_autoptr (GString) trace = g_string_new (NULL);
  g_autoptr (CnNotice) ja = judge_raw (set, &k1, "support@unknown-host.example", "",
                                       "【重要】SSL証明書の更新に失敗しました",
                                       "お客様のexample.jpのSSL証明書の自動更新に失敗しました。\n有効期限:2024年6月20日\n",
                                       &(CnOptions) { 0 }, trace);
  g_test_message ("%s", trace->str);
  g_assert_cmpstr (ja->rule->id, ==, "generic");
  g_assert_cmpstr (ja->kind->id, ==, "renewal-failed");
  /* the host name stops where the Japanese text around it starts */
  g_assert_cmpstr (ja->domain, ==, "example.jp");
  g_assert_true (has_japanese (cn_kind_remediation (ja->kind)[0]));
  g_assert_cmpint (ja->confidence, ==, CN_CONFIDENCE_HIGH);
  g_assert_true (has_reason (ja, "the generic detector scored 17"));
  g_assert_true (has_reason (ja, "cert-subject +3"));
  /* -v shows each piece of evidence with its weight, and the score */
  g_assert_nonnull (strstr (trace->str, "  +5 failed-sentence"));
  g_assert_nonnull (strstr (trace->str, "score 17 (a notice from 11)"));

  g_autoptr (CnNotice) en = judge_raw (set, &k2, "alerts@unknown-host.example", "",
                                       "Your SSL certificate for shop.example.com expires in 3 days",
                                       "Your SSL certificate for shop.example.com will expire on 2024-06-06.\n",
                                       &(CnOptions) { 0 }, NULL);
  g_assert_cmpstr (en->rule->id, ==, "generic");
  g_assert_cmpstr (en->kind->id, ==, "expiry-warning");
  g_assert_cmpstr (en->domain, ==, "shop.example.com");
  g_assert_cmpint (en->days, ==, 3);
  g_assert_false (has_japanese (cn_kind_remediation (en->kind)[0]));
  g_assert_cmpstr (en->rule->support_url, ==, "https://www.ssllabs.com/ssltest/");
}

static void
test_generic_authn (void)
{
  g_autoptr (CnRuleSet) set = shipped ();
  static char *trusted[] = { "mx.trusted", NULL };
  CnOptions opts = { .trusted_authserv = trusted };
  const char *subject = "Your SSL certificate for shop.example.com expires in 3 days";
  const char *body = "Your SSL certificate for shop.example.com will expire in 3 days.\n";
  struct { const char *from, *headers; CnTristate authentic; CnVerdict verdict; } cases[] = {
    /* any From: not suspicious for an unknown host */
    { "alerts@unknown-host.example", "", CN_UNKNOWN, CN_VERDICT_UNVERIFIED },
    /* even one that belongs to a provider with a rule */
    { "support@sakura.ad.jp", "", CN_UNKNOWN, CN_VERDICT_UNVERIFIED },
    /* a pass never makes it authentic */
    { "alerts@unknown-host.example",
      "Authentication-Results: mx.trusted; dkim=pass header.d=unknown-host.example; dmarc=pass header.from=unknown-host.example\n",
      CN_UNKNOWN, CN_VERDICT_UNVERIFIED },
    /* a fail makes it suspicious */
    { "alerts@unknown-host.example", "Authentication-Results: mx.trusted; dmarc=fail header.from=unknown-host.example\n",
      CN_FALSE, CN_VERDICT_SUSPICIOUS },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GPtrArray) keep = NULL;
    g_autoptr (CnNotice) n = judge_raw (set, &keep, cases[i].from, cases[i].headers, subject, body, &opts, NULL);
    g_test_message ("case %zu: %s", i, cases[i].from);
    g_assert_cmpstr (n->rule->id, ==, "generic");
    g_assert_cmpint (n->authentic, ==, cases[i].authentic);
    g_assert_cmpint (n->verdict, ==, cases[i].verdict);
    g_assert_false (has_reason (n, "not a genuine sender"));
  }
}

static void
test_generic_negatives (void)
{
  g_autoptr (CnRuleSet) set = shipped ();
  struct { const char *subject, *body; } cases[] = {
    /* a reply */
    { "Re: Your SSL certificate for shop.example.com expires in 3 days",
      "Your SSL certificate for shop.example.com will expire in 3 days.\n" },
    /* success */
    { "SSL certificate renewed for shop.example.com",
      "Your SSL certificate for shop.example.com has been renewed. It expires on 2024-09-01 (in 90 days).\n" },
    /* a domain renewal that mentions the certificate */
    { "ドメイン更新期限に関するお知らせ(example.jp)",
      "ドメインが失効するとSSL証明書の有効期限が近づいても更新できません。\nドメイン名:example.jp\n利用期限日:2024年7月31日\n" },
    /* certificate words, but nothing specific */
    { "SSL certificate renewal failed", "We could not renew your SSL certificate.\n" },
    /* nothing about a certificate */
    { "Your domain example.com expires in 30 days", "Renew your domain example.com before 2024-07-01.\n" },
    /* a gift certificate */
    { "Your gift certificate expires in 7 days", "Your gift certificate for shop.example.com will expire on 2024-06-10.\n" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GPtrArray) keep = NULL;
    g_autoptr (GString) trace = g_string_new (NULL);
    g_autoptr (CnNotice) n = judge_raw (set, &keep, "x@unknown-host.example", "", cases[i].subject,
                                        cases[i].body, &(CnOptions) { 0 }, trace);
    g_test_message ("case %zu: %s\n%s", i, cases[i].subject, trace->str);
    g_assert_null (n->rule);
    g_assert_cmpint (n->verdict, ==, CN_VERDICT_NOT_A_NOTICE);
    g_assert_cmpint (n->confidence, ==, CN_CONFIDENCE_NONE);
    g_assert_cmpuint (n->reasons->len, ==, 0);
  }
}

static void
test_generic_file_errors (void)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *demo = g_strconcat (good_provider, "\n[notice x]\nbody = a\n", NULL);
  g_autofree char *dir = rules_dir_with ("demo.rules", demo);
  g_autofree char *path = g_build_filename (dir, CN_GENERIC_FILE, NULL);
  g_assert_true (g_file_set_contents (path,
    "[detector]\nname = G\nsupport_url = https://g.example\nremediation = a;\n"
    "require = certificate;nothing;\nthreshold = ten\ndefault_kind = expiry-warning\ncolour = red\n\n"
    "[evidence cert]\ndescription = c\ngroup = certificate\non = subject\nweight = 0\npattern = cert\n\n"
    "[evidence against]\ndescription = a\non = everywhere\nweight = -3\nclaims = expired\npattern = (?<domain>x)\n", -1, &e));
  g_autoptr (CnRuleSet) set = cn_rules_load_dir (dir, TRUE, &e);
  g_assert_null (set);
  g_test_message ("%s", e->message);
  /* every problem of the file at once, each with its line */
  const char *want[] = {
    "generic.detector:8: [detector]: unknown key 'colour'",
    "generic.detector:6: [detector] threshold: 'ten' is not a whole number",
    "generic.detector:1: [detector]: missing threshold",
    "generic.detector:5: require: no evidence is in group 'nothing'",
    "generic.detector:10: [evidence cert]: needs a weight",
    "generic.detector:19: [evidence against] on: 'everywhere'",
    "generic.detector:21: [evidence against] claims: evidence against a notice claims nothing",
    "generic.detector:22: [evidence against] pattern: no named group (?<domain>",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (want); i++) {
    if (strstr (e->message, want[i]) == NULL)
      g_test_message ("missing: %s", want[i]);
    g_assert_nonnull (strstr (e->message, want[i]));
  }
  remove_dir (dir);
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
  g_test_add_func ("/rules/new-keys", test_new_keys);
  g_test_add_func ("/rules/generic-file-errors", test_generic_file_errors);
  g_test_add_func ("/match/dates", test_dates);
  g_test_add_func ("/match/day-counts", test_day_counts);
  g_test_add_func ("/match/domains", test_domains);
  g_test_add_func ("/match/domains-cap", test_domains_cap);
  g_test_add_func ("/match/domains-none-valid", test_domains_none_valid);
  g_test_add_func ("/match/sender-first", test_sender_first);
  g_test_add_func ("/authn/local-senders", test_local_senders);
  g_test_add_func ("/generic/language", test_generic_language);
  g_test_add_func ("/generic/authn", test_generic_authn);
  g_test_add_func ("/generic/negatives", test_generic_negatives);
  g_test_add_func ("/match/limit", test_match_limit);
  g_test_add_func ("/match/colon-flood", test_colon_flood);
  g_test_add_func ("/authn/cases", test_authn);
  return g_test_run ();
}
