/* imap-poll.c — one poll of one IMAP account (imap-poll.h).
 *
 * Per mailbox: SELECT (UIDVALIDITY; a change rescans from UID 1, with
 * Message-IDs already reported skipped), UID SEARCH UID last+1:*, the
 * headers and sizes of the new messages are fetched and given to the
 * prefilter (prefilter.h), which every mode shares; only the messages it
 * cannot rule out are fetched whole (BODY.PEEK[]) and judged (read →
 * verify → triage).
 *
 * Every message that is a candidate gets a record in the state (state.h)
 * before anything can fail: its tries are counted (and saved) before each
 * attempt, the verdict and JSON record are kept once judged (a retry acts on
 * the same record, never judges again), and each action is recorded as it
 * completes, so it never runs twice unless the process dies between the
 * action and that save.  A failing action is tried again at a later poll,
 * after a delay doubled each time, up to `attempts` tries; then the message
 * is given up ("failed": logged, listed by --status) — in every case the
 * poller goes on with the later messages and mailboxes.
 */
#include "imap-poll.h"
#include "actions.h"
#include "imap-conn.h"
#include "json.h"
#include "output.h"
#include "ledger.h"
#include "match.h"
#include "prefilter.h"
#include "source.h"

#include "i18n.h"
#include <string.h>

void
cn_imap_log (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  /* log lines quote mailbox names, Message-IDs, domains and server errors */
  g_autoptr (GString) t = g_string_new (NULL);
  fprintf (stderr, "certnotice imap: %s\n", cn_safe (t, msg));
}

/* ---------------------------------------------------------------------- */
/* one message                                                             */

typedef struct {
  guint32 uid;
  char *headers;        /* the header fields fetched, or NULL */
  guint64 size;         /* RFC822.SIZE, 0 when not known       */
  GBytes *message;      /* the whole message, for candidates   */
} Msg;

static void
msg_free (Msg *m)
{
  g_free (m->headers);
  if (m->message)
    g_bytes_unref (m->message);
  g_free (m);
}

/* Everything a poll of one mailbox needs. */
typedef struct {
  const CnImapPoller *im;
  CnImapConn *c;
  const CnAccount *a;
  const char *box;      /* config name ('/'-separated)   */
  char *key;            /* "account/box": state and logs */
  CnState *st;
  CnBoxState *bs;
  guint32 uidvalidity;
  CnImapPollStats *ps;
} Poll;

static gboolean
save (Poll *p)
{
  if (p->im->dry_run)
    return TRUE;
  g_autoptr (GError) e = NULL;
  if (!cn_state_save (p->st, &e)) {
    cn_imap_log ("%s", cn_error_local (e));
    return FALSE;
  }
  return TRUE;
}

/* A verdict kept in the state (its name), as a log line says it. */
static const char *
verdict_word (const char *name)
{
  CnVerdict v;
  return name && cn_verdict_from_name (name, &v) ? cn_output_verdict_word (v) : name ? name : "?";
}

/* "SUMMARY → VERDICT: " when M was judged, else "" (new string). */
static char *
what (const CnMsgState *m)
{
  return m->summary ? g_strdup_printf ("%s → %s: ", m->summary, verdict_word (m->verdict)) : g_strdup ("");
}

/* The message will not be tried again: log why, keep it as failed (WHY's
 * English message in the state, its translation in the log). */
static void
give_up (Poll *p, CnMsgState *m, const GError *why)
{
  m->failed = TRUE;
  m->next_try = 0;
  cn_state_msg_set (&m->error, why->message);
  g_autofree char *w = what (m);
  cn_imap_log (g_dngettext (GETTEXT_PACKAGE,
                            "%s UID %u: %s%s: given up after %u try (certnotice imap --status lists it, "
                            "--retry-failed tries it again)",
                            "%s UID %u: %s%s: given up after %u tries (certnotice imap --status lists it, "
                            "--retry-failed tries it again)", m->tries),
               p->key, m->uid, w, cn_error_local (why), m->tries);
}

/* An attempt at M failed with WHY: again later, or given up (WHY's English
 * message in the state, its translation in the log). */
