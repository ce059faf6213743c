/* test-security.c — regression tests of issue #16 ("a stranger's mail
 * cannot choose its verdict, its reach, or what reaches the terminal") at
 * the level of functions: hooks, webhook URLs in logs, the state file. */
#include "actions.h"
#include "state.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

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
  g_test_add_func ("/security/hook/reads", test_hook_reads);
  g_test_add_func ("/security/hook/never-reads", test_hook_never_reads);
  g_test_add_func ("/security/hook/group-killed", test_hook_group_killed);
  g_test_add_func ("/security/hook/status", test_hook_status);
  g_test_add_func ("/security/webhook/url-for-log", test_url_for_log);
  g_test_add_func ("/security/webhook/error-hides-secrets", test_webhook_error_hides_secrets);
  g_test_add_func ("/security/state/no-follow", test_state_no_follow);
  return g_test_run ();
}
