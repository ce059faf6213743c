/* test-judge.c — the judge's socket and request (src/judge.c): where the
 * filter looks, which environments a judge serves, when its rules are the
 * filter's, and a request sent by cn_judge_ask() and read back by
 * cn_judge_read_request() over a real Unix socket (a thread plays the
 * judge).  The judge itself (certnotice serve) is tested by serve.sh. */
#include "judge.h"
#include "fdio.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void
test_socket_path (void)
{
  /* a config file that is not there: an empty config */
  g_autoptr (CnConfig) c = cn_config_load ("/nonexistent/certnotice/config", FALSE, NULL);
  g_assert_nonnull (c);
  g_setenv ("XDG_RUNTIME_DIR", "/run/user/4242", TRUE);
  g_autofree char *p1 = cn_judge_socket_path (c);
  g_assert_cmpstr (p1, ==, "/run/user/4242/certnotice/judge.sock");
  /* procmail's environment has none: systemd's place for the user */
  g_unsetenv ("XDG_RUNTIME_DIR");
  g_autofree char *p2 = cn_judge_socket_path (c);
  g_autofree char *want = g_strdup_printf ("/run/user/%u/certnotice/judge.sock", (unsigned) geteuid ());
  g_assert_cmpstr (p2, ==, want);
  /* a relative XDG_RUNTIME_DIR is no place (the XDG spec): the same */
  g_setenv ("XDG_RUNTIME_DIR", "run", TRUE);
  g_autofree char *p3 = cn_judge_socket_path (c);
  g_assert_cmpstr (p3, ==, want);
  /* the config's, or none */
  c->judge_socket = g_strdup ("/srv/j.sock");
  g_autofree char *p4 = cn_judge_socket_path (c);
  g_assert_cmpstr (p4, ==, "/srv/j.sock");
  g_free (c->judge_socket);
  c->judge_socket = g_strdup ("none");
  g_assert_null (cn_judge_socket_path (c));
}

