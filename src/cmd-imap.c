/* cmd-imap.c — `certnotice imap`: poll mailboxes, triage new notices, act.
 *
 * Per mailbox and poll: SELECT (UIDVALIDITY; a change rescans from UID 1,
 * with Message-IDs already reported skipped), UID SEARCH UID last+1:*, the
 * headers of the new messages (BODY.PEEK[HEADER.FIELDS …]) are matched
 * against the rules' subject patterns and sender domains, only candidates
 * are fetched whole (BODY.PEEK[]), the read → verify → triage pipeline
 * judges them, then per message, in UID order: report, act (keyword,
 * copy/move, hook command, webhook), and only then save the state.  A crash
 * anywhere means at most a repeat, never a loss.
 *
 * The connection is imap-conn.c, hooks and webhooks are actions.c, the
 * accounts and actions come from the config (config.c).
 */
#include "actions.h"
#include "cli.h"
#include "imap-conn.h"
#include "match.h"
#include "source.h"
#include "state.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  CnCli *cli;
  CnAccount *url_account; /* from --url, or NULL                          */
  GPtrArray *accounts;    /* CnAccount * (borrowed): --url's, the config's */
  gboolean once, dry_run;
  int interval;           /* --interval, or 0                            */
  /* flags given on the command line */
  char *url, *user, *password_command, *state_opt;
  gboolean allow_plaintext;
} Imap;

/* A config is usable when it, or the command line, names an account. */
static gboolean
has_accounts (const CnConfig *config, gpointer data, GError **error)
{
  const Imap *im = data;
  if (im->url == NULL && config->accounts->len == 0) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE, "no account: give --url or an [account NAME] in %s",
                 config->path);
    return FALSE;
  }
  return TRUE;
}

