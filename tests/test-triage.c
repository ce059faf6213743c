/* test-triage.c — table tests for cn_triage (a notice's claim against
 * synthetic live results) and cn_message_decide (which notice speaks for a
 * message), the two decisions every mode shares. */
#include "pipeline.h"
#include "source.h"
#include "tlscheck.h"

#include <string.h>

static CnRuleSet *rules;
static CnOptions opts;

/* A Sakura renewal-failed notice from FROM naming DOMAIN (no expiry). */
static char *
notice_mail (const char *domain, const char *from)
{
  return g_strdup_printf ("From: %s\nSubject: [さくらインターネット]【重要】無料SSL証明書 更新エラーについて\n"
                          "Date: Mon, 01 Jan 2024 00:00:00 +0000\nMessage-ID: <%s@test>\n"
                          "Content-Type: text/plain; charset=UTF-8\n\n"
                          "このメールは無料SSL機能をご利用のお客様で、証明書の自動更新に失敗した方へお送りしております。\n"
                          "コモンネーム :%s\n", from, domain, domain);
}

/* A live result for DOMAIN: STATUS decides the endpoint's fields; the
 * certificate's notAfter is NOW + DAYS. */
static CnLive *
live (const char *domain, const char *what, int days)
{
  CnLive *l = cn_live_new (domain, 443);
  CnEndpoint *e = cn_endpoint_new ("192.0.2.1");
  g_ptr_array_add (l->endpoints, e);
  if (strcmp (what, "unreachable") == 0) {
    e->error = g_strdup ("Connection refused");
  } else {
    e->have_cert = TRUE;
    e->not_after = g_date_time_add_days (opts.now, days);
    e->not_before = g_date_time_add_days (opts.now, days - 90);
    e->trusted = strcmp (what, "untrusted") != 0;
    e->name_ok = strcmp (what, "mismatch") != 0;
    e->names = g_strsplit (e->name_ok ? domain : "other.example", ",", -1);
  }
  cn_live_settle (l, opts.now, 14);
  return l;
}

typedef struct {
  const char *name;
  const char *claim;      /* "YYYY-MM-DD" or NULL                      */
  const char *what[3];    /* per name: ok, untrusted, mismatch, unreachable, - (not checked) */
  int days[3];            /* notAfter - now, per name                   */
  const char *want;
} TriageCase;

static const TriageCase triage_cases[] = {
  { "claim-equals-live", "2024-01-11", { "ok" }, { 10 }, "action-required" },
  { "claim-within-tolerance", "2024-01-11", { "ok" }, { 12 }, "action-required" },
  { "live-later-than-claim", "2024-01-11", { "ok" }, { 80 }, "renewed" },
  { "no-claim-60-days", NULL, { "ok" }, { 60 }, "renewed" },
  { "no-claim-20-days", NULL, { "ok" }, { 20 }, "action-required" },
  { "expired", "2024-01-11", { "ok" }, { -3 }, "expired" },
  { "untrusted", NULL, { "untrusted" }, { 60 }, "action-required" },
  { "name-mismatch", NULL, { "mismatch" }, { 60 }, "action-required" },
  { "unreachable", NULL, { "unreachable" }, { 0 }, "unverified" },
  { "two-names-worst-speaks", "2024-01-11", { "ok", "ok" }, { 80, -2 }, "expired" },
  { "two-names-renewed", "2024-01-11", { "ok", "ok" }, { 80, 85 }, "renewed" },
  { "unchecked-name-not-renewed", "2024-01-11", { "ok", "-" }, { 80, 0 }, "unverified" },
  { "three-names-mismatch-wins-over-renewed", NULL, { "ok", "mismatch", "ok" }, { 80, 60, 90 },
    "action-required" },
};

