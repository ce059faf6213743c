/* test-security.c — regression tests of issue #16 ("a stranger's mail
 * cannot choose its verdict, its reach, or what reaches the terminal") at
 * the level of functions: who is believed (Authentication-Results, From),
 * hooks, webhook URLs in logs, the state file. */
#include "actions.h"
#include "source.h"
#include "state.h"
#include "triage.h"
#include "test-notice.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* ---- who is believed (#16.4, #16.5) ---- */

static CnRuleSet *rules;
static char *trusted[] = { "mx.certnotice.test", NULL };
static CnOptions opts = { .no_verify = TRUE, .trusted_authserv = trusted, .warn_days = 14 };

/* SAMPLE (under samples/) with its From and Authentication-Results fields
 * replaced by HEADERS ("\n" lines), judged. */
typedef struct {
  GPtrArray *mails;
  CnNotice *n;
} Judged;

static void
judged_clear (Judged *j)
{
  cn_notice_free (j->n);
  g_ptr_array_unref (j->mails);
}

static Judged
judge_with (const char *sample, const char *headers)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR") : ".",
                                            "samples", sample, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  GString *mail = g_string_new (headers);
  gboolean in_head = TRUE, dropping = FALSE;
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (char **l = lines; *l; l++) {
    if (in_head && (**l == '\0' || !strcmp (*l, "\r")))
      in_head = FALSE;
    if (in_head && (**l == ' ' || **l == '\t') && dropping)
      continue;
    if (in_head && **l != ' ' && **l != '\t')
      dropping = g_str_has_prefix (*l, "From:") || g_str_has_prefix (*l, "Authentication-Results:");
    if (in_head && dropping)
      continue;
    g_string_append (mail, *l);
    if (l[1])
      g_string_append_c (mail, '\n');
  }
  Judged j;
  j.mails = cn_source_from_bytes (mail->str, mail->len, sample);
  g_string_free (mail, TRUE);
  j.n = cn_judge (rules, j.mails->pdata[0], &opts, NULL);
  g_assert_nonnull (j.n->rule);   /* still the notice it was */
  return j;
}

#define SAKURA "sakura/auth-pass-trusted.eml"
#define FROM_SAKURA "From: support@sakura.ad.jp\n"

static void
test_ar_control (void)
{
  /* the MTA's own field on top: believed */
  Judged j = judge_with (SAKURA, "Authentication-Results: mx.certnotice.test; dmarc=pass header.from=sakura.ad.jp\n"
                                 "Received: from x by mx.certnotice.test; Mon, 1 Jan 2024 00:00:00 +0000\n" FROM_SAKURA);
  g_assert_cmpint (j.n->authentic, ==, CN_TRUE);
  judged_clear (&j);
  /* an authres-version, dkim=pass with header.i, a quoted header.d */
  j = judge_with (SAKURA, "Authentication-Results: mx.certnotice.test 1; dkim=pass header.i=@sakura.ad.jp\n" FROM_SAKURA);
  g_assert_cmpint (j.n->authentic, ==, CN_TRUE);
  judged_clear (&j);
  j = judge_with (SAKURA, "Authentication-Results: MX.certnotice.test; dkim=pass header.d=\"sakura.ad.jp\"\n" FROM_SAKURA);
  g_assert_cmpint (j.n->authentic, ==, CN_TRUE);
  judged_clear (&j);
  /* another server's field above the MTA's does not matter */
  j = judge_with (SAKURA, "Authentication-Results: other.example; dmarc=none\n"
                          "Authentication-Results: mx.certnotice.test; dmarc=pass header.from=sakura.ad.jp\n" FROM_SAKURA);
  g_assert_cmpint (j.n->authentic, ==, CN_TRUE);
  judged_clear (&j);
}

static void
test_ar_forged_below (void)
{
  /* #16.4: the MTA says dmarc=none on top; a sender-written pass below the
   * Received with the same authserv-id is not believed */
  Judged j = judge_with (SAKURA, "Authentication-Results: mx.certnotice.test; dmarc=none header.from=sakura.ad.jp\n"
                                 "Received: from x by mx.certnotice.test; Mon, 1 Jan 2024 00:00:00 +0000\n"
                                 "Authentication-Results: mx.certnotice.test; dkim=pass header.d=sakura.ad.jp;\n"
                                 " dmarc=pass header.from=sakura.ad.jp\n" FROM_SAKURA);
  g_assert_cmpint (j.n->authentic, ==, CN_UNKNOWN);
  judged_clear (&j);
}

