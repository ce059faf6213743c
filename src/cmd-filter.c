/* cmd-filter.c — `certnotice filter`: one mail on stdin, the same mail on stdout
 * with our verdict headers added.  Never loses or alters a mail.
 *
 * Two processes, as spamc/spamd keep the mail away from the judge
 * (filter.h):
 *
 *   parent: reads all of stdin (plain malloc), loads config and rules
 *           (trusted files), and asks the prefilter (prefilter.h) whether
 *           the mail may be a notice, from its header block alone — a
 *           bounded, fuzzed reading that parses nothing else.  Most mail is
 *           not: it goes out at once (our X-Certnotice fields taken out, as
 *           for any mail that is not a notice), no child, no module.  Else
 *           it forks, waits for the child's header lines until the time
 *           budget runs out, splices them into the original bytes, writes
 *           the result.
 *   child:  loads the module (module.h: GMime and the rest), decodes,
 *           matches, checks live, and sends header blocks through a pipe:
 *           first one right after judging (verdict unverified), then the
 *           final one after the live check; then records the notice in the
 *           ledger (ledger.h) with what is left of the budget, and exits
 *           (filter-judge.c).  A mail that is not a notice has nothing to
 *           record.
 *
 * Built as the front (CN_STATIC_FRONT, module.h), the parent does not fork
 * for a mail that may be a notice: it becomes the full program
 * (certnotice-full) with the mail back on stdin, which runs all of the
 * above again, and the mail goes out from there (judge).
 *
 * Whatever happens to the child — a module that cannot be loaded, a crash,
 * running out of memory, a hung check, SIGKILL — the parent still has the
 * mail: it goes out with the last complete block the child sent, or
 * unchanged (or, with --tempfail, not at all, exit 75, so the MTA retries).
 * So does it when the command line, the config or the rules are bad, and
 * when the front cannot become the full program.
 * SIGTERM makes the parent stop waiting and do the same.  Output is written
 * only after all input was read.
 */
#include "filter.h"
#include "fdio.h"
#include "judge.h"
#include "module.h"
#include "prefilter-cache.h"
#include "splice.h"

#include "i18n.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EX_IOERR 74

/* A block on the pipe (filter.h). */
void
cn_filter_send_block (int fd, const char *preamble, char kind, const char *text)
{
  /* one write: the reader wakes once for it */
  g_autoptr (GString) b = g_string_new (preamble);
  g_string_append_printf (b, "%c %zu\n%s", kind, strlen (text), text);
  cn_write_all (fd, b->str, b->len);
}

/* ---------------------------------------------------------------------- */
/* the parent                                                              */

static volatile sig_atomic_t got_term;
static int term_pipe[2] = { -1, -1 };

static void
on_term (int sig)
{
  (void) sig;
  got_term = 1;
  int e = errno;
  if (term_pipe[1] >= 0)
    (void) !write (term_pipe[1], "t", 1);
  errno = e;
}

/* Read all of stdin with plain malloc.  On allocation failure, *data holds
 * what was read and FALSE is returned: the caller copies the rest through. */
static gboolean
read_input (char **data, gsize *len, gboolean *io_error)
{
  gsize cap = 1 << 16, n = 0;
  char *buf = malloc (cap);
  *io_error = FALSE;
  if (buf == NULL) {
    *data = NULL;
    *len = 0;
    return FALSE;
  }
  for (;;) {
    if (n == cap) {
      gsize ncap = cap * 2;
      char *nb = ncap > cap ? realloc (buf, ncap) : NULL;
      if (nb == NULL) {
        *data = buf;
        *len = n;
        return FALSE;
      }
      buf = nb;
      cap = ncap;
    }
    ssize_t r = read (STDIN_FILENO, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      *io_error = TRUE;
      break;
    }
    if (r == 0)
      break;
    n += (gsize) r;
  }
  *data = buf;
  *len = n;
  return TRUE;
}

/* Copy what is left on stdin to stdout (after a failed allocation). */
static gboolean
copy_rest (void)
{
  char buf[65536];
  for (;;) {
    ssize_t r = read (STDIN_FILENO, buf, sizeof buf);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return r == 0;
    if (!cn_write_all (STDOUT_FILENO, buf, (gsize) r))
      return FALSE;
  }
}

typedef struct {
  char *block;       /* the last complete 'B' or 'F' block, or NULL */
  gboolean final;
  char *error;       /* an 'E' block                                  */
  gboolean ended;    /* the judging process ended the report itself   */
} ChildReport;