static void
test_triage (gconstpointer data)
{
  const TriageCase *c = data;
  const char *names[] = { "a.example.com", "b.example.com", "c.example.com" };
  g_autofree char *raw = notice_mail (names[0], "support@sakura.ad.jp");
  g_autoptr (GPtrArray) mails = cn_source_from_bytes (raw, strlen (raw), "test");
  g_autoptr (CnNotice) n = cn_judge (rules, mails->pdata[0], &opts, NULL);
  g_assert_nonnull (n->rule);
  g_assert_cmpstr (n->domain, ==, names[0]);
  if (c->claim) {
    int y, m, d;
    g_assert_cmpint (sscanf (c->claim, "%d-%d-%d", &y, &m, &d), ==, 3);
    n->expires = g_date_new_dmy (d, m, y);
  }
  g_ptr_array_set_size (n->domains, 0);
  g_autoptr (GPtrArray) lives = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_live_free);
  for (int i = 0; i < 3 && c->what[i]; i++) {
    g_ptr_array_add (n->domains, g_strdup (names[i]));
    CnLive *l = strcmp (c->what[i], "-") == 0 ? NULL : live (names[i], c->what[i], c->days[i]);
    if (l)
      g_ptr_array_add (lives, l);
    g_ptr_array_add (n->lives, l);
  }
  cn_triage (n, &opts);
  g_assert_cmpstr (cn_verdict_name (n->verdict), ==, c->want);
  /* the deciding check is the one reported */
  if (n->verdict != CN_VERDICT_UNVERIFIED)
    g_assert_nonnull (n->live);
}

/* ---- which notice speaks for a message ---- */

static GPtrArray *
forward (const char *outer_from, const char *outer_subject, const char *inner)
{
  g_autofree char *raw = g_strdup_printf (
    "From: %s\nSubject: %s\nMessage-ID: <outer@test>\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=bb\n\n--bb\nContent-Type: text/plain; charset=UTF-8\n\n"
    "このメールは無料SSL機能をご利用のお客様で、証明書の自動更新に失敗した方へお送りしております。\n"
    "コモンネーム :outer.example.com\n--bb\nContent-Type: message/rfc822\n\n%s\n--bb--\n",
    outer_from, outer_subject, inner);
  return cn_source_from_bytes (raw, strlen (raw), "test");
}

/* Judge MAILS (taken) in B, give its attached notices INNER_VERDICT as a
 * live check would, and decide. */
static CnMessage *
decide (CnBatch *b, GPtrArray *mails, CnVerdict inner_verdict)
{
  CnMessage *msg = cn_batch_add (b, mails);
  g_ptr_array_unref (mails);
  /* the verdicts a live check would have given, then the one decision */
  for (guint i = 1; i < msg->notices->len; i++) {
    CnNotice *n = msg->notices->pdata[i];
    if (n->rule && !n->attached && n->verdict != CN_VERDICT_SUSPICIOUS)
      n->verdict = inner_verdict;
  }
  cn_message_decide (msg);
  return msg;
}

static void
test_decide_outer_notice_speaks (void)
{
  g_autoptr (CnBatch) b = cn_batch_new (rules, &opts);
  g_autofree char *inner = notice_mail ("inner.example.com", "support@sakura.ad.jp");
  /* a suspicious outer notice with an attached notice: the outer speaks */
  CnMessage *msg = decide (b, forward ("support@sakura-login.example",
                                       "[さくらインターネット]【重要】無料SSL証明書 更新エラーについて", inner),
                           CN_VERDICT_ACTION_REQUIRED);
  g_assert_cmpuint (msg->notices->len, ==, 2);
  g_assert_true (msg->speaker == msg->notices->pdata[0]);
  g_assert_cmpstr (cn_verdict_name (msg->verdict), ==, "suspicious");
  g_assert_true (msg->act);
}

static void
test_decide_attached_is_evidence (void)
{
  g_autoptr (CnBatch) b = cn_batch_new (rules, &opts);
  g_autofree char *inner = notice_mail ("inner.example.com", "support@sakura.ad.jp");
  CnMessage *msg = decide (b, forward ("friend@example.org", "Fwd: look", inner), CN_VERDICT_EXPIRED);
  const CnNotice *in = msg->notices->pdata[1];
  g_assert_true (in->attached);
  g_assert_false (cn_wants_check (in, &opts));
  g_assert_true (msg->speaker == in);
  g_assert_cmpstr (cn_verdict_name (msg->verdict), ==, "unverified");
  g_assert_false (msg->act);
}