/* The accounts to poll: --url's, then the config's. */
static gboolean
collect_accounts (Imap *im, GError **error)
{
  if (!has_accounts (im->cli->config, im, error))
    return FALSE;
  if (im->url && im->url_account == NULL) {
    CnAccount *a = g_new0 (CnAccount, 1);
    a->name = g_strdup ("cli");
    a->user = g_strdup (im->user);
    a->password_command = g_strdup (im->password_command);
    a->cacert = g_strdup (im->cli->opts.cacert);
    a->allow_plaintext = im->allow_plaintext;
    if (!cn_account_set_url (a, im->url, error)) {
      cn_account_free (a);
      return FALSE;
    }
    im->url_account = a;
  }
  g_ptr_array_set_size (im->accounts, 0);
  if (im->url_account)
    g_ptr_array_add (im->accounts, im->url_account);
  for (guint i = 0; i < im->cli->config->accounts->len; i++)
    g_ptr_array_add (im->accounts, im->cli->config->accounts->pdata[i]);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* one message                                                             */

typedef struct {
  guint32 uid;
  char *headers;        /* the header fields fetched, or NULL */
  GBytes *message;      /* the whole message, for candidates  */
} Msg;

static void
msg_free (Msg *m)
{
  g_free (m->headers);
  if (m->message)
    g_bytes_unref (m->message);
  g_free (m);
}

/* Would any rule look at this mail?  Its subject matches a kind's subject
 * pattern, or it comes from one of the providers' sender domains. */
static gboolean
is_candidate (const CnRuleSet *rules, const char *headers)
{
  g_autoptr (GPtrArray) mails = cn_source_from_bytes (headers, strlen (headers), "headers");
  const CnMail *m = mails->pdata[0];
  for (guint r = 0; r < rules->rules->len; r++) {
    const CnRule *rule = rules->rules->pdata[r];
    for (guint d = 0; d < m->from_domains->len; d++)
      if (cn_authn_domain_is_genuine (m->from_domains->pdata[d], rule->sender_domains))
        return TRUE;
    for (guint k = 0; k < rule->kinds->len; k++) {
      const CnNoticeKind *kind = rule->kinds->pdata[k];
      if (kind->subject == NULL)
        return TRUE;   /* cannot tell from headers: fetch it */
      if (cn_pattern_exec (rules, kind->subject, m->subject, NULL, NULL) != CN_MATCH_NO)
        return TRUE;
    }
  }
  return FALSE;
}

static gboolean
act (Imap *im, CnImapConn *c, guint32 uid, CnVerdict verdict, const char *json, GString *did, GError **error)
{
  const CnAction *a = &im->cli->config->actions[verdict];
  if (a->keyword) {
    g_string_append_printf (did, ", keyword %s", a->keyword);
    if (!im->dry_run && !cn_imap_command (c, NULL, NULL, error, "UID STORE %u +FLAGS.SILENT (%s)", uid, a->keyword))
      return FALSE;
  }
  if (a->command) {
    g_string_append_printf (did, ", hook %s", a->command[0]);
    g_autofree char *line = g_strconcat (json, "\n", NULL);   /* one JSON Lines record */
    if (!im->dry_run && !cn_action_run_hook (a->command, line, MAX (10.0, im->cli->opts.timeout), error))
      return FALSE;
  }
  if (a->webhook) {
    g_string_append (did, ", webhook");
    if (!im->dry_run && !cn_action_post_webhook (a->webhook, json, &im->cli->opts, error))
      return FALSE;
  }
  if (a->copy_to) {
    g_string_append_printf (did, ", copied to %s", a->copy_to);
    if (!im->dry_run && !cn_imap_copy_or_move (c, uid, a->copy_to, FALSE, error))
      return FALSE;
  }
  if (a->move_to) {   /* last: the message is gone from this mailbox after it */
    g_string_append_printf (did, ", moved to %s", a->move_to);
    if (!im->dry_run && !cn_imap_copy_or_move (c, uid, a->move_to, TRUE, error))
      return FALSE;
  }
  if (im->dry_run && did->len)
    g_string_append (did, " (dry run)");
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* one mailbox                                                             */

static volatile sig_atomic_t stop_requested, reload_requested;

static void
on_signal (int sig)
{
  if (sig == SIGHUP)
    reload_requested = 1;
  else
    stop_requested = 1;
}

typedef struct {
  guint fetched_headers, fetched_whole, notices, attention;
  guint64 bytes;
} PollStats;

static gint
compare_uids (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return x < y ? -1 : x > y;
}

static char *
seq_set (GArray *uids, guint from, guint to)
{
  GString *s = g_string_new (NULL);
  for (guint i = from; i < to; i++)
    g_string_append_printf (s, "%s%u", i > from ? "," : "", g_array_index (uids, guint32, i));
  return g_string_free (s, FALSE);
}

/* Fetch ATTRS for UIDS[from..to) and hand each FETCH to FN. */
static gboolean
fetch (CnImapConn *c, GArray *uids, guint from, guint to, const char *attrs, GPtrArray *out, GError **error)
{
  g_autofree char *set = seq_set (uids, from, to);
  return cn_imap_command (c, out, NULL, error, "UID FETCH %s (UID %s)", set, attrs);
}

static gboolean
poll_mailbox (Imap *im, CnImapConn *c, const CnAccount *a, const char *box, CnState *st, PollStats *ps,
              GError **error)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", a->name, box);
  CnBoxState *bs = cn_state_box (st, key);
  g_autofree char *qbox = cn_imap_quote (box);
  g_autoptr (GPtrArray) sel = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
  if (!cn_imap_command (c, sel, NULL, error, "SELECT %s", qbox))
    return FALSE;
  guint32 uidvalidity = 0;
  for (guint i = 0; i < sel->len; i++) {
    CnImapResponse *r = sel->pdata[i];
    if (r->code && g_str_has_prefix (r->code, "UIDVALIDITY "))
      cn_imap_number (r->code + strlen ("UIDVALIDITY "), &uidvalidity);
  }
  if (bs->uidvalidity != uidvalidity) {
    if (bs->uidvalidity != 0)
      g_printerr ("certnotice imap: %s: UIDVALIDITY changed (%u → %u): rescanning, "
                  "notices already reported are skipped\n", key, bs->uidvalidity, uidvalidity);
    bs->uidvalidity = uidvalidity;
    bs->last_uid = 0;
  }

  /* new UIDs: "n:*" always names the last message, even below n */
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
  if (!cn_imap_command (c, found, NULL, error, "UID SEARCH UID %u:*", bs->last_uid + 1))
    return FALSE;
  g_autoptr (GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < found->len; i++) {
    CnImapResponse *r = found->pdata[i];
    if (g_strcmp0 (r->name, "SEARCH") != 0)
      continue;
    for (guint k = 0; k < r->items->len; k++) {
      guint32 u;
      const CnImapItem *it = r->items->pdata[k];
      if (it->type == CN_IMAP_ATOM && cn_imap_number (it->str, &u) && u > bs->last_uid)
        g_array_append_val (uids, u);
    }
  }
  if (uids->len == 0)
    return TRUE;
  g_array_sort (uids, compare_uids);

  /* headers of all new messages, in chunks */
  g_autoptr (GHashTable) msgs = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) msg_free);
  const guint chunk = 500;
  for (guint i = 0; i < uids->len; i += chunk) {
    g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
    if (!fetch (c, uids, i, MIN (i + chunk, uids->len),
                "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID CONTENT-TYPE)]", out, error))
      return FALSE;
    for (guint k = 0; k < out->len; k++) {
      const CnImapItem *uid = cn_imap_fetch_attr (out->pdata[k], "UID");
      const CnImapItem *hdr = cn_imap_fetch_attr (out->pdata[k], "BODY[");
      guint32 u;
      if (uid && hdr && hdr->type == CN_IMAP_STRING && cn_imap_number (uid->str, &u)) {
        Msg *m = g_new0 (Msg, 1);
        m->uid = u;
        m->headers = g_strndup (hdr->str, hdr->len);
        ps->bytes += hdr->len;
        g_hash_table_replace (msgs, GUINT_TO_POINTER (u), m);
        ps->fetched_headers++;
      }
    }
  }
  g_autoptr (GArray) cand = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < uids->len; i++) {
    guint32 u = g_array_index (uids, guint32, i);
    Msg *m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u));
    if (m && is_candidate (im->cli->rules, m->headers))
      g_array_append_val (cand, u);
  }
  /* candidates whole, without touching \Seen */
  for (guint i = 0; i < cand->len; i += 50) {
    g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
    if (!fetch (c, cand, i, MIN (i + 50, cand->len), "BODY.PEEK[]", out, error))
      return FALSE;
    for (guint k = 0; k < out->len; k++) {
      const CnImapItem *uid = cn_imap_fetch_attr (out->pdata[k], "UID");
      const CnImapItem *body = cn_imap_fetch_attr (out->pdata[k], "BODY[");
      guint32 u;
      Msg *m;
      if (uid && body && body->type == CN_IMAP_STRING && cn_imap_number (uid->str, &u) &&
          (m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u)))) {
        if (m->message)
          g_bytes_unref (m->message);
        m->message = g_bytes_new (body->str, body->len);
        ps->bytes += body->len;
        ps->fetched_whole++;
      }
    }
  }

  /* read → verify → triage, all candidates of this mailbox at once */
  g_autoptr (CnBatch) batch = cn_batch_new (im->cli->rules, &im->cli->opts);
  g_autoptr (GHashTable) judged = g_hash_table_new (g_direct_hash, g_direct_equal);   /* UID → CnMessage */
  for (guint i = 0; i < cand->len; i++) {
    guint32 u = g_array_index (cand, guint32, i);
    Msg *m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u));
    if (m == NULL || m->message == NULL)
      continue;
    gsize n = 0;
    const char *data = g_bytes_get_data (m->message, &n);
    g_autofree char *src = g_strdup_printf ("%s://%s/%s;UIDVALIDITY=%u/;UID=%u", a->tls ? "imaps" : "imap",
                                            a->host, box, uidvalidity, u);
    g_autoptr (GPtrArray) mails = cn_source_from_bytes (data, n, src);
    g_hash_table_insert (judged, GUINT_TO_POINTER (u), cn_batch_add (batch, mails));
  }
  cn_batch_verify (batch);

  /* per message, in UID order: report, act, then save */
  for (guint i = 0; i < uids->len && !stop_requested; i++) {
    guint32 u = g_array_index (uids, guint32, i);
    const CnMessage *msg = g_hash_table_lookup (judged, GUINT_TO_POINTER (u));
    if (msg == NULL) {
      bs->last_uid = u;   /* not a candidate: nothing to do */
      continue;
    }
    if (msg->error) {
      g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "%s UID %u: could not be judged: %s", key, u, msg->error);
      return FALSE;    /* state not advanced: it is tried again */
    }
    const CnNotice *best = msg->speaker;
    if (best == NULL || cn_state_seen_id (st, best->mail->message_id)) {
      if (best)
        g_printerr ("certnotice imap: %s UID %u: already reported (Message-ID %s): skipped\n", key, u,
                    best->mail->message_id);
      bs->last_uid = u;
      continue;
    }
    g_autoptr (JsonNode) node = cn_output_json (best, im->cli->opts.now);
    JsonObject *o = json_node_get_object (node);
    json_object_set_string_member (o, "mailbox", box);
    json_object_set_int_member (o, "uid", u);
    json_object_set_int_member (o, "uidvalidity", uidvalidity);
    g_autofree char *json = json_to_string (node, FALSE);
    g_autoptr (GString) did = g_string_new (NULL);
    if (msg->act && !act (im, c, u, msg->verdict, json, did, error)) {
      g_prefix_error (error, "%s UID %u: ", key, u);
      return FALSE;    /* state not advanced: it is tried again */
    }
    if (im->cli->format == CN_FORMAT_JSON)
      printf ("%s\n", json);
    else
      cn_output_write (stdout, CN_FORMAT_TEXT, best, im->cli->opts.now, im->cli->colour, FALSE);
    fflush (stdout);
    g_printerr ("certnotice imap: %s UID %u: %s %s %s → %s%s\n", key, u, best->rule->id, best->kind->id,
                best->domain ? best->domain : "(no domain)", cn_verdict_name (msg->verdict),
                msg->act ? did->str : " (attached to the mail: reported only)");
    ps->notices++;
    ps->attention += msg->act && cn_verdict_needs_attention (msg->verdict);
    if (!im->dry_run) {
      cn_state_add_id (st, best->mail->message_id);
      bs->last_uid = u;
      if (!cn_state_save (st, error))
        return FALSE;
    }
  }
  return TRUE;
}