static int
emit (const char *data, gsize len, const char *headers)
{
  /* the new header section, then the rest straight from the input: no
   * second copy of a large mail */
  gsize rest = 0;
  g_autoptr (GBytes) head = cn_splice_head (data, len, headers, &rest);
  gsize n = 0;
  const char *p = g_bytes_get_data (head, &n);
  if (!cn_write_all (STDOUT_FILENO, p, n) || !cn_write_all (STDOUT_FILENO, data + rest, len - rest)) {
    fprintf (stderr, _("certnotice filter: cannot write the mail: %s\n"), g_strerror (errno));
    return EX_IOERR;
  }
  return CN_EXIT_OK;
}

/* SIGTERM, SIGINT and SIGHUP: they make the parent stop waiting. */
static void
term_signals (sigset_t *set)
{
  sigemptyset (set);
  sigaddset (set, SIGTERM);
  sigaddset (set, SIGINT);
  sigaddset (set, SIGHUP);
}

/* Parse complete blocks from BUF. */
static void
parse_blocks (GString *buf, ChildReport *rep)
{
  for (;;) {
    const char *nl = memchr (buf->str, '\n', buf->len);
    if (nl == NULL)
      return;
    char kind = buf->str[0];
    gsize n = (gsize) g_ascii_strtoull (buf->str + 2, NULL, 10);
    gsize head = (gsize) (nl - buf->str) + 1;
    if (buf->len < head + n)
      return;
    char *text = g_strndup (buf->str + head, n);
    if (kind == 'E') {
      g_free (rep->error);
      rep->error = text;
    } else {
      g_free (rep->block);
      rep->block = text;
      rep->final = kind == 'F';
    }
    g_string_erase (buf, 0, (gssize) (head + n));
  }
}

/* Read the judging process's blocks from FD into REP until it ends, the
 * DEADLINE (TIMED_OUT) or a signal. */
static void
read_blocks (int fd, gint64 deadline, ChildReport *rep, gboolean *timed_out)
{
  g_autoptr (GString) buf = g_string_new (NULL);
  for (;;) {
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    if (left <= 0) {
      *timed_out = TRUE;
      break;
    }
    struct pollfd pf[2] = { { fd, POLLIN, 0 }, { term_pipe[0], POLLIN, 0 } };
    int r = poll (pf, 2, (int) MIN (left, 1000));
    if (r < 0 && errno == EINTR)
      continue;
    if (got_term || (pf[1].revents & POLLIN))
      break;
    if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char chunk[4096];
      ssize_t n = read (fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        rep->ended = TRUE;   /* the judging process is done (or dead) */
        break;
      }
      g_string_append_len (buf, chunk, n);
      parse_blocks (buf, rep);
      /* after the final block it records in the ledger: wait for its end
       * (EOF), still only until the deadline */
      if (rep->error)
        break;
    }
  }
}

/* Ask the user's judge (judge.h), once per mail: the front asked already
 * when it became the full program.  KEY: the set-up of the rules
 * (prefilter-cache.h), or NULL.  TRUE when the judge judged (REP holds
 * what it said); FALSE: judge the mail here. */
static gboolean
ask_judge (const CnCli *cli, const char *key, int argc, char **argv, const char *data, gsize len,
           gint64 deadline, ChildReport *rep, gboolean *timed_out)
{
  if (cn_judge_asked)
    return FALSE;
  cn_judge_asked = TRUE;
  g_autofree char *path = cn_judge_socket_path (cli->config);
  g_autofree char *why = NULL;
  int fd = -1;
  switch (cn_judge_ask (path, data, len, key, argc, argv, deadline, &fd, &why)) {
  case CN_JUDGE_ABSENT:
    return FALSE;
  case CN_JUDGE_REFUSED:
    fprintf (stderr, _("certnotice filter: the judge at %s: %s: judging the mail here\n"), path, why);
    return FALSE;
  case CN_JUDGE_OK:
    break;
  }
  read_blocks (fd, deadline, rep, timed_out);
  close (fd);
  return TRUE;
}

#ifdef CN_STATIC_FRONT
/* Put the mail back on stdin for the full program (cn_fd_with_bytes). */
static gboolean
mail_on_stdin (const char *data, gsize len, GError **error)
{
  int fd = cn_fd_with_bytes (data, len);
  if (fd < 0 || dup2 (fd, STDIN_FILENO) < 0) {
    int err = errno;
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, _("cannot hand the mail on: %s"), g_strerror (err));
    if (fd >= 0)
      close (fd);
    return FALSE;
  }
  close (fd);
  return TRUE;
}

/* The front (module.h) judges nothing itself: the module cannot be loaded
 * into it.  It asks the user's judge (judge.h), and when there is none,
 * becomes the full program, the mail it read on stdin again and the same
 * argv, which runs the whole filter as ever: its own prefilter, the
 * judging child, the time budget (of which the front spent about a
 * millisecond).  The signals stay blocked across the exec, so that one
 * that comes now is not lost: the full program takes it once its handlers
 * are in place.  Returns only when this could not be done: REP says why,
 * and the mail goes out as when the module cannot be loaded. */
