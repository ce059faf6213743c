/* cmd-serve.c — `certnotice serve`: the user's judge (judge.h).
 *
 * One server process loads the config and the rules once and listens on
 * the judge's socket.  Workers are forked from it ahead of the mail, as
 * Apache's prefork and spamd's spares are: each opens the ledger (its
 * own connection: SQLite's must not cross a fork), then waits in accept().
 * A worker judges exactly one mail and exits, so a mail that crashes or
 * exhausts it harms nothing else (the filter, which holds the mail, sends
 * it on as from its own judging child), and every mail is judged in a
 * fresh copy of the server: nothing one mail leaves behind reaches the
 * next.
 *
 * The worker that took a connection tells the server (a record on a
 * pipe), which forks a new spare at once, and its deadline, past which
 * the server kills it (SIGKILL, as the filter kills its child).  It then
 * becomes the filter's judging process: the filter's working directory,
 * umask, environment and stderr, its command line read by the filter's
 * own option parser (filter-options.c), the server's rules when they are
 * what that command line would load (the prefilter cache's key: the same
 * files, unchanged), else its own, and says so: the server reloads for
 * the next mail.  SIGHUP reloads too (cn_cli_reload: all or nothing), and
 * replaces the spares.  SIGTERM and SIGINT: no more connections, the
 * spares end, the workers that judge a mail finish it, the socket goes.
 */
#include "cli.h"
#include "fdio.h"
#include "filter.h"
#include "judge.h"
#include "mime.h"
#include "pipeline.h"
#include "prefilter-cache.h"
#include "source.h"
#include "text.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A worker's record to the server (shorter than PIPE_BUF: written whole). */
typedef struct {
  char what;        /* 'a' took a connection, 'd' its deadline, 'r' stale rules */
  pid_t pid;
  gint64 deadline;  /* 'd': monotonic µs */
} Status;

typedef struct {
  CnCli cli;
  char *key;             /* the rules' set-up (prefilter-cache.h), or NULL */
  char *path;            /* the socket                                     */
  struct stat sock_st;   /* ours: removed at the end only if still ours    */
  int listen_fd;
  int status[2];         /* workers → server                               */
  guint spare;
  GHashTable *idle;      /* pid → NULL: waiting in accept()                */
  GHashTable *busy;      /* pid → deadline (gint64, monotonic µs)          */
  guint early_deaths;    /* spares that ended before taking a mail         */
  gint64 deaths_since;
} Server;

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t got_term, got_hup, got_chld;

static void
on_signal (int sig)
{
  int e = errno;
  if (sig == SIGHUP)
    got_hup = 1;
  else if (sig == SIGCHLD)
    got_chld = 1;
  else
    got_term = 1;
  (void) !write (sig_pipe[1], "s", 1);
  errno = e;
}

/* ---------------------------------------------------------------------- */
/* a worker                                                                */

static void
tell (const Server *sv, char what, gint64 deadline)
{
  Status s = { what, getpid (), deadline };
  (void) !write (sv->status[1], &s, sizeof s);
}

/* Whether the locale variables of ENVP are this process's: then
 * setlocale() would find what it has (it costs more than judging a
 * mail's header block). */
