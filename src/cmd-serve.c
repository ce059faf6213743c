/* cmd-serve.c — `certnotice serve`: the user's judge (judge.h).
 *
 * One server process loads the config and the rules once and listens on
 * the judge's socket.  Workers are forked from it ahead of the mail, as
 * Apache's prefork and spamd's spares are: each opens the ledger (its
 * own connection: SQLite's must not cross a fork), then waits in accept().
 * A worker judges mail after mail, up to MAILS_PER_WORKER, then ends, and
 * a fresh copy of the server takes its place.  It ends after a mail too
 * when the server has read config and rules again since it was forked,
 * and after a mail whose filter set --max-memory (an address-space limit
 * cannot be lifted); a worker that refuses a filter ends at once.  A
 * worker that crashes or runs out of memory harms only the mail it was
 * judging: the filter, which holds that mail, sends it on with what the
 * worker had said, as from its own judging child.
 *
 * The worker that took a connection tells the server (records on a
 * pipe), then its deadline, past which the server kills it (SIGKILL, as
 * the filter kills its child), then that it waits again.  The server
 * keeps one spare at least, always, and --spare of them while no mail is
 * being judged (a fork then would take a core from the judging).  For
 * each mail the worker becomes the filter's judging process: the filter's
 * working directory, umask, whole environment (clearenv, putenv; the
 * locale set again only when its variables differ) and stderr, its
 * command line read by the filter's own option parser (filter-options.c),
 * the server's rules when the filter's set-up key (sent with the request)
 * agrees with the server's from the config line on (cn_judge_same_rules:
 * the same config and rule files, unchanged), else its own, and says so:
 * the server reloads for the next mail when its files changed.  After the
 * mail it takes the server's stderr back; the ledger stays open for the
 * next mail (opened again when the filter's ledger path differs or the
 * file was replaced).  SIGHUP reloads too (cn_cli_reload: all or
 * nothing), and replaces the spares.  SIGTERM and SIGINT: no more
 * connections, the spares end, the workers that judge a mail finish it,
 * the socket goes.
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

#include "i18n.h"
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
  char what;        /* 'a' took a connection, 'd' its deadline, 'i' waits again,
                       'r' stale rules */
  pid_t pid;
  gint64 deadline;  /* 'd': monotonic µs */
} Status;

typedef struct {
  CnCli cli;
  char *key;             /* the rules' set-up (prefilter-cache.h), or NULL */
  char *path;            /* the socket                                     */
  struct stat sock_st;   /* ours: removed at the end only if still ours    */
  int listen_fd;
  gboolean activated;    /* the socket is systemd's (socket activation)     */
  gint64 last_mail;      /* when a worker last took or finished a mail     */
  int status[2];         /* workers → server                               */
  guint spare;
  GHashTable *idle;      /* pid → NULL: waiting in accept()                */
  GHashTable *busy;      /* pid → deadline (gint64, monotonic µs)          */
  volatile guint *generation;   /* bumped by each reload; shared with the workers */
  volatile guint *waiting;      /* how many wait for mail (the server's count),
                                   shared with the workers                   */
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

/* Mails a worker judges before it ends (and a fresh copy of the server
 * takes its place): what one mail may leave behind stays bounded. */
#define MAILS_PER_WORKER 200

typedef struct {
  Server *sv;
  char **server_env;     /* the server's environment (cn_judge_env_differs) */
  int server_err;        /* the server's stderr, kept across the mails       */
  CnLedger *ledger;      /* held open from one mail to the next, or NULL     */
  struct stat ledger_st; /* its file when opened                              */
  char **env;            /* the strings putenv() holds for the current mail   */
} Worker;

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
  static const char *const names[] = { "LANG", "LANGUAGE" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (g_environ_getenv (envp, names[i]), g_getenv (names[i])) != 0)
      return FALSE;
  /* every LC_ variable (LC_ALL among them), in either */
  for (int pass = 0; pass < 2; pass++)
    for (char **e = pass ? environ : envp; *e; e++)
      if (g_str_has_prefix (*e, "LC_") && strchr (*e, '=')) {
        g_autofree char *name = g_strndup (*e, (gsize) (strchr (*e, '=') - *e));
        if (g_strcmp0 (g_environ_getenv (envp, name), g_getenv (name)) != 0)
          return FALSE;
      }
  return TRUE;
}

/* Refuse the filter (it judges the mail itself) and end: the worker may
 * have taken some of the filter's set-up already. */