static gboolean
judge (CnCli *cli, CnFilterOptions *fo, const char *key, int argc, char **argv, const char *data, gsize len,
       gint64 deadline, ChildReport *rep, gboolean *timed_out)
{
  (void) fo;
  if (ask_judge (cli, key, argc, argv, data, len, deadline, rep, timed_out))
    return TRUE;
  sigset_t set, old;
  term_signals (&set);
  sigprocmask (SIG_BLOCK, &set, &old);
  g_autoptr (GError) e = NULL;
  if (!got_term) {   /* else: as when a judging child is cut short */
    if (mail_on_stdin (data, len, &e))
      cn_full_exec (&e);
    rep->error = g_strdup (e->message);
  }
  sigprocmask (SIG_SETMASK, &old, NULL);
  return TRUE;
}
#else
/* The user's judge (judge.h), else a judging child (the file's comment):
 * forked, it loads the module and judges; the parent reads its blocks
 * into REP until it ends, the DEADLINE (TIMED_OUT) or a signal.  FALSE
 * when no child could be started (said on stderr). */
static gboolean
judge (CnCli *cli, CnFilterOptions *fo, const char *key, int argc, char **argv, const char *data, gsize len,
       gint64 deadline, ChildReport *rep, gboolean *timed_out)
{
  if (ask_judge (cli, key, argc, argv, data, len, deadline, rep, timed_out))
    return TRUE;
  int fds[2];
  if (pipe (fds) < 0) {
    fprintf (stderr, "certnotice filter: pipe: %s\n", g_strerror (errno));
    return FALSE;
  }
  fflush (NULL);
  pid_t pid = fork ();
  if (pid == 0) {
    close (fds[0]);
    signal (SIGTERM, SIG_DFL);
    signal (SIGINT, SIG_DFL);
    signal (SIGHUP, SIG_DFL);
    /* the module before the address-space limit: like the libraries a
     * single binary had, it is what the judging process inherits, not
     * what it uses on the mail */
    g_autoptr (GError) me = NULL;
    const CnModule *module = cn_module_load (&me);
    if (module == NULL) {
      cn_filter_send_block (fds[1], NULL, 'E', me->message);
      _exit (0);
    }
    /* the rules too, unless the parent loaded them (it had no cache) */
    g_autoptr (GError) re = NULL;
    if (cli->rules == NULL && !cn_cli_load_rules (cli, &re)) {
      cn_cli_fail (re);
      cn_filter_send_block (fds[1], NULL, 'E', _("setup failed (see the message above)"));
      _exit (0);
    }
    if (fo->max_memory > 0) {
      struct rlimit rl = { (rlim_t) fo->max_memory, (rlim_t) fo->max_memory };
      setrlimit (RLIMIT_AS, &rl);
    }
    /* the ledger's share ends before the parent stops waiting */
    module->filter_judge (fds[1], cli, data, len, fo->db, deadline - 100000);
  }
  close (fds[1]);

  if (pid < 0) {
    fprintf (stderr, "certnotice filter: fork: %s\n", g_strerror (errno));
  } else {
    read_blocks (fds[0], deadline, rep, timed_out);
    kill (pid, SIGKILL);
    int wst = 0;
    while (waitpid (pid, &wst, 0) < 0 && errno == EINTR)
      ;
    if (WIFSIGNALED (wst) && WTERMSIG (wst) != SIGKILL)
      fprintf (stderr, _("certnotice filter: the judging process died (signal %d): passing the mail through\n"),
               WTERMSIG (wst));
  }
  close (fds[0]);
  return TRUE;
}
#endif

/* The config and the options, then what the prefilter needs of the rules:
 * cached by an earlier run that loaded them (prefilter-cache.h), else the
 * rules themselves (and the cache written).  NULL and ERROR when any of it
 * fails (nothing printed); *KEY is the cache's key (or NULL). */
static CnPrefilterSet *
set_up (CnCli *cli, char **key, GError **error)
{
  if (!cn_cli_setup_options (cli, error))
    return NULL;
  *key = cn_prefilter_cache_key (cli);
  CnPrefilterSet *prefilter = *key ? cn_prefilter_cache_load (*key) : NULL;
  if (prefilter == NULL && cn_cli_load_rules (cli, error))
    prefilter = cn_prefilter_set_new (cli->rules);
  return prefilter;
}