static gboolean
same_locale_env (char **envp)
{
  static const char *const names[] = { "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_CTYPE", "LC_TIME",
                                       "LC_COLLATE", "LC_NUMERIC", "LC_MONETARY" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (g_environ_getenv (envp, names[i]), g_getenv (names[i])) != 0)
      return FALSE;
  /* any other LC_ variable, in either */
  for (char **e = envp; *e; e++)
    if (g_str_has_prefix (*e, "LC_") && strchr (*e, '=')) {
      g_autofree char *name = g_strndup (*e, (gsize) (strchr (*e, '=') - *e));
      if (g_strcmp0 (g_environ_getenv (envp, name), g_getenv (name)) != 0)
        return FALSE;
    }
  for (char **e = environ; *e; e++)
    if (g_str_has_prefix (*e, "LC_") && strchr (*e, '=')) {
      g_autofree char *name = g_strndup (*e, (gsize) (strchr (*e, '=') - *e));
      if (g_strcmp0 (g_environ_getenv (envp, name), g_getenv (name)) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Refuse the filter (it judges the mail itself) and end. */
static G_GNUC_NORETURN void
refuse (int conn, const char *why)
{
  /* on the server's stderr until the worker takes the filter's */
  fprintf (stderr, _("certnotice serve: worker %d: refused: %s\n"), (int) getpid (), why);
  g_autofree char *line = g_strdup_printf ("no %s\n", why);
  (void) !write (conn, line, strlen (line));
  _exit (0);
}

/* The judging of the mail on CONN (judge.h, the file's comment).  LEDGER:
 * opened by this worker beforehand at DBPATH (file DBST), or NULL. */
static G_GNUC_NORETURN G_GNUC_NO_INLINE void
judge_one (Server *sv, int conn, CnLedger *ledger, const char *dbpath, const struct stat *dbst)
{
  struct ucred cred = { 0 };
  socklen_t cl = sizeof cred;
  if (getsockopt (conn, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 || cred.uid != geteuid ()) {
    /* judge.h: a judge serves its own user only; no word to a stranger */
    fprintf (stderr, _("certnotice serve: a connection from uid %u refused\n"), (unsigned) cred.uid);
    _exit (0);
  }
  CnJudgeRequest req;
  g_autofree char *why = NULL;
  if (!cn_judge_read_request (conn, 5000, &req, &why))
    refuse (conn, why);
  g_autofree char *differs = cn_judge_env_differs (req.envp);
  if (differs) {
    g_autofree char *w = g_strdup_printf ("its %s is not the judge's", differs);
    refuse (conn, w);
  }

  /* become the filter's judging process: its directory, umask, stderr,
   * environment and language */
  if (fchdir (req.cwd_fd) != 0)
    refuse (conn, "cannot enter its working directory");
  umask (req.umask);
  gboolean same_locale = same_locale_env (req.envp);
  clearenv ();
  for (char **e = req.envp; *e; e++)
    putenv (g_strdup (*e));   /* environ's own from now on */
  if (!same_locale)
    setlocale (LC_ALL, "");
  /* TZ is the judge's (cn_judge_env_differs): no tzset() */

  /* its command line, as the filter reads it */
  CnCli cli = { 0 };
  CnFilterOptions fo = { 0 };
  g_autofree char *usage = NULL;
  if (!cn_filter_parse_options (req.argc, req.argv, &cli, &fo, &usage))
    refuse (conn, usage);
  if (cn_cli_setup_options (&cli) != 0)
    refuse (conn, "its set-up fails (said on its stderr)");
  g_autofree char *key = cn_prefilter_cache_key (&cli);
  if (key && sv->key && strcmp (key, sv->key) == 0) {
    cli.rules = sv->cli.rules;   /* the server's, unchanged since loaded */
  } else {
    tell (sv, 'r', 0);
    if (cn_cli_load_rules (&cli) != 0)
      refuse (conn, "its rules do not load (said on its stderr)");
  }
  tell (sv, 'd', req.deadline);
  /* from here on, what the judging says goes where the filter's would */
  dup2 (req.stderr_fd, STDERR_FILENO);
  if (!cn_write_all (conn, "ok\n", 3))
    _exit (0);

  /* the mail */
  struct stat st;
  const char *data = "";
  gsize len = 0;
  if (fstat (req.mail_fd, &st) == 0 && st.st_size > 0) {
    void *p = mmap (NULL, (gsize) st.st_size, PROT_READ, MAP_PRIVATE, req.mail_fd, 0);
    if (p == MAP_FAILED) {
      cn_filter_send_block (conn, 'E', g_strerror (errno));
      _exit (0);
    }
    data = p;
    len = (gsize) st.st_size;
  }
  if (fo.max_memory > 0) {
    struct rlimit rl = { (rlim_t) fo.max_memory, (rlim_t) fo.max_memory };
    setrlimit (RLIMIT_AS, &rl);
  }
  /* the ledger opened beforehand, if it is the one this filter records in
   * (and still that file) */
  if (ledger) {
    g_autofree char *want = cn_ledger_resolve_path (fo.db, cli.config);
    struct stat now;
    if (strcmp (want, dbpath) != 0 || stat (want, &now) != 0 || now.st_dev != dbst->st_dev ||
        now.st_ino != dbst->st_ino)
      g_clear_pointer (&ledger, cn_ledger_close);
  }
  /* the filter sends the mail on after the final block (it does not wait
   * for the ledger, judge.h); recording ends before the server kills
   * this worker at the deadline */
  cn_filter_judge (conn, &cli, data, len, fo.db, req.deadline - 50000, ledger, TRUE);
}

/* A spare: open the ledger, wait for a connection, judge its mail. */
static G_GNUC_NORETURN void
worker (Server *sv)
{
  signal (SIGTERM, SIG_DFL);
  signal (SIGINT, SIG_DFL);
  signal (SIGHUP, SIG_DFL);
  signal (SIGCHLD, SIG_DFL);
  close (sig_pipe[0]);
  close (sig_pipe[1]);
  close (sv->status[0]);
  /* a spare ends with the server; a worker judging a mail does not */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (getppid () == 1)
    _exit (0);
  int nul = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (nul >= 0)
    dup2 (nul, STDIN_FILENO);

  g_autofree char *dbpath = cn_ledger_resolve_path (NULL, sv->cli.config);
  struct stat dbst;
  CnLedger *ledger = NULL;
  if (stat (dbpath, &dbst) == 0)
    ledger = cn_ledger_open (dbpath, FALSE, 2000, NULL);   /* else the filter's hook opens it and says why */

  int conn;
  while ((conn = accept4 (sv->listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0 && (errno == EINTR || errno == ECONNABORTED))
    ;
  if (conn < 0)
    _exit (1);
  prctl (PR_SET_PDEATHSIG, 0);
  tell (sv, 'a', 0);
  close (sv->listen_fd);
  judge_one (sv, conn, ledger, dbpath, &dbst);
}

/* ---------------------------------------------------------------------- */
/* the server                                                              */

/* What a process does once, on its first mail, the server does before it
 * forks: each worker would do it again for its one mail (~1 M
 * instructions, half of what judging a notice costs).  NFKC's table of
 * stable code points; GMime and its charset converters, by judging a
 * notice in each charset the notices come in (no check, no ledger). */
static void
warm_up (const Server *sv)
{
  cn_text_nfkc_learn_all ();
  cn_mime_init ();
  static const char *const charsets[] = { "ISO-2022-JP", "Shift_JIS", "EUC-JP", "UTF-8", "ISO-8859-1",
                                          "windows-1252", "CP932", "EUC-JP-MS" };
  const char *text = "\u3010\u91cd\u8981\u3011\u7121\u6599SSL\u8a3c\u660e\u66f8 \u66f4\u65b0\u30a8\u30e9\u30fc"
                     "\u306b\u3064\u3044\u3066 example.jp caf\u00e9";
  CnOptions opts = sv->cli.opts;
  opts.no_verify = TRUE;
  /* a converter held open keeps glibc's module for the charset loaded
   * (closed, it is unloaded, and loaded again by every worker): held for
   * the process's life */
  static GIConv held[G_N_ELEMENTS (charsets)];
  for (guint i = 0; i < G_N_ELEMENTS (charsets); i++) {
    if (held[i] == NULL)
      held[i] = g_iconv_open ("UTF-8", charsets[i]);
    gsize n = 0;
    g_autofree char *bytes = g_convert_with_fallback (text, -1, charsets[i], "UTF-8", "?", NULL, &n, NULL);
    if (bytes == NULL)
      continue;
    g_autofree char *b64 = g_base64_encode ((const guchar *) bytes, n);
    g_autofree char *mail = g_strdup_printf ("From: <warm-up@invalid>\nSubject: =?%s?B?%s?=\nMIME-Version: 1.0\n"
                                             "Content-Type: text/plain; charset=%s\n"
                                             "Content-Transfer-Encoding: base64\n\n%s\n",
                                             charsets[i], b64, charsets[i], b64);
    g_autoptr (GPtrArray) mails = cn_source_from_bytes (mail, strlen (mail), "warm-up");
    g_autoptr (CnBatch) batch = cn_batch_new (sv->cli.rules, &opts);
    cn_message_decide (cn_batch_add (batch, mails));
  }
}

static void
spawn (Server *sv)
{
  fflush (NULL);
  pid_t pid = fork ();
  if (pid == 0)
    worker (sv);
  if (pid < 0) {
    fprintf (stderr, "certnotice serve: fork: %s\n", g_strerror (errno));
    return;
  }
  g_hash_table_add (sv->idle, GINT_TO_POINTER (pid));
}

/* Listen on SV's path: its directory made and checked (ours, not writable
 * by others), a socket left by a judge that ended replaced, one that
 * answers left alone. */
static gboolean
listen_on (Server *sv, GError **error)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (strlen (sv->path) >= sizeof sa.sun_path) {
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, _("%s: too long for a socket's path"), sv->path);
    return FALSE;
  }
  strcpy (sa.sun_path, sv->path);
  g_autofree char *dir = g_path_get_dirname (sv->path);
  struct stat st;
  if (g_mkdir_with_parents (dir, 0700) != 0 || stat (dir, &st) != 0) {
    int err = errno;
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "%s: %s", dir, g_strerror (err));
    return FALSE;
  }
  if (st.st_uid != geteuid () || (st.st_mode & 022)) {
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG,
                 _("%s: not the judge's directory (it must be yours and writable by you only)"), dir);
    return FALSE;
  }
  int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "socket: %s", g_strerror (errno));
    return FALSE;
  }
  mode_t old = umask (0077);
  int r = bind (s, (struct sockaddr *) &sa, sizeof sa);
  if (r != 0 && errno == EADDRINUSE) {
    int probe = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    gboolean alive = probe >= 0 && connect (probe, (struct sockaddr *) &sa, sizeof sa) == 0;
    if (probe >= 0)
      close (probe);
    if (alive) {
      umask (old);
      close (s);
      g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, _("%s: another judge listens there"), sv->path);
      return FALSE;
    }
    unlink (sv->path);
    r = bind (s, (struct sockaddr *) &sa, sizeof sa);
  }
  int err = errno;
  umask (old);
  if (r != 0 || listen (s, 128) != 0 || stat (sv->path, &sv->sock_st) != 0) {
    err = r != 0 ? err : errno;
    close (s);
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "%s: %s", sv->path, g_strerror (err));
    return FALSE;
  }
  sv->listen_fd = s;
  return TRUE;
}