static G_GNUC_NORETURN void
refuse (int conn, const char *why)
{
  /* on the server's stderr: the worker has not taken the filter's yet */
  fprintf (stderr, _("certnotice serve: worker %d: refused: %s\n"), (int) getpid (), why);
  g_autofree char *line = g_strdup_printf ("no %s\n", why);
  (void) !write (conn, line, strlen (line));
  _exit (0);
}

/* The ledger W holds, if it is the one at PATH (and still that file);
 * else none is held. */
static void
keep_ledger_if (Worker *w, const char *path)
{
  struct stat now;
  if (w->ledger && (strcmp (path, cn_ledger_path (w->ledger)) != 0 || stat (path, &now) != 0 ||
                    now.st_dev != w->ledger_st.st_dev || now.st_ino != w->ledger_st.st_ino))
    g_clear_pointer (&w->ledger, cn_ledger_close);
}

/* The judging of the mail on CONN (judge.h, the file's comment), which
 * ends closed.  TRUE: the worker may take another mail. */
static G_GNUC_NO_INLINE gboolean
judge_one (Worker *w, int conn)
{
  Server *sv = w->sv;
  struct ucred cred = { 0 };
  socklen_t cl = sizeof cred;
  if (getsockopt (conn, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 || cred.uid != geteuid ()) {
    /* judge.h: a judge serves its own user only; no word to a stranger */
    fprintf (stderr, _("certnotice serve: a connection from uid %u refused\n"), (unsigned) cred.uid);
    close (conn);
    return TRUE;
  }
  CnJudgeRequest req;
  g_autofree char *why = NULL;
  if (!cn_judge_read_request (conn, 5000, &req, &why))
    refuse (conn, why);
  g_autofree char *differs = cn_judge_env_differs (req.envp, w->server_env);
  if (differs) {
    g_autofree char *r = g_strdup_printf ("its %s is not the judge's", differs);
    refuse (conn, r);
  }

  /* become the filter's judging process: its directory, umask,
   * environment and language (its stderr below) */
  if (fchdir (req.cwd_fd) != 0)
    refuse (conn, "cannot enter its working directory");
  umask (req.umask);
  gboolean same_locale = same_locale_env (req.envp);
  clearenv ();
  g_strfreev (w->env);
  w->env = g_steal_pointer (&req.envp);
  for (char **e = w->env; *e; e++)
    putenv (*e);   /* held by W until the next mail's clearenv() */
  if (!same_locale)
    setlocale (LC_ALL, "");

  /* its command line, as the filter reads it */
  CnCli cli = { 0 };
  CnFilterOptions fo = { 0 };
  g_autofree char *usage = NULL;
  if (!cn_filter_parse_options (req.argc, req.argv, &cli, &fo, &usage))
    refuse (conn, usage);
  g_autoptr (GError) se = NULL;
  if (!cn_cli_setup_options (&cli, &se)) {
    cn_cli_fail (se);
    refuse (conn, "its set-up fails (see the judge's log)");
  }
  /* the filter's key was made a moment ago, from the same command line,
   * directory and environment: the server's rules are the filter's when
   * the files are those the server read, unchanged.  Without one, the
   * worker looks at the files itself. */
  gboolean borrowed = FALSE;
  g_autofree char *key = req.key ? NULL : cn_prefilter_cache_key (&cli);
  if (cn_judge_same_rules (req.key ? req.key : key, sv->key)) {
    cli.rules = sv->cli.rules;   /* the server's, unchanged since loaded */
    borrowed = TRUE;
  } else {
    tell (sv, 'r', 0);
    if (!cn_cli_load_rules (&cli, &se)) {
      cn_cli_fail (se);
      refuse (conn, "its rules do not load (see the judge's log)");
    }
  }
  tell (sv, 'd', req.deadline);
  /* from here on, what the judging says goes where the filter's would */
  dup2 (req.stderr_fd, STDERR_FILENO);

  /* the mail */
  struct stat st;
  void *map = NULL;
  gsize len = 0;
  if (fstat (req.mail_fd, &st) == 0 && st.st_size > 0) {
    map = mmap (NULL, (gsize) st.st_size, PROT_READ, MAP_PRIVATE, req.mail_fd, 0);
    if (map == MAP_FAILED) {
      const char *err = g_strerror (errno);
      g_autofree char *e = g_strdup_printf ("ok\nE %zu\n%s", strlen (err), err);
      cn_write_all (conn, e, strlen (e));
      _exit (0);
    }
    len = (gsize) st.st_size;
  }
  /* a limit on the address space cannot be lifted: a worker that set one
   * judges no more mail */
  gboolean again = fo.max_memory <= 0;
  if (fo.max_memory > 0) {
    struct rlimit rl = { (rlim_t) fo.max_memory, (rlim_t) fo.max_memory };
    setrlimit (RLIMIT_AS, &rl);
  }
  g_autofree char *db = cn_ledger_resolve_path (fo.db, cli.config);
  keep_ledger_if (w, db);
  gboolean had = w->ledger != NULL;
  /* the filter sends the mail on after the final block (it does not wait
   * for the ledger, judge.h); recording ends before the server kills
   * this worker at the deadline */
  /* "ok" goes with the first block (judge.h): one wake-up of the filter
   * fewer */
  cn_filter_judge_mail (conn, &cli, map ? map : "", len, db, req.deadline - 50000, &w->ledger, TRUE, "ok\n");
  if (w->ledger && !had && stat (cn_ledger_path (w->ledger), &w->ledger_st) != 0)
    g_clear_pointer (&w->ledger, cn_ledger_close);

  /* ready for the next mail: nothing of this one's kept */
  if (map)
    munmap (map, len);
  if (borrowed)
    cli.rules = NULL;
  cn_cli_clear (&cli);
  cn_filter_options_clear (&fo);
  cn_judge_request_clear (&req);
  dup2 (w->server_err, STDERR_FILENO);
  dup2 (w->server_err, STDOUT_FILENO);   /* the judging took the filter's stderr for it */
  return again;
}

/* A spare: open the ledger, wait for a connection, judge its mail, and
 * the next one's, until MAILS_PER_WORKER. */
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
  pid_t server = getppid ();
  guint generation = *sv->generation;
  int nul = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (nul >= 0)
    dup2 (nul, STDIN_FILENO);
  Worker w = { .sv = sv, .server_env = g_get_environ (), .server_err = fcntl (STDERR_FILENO, F_DUPFD_CLOEXEC, 3) };
  g_autofree char *dbpath = cn_ledger_resolve_path (NULL, sv->cli.config);
  if (stat (dbpath, &w.ledger_st) == 0)
    w.ledger = cn_ledger_open (dbpath, FALSE, 2000, NULL);   /* else the filter's hook opens it and says why */

  for (guint served = 0;;) {
    /* a worker waiting for mail ends with the server; one judging a mail
     * does not */
    prctl (PR_SET_PDEATHSIG, SIGTERM);
    if (getppid () != server)
      _exit (0);
    int conn;
    while ((conn = accept4 (sv->listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0 && (errno == EINTR || errno == ECONNABORTED))
      ;
    if (conn < 0)
      _exit (1);
    prctl (PR_SET_PDEATHSIG, 0);
    tell (sv, 'a', 0);
    gboolean again = judge_one (&w, conn);
    /* rules read again since the fork: a fresh worker takes this one's place */
    /* more than enough others wait for mail (after a burst): this one
     * ends.  With just enough it stays: one that has judged a mail has
     * its pages its own already and judges the next faster than a fresh
     * spare would (with --spare 1, ending here made a fork per mail) */
    if (!again || ++served >= MAILS_PER_WORKER || *sv->generation != generation || *sv->waiting > sv->spare)
      _exit (0);
    tell (sv, 'i', 0);
  }
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

/* Whether DIR, the directory of the judge's socket, is the user's own and
 * writable by nobody else; FALSE and ERROR when not (or it cannot be
 * looked at). */
static gboolean
judges_dir (const char *dir, GError **error)
{
  struct stat st;
  if (stat (dir, &st) != 0) {
    int err = errno;
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "%s: %s", dir, g_strerror (err));
    return FALSE;
  }
  if (st.st_uid != geteuid () || (st.st_mode & 022)) {
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG,
                 _("%s: not the judge's directory (it must be yours and writable by you only)"), dir);
    return FALSE;
  }
  return TRUE;
}

/* Listen on SV's path: its directory made and checked (judges_dir), a
 * socket left by a judge that ended replaced, one that answers left
 * alone. */
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
  if (g_mkdir_with_parents (dir, 0700) != 0) {
    int err = errno;
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "%s: %s", dir, g_strerror (err));
    return FALSE;
  }
  if (!judges_dir (dir, error))
    return FALSE;
  int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "socket: %s", g_strerror (errno));
    return FALSE;
  }
  mode_t old = umask (0077);
  int r = bind (s, (struct sockaddr *) &sa, sizeof sa);
  if (r != 0 && errno == EADDRINUSE) {
    /* only a socket is replaced: never a file that happens to be there */
    struct stat there;
    if (lstat (sv->path, &there) == 0 && !S_ISSOCK (there.st_mode)) {
      umask (old);
      close (s);
      g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, _("%s: there is a file there that is not a socket"), sv->path);
      return FALSE;
    }
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