static void
note_failure (Poll *p, CnMsgState *m, const GError *why)
{
  const CnConfig *cf = p->im->cli->config;
  p->ps->failures++;
  if ((int) m->tries >= cf->attempts) {
    give_up (p, m, why);
    return;
  }
  /* a lost connection is no fault of the message: again at the next poll */
  gint64 delay = p->c->broken ? 0 : (gint64) cf->retry_delay << MIN (m->tries - 1, 20u);
  delay = MIN (delay, 6 * 3600);
  m->next_try = g_get_real_time () / G_USEC_PER_SEC + delay;
  cn_state_msg_set (&m->error, why->message);
  g_autofree char *w = what (m);
  /* DELAY is at most 6 hours */
  cn_imap_log (_("%s UID %u: %s%s (try %u of %d; again at the first poll after %d s)"), p->key, m->uid, w,
               cn_error_local (why), m->tries, cf->attempts, (int) delay);
}

/* The URL of one message (RFC 5092), the port kept unless it is the
 * scheme's own. */
static char *
message_url (const Poll *p, guint32 uid)
{
  const CnAccount *a = p->a;
  g_autofree char *host = strchr (a->host, ':') ? g_strdup_printf ("[%s]", a->host) : g_strdup (a->host);
  g_autofree char *port = a->port != (a->tls ? 993 : 143) ? g_strdup_printf (":%d", a->port) : g_strdup ("");
  g_autofree char *box = g_uri_escape_string (p->box, "/", FALSE);
  return g_strdup_printf ("%s://%s%s/%s;UIDVALIDITY=%u/;UID=%u", a->tls ? "imaps" : "imap", host, port, box,
                          p->uidvalidity, uid);
}

/* Judged: keep the verdict and the record, report it (standard output, once
 * per message).  FALSE when there is nothing to act on (not a notice, its
 * Message-ID was reported already, or its notices are attached to it only:
 * evidence, reported, never acted on): the message is done. */
static gboolean
record_judgement (Poll *p, CnMsgState *m, const CnMessage *msg)
{
  const CnImapPoller *im = p->im;
  const CnNotice *best = msg->speaker;
  if (best == NULL)
    return FALSE;
  if (cn_state_seen_id (p->st, best->mail->message_id)) {
    g_autofree char *id = g_utf8_make_valid (best->mail->message_id, -1);
    for (char *c = id; *c; c++)
      if ((guchar) *c < 0x20 || *c == 0x7f)
        *c = '?';
    cn_imap_log (_("%s UID %u: already reported (Message-ID %s): skipped"), p->key, m->uid, id);
    return FALSE;
  }
  g_autoptr (JsonNode) node = cn_output_json (best, im->cli->opts.now);
  JsonObject *o = json_node_get_object (node);
  json_object_set_string_member (o, "imap_account", p->a->name);
  json_object_set_string_member (o, "mailbox", p->box);
  json_object_set_int_member (o, "uid", m->uid);
  json_object_set_int_member (o, "uidvalidity", p->uidvalidity);
  g_autofree char *json = cn_json_to_string (node);
  g_autofree char *summary = g_strdup_printf ("%s %s %s", best->rule->id, best->kind->id,
                                              best->domain ? best->domain : "(no domain)");
  cn_state_msg_set (&m->verdict, cn_verdict_name (msg->verdict));
  cn_state_msg_set (&m->record, json);
  cn_state_msg_set (&m->summary, summary);
  cn_state_msg_set (&m->message_id, best->mail->message_id);
  cn_state_add_id (p->st, best->mail->message_id);
  if (im->cli->format == CN_FORMAT_JSON)
    printf ("%s\n", m->record);
  else
    cn_output_write (stdout, CN_FORMAT_TEXT, best, im->cli->opts.now, im->cli->colour, FALSE);
  fflush (stdout);
  p->ps->notices++;
  if (!msg->act) {
    cn_imap_log (_("%s UID %u: %s → %s (attached to the mail: reported only)"), p->key, m->uid, m->summary,
                 verdict_word (m->verdict));
    return FALSE;
  }
  p->ps->attention += cn_verdict_needs_attention (msg->verdict);
  return TRUE;
}

