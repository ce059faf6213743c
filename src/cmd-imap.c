/* cmd-imap.c — `certnotice imap`: the command.  Its options, the accounts
 * (--url's and the config's, checked before anything connects), the
 * polling loop with its signals (SIGTERM stops after the current message,
 * SIGHUP reloads the config and rules), --status and --retry-failed.
 *
 * One poll of an account is imap-poll.c (what happens to each message, and
 * what is guaranteed, is explained there); the connection is imap-conn.c,
 * hooks and webhooks are actions.c, the state file is state.c.
 */
#include "cli.h"
#include "json.h"
#include "imap-conn.h"
#include "imap-poll.h"

#include "i18n.h"
#include <signal.h>
#include <string.h>

typedef struct {
  CnCli *cli;
  CnAccount *url_account; /* from --url, or NULL                          */
  GPtrArray *accounts;    /* CnAccount * (borrowed): --url's, the config's */
  gboolean once, dry_run, status, retry_failed;
  gboolean no_verify_given;
  int interval;           /* --interval, or 0                            */
  /* flags given on the command line */
  char *url, *user, *password_command, *state_opt, *imap_cacert, *db;
  gboolean allow_plaintext;
} Imap;

static volatile sig_atomic_t stop_requested, reload_requested;

static void
on_signal (int sig)
{
  if (sig == SIGHUP)
    reload_requested = 1;
  else
    stop_requested = 1;
}

/* A config is usable when it, or the command line, names an account, and no
 * polled mailbox is a copy/move target. */
static gboolean
check_config (const CnConfig *config, gpointer data, GError **error)
{
  const Imap *im = data;
  if (im->url_account == NULL && config->accounts->len == 0) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE, _("no account: give --url or an [account NAME] in %s"),
                 config->path);
    return FALSE;
  }
  if (im->url_account) {
    for (guint i = 0; i < config->accounts->len; i++)
      if (strcmp (((CnAccount *) config->accounts->pdata[i])->name, im->url_account->name) == 0) {
        g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, _("--url's account is named '%s', like an [account "
                                                         "%s] in %s: rename that one"),
                     im->url_account->name, im->url_account->name, config->path);
        return FALSE;
      }
    g_autoptr (GError) e = NULL;
    if (!cn_config_check_targets (config, im->url_account, &e)) {
      g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "--url: %s", e->message);
      return FALSE;
    }
    if (!im->status && !cn_imap_credentials_known (im->url_account, error))
      return FALSE;
  }
  for (guint i = 0; i < config->accounts->len && !im->status; i++)
    if (!cn_imap_credentials_known (config->accounts->pdata[i], error))
      return FALSE;
  return TRUE;
}

/* The account of --url, if given. */
static gboolean
make_url_account (Imap *im, GError **error)
{
  if (im->url == NULL)
    return TRUE;
  g_autoptr (CnAccount) a = g_new0 (CnAccount, 1);
  a->name = g_strdup ("cli");
  a->user = g_strdup (im->user);
  a->password_command = g_strdup (im->password_command);
  a->cacert = g_strdup (im->imap_cacert);
  a->allow_plaintext = im->allow_plaintext;
  if (!cn_account_set_url (a, im->url, error))
    return FALSE;
  im->url_account = g_steal_pointer (&a);
  return TRUE;
}

/* After the config is (re)loaded: the accounts to poll (--url's, then the
 * config's) and the settings the config may give. */
static void
apply_config (Imap *im)
{
  if (im->db) {   /* --db over the config's: the poll records there */
    g_free (im->cli->config->db);
    im->cli->config->db = g_strdup (im->db);
  }
  g_ptr_array_set_size (im->accounts, 0);
  if (im->url_account)
    g_ptr_array_add (im->accounts, im->url_account);
  for (guint i = 0; i < im->cli->config->accounts->len; i++)
    g_ptr_array_add (im->accounts, im->cli->config->accounts->pdata[i]);
  if (!im->no_verify_given)
    im->cli->opts.no_verify = im->cli->config->no_verify;
}