static gboolean
poll_account (Imap *im, CnAccount *a, CnState *st, PollStats *ps, GError **error)
{
  CnImapConn c = { 0 };
  gboolean ok = cn_imap_conn_open (&c, a, &im->cli->opts, error);
  for (char **box = a->mailboxes; ok && box && *box && !stop_requested; box++)
    ok = poll_mailbox (im, &c, a, *box, st, ps, error);
  if (ok && !im->dry_run)
    ok = cn_state_save (st, error);   /* last_uid moved past non-candidates */
  if (c.easy && ok) {
    g_autoptr (GError) ignore = NULL;
    cn_imap_command (&c, NULL, NULL, &ignore, "LOGOUT");
  }
  cn_imap_conn_close (&c);
  return ok;
}

/* ---------------------------------------------------------------------- */

static int
run (Imap *im)
{
  g_autoptr (GError) e = NULL;
  if (!collect_accounts (im, &e))
    return cn_cli_fail (e);
  g_autofree char *state_path = im->state_opt ? g_strdup (im->state_opt)
                              : im->cli->config->state ? g_strdup (im->cli->config->state)
                              : cn_state_default_path ();
  g_autoptr (CnState) st = cn_state_load (state_path, &e);
  if (st == NULL)
    return cn_cli_fail (e);

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
      if (cn_cli_reload (im->cli, has_accounts, im, &re) && collect_accounts (im, &re))
        g_printerr ("certnotice imap: SIGHUP: config %s and rules reloaded\n", im->cli->config->path);
      else
        g_printerr ("certnotice imap: SIGHUP: keeping the old config and rules: %s\n", re->message);
    }
    g_clear_pointer (&im->cli->opts.now, g_date_time_unref);
    im->cli->opts.now = g_date_time_new_now_utc ();
    PollStats ps = { 0 };
    gboolean all_ok = TRUE;
    for (guint i = 0; i < im->accounts->len && !stop_requested; i++) {
      CnAccount *a = im->accounts->pdata[i];
      g_autoptr (GError) pe = NULL;
      if (!poll_account (im, a, st, &ps, &pe)) {
        g_printerr ("certnotice imap: %s: %s\n", a->name, pe->message);
        all_ok = FALSE;
      }
    }
    if (g_getenv ("CERTNOTICE_IMAP_STATS"))
      g_printerr ("certnotice imap: poll: %u headers, %u whole messages, %" G_GUINT64_FORMAT " bytes, %u notices\n",
                  ps.fetched_headers, ps.fetched_whole, ps.bytes, ps.notices);
    if (im->once) {
      rc = !all_ok ? CN_EXIT_TEMPFAIL : ps.attention ? CN_EXIT_ATTENTION : CN_EXIT_OK;
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
    g_printerr ("certnotice imap: stopping\n");
  return rc;
}