/* Run the actions of M's verdict not done yet, in order, recording each as
 * it completes.  FALSE + ERROR at the first that fails. */
static gboolean
act (Poll *p, CnMsgState *m, GString *did, GError **error)
{
  const CnImapPoller *im = p->im;
  CnVerdict v;
  if (!cn_verdict_from_name (m->verdict, &v)) {
    cn_set_error (error, CN_ERROR_INTERNAL, N_("state: unknown verdict '%s'"), m->verdict);
    return FALSE;
  }
  const CnAction *a = &im->cli->config->actions[v];
  for (guint bit = CN_ACT_KEYWORD; bit <= CN_ACT_MOVE; bit <<= 1) {
    if (m->done & bit)
      continue;
    gboolean ok = TRUE;
    switch ((CnActionBit) bit) {
    case CN_ACT_KEYWORD:
      if (a->keyword == NULL)
        continue;
      g_string_append_printf (did, _(", keyword %s"), a->keyword);
      ok = im->dry_run || cn_imap_command (p->c, NULL, NULL, error, "UID STORE %u +FLAGS.SILENT (%s)", m->uid,
                                           a->keyword);
      break;
    case CN_ACT_HOOK: {
      if (a->command == NULL)
        continue;
      g_string_append_printf (did, _(", hook %s"), a->command[0]);
      g_autofree char *line = g_strconcat (m->record, "\n", NULL);   /* one JSON Lines record */
      ok = im->dry_run || cn_action_run_hook (a->command, line, MAX (10.0, im->cli->opts.timeout), error);
      break;
    }
    case CN_ACT_WEBHOOK:
      if (a->webhook == NULL)
        continue;
      g_string_append (did, _(", webhook"));
      ok = im->dry_run || cn_action_post_webhook (a->webhook, m->record, &im->cli->opts, error);
      break;
    case CN_ACT_COPY:
      if (a->copy_to == NULL)
        continue;
      g_string_append_printf (did, _(", copied to %s"), a->copy_to);
      ok = im->dry_run || cn_imap_copy_or_move (p->c, m->uid, a->copy_to, FALSE, error);
      break;
    case CN_ACT_MOVE:   /* last: the message is gone from this mailbox after it */
      if (a->move_to == NULL)
        continue;
      g_string_append_printf (did, _(", moved to %s"), a->move_to);
      ok = im->dry_run || cn_imap_copy_or_move (p->c, m->uid, a->move_to, TRUE, error);
      break;
    }
    if (!ok)
      return FALSE;
    m->done |= bit;
    if (!save (p)) {
      cn_set_error (error, CN_ERROR_INTERNAL, N_("the state could not be saved"));
      return FALSE;
    }
  }
  if (im->dry_run && did->len)
    g_string_append (did, _(" (dry run)"));
  return TRUE;
}

/* Act on M (judged); the message is done, tried again later, or given up. */
static void
handle (Poll *p, CnMsgState *m)
{
  g_autoptr (GString) did = g_string_new (NULL);
  g_autoptr (GError) e = NULL;
  if (!act (p, m, did, &e)) {
    note_failure (p, m, e);   /* the actions that ran stay recorded in m->done */
    save (p);
    return;
  }
  g_autofree char *tries = m->tries > 1 ? g_strdup_printf (_(" (try %u)"), m->tries) : g_strdup ("");
  cn_imap_log ("%s UID %u: %s → %s%s%s", p->key, m->uid, m->summary, verdict_word (m->verdict), did->str, tries);
  cn_state_msg_remove (p->bs, m->uid);
  save (p);
}

/* ---------------------------------------------------------------------- */
/* one mailbox                                                             */

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

/* UID FETCH ATTRS for UIDS[from..to), the responses into OUT. */
static gboolean
fetch (CnImapConn *c, GArray *uids, guint from, guint to, const char *attrs, GPtrArray *out, GError **error)
{
  g_autofree char *set = seq_set (uids, from, to);
  return cn_imap_command (c, out, NULL, error, "UID FETCH %s (UID %s)", set, attrs);
}