/* The spares end (replaced by the next top-up). */
static void
retire_spares (Server *sv)
{
  GHashTableIter it;
  gpointer pid;
  g_hash_table_iter_init (&it, sv->idle);
  while (g_hash_table_iter_next (&it, &pid, NULL))
    kill (GPOINTER_TO_INT (pid), SIGTERM);
  g_hash_table_remove_all (sv->idle);
}

static void
reload (Server *sv, const char *why)
{
  g_autoptr (GError) e = NULL;
  if (!cn_cli_reload (&sv->cli, NULL, NULL, &e)) {
    fprintf (stderr, _("certnotice serve: %s; keeping the rules loaded before\n"), cn_error_local (e));
    return;
  }
  g_free (sv->key);
  sv->key = cn_prefilter_cache_key (&sv->cli);
  fprintf (stderr, _("certnotice serve: config and rules read again (%s)\n"), why);
  retire_spares (sv);
}

static void
read_status (Server *sv)
{
  Status s;
  ssize_t n;
  while ((n = read (sv->status[0], &s, sizeof s)) == (ssize_t) sizeof s) {
    gpointer pid = GINT_TO_POINTER (s.pid);
    if (s.what == 'a') {
      if (sv->cli.verbose)
        fprintf (stderr, _("certnotice serve: worker %d took a mail\n"), (int) s.pid);
      if (g_hash_table_remove (sv->idle, pid))
        /* until it says: a minute (a request must come in seconds) */
        g_hash_table_insert (sv->busy, pid, g_memdup2 (&(gint64) { g_get_monotonic_time () + 60 * G_USEC_PER_SEC },
                                                       sizeof (gint64)));
    } else if (s.what == 'd') {
      gint64 *d = g_hash_table_lookup (sv->busy, pid);
      if (d)
        *d = s.deadline;
    } else if (s.what == 'r') {
      g_autofree char *key = cn_prefilter_cache_key (&sv->cli);
      if (g_strcmp0 (key, sv->key) != 0)
        reload (sv, _("the rules or the config changed"));
    }
  }
}