static void
test_decide_trusted_forwarder (void)
{
  char *forwarders[] = { "example.org", NULL };
  CnOptions o = opts;
  o.trusted_forwarders = forwarders;
  g_autoptr (CnBatch) b = cn_batch_new (rules, &o);
  g_autofree char *inner = notice_mail ("inner.example.com", "support@sakura.ad.jp");
  g_autofree char *from = g_strdup ("friend@example.org\nAuthentication-Results: mx.certnotice.test; "
                                    "dkim=pass header.d=example.org");
  CnMessage *msg = decide (b, forward (from, "Fwd: look", inner), CN_VERDICT_EXPIRED);
  const CnNotice *in = msg->notices->pdata[1];
  g_assert_false (in->attached);
  g_assert_true (cn_wants_check (in, &o));
  g_assert_cmpstr (cn_verdict_name (msg->verdict), ==, "expired");
  g_assert_true (msg->act);
  /* the same mail without the trusted pass is evidence only */
  g_autoptr (CnBatch) b2 = cn_batch_new (rules, &o);
  CnMessage *msg2 = decide (b2, forward ("friend@example.org", "Fwd: look", inner), CN_VERDICT_EXPIRED);
  g_assert_true (((CnNotice *) msg2->notices->pdata[1])->attached);
  g_assert_false (msg2->act);
}

static void
test_decide_not_a_notice (void)
{
  g_autoptr (CnBatch) b = cn_batch_new (rules, &opts);
  const char *raw = "From: a@example.org\nSubject: lunch\n\nsee you\n";
  CnMessage *msg = decide (b, cn_source_from_bytes (raw, strlen (raw), "t"), CN_VERDICT_EXPIRED);
  g_assert_null (msg->speaker);
  g_assert_cmpstr (cn_verdict_name (msg->verdict), ==, "not-a-notice");
  g_assert_false (msg->act);
  g_assert_null (msg->error);
}

static void
test_decide_internal_error (void)
{
  g_autoptr (CnBatch) b = cn_batch_new (rules, &opts);
  g_autofree char *inner = notice_mail ("inner.example.com", "support@sakura.ad.jp");
  g_autoptr (GPtrArray) mails = forward ("friend@example.org", "Fwd: look", inner);
  CnMessage *msg = cn_batch_add (b, mails);
  CnNotice *in = msg->notices->pdata[1];
  in->internal_error = g_strdup ("out of memory: test");
  cn_message_decide (msg);
  g_assert_cmpstr (msg->error, ==, "out of memory: test");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) e = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "rules", NULL);
  rules = cn_rules_load_dir (dir, TRUE, &e);
  g_assert_no_error (e);
  static char *trusted[] = { "mx.certnotice.test", NULL };
  opts.trusted_authserv = trusted;
  opts.now = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  opts.timeout = 1;
  opts.parallel = 1;
  opts.warn_days = 14;
  for (gsize i = 0; i < G_N_ELEMENTS (triage_cases); i++) {
    g_autofree char *path = g_strdup_printf ("/triage/%s", triage_cases[i].name);
    g_test_add_data_func (path, &triage_cases[i], test_triage);
  }
  g_test_add_func ("/decide/outer-notice-speaks", test_decide_outer_notice_speaks);
  g_test_add_func ("/decide/attached-is-evidence", test_decide_attached_is_evidence);
  g_test_add_func ("/decide/trusted-forwarder", test_decide_trusted_forwarder);
  g_test_add_func ("/decide/not-a-notice", test_decide_not_a_notice);
  g_test_add_func ("/decide/internal-error", test_decide_internal_error);
  int rc = g_test_run ();
  cn_rules_free (rules);
  g_date_time_unref (opts.now);
  return rc;
}