static void
test_env (void)
{
  static const struct {
    const char *filter[6];
    const char *judge[6];
    const char *differs;   /* NULL: served */
  } cases[] = {
    { { "HOME=/h", "PATH=/a", NULL }, { "HOME=/h", "PATH=/b", NULL }, NULL },
    /* the filter's own: language, time zone, temporary directory, runtime dir */
    { { "HOME=/h", "LANG=ja_JP.UTF-8", "TZ=Asia/Tokyo", "TMPDIR=/x", "XDG_RUNTIME_DIR=/r", NULL },
      { "HOME=/h", NULL }, NULL },
    { { "HOME=/h", NULL }, { "HOME=/g", NULL }, "HOME" },
    { { NULL }, { "HOME=/g", NULL }, "HOME" },
    { { "HOME=/h", "XDG_CONFIG_HOME=/c", NULL }, { "HOME=/h", NULL }, "XDG_CONFIG_HOME" },
    { { "XDG_STATE_HOME=/s", NULL }, { "XDG_STATE_HOME=/t", NULL }, "XDG_STATE_HOME" },
    { { "XDG_CACHE_HOME=/s", NULL }, { NULL }, "XDG_CACHE_HOME" },
    { { "CERTNOTICE_RULES=/r", NULL }, { NULL }, "CERTNOTICE_RULES" },
    { { NULL }, { "CERTNOTICE_PREFILTER=off", NULL }, "CERTNOTICE_PREFILTER" },
    /* the front's mark is no set-up */
    { { "CERTNOTICE_FRONT_EXEC=1", NULL }, { NULL }, NULL },
    /* a prefix is not the name */
    { { "HOMEDIR=/x", "CERTNOTICE=1", NULL }, { NULL }, NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *d = cn_judge_env_differs ((char **) cases[i].filter, (char **) cases[i].judge);
    if (g_strcmp0 (d, cases[i].differs) != 0) {
      g_test_message ("case %u: got %s, want %s", i, d ? d : "(served)",
                      cases[i].differs ? cases[i].differs : "(served)");
      g_test_fail ();
    }
  }
}

static void
test_same_rules (void)
{
  const char *front = "certnotice-prefilter 1\nname 0123456789ab\ncertnotice 1 pcre2 10.42\n"
                      "exe /usr/bin/certnotice 00ff\nconfig /h/c 0000\ndir /r 0001\nfile /r/a.rules 0002\n\n";
  const char *full = "certnotice-prefilter 1\nname ba9876543210\ncertnotice 1 pcre2 10.42\n"
                     "exe /usr/lib/certnotice/certnotice-full 00ee\nconfig /h/c 0000\ndir /r 0001\n"
                     "file /r/a.rules 0002\n\n";
  const char *edited = "certnotice-prefilter 1\nname ba9876543210\ncertnotice 1 pcre2 10.42\n"
                       "exe /usr/lib/certnotice/certnotice-full 00ee\nconfig /h/c 0000\ndir /r 0001\n"
                       "file /r/a.rules 0003\n\n";
  g_assert_true (cn_judge_same_rules (front, full));   /* other executables, the same files */
  g_assert_false (cn_judge_same_rules (front, edited));
  g_assert_false (cn_judge_same_rules (front, NULL));
  g_assert_false (cn_judge_same_rules (NULL, NULL));
  g_assert_false (cn_judge_same_rules ("no key at all", "no key at all"));
}

typedef struct {
  int listen_fd;
  CnJudgeRequest req;
  gboolean read_ok;
  char *why;
  char *mail;
  char *cwd;
} Judge;

/* The judge's side: one request, then "ok" and a final block. */
static gpointer
judge_thread (gpointer data)
{
  Judge *j = data;
  int c = accept (j->listen_fd, NULL, NULL);
  g_assert_cmpint (c, >=, 0);
  j->read_ok = cn_judge_read_request (c, 5000, &j->req, &j->why);
  if (j->read_ok) {
    char buf[256] = "";
    ssize_t n = pread (j->req.mail_fd, buf, sizeof buf - 1, 0);
    j->mail = g_strndup (buf, n > 0 ? (gsize) n : 0);
    g_autofree char *link = g_strdup_printf ("/proc/self/fd/%d", j->req.cwd_fd);
    j->cwd = g_file_read_link (link, NULL);
    cn_write_all (c, "ok\nF 3\nabc", 11);
  } else {
    g_autofree char *line = g_strdup_printf ("no %s\n", j->why);
    cn_write_all (c, line, strlen (line));
  }
  close (c);
  return NULL;
}

static int
listen_at (const char *path)
{
  int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  g_assert_cmpuint (strlen (path), <, sizeof sa.sun_path);
  strcpy (sa.sun_path, path);
  g_assert_cmpint (bind (s, (struct sockaddr *) &sa, sizeof sa), ==, 0);
  g_assert_cmpint (listen (s, 4), ==, 0);
  return s;
}

static void
test_roundtrip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cn-judge-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "j.sock", NULL);
  /* no socket there: absent, nothing to say */
  int fd = -1;
  g_autofree char *why = NULL;
  g_assert_cmpint (cn_judge_ask (path, "x", 1, NULL, 1, (char *[]) { "filter", NULL },
                                 g_get_monotonic_time () + 5 * G_USEC_PER_SEC, &fd, &why), ==, CN_JUDGE_ABSENT);
  g_assert_null (why);

  Judge j = { .listen_fd = listen_at (path) };
  GThread *t = g_thread_new ("judge", judge_thread, &j);
  const char *mail = "Subject: hello\n\nbody\n";
  char *argv[] = { "filter", "--no-verify", "--now", "2026-06-01", NULL };
  const char *key = "certnotice-prefilter 1\nname 0\nconfig /c 0\n\n";
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  CnJudgeAnswer a = cn_judge_ask (path, mail, strlen (mail), key, 4, argv, deadline, &fd, &why);
  g_assert_cmpint (a, ==, CN_JUDGE_OK);
  char rest[64] = "";
  gsize got = 0;
  ssize_t n;
  while ((n = read (fd, rest + got, sizeof rest - 1 - got)) > 0)
    got += (gsize) n;
  close (fd);
  g_thread_join (t);
  /* the blocks follow "ok" untouched */
  g_assert_cmpstr (rest, ==, "F 3\nabc");
  g_assert_true (j.read_ok);
  g_assert_cmpstr (j.mail, ==, mail);
  g_autofree char *cwd = g_get_current_dir ();
  g_assert_cmpstr (j.cwd, ==, cwd);
  g_assert_cmpint (j.req.deadline, ==, deadline);
  g_assert_cmpint (j.req.argc, ==, 4);
  g_assert_cmpstr (j.req.argv[3], ==, "2026-06-01");
  g_assert_null (j.req.argv[4]);
  g_assert_cmpstr (j.req.key, ==, key);
  mode_t mask = umask (0);
  umask (mask);
  g_assert_cmpuint (j.req.umask, ==, mask);
  g_assert_cmpuint (g_strv_length (j.req.envp), ==, g_strv_length (environ));
  g_assert_true (g_strv_contains ((const char *const *) j.req.envp, environ[0]));
  cn_judge_request_clear (&j.req);
  g_free (j.mail);
  g_free (j.cwd);

  /* a judge that says no: refused, and why */
  Judge k = { .listen_fd = j.listen_fd };
  t = g_thread_new ("judge", judge_thread, &k);
  /* a request of another version, written by hand */
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  strcpy (sa.sun_path, path);
  int c = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (connect (c, (struct sockaddr *) &sa, sizeof sa), ==, 0);
  cn_write_all (c, "certnotice-judge 1 0.0-other 2\n0\0", 33);
  char answer[200] = "";
  gsize ag = 0;
  while ((n = read (c, answer + ag, sizeof answer - 1 - ag)) > 0)
    ag += (gsize) n;
  close (c);
  g_thread_join (t);
  g_assert_false (k.read_ok);
  g_assert_true (g_str_has_prefix (answer, "no this judge is certnotice "));
  g_assert_true (g_str_has_suffix (answer, ", the filter 0.0-other\n"));
  g_free (k.why);
  cn_judge_request_clear (&k.req);

  close (j.listen_fd);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/judge/socket-path", test_socket_path);
  g_test_add_func ("/judge/env", test_env);
  g_test_add_func ("/judge/same-rules", test_same_rules);
  g_test_add_func ("/judge/roundtrip", test_roundtrip);
  return g_test_run ();
}