/* ---------------------------------------------------------------------- */
/* imap --status                                                           */

static char *
local_time (gint64 t)
{
  g_autoptr (GDateTime) d = g_date_time_new_from_unix_local (t);
  return d ? g_date_time_format (d, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static int
show_status (Imap *im, CnState *st)
{
  const CnConfig *cf = im->cli->config;
  g_autofree const char **names = cn_state_box_names (st);
  guint failed = 0;
  if (names[0] == NULL && im->cli->format != CN_FORMAT_JSON)
    printf (_("%s: nothing polled yet\n"), st->path);
  for (const char **n = names; *n; n++) {
    CnBoxState *b = cn_state_box (st, *n);
    g_autoptr (GPtrArray) msgs = cn_state_msgs_sorted (b);
    guint nf = 0;
    for (guint i = 0; i < msgs->len; i++)
      nf += ((CnMsgState *) msgs->pdata[i])->failed;
    failed += nf;
    if (im->cli->format != CN_FORMAT_JSON)
      printf (_("%s: UIDVALIDITY %u, UIDs up to %u looked at, %u being tried, %u failed\n"), *n, b->uidvalidity,
              b->last_uid, msgs->len - nf, nf);
    for (guint i = 0; i < msgs->len; i++) {
      const CnMsgState *m = msgs->pdata[i];
      g_autoptr (GString) done = g_string_new (NULL);
      static const char *const names_[] = { "keyword", "hook", "webhook", "copy", "move" };
      for (guint k = 0; k < G_N_ELEMENTS (names_); k++)
        if (m->done & (1u << k))
          g_string_append_printf (done, "%s%s", done->len ? " " : "", names_[k]);
      if (im->cli->format == CN_FORMAT_JSON) {
        g_autoptr (JsonBuilder) jb = json_builder_new ();
        json_builder_begin_object (jb);
        json_builder_set_member_name (jb, "mailbox");
        json_builder_add_string_value (jb, *n);
        json_builder_set_member_name (jb, "uid");
        json_builder_add_int_value (jb, m->uid);
        json_builder_set_member_name (jb, "status");
        json_builder_add_string_value (jb, m->failed ? "failed" : "retrying");
        json_builder_set_member_name (jb, "tries");
        json_builder_add_int_value (jb, m->tries);
        json_builder_set_member_name (jb, "next_try");
        if (m->failed || m->next_try == 0)
          json_builder_add_null_value (jb);
        else
          json_builder_add_int_value (jb, m->next_try);
        const char *strs[][2] = { { "verdict", m->verdict }, { "summary", m->summary },
                                  { "message_id", m->message_id }, { "error", m->error }, { "done", done->str } };
        for (guint k = 0; k < G_N_ELEMENTS (strs); k++) {
          json_builder_set_member_name (jb, strs[k][0]);
          if (strs[k][1])
            json_builder_add_string_value (jb, strs[k][1]);
          else
            json_builder_add_null_value (jb);
        }
        json_builder_end_object (jb);
        g_autoptr (JsonNode) root = json_builder_get_root (jb);
        g_autofree char *s = cn_json_to_string (root);
        printf ("%s\n", s);
        continue;
      }
      g_autofree char *when = local_time (m->next_try);
      /* errors, summaries and Message-IDs quote servers and mail */
      g_autoptr (GString) t1 = g_string_new (NULL);
      g_autoptr (GString) t2 = g_string_new (NULL);
      /* the error is as the state keeps it: English */
      if (m->failed)
        printf (g_dngettext (GETTEXT_PACKAGE, "  UID %u: FAILED after %u try: %s\n",
                             "  UID %u: FAILED after %u tries: %s\n", m->tries),
                m->uid, m->tries, m->error ? cn_safe (t1, m->error) : "?");
      else if (m->error)
        printf (_("  UID %u: try %u of %d done, failed: %s; next at the first poll after %s\n"), m->uid, m->tries,
                cf->attempts, cn_safe (t1, m->error), when);
      else
        printf (_("  UID %u: try %u of %d done; next at the first poll after %s\n"), m->uid, m->tries,
                cf->attempts, when);
      if (m->summary) {
        CnVerdict v;
        const char *verdict = m->verdict && cn_verdict_from_name (m->verdict, &v) ? cn_output_verdict_word (v)
                            : m->verdict ? m->verdict : "?";
        printf ("      %s → %s", cn_safe (t1, m->summary), verdict);
        if (done->len)
          printf (_("; done: %s"), done->str);
        if (m->message_id)
          printf (_("; Message-ID %s"), cn_safe (t2, m->message_id));
        printf ("\n");
      }
    }
  }
  return failed ? CN_EXIT_ATTENTION : CN_EXIT_OK;
}

/* ---------------------------------------------------------------------- */

static char *
state_path (const Imap *im)
{
  return im->state_opt ? g_strdup (im->state_opt)
       : im->cli->config->state ? g_strdup (im->cli->config->state)
       : cn_state_default_path ();
}

static int
run (Imap *im)
{
  g_autoptr (GError) e = NULL;
  if (!make_url_account (im, &e) || !check_config (im->cli->config, im, &e))
    return cn_cli_fail (e);
  apply_config (im);
  g_autofree char *path = state_path (im);
  g_autoptr (CnState) st = cn_state_load (path, &e);
  if (st == NULL)
    return cn_cli_fail (e);
  if (im->status)
    return show_status (im, st);
  if (im->retry_failed) {
    guint n = 0;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init (&it, st->boxes);
    while (g_hash_table_iter_next (&it, NULL, &v)) {
      g_autoptr (GPtrArray) msgs = cn_state_msgs_sorted (v);
      for (guint i = 0; i < msgs->len; i++) {
        CnMsgState *m = msgs->pdata[i];
        if (m->failed) {
          m->failed = FALSE;
          m->tries = 0;
          m->next_try = 0;
          n++;
        }
      }
    }
    cn_imap_log (g_dngettext (GETTEXT_PACKAGE, "--retry-failed: %u failed message will be tried again",
                              "--retry-failed: %u failed messages will be tried again", n), n);
    if (!im->dry_run && !cn_state_save (st, &e))
      return cn_cli_fail (e);
  }

  struct sigaction sa = { .sa_handler = on_signal };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);

  int backoff = 1;
  int rc = CN_EXIT_OK;
  while (!stop_requested) {
    if (reload_requested) {
      reload_requested = 0;
      g_autoptr (GError) re = NULL;
      if (cn_cli_reload (im->cli, check_config, im, &re)) {
        apply_config (im);
        cn_imap_log (_("SIGHUP: config %s and rules reloaded"), im->cli->config->path);
      } else {
        cn_imap_log (_("SIGHUP: keeping the old config and rules: %s"), cn_error_local (re));
      }
    }
    g_clear_pointer (&im->cli->opts.now, g_date_time_unref);
    im->cli->opts.now = g_date_time_new_now_utc ();
    CnImapPoller poller = { .cli = im->cli, .dry_run = im->dry_run, .stop = &stop_requested };
    CnImapPollStats ps = { 0 };
    gboolean all_ok = TRUE;
    for (guint i = 0; i < im->accounts->len && !stop_requested; i++)
      all_ok &= cn_imap_poll_account (&poller, im->accounts->pdata[i], st, &ps);
    if (g_getenv ("CERTNOTICE_IMAP_STATS"))
      cn_imap_log ("poll: %u headers, %u whole messages, %" G_GUINT64_FORMAT " bytes, %u notices, %u failed tries",
           ps.fetched_headers, ps.fetched_whole, ps.bytes, ps.notices, ps.failures);
    if (im->once) {
      rc = !all_ok || ps.failures ? CN_EXIT_TEMPFAIL : ps.attention ? CN_EXIT_ATTENTION : CN_EXIT_OK;
      break;
    }
    /* wait for the next poll; after a failure, back off (capped) */
    int interval = im->interval > 0 ? im->interval : im->cli->config->interval > 0 ? im->cli->config->interval : 300;
    int wait = all_ok ? interval : MIN (backoff, interval);
    backoff = all_ok ? 1 : MIN (backoff * 2, 300);
    for (int s = 0; s < wait * 10 && !stop_requested && !reload_requested; s++)
      g_usleep (100000);
  }
  if (stop_requested)
    cn_imap_log ("%s", _("stopping"));
  return rc;
}

int
cn_cmd_imap (int argc, char **argv)
{
  CnCli cli = { 0 };
  Imap im = { .cli = &cli };
  im.accounts = g_ptr_array_new ();
  g_autoptr (GOptionContext) ctx = g_option_context_new (N_("— poll IMAP mailboxes for certificate notices"));
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &im.url, N_("Mailbox to watch (imaps://[USER@]HOST[:PORT]/MAILBOX)"), "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &im.user, N_("Login name (else the URL's, else netrc's)"), "NAME" },
    { "password-command", 0, 0, G_OPTION_ARG_STRING, &im.password_command, N_("Print the password (first line is used); else ~/.netrc"), "CMD" },
    { "imap-cacert", 0, 0, G_OPTION_ARG_FILENAME, &im.imap_cacert, N_("Trust these CAs for the --url server (not for live checks)"), "FILE" },
    { "allow-plaintext", 0, 0, G_OPTION_ARG_NONE, &im.allow_plaintext, N_("Allow imap:// without TLS"), NULL },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &im.state_opt, N_("State file (default $XDG_STATE_HOME/certnotice/imap.state)"), "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &im.db, N_("Record notices in this ledger (default: [certnotice] db, else $XDG_STATE_HOME/certnotice/cases.db)"), "FILE" },
    { "once", 0, 0, G_OPTION_ARG_NONE, &im.once, N_("Poll once and exit (cron, systemd timers)"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_INT, &im.interval, N_("Seconds between polls (default 300)"), "SECONDS" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &im.dry_run, N_("Report what would be done; change nothing"), NULL },
    { "status", 0, 0, G_OPTION_ARG_NONE, &im.status, N_("List the messages being retried or given up, and exit"), NULL },
    { "retry-failed", 0, 0, G_OPTION_ARG_NONE, &im.retry_failed, N_("Try the messages given up again"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (ctx, entries, NULL);
  cn_cli_add_options (ctx, &cli, TRUE);
  g_autoptr (GError) e = NULL;
  int rc;
  if (!g_option_context_parse (ctx, &argc, &argv, &e)) {
    fprintf (stderr, "certnotice: %s\n", e->message);
    rc = CN_EXIT_USAGE;
  } else if (argc > 1) {
    fprintf (stderr, _("certnotice imap: unexpected argument '%s'\n"), argv[1]);
    rc = CN_EXIT_USAGE;
  } else if (im.imap_cacert && !g_file_test (im.imap_cacert, G_FILE_TEST_IS_REGULAR)) {
    fprintf (stderr, _("certnotice: --imap-cacert %s: no such file\n"), im.imap_cacert);
    rc = CN_EXIT_NOINPUT;
  } else if ((rc = cn_cli_setup (&cli, TRUE)) == 0) {
    im.no_verify_given = cli.opts.no_verify;
    rc = run (&im);
  }
  g_clear_pointer (&im.url_account, cn_account_free);
  g_ptr_array_unref (im.accounts);
  g_free (im.url);
  g_free (im.user);
  g_free (im.password_command);
  g_free (im.state_opt);
  g_free (im.imap_cacert);
  g_free (im.db);
  cn_cli_clear (&cli);
  return rc;
}