int
cn_cmd_imap (int argc, char **argv)
{
  CnCli cli = { 0 };
  Imap im = { .cli = &cli };
  im.accounts = g_ptr_array_new ();
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— poll IMAP mailboxes for certificate notices");
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &im.url, "Mailbox to watch (imaps://HOST[:PORT]/MAILBOX)", "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &im.user, "Login name", "NAME" },
    { "password-command", 0, 0, G_OPTION_ARG_STRING, &im.password_command, "Print the password (first line is used); else netrc", "CMD" },
    { "allow-plaintext", 0, 0, G_OPTION_ARG_NONE, &im.allow_plaintext, "Allow imap:// without TLS", NULL },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &im.state_opt, "State file (default $XDG_STATE_HOME/certnotice/imap.state)", "FILE" },
    { "once", 0, 0, G_OPTION_ARG_NONE, &im.once, "Poll once and exit (cron, systemd timers)", NULL },
    { "interval", 0, 0, G_OPTION_ARG_INT, &im.interval, "Seconds between polls (default 300)", "SECONDS" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &im.dry_run, "Report what would be done; change nothing", NULL },
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
    fprintf (stderr, "certnotice imap: unexpected argument '%s'\n", argv[1]);
    rc = CN_EXIT_USAGE;
  } else if ((rc = cn_cli_setup (&cli, TRUE)) == 0) {
    rc = run (&im);
  }
  g_clear_pointer (&im.url_account, cn_account_free);
  g_ptr_array_unref (im.accounts);
  g_free (im.url);
  g_free (im.user);
  g_free (im.password_command);
  g_free (im.state_opt);
  cn_cli_clear (&cli);
  return rc;
}