/* UID and RFC822.SIZE of a FETCH response. */
static gboolean
fetched_uid (const CnImapResponse *r, guint32 *uid, guint64 *size)
{
  const CnImapItem *u = cn_imap_fetch_attr (r, "UID");
  const CnImapItem *s = cn_imap_fetch_attr (r, "RFC822.SIZE");
  guint32 n = 0;
  *size = s && s->type == CN_IMAP_ATOM && cn_imap_number (s->str, &n) ? n : 0;
  return u && u->type == CN_IMAP_ATOM && cn_imap_number (u->str, uid);
}

/* SELECT, and what UIDVALIDITY says. */
static gboolean
select_box (Poll *p, const char *server_box, GError **error)
{
  g_autofree char *q = cn_imap_quote (server_box);
  g_autoptr (GPtrArray) sel = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
  if (!cn_imap_command (p->c, sel, NULL, error, "SELECT %s", q))
    return FALSE;
  for (guint i = 0; i < sel->len; i++) {
    CnImapResponse *r = sel->pdata[i];
    if (r->code && g_str_has_prefix (r->code, "UIDVALIDITY "))
      cn_imap_number (r->code + strlen ("UIDVALIDITY "), &p->uidvalidity);
  }
  CnBoxState *bs = p->bs;
  if (bs->uidvalidity != p->uidvalidity) {
    if (bs->uidvalidity != 0)
      cn_imap_log (_("%s: UIDVALIDITY changed (%u → %u): rescanning, notices already reported are skipped"),
                   p->key, bs->uidvalidity, p->uidvalidity);
    bs->uidvalidity = p->uidvalidity;
    bs->last_uid = 0;
    g_hash_table_remove_all (bs->msgs);   /* their UIDs mean nothing now */
  }
  return TRUE;
}

/* The UIDs above last_uid. */
static gboolean
search_new (Poll *p, GArray *uids, GError **error)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
  /* "n:*" always names the last message, even below n */
  if (!cn_imap_command (p->c, found, NULL, error, "UID SEARCH UID %u:*", p->bs->last_uid + 1))
    return FALSE;
  for (guint i = 0; i < found->len; i++) {
    CnImapResponse *r = found->pdata[i];
    if (g_strcmp0 (r->name, "SEARCH") != 0)
      continue;
    for (guint k = 0; k < r->items->len; k++) {
      guint32 u;
      const CnImapItem *it = r->items->pdata[k];
      if (it->type == CN_IMAP_ATOM && cn_imap_number (it->str, &u) && u > p->bs->last_uid)
        g_array_append_val (uids, u);
    }
  }
  g_array_sort (uids, compare_uids);
  return TRUE;
}

/* Headers and sizes of the new UIDS into MSGS; the candidates into CAND. */
static gboolean
find_candidates (Poll *p, GArray *uids, GHashTable *msgs, GArray *cand, GError **error)
{
  const guint chunk = 500;
  for (guint i = 0; i < uids->len; i += chunk) {
    g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
    if (!fetch (p->c, uids, i, MIN (i + chunk, uids->len),
                "RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID CONTENT-TYPE)]", out, error))
      return FALSE;
    for (guint k = 0; k < out->len; k++) {
      const CnImapItem *hdr = cn_imap_fetch_attr (out->pdata[k], "BODY[");
      guint32 u;
      guint64 size;
      if (fetched_uid (out->pdata[k], &u, &size) && hdr && hdr->type == CN_IMAP_STRING) {
        Msg *m = g_new0 (Msg, 1);
        m->uid = u;
        m->size = size;
        m->headers = g_strndup (hdr->str, hdr->len);
        p->ps->bytes += hdr->len;
        p->ps->fetched_headers++;
        g_hash_table_replace (msgs, GUINT_TO_POINTER (u), m);
      }
    }
  }
  g_autoptr (CnPrefilterSet) prefilter = cn_prefilter_set_new (p->im->cli->rules);
  for (guint i = 0; i < uids->len; i++) {
    guint32 u = g_array_index (uids, guint32, i);
    Msg *m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u));
    /* the prefilter, on the fields fetched: the parts are not there, so a
     * multipart message is fetched whole (a notice may be attached) */
    if (m && cn_prefilter_headers (prefilter, m->headers, strlen (m->headers)) == CN_PREFILTER_MAYBE)
      g_array_append_val (cand, u);
    if (m)
      cn_rules_count_message (p->im->cli->rules);
  }
  return TRUE;
}