static void
test_ar_quoted_and_comments (void)
{
  /* #16.4: a ';' inside a quoted string does not start a clause */
  const char *forms[] = {
    "Authentication-Results: mx.certnotice.test; dkim=none reason=\"x; dkim=pass header.d=sakura.ad.jp\"\n",
    "Authentication-Results: mx.certnotice.test; spf=none smtp.mailfrom=\"a;dmarc=pass\"@evil.example\n",
    /* dkim=pass inside a comment is no result */
    "Authentication-Results: mx.certnotice.test; dmarc=none (dkim=pass header.d=sakura.ad.jp; dmarc=pass)\n",
    "Authentication-Results: mx.certnotice.test (nested (dkim=pass header.d=sakura.ad.jp)); dkim=none\n",
    /* nor is a quoted "dkim=pass" where a method should be */
    "Authentication-Results: mx.certnotice.test; \"dkim=pass\" header.d=sakura.ad.jp\n",
    /* an encoded word is not decoded into results */
    "Authentication-Results: mx.certnotice.test; =?utf-8?q?dkim=3Dpass_header.d=3Dsakura.ad.jp?=\n",
    /* a comment hiding the ';' */
    "Authentication-Results: mx.certnotice.test; dmarc=none (;) dkim=pass header.d=sakura.ad.jp\n",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (forms); i++) {
    g_autofree char *h = g_strconcat (forms[i], FROM_SAKURA, NULL);
    Judged j = judge_with (SAKURA, h);
    g_test_message ("form %zu: authentic %d", i, j.n->authentic);
    g_assert_cmpint (j.n->authentic, ==, CN_UNKNOWN);
    g_assert_cmpint (j.n->verdict, !=, CN_VERDICT_SUSPICIOUS);
    judged_clear (&j);
  }
  /* a fail stays a fail wherever it is written (it only costs its sender) */
  Judged j = judge_with (SAKURA, "Authentication-Results: mx.certnotice.test; dkim=fail (bad; sig) header.d=sakura.ad.jp\n" FROM_SAKURA);
  g_assert_cmpint (j.n->verdict, ==, CN_VERDICT_SUSPICIOUS);
  judged_clear (&j);
}