static void
reap (Server *sv)
{
  int wst;
  pid_t pid;
  while ((pid = waitpid (-1, &wst, WNOHANG)) > 0) {
    gpointer p = GINT_TO_POINTER (pid);
    if (g_hash_table_remove (sv->idle, p)) {
      /* a spare that ended before it took a mail: something is wrong
       * with the set-up; do not fork for ever */
      gint64 now = g_get_monotonic_time ();
      if (now - sv->deaths_since > 10 * G_USEC_PER_SEC) {
        sv->deaths_since = now;
        sv->early_deaths = 0;
      }
      sv->early_deaths++;
    }
    g_hash_table_remove (sv->busy, p);
    if (WIFSIGNALED (wst) && WTERMSIG (wst) != SIGKILL && WTERMSIG (wst) != SIGTERM)
      fprintf (stderr, _("certnotice serve: a worker died (signal %d); its mail went out unjudged\n"),
               WTERMSIG (wst));
  }
}

/* Kill the workers past their deadline; the poll timeout to the next. */
static int
enforce_deadlines (Server *sv)
{
  gint64 now = g_get_monotonic_time (), next = G_MAXINT64;
  GHashTableIter it;
  gpointer pid, d;
  g_hash_table_iter_init (&it, sv->busy);
  while (g_hash_table_iter_next (&it, &pid, &d)) {
    gint64 dl = *(gint64 *) d;
    if (dl <= now) {
      kill (GPOINTER_TO_INT (pid), SIGKILL);
      *(gint64 *) d = now + G_USEC_PER_SEC;   /* again, if it has not gone */
    } else {
      next = MIN (next, dl);
    }
  }
  return next == G_MAXINT64 ? -1 : (int) MIN ((next - now) / 1000 + 1, 60000);
}