int
cn_cmd_filter (int argc, char **argv)
{
  CnCli cli = { 0 };
  CnFilterOptions fo = { 0 };
  signal (SIGPIPE, SIG_IGN);

  g_autofree char *setup_error = NULL;
  gboolean setup_ok = cn_filter_parse_options (argc, argv, &cli, &fo, &setup_error);
  double budget = fo.budget;
  gboolean tempfail = fo.tempfail;

  /* 1. all of stdin, before anything else can go wrong */
  char *data = NULL;
  gsize len = 0;
  gboolean io_error = FALSE;
  int rc = CN_EXIT_OK;
  ChildReport rep = { 0 };
  gboolean timed_out = FALSE;
  g_autoptr (CnPrefilterSet) prefilter = NULL;   /* before any goto */
  g_autofree char *key = NULL;
  if (!read_input (&data, &len, &io_error)) {
    fprintf (stderr, _("certnotice filter: out of memory reading the mail: passing it through\n"));
    rc = (cn_write_all (STDOUT_FILENO, data ? data : "", len) && copy_rest ()) ? CN_EXIT_OK : EX_IOERR;
    goto out;
  }
  if (io_error) {
    /* we do not have the whole mail: never pass on a truncated one */
    fprintf (stderr, _("certnotice filter: cannot read the mail: %s\n"), g_strerror (errno));
    rc = CN_EXIT_TEMPFAIL;
    goto out;
  }
  if (len > (gsize) (fo.max_size_mb * 1e6)) {
    rc = emit (data, len, NULL);
    goto out;
  }

  /* 2. config and rules: trusted files, read here so that most mail needs
   * nothing more */
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) (budget * G_USEC_PER_SEC) - 150000;

  if (pipe2 (term_pipe, O_CLOEXEC) < 0) {
    fprintf (stderr, "certnotice filter: pipe: %s\n", g_strerror (errno));
    rc = tempfail ? CN_EXIT_TEMPFAIL : emit (data, len, NULL);
    goto out;
  }
  struct sigaction sa = { .sa_handler = on_term };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  /* the front blocks them while it becomes this program (judge): one that
   * came meanwhile is taken now */
  sigset_t set;
  term_signals (&set);
  sigprocmask (SIG_UNBLOCK, &set, NULL);

  if (setup_ok) {
    g_autoptr (GError) se = NULL;
    gboolean lazy = cn_i18n_lazy ();   /* (a message may set it meanwhile) */
    prefilter = set_up (&cli, &key, &se);
    if (prefilter == NULL && lazy) {
      /* what GKeyFile or GLib said in the user's language too (i18n.h):
       * the same again, the locale set */
      cn_i18n_ensure ();
      g_clear_error (&se);
      g_clear_pointer (&key, g_free);
      cn_filter_reset (&cli, &fo);
      cn_filter_parse_options (argc, argv, &cli, &fo, &setup_error);
      prefilter = set_up (&cli, &key, &se);
    }
    if (prefilter == NULL) {
      cn_cli_fail (se);
      setup_ok = FALSE;
      setup_error = g_strdup (_("setup failed (see the message above)"));
    }
  }
  if (!setup_ok) {
    rep.error = g_steal_pointer (&setup_error);
    goto report;
  }

  /* 3. the prefilter: a mail that cannot be a notice goes out as any mail
   * that is not one (no verdict headers, ours taken out) */
  if (cn_prefilter_mail (prefilter, data, len, NULL) == CN_PREFILTER_NO) {
    if (got_term)
      goto report;   /* as when a judging child is cut short */
    rc = emit (data, len, "");
    goto out;
  }

  /* 4. the judging */
  if (!judge (&cli, &fo, key, argc, argv, data, len, deadline, &rep, &timed_out)) {
    rc = tempfail ? CN_EXIT_TEMPFAIL : emit (data, len, NULL);
    goto out;
  }

report:
  if (rep.error) {
    fprintf (stderr, "certnotice filter: %s: %s\n", rep.error,
             tempfail ? _("exit 75 (--tempfail)") : _("passing the mail through unchanged"));
    rc = tempfail ? CN_EXIT_TEMPFAIL : emit (data, len, NULL);
  } else if (rep.block) {
    /* final, or judged but the check did not end: verdict unverified */
    if (!rep.final && rep.ended)
      fprintf (stderr, _("certnotice filter: the judging process ended before its final verdict\n"));
    else if (!rep.final)
      fprintf (stderr, _("certnotice filter: the live check did not finish within %gs%s\n"), budget,
               got_term ? _(" (terminated)") : "");
    else if (timed_out)
      fprintf (stderr, _("certnotice filter: the ledger was not written within the time budget (%gs): "
                         "the notice is not recorded\n"), budget);
    rc = emit (data, len, rep.block);
  } else {
    fprintf (stderr, _("certnotice filter: the mail could not be judged (%s): %s\n"),
             got_term ? _("terminated") : timed_out ? _("time budget") : _("the judging process failed"),
             tempfail ? _("exit 75 (--tempfail)") : _("passing it through unchanged"));
    rc = tempfail ? CN_EXIT_TEMPFAIL : emit (data, len, NULL);
  }
out:
  g_free (rep.block);
  g_free (rep.error);
  free (data);
  cn_cli_clear (&cli);
  cn_filter_options_clear (&fo);
  return rc;
}