static void
test_from_look_alikes (void)
{
  /* #16.5: the domain as written must be the genuine one, byte for byte */
  struct {
    const char *sample, *from, *reason;
  } cases[] = {
    { "conoha/renewal-failed-20d-iso2022jp.eml", "From: no-reply@\xef\xbd\x83\xef\xbd\x8f\xef\xbd\x8e\xef\xbd\x8f\xef\xbd\x88\xef\xbd\x81\xef\xbc\x8e\xef\xbd\x8a\xef\xbd\x90\n", "look-alike of conoha.jp" },
    { "cpanel/expiry-warning-mixhost-ascii.eml", "From: sv1234@mixhost\xe3\x80\x82jp\n", "look-alike of mixhost.jp" },
    { "cpanel/expiry-warning-mixhost-ascii.eml", "From: cPanel <cpanel@sv1234.mixhost\xef\xbd\xa1jp>\n", "look-alike of sv1234.mixhost.jp" },
    { SAKURA, "From: <support@SAKURA.AD.JP.>\n", "look-alike of sakura.ad.jp" },
    { SAKURA, "From: support@\xef\xbd\x93" "akura.ad.jp\n", "look-alike of sakura.ad.jp" },
    /* xn-- labels: the literal is what counts; one that decodes to a
     * normalisation-equal name is a look-alike, a confusable is just foreign */
    { SAKURA, "From: support@xn--akura-fs33a.ad.jp\n", "look-alike of sakura.ad.jp" },
    { SAKURA, "From: support@xn--skura-4ve.ad.jp\n", "not a genuine sender domain" },
    /* every mailbox of a group counts */
    { SAKURA, "From: grp: a@evil.example;, support@sakura.ad.jp\n", "evil.example is not a genuine" },
    { SAKURA, "From: support@sakura.ad.jp, grp: x@y.example, b@evil.example;\n", "evil.example is not a genuine" },
    /* the address behind a quoted display name is what counts */
    { SAKURA, "From: \"support@sakura.ad.jp\" <x@evil.example>\n", "evil.example is not a genuine" },
    /* an address written only inside an encoded word is no address */
    { SAKURA, "From: =?utf-8?q?support=40sakura.ad.jp?=\n", "no From address" },
    /* a second From header counts too */
    { SAKURA, "From: support@sakura.ad.jp\nFrom: b@evil.example\n", "evil.example is not a genuine" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("case %zu: %s", i, cases[i].from);
    Judged j = judge_with (cases[i].sample, cases[i].from);
    for (guint k = 0; k < j.n->reasons->len; k++)
      g_test_message ("  reason: %s", (char *) j.n->reasons->pdata[k]);
    g_assert_cmpint (j.n->verdict, ==, CN_VERDICT_SUSPICIOUS);
    g_assert_cmpint (j.n->authentic, ==, CN_FALSE);
    g_assert_true (has_reason (j.n, cases[i].reason));
    judged_clear (&j);
  }
  /* genuine forms: any case, a subdomain, a quoted display name with an
   * address in it, a comment */
  const char *fine[] = {
    "From: support@SAKURA.ad.jp\n",
    "From: mailer@notice.sakura.ad.jp\n",
    "From: \"evil@evil.example\" <support@sakura.ad.jp>\n",
    "From: =?utf-8?b?44GV44GP44KJ?= <support@sakura.ad.jp> (evil@evil.example)\n",
    "From: support@sakura.ad.jp,\n support2@sakura.ad.jp\n",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (fine); i++) {
    g_test_message ("fine %zu: %s", i, fine[i]);
    Judged j = judge_with (SAKURA, fine[i]);
    g_assert_cmpint (j.n->verdict, !=, CN_VERDICT_SUSPICIOUS);
    judged_clear (&j);
  }
}

static void
test_from_punycode_literal (void)
{
  /* an xn-- domain stays the literal it is (GMime decodes it to Unicode) */
  const char *mail = "From: a@xn--80ak6aa92e.com\nSubject: x\n\nbody\n";
  g_autoptr (GPtrArray) mails = cn_source_from_bytes (mail, strlen (mail), "t");
  const CnMail *m = mails->pdata[0];
  g_assert_cmpuint (m->from_domains->len, ==, 1);
  g_assert_cmpstr (m->from_domains->pdata[0], ==, "xn--80ak6aa92e.com");
  char *genuine[] = { "xn--80ak6aa92e.com", NULL };
  g_assert_true (cn_authn_domain_is_genuine (m->from_domains->pdata[0], genuine));
  /* and the Unicode form written out is not that literal */
  const char *mail2 = "From: a@\xd0\xb0\xd1\x80\xd1\x80\xd3\x8f\xd0\xb5.com\nSubject: x\n\nbody\n";
  g_autoptr (GPtrArray) mails2 = cn_source_from_bytes (mail2, strlen (mail2), "t");
  const CnMail *m2 = mails2->pdata[0];
  g_assert_false (cn_authn_domain_is_genuine (m2->from_domains->pdata[0], genuine));
}

/* ---- hooks (#16.9) ---- */

/* A record far larger than a pipe holds. */
static char *
big_json (void)
{
  GString *s = g_string_new ("{\"x\":\"");
  for (int i = 0; i < 300000; i++)
    g_string_append_c (s, 'a');
  g_string_append (s, "\"}\n");
  return g_string_free (s, FALSE);
}

static void
test_hook_reads (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cn-hook-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "got", NULL);
  g_autofree char *script = g_strdup_printf ("cat > '%s'", out);
  char *argv[] = { "sh", "-c", script, NULL };
  g_autofree char *json = big_json ();
  g_autoptr (GError) e = NULL;
  g_assert_true (cn_action_run_hook (argv, json, 10, &e));
  g_assert_no_error (e);
  g_autofree char *got = NULL;
  g_assert_true (g_file_get_contents (out, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, json);
  g_unlink (out);
  g_rmdir (dir);
}

static void
test_hook_never_reads (void)
{
  /* the hook never reads its 300 KB record: the limit still holds */
  char *argv[] = { "sh", "-c", "sleep 30", NULL };
  g_autofree char *json = big_json ();
  g_autoptr (GError) e = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_false (cn_action_run_hook (argv, json, 0.5, &e));
  double took = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("took %.2fs", took);
  g_assert_error (e, CN_ERROR, CN_ERROR_INTERNAL);
  g_assert_nonnull (strstr (e->message, "timed out"));
  g_assert_cmpfloat (took, <, 3.0);
}

static void
test_hook_group_killed (void)
{
  /* a hook that starts a child and hangs: the child dies with it */
  g_autofree char *dir = g_dir_make_tmp ("cn-hook-XXXXXX", NULL);
  g_autofree char *pidfile = g_build_filename (dir, "pid", NULL);
  g_autofree char *script = g_strdup_printf ("sleep 60 & echo $! > '%s'; wait", pidfile);
  char *argv[] = { "sh", "-c", script, NULL };
  g_autoptr (GError) e = NULL;
  g_assert_false (cn_action_run_hook (argv, "{}\n", 0.5, &e));
  g_autofree char *pid_text = NULL;
  g_assert_true (g_file_get_contents (pidfile, &pid_text, NULL, NULL));
  pid_t child = (pid_t) atoi (pid_text);
  g_assert_cmpint (child, >, 1);
  /* it was killed (SIGKILL to the group); wait a little for init to reap it */
  gboolean gone = FALSE;
  for (int i = 0; i < 100 && !gone; i++) {
    gone = kill (child, 0) < 0 && errno == ESRCH;
    if (!gone) {
      g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) child);
      g_autofree char *stat = NULL;
      /* a zombie waiting for its reaper counts as gone */
      if (g_file_get_contents (stat_path, &stat, NULL, NULL) && strstr (stat, ") Z "))
        gone = TRUE;
      else
        g_usleep (20000);
    }
  }
  g_assert_true (gone);
  g_unlink (pidfile);
  g_rmdir (dir);
}