/* The listening socket systemd passed (socket activation, sd_listen_fds(3):
 * $LISTEN_PID is this process, $LISTEN_FDS sockets from descriptor 3 on),
 * when it started the judge on a filter's first connection: SV's
 * listen_fd, path and activated set.  FALSE and no ERROR when none was
 * passed; FALSE and ERROR when what was passed is not one Unix stream
 * socket listening on a path in a directory of the user's own. */
static gboolean
take_activated (Server *sv, GError **error)
{
  const char *pid = g_getenv ("LISTEN_PID"), *fds = g_getenv ("LISTEN_FDS");
  if (pid == NULL || fds == NULL || g_ascii_strtoll (pid, NULL, 10) != (gint64) getpid ())
    return FALSE;
  gint64 n = g_ascii_strtoll (fds, NULL, 10);
  g_unsetenv ("LISTEN_PID");
  g_unsetenv ("LISTEN_FDS");
  g_unsetenv ("LISTEN_FDNAMES");
  if (n != 1) {
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, _("systemd passed %s sockets: give the judge one"), fds);
    return FALSE;
  }
  int fd = 3, type = 0, listening = 0;
  socklen_t tl = sizeof type, ll = sizeof listening;
  struct sockaddr_un sa = { 0 };
  socklen_t sl = sizeof sa;
  if (getsockopt (fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 || type != SOCK_STREAM ||
      getsockopt (fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ll) != 0 || !listening ||
      getsockname (fd, (struct sockaddr *) &sa, &sl) != 0 || sa.sun_family != AF_UNIX ||
      sl <= offsetof (struct sockaddr_un, sun_path) || sa.sun_path[0] == '\0') {
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG,
                 _("the socket systemd passed is not a Unix stream socket listening on a path"));
    return FALSE;
  }
  g_autofree char *path = g_strndup (sa.sun_path, sl - offsetof (struct sockaddr_un, sun_path));
  g_autofree char *dir = g_path_get_dirname (path);
  if (!judges_dir (dir, error))
    return FALSE;
  fcntl (fd, F_SETFD, FD_CLOEXEC);
  if (strcmp (path, sv->path) != 0)
    fprintf (stderr, _("certnotice serve: systemd's socket is %s, but the filter looks for the judge at %s\n"),
             path, sv->path);
  g_free (sv->path);
  sv->path = g_steal_pointer (&path);
  sv->listen_fd = fd;
  sv->activated = TRUE;
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
  (*sv->generation)++;
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
    if (s.what == 'a' || s.what == 'i')
      sv->last_mail = g_get_monotonic_time ();
    if (s.what == 'a') {
      if (sv->cli.verbose)
        fprintf (stderr, _("certnotice serve: worker %d took a mail\n"), (int) s.pid);
      if (g_hash_table_remove (sv->idle, pid))
        /* until it says: a minute (a request must come in seconds) */
        g_hash_table_insert (sv->busy, pid, g_memdup2 (&(gint64) { g_get_monotonic_time () + 60 * G_USEC_PER_SEC },
                                                       sizeof (gint64)));
    } else if (s.what == 'i') {
      if (g_hash_table_remove (sv->busy, pid))
        g_hash_table_add (sv->idle, pid);
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
    gboolean judging = g_hash_table_contains (sv->busy, p);
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
    if (WIFSIGNALED (wst) && WTERMSIG (wst) != SIGKILL && WTERMSIG (wst) != SIGTERM) {
      if (judging)
        fprintf (stderr, _("certnotice serve: a worker died (signal %d): the filter sent its mail on with "
                           "what the worker had said\n"), WTERMSIG (wst));
      else
        fprintf (stderr, _("certnotice serve: a waiting worker died (signal %d)\n"), WTERMSIG (wst));
    }
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
      fprintf (stderr, _("certnotice serve: worker %d is past the filter's deadline: killed\n"), GPOINTER_TO_INT (pid));
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
  /* GLib decides on the first g_dgettext() of a process whether it
   * translates at all, and never again: not under a locale other than C
   * and English for which the program has no catalog (C.UTF-8 is one).
   * A worker speaks each filter's language: that first call is made
   * under "C", which never turns translation off. */
  g_autofree char *messages = g_strdup (setlocale (LC_MESSAGES, NULL));
  setlocale (LC_MESSAGES, "C");
  (void) g_dgettext (GETTEXT_PACKAGE, "");
  setlocale (LC_MESSAGES, messages);

  Server sv = { .listen_fd = -1, .status = { -1, -1 }, .spare = 2 };
  g_autofree char *socket_opt = NULL;
  int spare = 2;
  int idle_exit = 0;
  int rc = 0;
  g_autoptr (GOptionContext) ctx = g_option_context_new (N_("— judge the mail of filter, with the rules kept loaded"));
  GOptionEntry entries[] = {
    { "socket", 0, 0, G_OPTION_ARG_FILENAME, &socket_opt, N_("Listen here (default: [certnotice] judge_socket, else $XDG_RUNTIME_DIR/certnotice/judge.sock)"), "PATH" },
    { "spare", 0, 0, G_OPTION_ARG_INT, &spare, N_("Workers kept waiting for mail (default 2)"), "N" },
    { "idle-exit", 0, 0, G_OPTION_ARG_INT, &idle_exit, N_("Stop after this long without mail (default 0: never; with socket activation, systemd starts it again)"), "SECONDS" },
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
  /* what the shared options say of judging is each filter's to say: its
   * command line comes with every mail */
  if (sv.cli.format_name || sv.cli.now_str || sv.cli.trust) {
    fprintf (stderr, _("certnotice serve: usage: --%s is an option of filter: give it there\n"),
             sv.cli.format_name ? "format" : sv.cli.now_str ? "now" : "trust-authserv");
    rc = CN_EXIT_USAGE;
    goto out;
  }
  if (spare < 1 || spare > 64) {
    fprintf (stderr, _("certnotice serve: usage: --spare: give 1 to 64\n"));
    rc = CN_EXIT_USAGE;
    goto out;
  }
  sv.spare = (guint) spare;
  if (idle_exit < 0 || idle_exit > 86400 * 7) {
    fprintf (stderr, _("certnotice serve: usage: --idle-exit: give 0 to 604800 seconds\n"));
    rc = CN_EXIT_USAGE;
    goto out;
  }
  if (socket_opt && !g_path_is_absolute (socket_opt)) {
    fprintf (stderr, _("certnotice serve: usage: --socket: give an absolute path\n"));
    rc = CN_EXIT_USAGE;
    goto out;
  }
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
  guint *shared = mmap (NULL, 2 * sizeof (guint), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    fprintf (stderr, "certnotice serve: mmap: %s\n", g_strerror (errno));
    rc = CN_EXIT_SOFTWARE;
    goto out;
  }
  sv.generation = &shared[0];
  sv.waiting = &shared[1];
  if (pipe2 (sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0 || pipe2 (sv.status, O_CLOEXEC) != 0) {
    fprintf (stderr, "certnotice serve: pipe: %s\n", g_strerror (errno));
    rc = CN_EXIT_SOFTWARE;
    goto out;
  }
  fcntl (sv.status[0], F_SETFL, O_NONBLOCK);
  if (!take_activated (&sv, &e) && (e || !listen_on (&sv, &e))) {
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

  sv.last_mail = g_get_monotonic_time ();
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
    *sv.waiting = g_hash_table_size (sv.idle);
    struct pollfd pf[2] = { { sig_pipe[0], POLLIN, 0 }, { sv.status[0], POLLIN, 0 } };
    int timeout = enforce_deadlines (&sv);
    if (idle_exit > 0 && g_hash_table_size (sv.busy) == 0) {
      gint64 left = sv.last_mail + (gint64) idle_exit * G_USEC_PER_SEC - g_get_monotonic_time ();
      if (left <= 0) {
        fprintf (stderr, _("certnotice serve: no mail for %d s: stopping\n"), idle_exit);
        break;
      }
      timeout = timeout < 0 ? (int) (left / 1000 + 1) : MIN (timeout, (int) (left / 1000 + 1));
    }
    int r = poll (pf, 2, timeout);
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

  /* the end: no more connections; the mail being judged is finished, and
   * its worker ends then (a reload's mark) instead of taking another */
  (*sv.generation)++;
  close (sv.listen_fd);
  struct stat st;
  if (!sv.activated && stat (sv.path, &st) == 0 && st.st_dev == sv.sock_st.st_dev && st.st_ino == sv.sock_st.st_ino)
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