/* The records due for another try, still in the mailbox, into RETRY (their
 * sizes into MSGS); records of messages gone from it are dropped. */
static gboolean
find_retries (Poll *p, GHashTable *msgs, GArray *retry, GError **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (GPtrArray) recs = cn_state_msgs_sorted (p->bs);
  g_autoptr (GArray) due = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < recs->len; i++) {
    const CnMsgState *m = recs->pdata[i];
    if (!m->failed && m->next_try <= now)
      g_array_append_val (due, m->uid);
  }
  if (due->len == 0)
    return TRUE;
  g_autoptr (GHashTable) present = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < due->len; i += 500) {
    g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
    if (!fetch (p->c, due, i, MIN (i + 500, due->len), "RFC822.SIZE", out, error))
      return FALSE;
    for (guint k = 0; k < out->len; k++) {
      guint32 u;
      guint64 size;
      if (fetched_uid (out->pdata[k], &u, &size)) {
        g_hash_table_add (present, GUINT_TO_POINTER (u));
        Msg *m = g_new0 (Msg, 1);
        m->uid = u;
        m->size = size;
        g_hash_table_replace (msgs, GUINT_TO_POINTER (u), m);
      }
    }
  }
  for (guint i = 0; i < due->len; i++) {
    guint32 u = g_array_index (due, guint32, i);
    if (g_hash_table_contains (present, GUINT_TO_POINTER (u))) {
      g_array_append_val (retry, u);
    } else {
      const CnMsgState *m = cn_state_msg_lookup (p->bs, u);
      /* moved or deleted meanwhile (a MOVE that completed just before a crash lands here too) */
      if (m->summary)
        cn_imap_log (_("%s UID %u: %s: no longer in the mailbox: forgotten"), p->key, u, m->summary);
      else
        cn_imap_log (_("%s UID %u: no longer in the mailbox: forgotten"), p->key, u);
      cn_state_msg_remove (p->bs, u);
    }
  }
  return TRUE;
}

/* Fetch the whole messages of TODO (skipping those over the size limit)
 * into MSGS.  A message the server does not return is a failed try. */
static gboolean
fetch_bodies (Poll *p, GArray *todo, GHashTable *msgs, GError **error)
{
  g_autoptr (GArray) ok = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < todo->len; i++) {
    guint32 u = g_array_index (todo, guint32, i);
    const Msg *m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u));
    if (m && m->size > CN_IMAP_MAX_LITERAL) {
      g_autoptr (GError) why = NULL;
      /* the size is an RFC822.SIZE the server sent: at most 2^32 - 1 */
      cn_set_error (&why, CN_ERROR_INPUT, N_("too large to fetch (%lu bytes; the limit is %u MiB)"),
                    (unsigned long) m->size, CN_IMAP_MAX_LITERAL >> 20);
      CnMsgState *ms = cn_state_msg (p->bs, u);
      p->ps->failures++;
      give_up (p, ms, why);
      continue;
    }
    g_array_append_val (ok, u);
  }
  /* in chunks of at most 50 messages and 64 MiB */
  for (guint i = 0; i < ok->len;) {
    guint j = i;
    guint64 sum = 0;
    while (j < ok->len && j - i < 50) {
      const Msg *m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (g_array_index (ok, guint32, j)));
      guint64 s = m ? m->size : 0;
      if (j > i && sum + s > CN_IMAP_MAX_LITERAL)
        break;
      sum += s;
      j++;
    }
    g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
    g_autoptr (GError) e = NULL;
    if (!fetch (p->c, ok, i, j, "BODY.PEEK[]", out, &e) && p->c->broken) {
      g_propagate_error (error, g_steal_pointer (&e));
      return FALSE;
    }
    for (guint k = 0; k < out->len; k++) {
      const CnImapItem *body = cn_imap_fetch_attr (out->pdata[k], "BODY[");
      guint32 u;
      guint64 size;
      Msg *m;
      if (fetched_uid (out->pdata[k], &u, &size) && body && body->type == CN_IMAP_STRING &&
          (m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u)))) {
        if (m->message)
          g_bytes_unref (m->message);
        m->message = g_bytes_new (body->str, body->len);
        p->ps->bytes += body->len;
        p->ps->fetched_whole++;
      }
    }
    for (guint k = i; k < j; k++) {
      guint32 u = g_array_index (ok, guint32, k);
      Msg *m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u));
      if (m == NULL || m->message == NULL) {
        g_autoptr (GError) why = NULL;
        if (e) {
          why = g_error_copy (e);
          cn_prefix_error (&why, N_("the server did not return the message: "));
        } else {
          cn_set_error (&why, CN_ERROR_INPUT, N_("the server did not return the message"));
        }
        note_failure (p, cn_state_msg (p->bs, u), why);
      }
    }
    i = j;
  }
  return TRUE;
}