static void
test_hook_status (void)
{
  char *argv[] = { "sh", "-c", "exit 3", NULL };
  g_autoptr (GError) e = NULL;
  g_assert_false (cn_action_run_hook (argv, "{}\n", 10, &e));
  g_assert_nonnull (strstr (e->message, "exit status 3"));
}

/* ---- webhook URLs in logs (#16.9) ---- */

static void
test_url_for_log (void)
{
  struct {
    const char *url, *want;
  } cases[] = {
    { "https://user:s3cret@hooks.example.com/T000/B000/XXXXSECRET?token=abc#f", "https://hooks.example.com" },
    { "http://127.0.0.1:8080/hook/secret-path", "http://127.0.0.1:8080" },
    { "https://[::1]:9443/x", "https://[::1]:9443" },
    { "https://hooks.example.com", "https://hooks.example.com" },
    { "not a url", "(an unparsable URL)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *got = cn_action_url_for_log (cases[i].url);
    g_assert_cmpstr (got, ==, cases[i].want);
  }
}

static void
test_webhook_error_hides_secrets (void)
{
  /* nothing listens on port 9 of loopback: the error names the host only */
  CnOptions opts = { .timeout = 2 };
  g_autoptr (GError) e = NULL;
  g_assert_false (cn_action_post_webhook ("http://user:pw@127.0.0.1:9/very/secret/path?key=k", "{}", &opts, &e));
  g_test_message ("%s", e->message);
  g_assert_nonnull (strstr (e->message, "http://127.0.0.1:9"));
  g_assert_null (strstr (e->message, "secret"));
  g_assert_null (strstr (e->message, "pw"));
  g_assert_null (strstr (e->message, "key="));
}

/* ---- the state file (#16.9) ---- */

static void
test_state_no_follow (void)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cn-state-XXXXXX", &e);
  g_autofree char *path = g_build_filename (dir, "imap.state", NULL);
  g_autofree char *tmp = g_strconcat (path, ".new", NULL);
  g_autofree char *victim = g_build_filename (dir, "victim", NULL);
  g_assert_true (g_file_set_contents (victim, "precious\n", -1, NULL));
  g_assert_cmpint (symlink (victim, tmp), ==, 0);
  g_autoptr (CnState) st = cn_state_load (path, &e);
  g_assert_no_error (e);
  cn_state_box (st, "a/INBOX")->last_uid = 7;
  g_assert_true (cn_state_save (st, &e));
  g_assert_no_error (e);
  /* the link was replaced, not followed */
  g_autofree char *v = NULL;
  g_assert_true (g_file_get_contents (victim, &v, NULL, NULL));
  g_assert_cmpstr (v, ==, "precious\n");
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_autoptr (CnState) again = cn_state_load (path, &e);
  g_assert_cmpuint (cn_state_box (again, "a/INBOX")->last_uid, ==, 7);
  /* a stale .new of our own is replaced too */
  g_assert_true (g_file_set_contents (tmp, "stale", -1, NULL));
  g_assert_true (cn_state_save (st, &e));
  g_unlink (path);
  g_unlink (victim);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR") : ".", "rules", NULL);
  g_autoptr (GError) e = NULL;
  rules = cn_rules_load_dir (dir, TRUE, &e);
  g_assert_no_error (e);
  opts.now = g_date_time_new_utc (2024, 6, 1, 0, 0, 0);
  g_test_add_func ("/security/authres/control", test_ar_control);
  g_test_add_func ("/security/authres/forged-below", test_ar_forged_below);
  g_test_add_func ("/security/authres/quoted-and-comments", test_ar_quoted_and_comments);
  g_test_add_func ("/security/from/look-alikes", test_from_look_alikes);
  g_test_add_func ("/security/from/punycode-literal", test_from_punycode_literal);
  g_test_add_func ("/security/hook/reads", test_hook_reads);
  g_test_add_func ("/security/hook/never-reads", test_hook_never_reads);
  g_test_add_func ("/security/hook/group-killed", test_hook_group_killed);
  g_test_add_func ("/security/hook/status", test_hook_status);
  g_test_add_func ("/security/webhook/url-for-log", test_url_for_log);
  g_test_add_func ("/security/webhook/error-hides-secrets", test_webhook_error_hides_secrets);
  g_test_add_func ("/security/state/no-follow", test_state_no_follow);
  return g_test_run ();
}