int
cn_cmd_serve (int argc, char **argv)
{
  Server sv = { .listen_fd = -1, .status = { -1, -1 }, .spare = 2 };
  g_autofree char *socket_opt = NULL;
  int spare = 2;
  int rc = 0;
  g_autoptr (GOptionContext) ctx = g_option_context_new (N_("— judge the mail of filter, with the rules kept loaded"));
  GOptionEntry entries[] = {
    { "socket", 0, 0, G_OPTION_ARG_FILENAME, &socket_opt, N_("Listen here (default: [certnotice] judge_socket, else $XDG_RUNTIME_DIR/certnotice/judge.sock)"), "PATH" },
    { "spare", 0, 0, G_OPTION_ARG_INT, &spare, N_("Workers kept waiting for mail (default 2)"), "N" },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (ctx, entries, NULL);
  cn_cli_add_options (ctx, &sv.cli, FALSE);
  g_autoptr (GError) e = NULL;
  if (!cn_cli_parse_options (ctx, &argc, &argv, &rc))
    goto out;
  if (argc > 1) {
    fprintf (stderr, _("certnotice serve: usage: unexpected argument '%s'\n"), argv[1]);
    rc = CN_EXIT_USAGE;
    goto out;
  }
  if (spare < 1 || spare > 64) {
    fprintf (stderr, _("certnotice serve: usage: --spare: give 1 to 64\n"));
    rc = CN_EXIT_USAGE;
    goto out;
  }
  sv.spare = (guint) spare;
  if ((rc = cn_cli_setup (&sv.cli, TRUE)))
    goto out;
  sv.path = socket_opt ? g_strdup (socket_opt) : cn_judge_socket_path (sv.cli.config);
  if (sv.path == NULL) {
    fprintf (stderr, _("certnotice serve: %s says judge_socket = none: no socket to serve on\n"),
             sv.cli.config->path);
    rc = CN_EXIT_CONFIG;
    goto out;
  }
  sv.key = cn_prefilter_cache_key (&sv.cli);
  warm_up (&sv);
  if (pipe2 (sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0 || pipe2 (sv.status, O_CLOEXEC) != 0) {
    fprintf (stderr, "certnotice serve: pipe: %s\n", g_strerror (errno));
    rc = CN_EXIT_SOFTWARE;
    goto out;
  }
  fcntl (sv.status[0], F_SETFL, O_NONBLOCK);
  if (!listen_on (&sv, &e)) {
    rc = cn_cli_fail (e);
    goto out;
  }
  signal (SIGPIPE, SIG_IGN);
  struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
  sigemptyset (&sa.sa_mask);
  int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };
  for (guint i = 0; i < G_N_ELEMENTS (sigs); i++)
    sigaction (sigs[i], &sa, NULL);
  sv.idle = g_hash_table_new (NULL, NULL);
  sv.busy = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  fprintf (stderr, _("certnotice serve: judging on %s (pid %d)\n"), sv.path, (int) getpid ());

  while (!got_term) {
    if (sv.early_deaths > 20) {
      fprintf (stderr, _("certnotice serve: the workers end before they take a mail: stopping\n"));
      rc = CN_EXIT_SOFTWARE;
      break;
    }
    /* one spare at least, always; the others once no mail is being
     * judged: a fork while a worker judges takes a core from it */
    guint want = g_hash_table_size (sv.busy) > 0 ? 1 : sv.spare;
    while (g_hash_table_size (sv.idle) < want)
      spawn (&sv);
    struct pollfd pf[2] = { { sig_pipe[0], POLLIN, 0 }, { sv.status[0], POLLIN, 0 } };
    int r = poll (pf, 2, enforce_deadlines (&sv));
    if (r < 0 && errno != EINTR)
      break;
    char drain[64];
    while (read (sig_pipe[0], drain, sizeof drain) > 0)
      ;
    read_status (&sv);
    if (got_chld) {
      got_chld = 0;
      reap (&sv);
    }
    if (got_hup) {
      got_hup = 0;
      reload (&sv, "SIGHUP");
    }
  }

  /* the end: no more connections; the mail being judged is finished */
  close (sv.listen_fd);
  struct stat st;
  if (stat (sv.path, &st) == 0 && st.st_dev == sv.sock_st.st_dev && st.st_ino == sv.sock_st.st_ino)
    unlink (sv.path);
  retire_spares (&sv);
  while (g_hash_table_size (sv.busy) > 0) {
    struct pollfd pf[2] = { { sig_pipe[0], POLLIN, 0 }, { sv.status[0], POLLIN, 0 } };
    poll (pf, 2, MAX (100, enforce_deadlines (&sv)));
    char drain[64];
    while (read (sig_pipe[0], drain, sizeof drain) > 0)
      ;
    read_status (&sv);
    reap (&sv);
  }
  reap (&sv);
  fprintf (stderr, _("certnotice serve: stopped\n"));
out:
  g_clear_pointer (&sv.idle, g_hash_table_unref);
  g_clear_pointer (&sv.busy, g_hash_table_unref);
  g_free (sv.key);
  g_free (sv.path);
  cn_cli_clear (&sv.cli);
  return rc;
}