/* Judge the messages of GROUP (fetched in MSGS) in one batch. */
static void
judge (Poll *p, GArray *group, GHashTable *msgs)
{
  const CnImapPoller *im = p->im;
  g_autoptr (CnBatch) batch = cn_batch_new (im->cli->rules, &im->cli->opts);
  g_autoptr (GArray) judged = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GPtrArray) messages = g_ptr_array_new ();   /* CnMessage *, owned by batch */
  for (guint i = 0; i < group->len; i++) {
    guint32 u = g_array_index (group, guint32, i);
    Msg *m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u));
    if (m == NULL || m->message == NULL)
      continue;
    gsize n = 0;
    const char *data = g_bytes_get_data (m->message, &n);
    g_autofree char *src = message_url (p, u);
    g_autoptr (GPtrArray) mails = cn_source_from_bytes (data, n, src);
    g_array_append_val (judged, u);
    g_ptr_array_add (messages, cn_batch_add (batch, mails));
  }
  if (judged->len == 0)
    return;
  cn_batch_verify (batch);
  /* into the ledger (ledger.h), once, as judged; never in a dry run */
  g_autoptr (GError) le = NULL;
  if (!im->dry_run && !cn_ledger_hook (NULL, NULL, im->cli->config, &im->cli->opts, messages, "imap", 0, &le))
    cn_imap_log (_("%s: not recorded"), le->message);
  for (guint i = 0; i < judged->len; i++) {
    guint32 u = g_array_index (judged, guint32, i);
    const CnMessage *msg = messages->pdata[i];
    CnMsgState *m = cn_state_msg (p->bs, u);
    if (msg->error) {   /* the verdict cannot be trusted: another try, alone */
      g_autoptr (GError) why = NULL;
      cn_set_error (&why, CN_ERROR_INTERNAL, N_("could not be judged: %s"), msg->error);
      note_failure (p, m, why);
    } else if (!record_judgement (p, m, msg)) {
      cn_state_msg_remove (p->bs, u);   /* nothing to do: done */
    }
  }
  save (p);
}

static gboolean
poll_mailbox (Poll *p, GError **error)
{
  const CnImapPoller *im = p->im;
  g_autofree char *server_box = cn_imap_conn_mailbox (p->c, p->box, error);
  if (server_box == NULL || !select_box (p, server_box, error))
    return FALSE;

  g_autoptr (GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GHashTable) msgs = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) msg_free);
  g_autoptr (GArray) cand = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GArray) retry = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (!search_new (p, uids, error) || !find_candidates (p, uids, msgs, cand, error) ||
      !find_retries (p, msgs, retry, error))
    return FALSE;

  /* every try is counted and saved before it can fail (or crash) */
  g_autoptr (GArray) work = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_append_vals (work, retry->data, retry->len);
  g_array_append_vals (work, cand->data, cand->len);
  g_array_sort (work, compare_uids);
  g_autoptr (GArray) fresh = g_array_new (FALSE, FALSE, sizeof (guint32));   /* first tries, unjudged */
  g_autoptr (GArray) again = g_array_new (FALSE, FALSE, sizeof (guint32));   /* later tries, unjudged */
  for (guint i = 0; i < work->len; i++) {
    guint32 u = g_array_index (work, guint32, i);
    CnMsgState *m = cn_state_msg (p->bs, u);
    if ((int) m->tries >= im->cli->config->attempts) {
      /* every try so far ended without a result: the process died in it */
      p->ps->failures++;
      g_autoptr (GError) why = NULL;
      cn_set_error (&why, CN_ERROR_INTERNAL, N_("no try came to an end (the process stopped during each)"));
      give_up (p, m, why);
      continue;
    }
    m->tries++;
    if (m->verdict == NULL)
      g_array_append_val (m->tries == 1 ? fresh : again, u);
  }
  if (uids->len)
    p->bs->last_uid = g_array_index (uids, guint32, uids->len - 1);
  if (!save (p))
    return FALSE;

  /* the unjudged: fetched whole, judged — the first tries in one batch
   * (their live checks run in parallel), a retry alone (a message that
   * broke a batch cannot break another) */
  g_autoptr (GArray) todo = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_append_vals (todo, fresh->data, fresh->len);
  g_array_append_vals (todo, again->data, again->len);
  g_array_sort (todo, compare_uids);
  if (!fetch_bodies (p, todo, msgs, error))
    return FALSE;
  judge (p, fresh, msgs);
  for (guint i = 0; i < again->len && !*im->stop; i++) {
    g_autoptr (GArray) one = g_array_new (FALSE, FALSE, sizeof (guint32));
    g_array_append_val (one, g_array_index (again, guint32, i));
    judge (p, one, msgs);
  }

  /* act, in UID order */
  for (guint i = 0; i < work->len && !*im->stop && !p->c->broken; i++) {
    CnMsgState *m = cn_state_msg_lookup (p->bs, g_array_index (work, guint32, i));
    if (m && m->verdict && !m->failed && m->next_try <= g_get_real_time () / G_USEC_PER_SEC)
      handle (p, m);
  }
  if (p->c->broken) {
    cn_set_error (error, CN_ERROR_INPUT, N_("the connection was lost"));
    return FALSE;
  }
  return TRUE;
}

/* Poll every mailbox of A; FALSE when one could not be polled (each error
 * logged here). */
gboolean
cn_imap_poll_account (const CnImapPoller *im, const CnAccount *a, CnState *st, CnImapPollStats *ps)
{
  CnImapConn c = { 0 };
  g_autoptr (GError) e = NULL;
  gboolean ok = cn_imap_conn_open (&c, a, &im->cli->opts, &e);
  if (!ok)
    cn_imap_log ("%s: %s", a->name, cn_error_local (e));
  for (char **box = a->mailboxes; ok && box && *box && !*im->stop; box++) {
    g_autofree char *key = g_strdup_printf ("%s/%s", a->name, *box);
    Poll p = { .im = im, .c = &c, .a = a, .box = *box, .key = key, .st = st, .ps = ps,
               .bs = cn_state_box (st, key) };
    g_autoptr (GError) be = NULL;
    if (!poll_mailbox (&p, &be)) {
      cn_imap_log ("%s: %s", key, cn_error_local (be));
      ok = FALSE;
      if (c.broken)
        break;   /* the later mailboxes: at the next poll, on a new connection */
    }
  }
  if (!im->dry_run) {
    g_autoptr (GError) se = NULL;
    if (!cn_state_save (st, &se)) {
      cn_imap_log ("%s", cn_error_local (se));
      ok = FALSE;
    }
  }
  if (c.easy && !c.broken) {
    g_autoptr (GError) ignore = NULL;
    cn_imap_command (&c, NULL, NULL, &ignore, "LOGOUT");
  }
  cn_imap_conn_close (&c);
  return ok;
}
