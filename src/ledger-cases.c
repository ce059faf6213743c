/* ledger-cases.c — what notices and live checks do to the cases of the
 * ledger (ledger.h): recording a notice (once, however often its mail is
 * seen), opening, updating, escalating and resolving its case, and the
 * event row of each milestone, written in the same transaction as the
 * change it announces.  The state machine itself is case.c. */
#include "json.h"
#include "ledger-sql.h"
#include "triage.h"

#include <string.h>

#define CASE_COLUMNS "id, domain, port, provider, kind, state, opened, updated, resolved, " \
                     "expires_claimed, verdict, notices, last_notice, checked, live_status, not_after"

static CnCase *
row_to_case (sqlite3_stmt *st)
{
  CnCase *c = cn_case_new ();
  c->id = sqlite3_column_int64 (st, 0);
  c->domain = ldb_col_text (st, 1);
  c->port = sqlite3_column_int (st, 2);
  c->provider = ldb_col_text (st, 3);
  c->kind = ldb_col_text (st, 4);
  cn_case_state_from_name ((const char *) sqlite3_column_text (st, 5), &c->state);
  c->was = c->state;
  c->opened = ldb_col_time (st, 6);
  c->updated = ldb_col_time (st, 7);
  c->resolved = ldb_col_time (st, 8);
  c->expires_claimed = ldb_col_date (st, 9);
  if (!cn_verdict_from_name ((const char *) sqlite3_column_text (st, 10), &c->verdict))
    c->verdict = CN_VERDICT_UNVERIFIED;
  c->notices = (guint) sqlite3_column_int64 (st, 11);
  c->last_notice = ldb_col_time (st, 12);
  c->checked = ldb_col_time (st, 13);
  const char *ls = (const char *) sqlite3_column_text (st, 14);
  c->live_status = CN_LIVE_UNREACHABLE;
  for (int s = 0; ls && s < CN_LIVE_COUNT; s++)
    if (strcmp (ls, cn_live_status_name (s)) == 0)
      c->live_status = s;
  c->not_after = ldb_col_time (st, 15);
  return c;
}

/* The one case of WHERE (bound to DOMAIN and PORT), or NULL (check ERROR). */
static CnCase *
load_case (CnLedger *l, const char *where, const char *domain, int port, gint64 id, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT " CASE_COLUMNS " FROM cases WHERE %s LIMIT 1", where);
  g_autoptr (sqlite3_stmt) st = ldb_prep (l, sql, error);
  if (st == NULL)
    return NULL;
  if (domain) {
    ldb_bind_text (st, 1, domain);
    sqlite3_bind_int (st, 2, port);
  } else {
    sqlite3_bind_int64 (st, 1, id);
  }
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    return row_to_case (st);
  if (rc != SQLITE_DONE)
    ldb_fail (l, rc, error);
  return NULL;
}

/* INSERT (C->id 0) or UPDATE C. */
static gboolean
save_case (CnLedger *l, CnCase *c, GError **error)
{
  const char *sql = c->id == 0
    ? "INSERT INTO cases (domain, port, provider, kind, state, opened, updated, resolved, "
      "expires_claimed, verdict, notices, last_notice, checked, live_status, not_after) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    : "UPDATE cases SET domain = ?1, port = ?2, provider = ?3, kind = ?4, state = ?5, opened = ?6, "
      "updated = ?7, resolved = ?8, expires_claimed = ?9, verdict = ?10, notices = ?11, "
      "last_notice = ?12, checked = ?13, live_status = ?14, not_after = ?15 WHERE id = ?16";
  g_autoptr (sqlite3_stmt) st = ldb_prep (l, sql, error);
  if (st == NULL)
    return FALSE;
  ldb_bind_text (st, 1, c->domain);
  sqlite3_bind_int (st, 2, c->port);
  ldb_bind_text (st, 3, c->provider);
  ldb_bind_text (st, 4, c->kind);
  ldb_bind_text (st, 5, cn_case_state_name (c->state));
  ldb_bind_time (st, 6, c->opened);
  ldb_bind_time (st, 7, c->updated);
  ldb_bind_time (st, 8, c->resolved);
  ldb_bind_date (st, 9, c->expires_claimed);
  ldb_bind_text (st, 10, cn_verdict_name (c->verdict));
  sqlite3_bind_int64 (st, 11, c->notices);
  ldb_bind_time (st, 12, c->last_notice);
  ldb_bind_time (st, 13, c->checked);
  ldb_bind_text (st, 14, c->checked ? cn_live_status_name (c->live_status) : NULL);
  ldb_bind_time (st, 15, c->not_after);
  if (c->id)
    sqlite3_bind_int64 (st, 16, c->id);
  if (!ldb_run (l, st, error))
    return FALSE;
  if (c->id == 0)
    c->id = sqlite3_last_insert_rowid (l->db);
  return TRUE;
}

/* Move C to NEXT at NOW; save it; add an event row for each milestone
 * passed (the payload is the case as it now stands), ids to EVENTS. */
static gboolean
transition (CnLedger *l, CnCase *c, CnCaseState next, GDateTime *now, GArray *events, GError **error)
{
  guint evs = cn_case_events (c->state, next);
  if (next != c->state) {
    c->state = next;
    g_clear_pointer (&c->updated, g_date_time_unref);
    c->updated = g_date_time_ref (now);
    if (next == CN_CASE_RESOLVED) {
      g_clear_pointer (&c->resolved, g_date_time_unref);
      c->resolved = g_date_time_ref (now);
    }
  }
  if (!save_case (l, c, error))
    return FALSE;
  for (int e = 0; e < CN_CASE_EVENT_COUNT; e++) {
    if (!(evs & (1u << e)))
      continue;
    g_autoptr (JsonNode) node = cn_case_to_json (c, now);
    JsonObject *o = json_node_get_object (node);
    g_autofree char *name = g_strdup_printf ("case-%s", cn_case_event_name (e));
    json_object_set_string_member (o, "event", name);
    json_object_set_string_member (o, "previous_state", cn_case_state_name (c->was));
    g_autofree char *payload = cn_json_to_string (node);
    /* with no action for its kind there is nothing to announce, ever */
    gboolean wanted = (l->announce & (1u << e)) != 0;
    g_autoptr (sqlite3_stmt) st = ldb_prep (l, "INSERT INTO events (case_id, domain, event, at, payload, announced) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, c->id);
    ldb_bind_text (st, 2, c->domain);
    ldb_bind_text (st, 3, cn_case_event_name (e));
    ldb_bind_time (st, 4, now);
    ldb_bind_text (st, 5, payload);
    if (!wanted)
      sqlite3_bind_int64 (st, 6, g_get_real_time () / G_USEC_PER_SEC);
    if (!ldb_run (l, st, error))
      return FALSE;
    if (events && wanted) {
      gint64 id = sqlite3_last_insert_rowid (l->db);
      g_array_append_val (events, id);
    }
  }
  return TRUE;
}

static void
case_take_live (CnCase *c, const CnCaseInput *in, GDateTime *now)
{
  if (!in->checked)
    return;
  g_clear_pointer (&c->checked, g_date_time_unref);
  c->checked = g_date_time_ref (now);
  c->live_status = in->status;
  /* a failed check does not unlearn the certificate seen before */
  if (in->not_after || (in->status != CN_LIVE_UNREACHABLE && in->status != CN_LIVE_TIMEOUT)) {
    g_clear_pointer (&c->not_after, g_date_time_unref);
    c->not_after = in->not_after ? g_date_time_ref (in->not_after) : NULL;
  }
}

static void
case_take_notice (CnCase *c, const CnNotice *n, GDateTime *now)
{
  c->notices++;
  g_clear_pointer (&c->last_notice, g_date_time_unref);
  c->last_notice = g_date_time_ref (now);
  g_free (c->provider);
  c->provider = g_strdup (n->rule->id);
  g_free (c->kind);
  c->kind = g_strdup (n->kind ? n->kind->id : "");
  c->verdict = n->verdict;
  if (n->expires) {
    g_clear_pointer (&c->expires_claimed, g_date_free);
    c->expires_claimed = g_date_copy (n->expires);
  }
}

/* ---- recording notices ---- */

/* The names a notice is about, primary first (borrowed); one NULL for a
 * notice that named none (recorded, no case). */
static GPtrArray *
notice_names (const CnNotice *n)
{
  GPtrArray *names = g_ptr_array_new ();
  for (guint i = 0; n->domains && i < n->domains->len; i++)
    g_ptr_array_add (names, n->domains->pdata[i]);
  if (names->len == 0)
    g_ptr_array_add (names, n->domain);
  return names;
}

/* The live check of NAME among N's (NULL: not checked). */
static const CnLive *
live_of (const CnNotice *n, const char *name)
{
  for (guint i = 0; name && n->lives && i < n->lives->len; i++) {
    const CnLive *l = n->lives->pdata[i];
    if (g_strcmp0 (l->domain, name) == 0)
      return l;
  }
  if (name && n->live && g_strcmp0 (n->live->domain, name) == 0)
    return n->live;
  return NULL;
}

/* What makes two sightings of a notice the same mail: its Message-ID, else
 * a hash of the headers and claims that matter; with the provider and kind,
 * and whether it was suspicious (a forged Message-ID must not hide a
 * genuine notice). */
static char *
dedupe_key (const CnNotice *n)
{
  const CnMail *m = n->mail;
  const char *kind = n->kind ? n->kind->id : "";
  const char *sus = n->verdict == CN_VERDICT_SUSPICIOUS ? "!" : "";
  if (m->message_id && *m->message_id)
    return g_strdup_printf ("mid:%s%s/%s/%s", sus, n->rule->id, kind, m->message_id);
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *date = m->date ? cn_iso8601 (m->date) : g_strdup ("");
  char exp[16] = "";
  if (n->expires)
    g_date_strftime (exp, sizeof exp, "%Y-%m-%d", n->expires);
  g_autofree char *days = g_strdup_printf ("%" G_GINT64_FORMAT, n->days);
  const char *parts[] = { m->from_addr, date, m->subject, n->account, days, exp };
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++) {
    g_checksum_update (sum, (const guchar *) (parts[i] ? parts[i] : ""), -1);
    g_checksum_update (sum, (const guchar *) "\n", 1);
  }
  return g_strdup_printf ("hdr:%s%s/%s/%s", sus, n->rule->id, kind, g_checksum_get_string (sum));
}

/* Insert the notice row; *FRESH is FALSE when it was there already. */
static gboolean
insert_notice (CnLedger *l, const CnNotice *n, const char *name, const CnCaseInput *in,
               const char *via, GDateTime *now, gint64 *id, gboolean *fresh, GError **error)
{
  g_autoptr (sqlite3_stmt) st = ldb_prep (l,
    "INSERT OR IGNORE INTO notices (dedupe, domain, port, via, source, part, message_id, mail_date, "
    "provider, kind, account, days_claimed, expires_claimed, authentic, verdict, live_status, "
    "not_after, trusted, name_ok, recorded) VALUES (?1, ?2, 443, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)", error);
  if (st == NULL)
    return FALSE;
  const CnMail *m = n->mail;
  g_autofree char *key = dedupe_key (n);
  const CnLive *live = live_of (n, name);
  const CnEndpoint *w = live && live->worst && live->worst->have_cert ? live->worst : NULL;
  ldb_bind_text (st, 1, key);
  ldb_bind_text (st, 2, name ? name : "");
  ldb_bind_text (st, 3, via);
  ldb_bind_text (st, 4, m->source);
  ldb_bind_text (st, 5, m->part);
  ldb_bind_text (st, 6, m->message_id);
  ldb_bind_time (st, 7, m->date);
  ldb_bind_text (st, 8, n->rule->id);
  ldb_bind_text (st, 9, n->kind ? n->kind->id : "");
  ldb_bind_text (st, 10, n->account);
  if (n->days >= 0)
    sqlite3_bind_int64 (st, 11, n->days);
  ldb_bind_date (st, 12, n->expires);
  if (n->authentic != CN_UNKNOWN)
    sqlite3_bind_int (st, 13, n->authentic == CN_TRUE);
  ldb_bind_text (st, 14, cn_verdict_name (n->verdict));
  ldb_bind_text (st, 15, in->checked ? cn_live_status_name (in->status) : NULL);
  ldb_bind_time (st, 16, in->not_after);
  if (w) {
    sqlite3_bind_int (st, 17, w->trusted);
    sqlite3_bind_int (st, 18, w->name_ok);
  }
  ldb_bind_time (st, 19, now);
  if (!ldb_run (l, st, error))
    return FALSE;
  *fresh = sqlite3_changes (l->db) == 1;
  *id = *fresh ? sqlite3_last_insert_rowid (l->db) : 0;
  return TRUE;
}

static gboolean
link_notice (CnLedger *l, gint64 notice, gint64 case_id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = ldb_prep (l, "UPDATE notices SET case_id = ?1 WHERE id = ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, case_id);
  sqlite3_bind_int64 (st, 2, notice);
  return ldb_run (l, st, error);
}

/* A late notice about the certificate resolved case R saw replaced: its
 * claimed expiry is well before the renewed notAfter, or (no claim) the
 * mail was written before the case was resolved. */
static gboolean
predates (const CnNotice *n, const CnCase *r)
{
  if (n->expires && r->not_after)
    return cn_renewed_beyond (n->expires, r->not_after, 0);
  return n->mail->date && r->resolved && g_date_time_compare (n->mail->date, r->resolved) < 0;
}

static gboolean
record_name (CnLedger *l, const CnNotice *n, const char *name, const char *via,
             GDateTime *now, GArray *events, CnRecordStats *stats, GError **error)
{
  CnCaseInput in;
  cn_case_input_from_live (&in, n->verdict, live_of (n, name));
  gint64 nid = 0;
  gboolean fresh = FALSE;
  if (!insert_notice (l, n, name, &in, via, now, &nid, &fresh, error))
    return FALSE;
  if (fresh)
    stats->recorded++;
  else
    stats->duplicates++;
  if (name == NULL || n->attached || n->verdict == CN_VERDICT_SUSPICIOUS || n->verdict == CN_VERDICT_NOT_A_NOTICE)
    return TRUE;   /* recorded; never a case */

  GError *e = NULL;
  g_autoptr (CnCase) c = load_case (l, "domain = ?1 AND port = ?2 AND state <> 'resolved'", name, 443, 0, &e);
  if (e) {
    g_propagate_error (error, e);
    return FALSE;
  }
  if (c) {
    /* the same mail again adds no notice, but its live check is news */
    if (fresh)
      case_take_notice (c, n, now);
    case_take_live (c, &in, now);
    CnCaseState next = cn_case_step (c->state, c->expires_claimed, &in, now);
    return transition (l, c, next, now, events, error) && (!fresh || link_notice (l, nid, c->id, error));
  }
  if (!fresh)
    return TRUE;   /* seen before, and its case is closed (or it never had one) */
  g_autoptr (CnCase) r = load_case (l, "domain = ?1 AND port = ?2 AND state = 'resolved' "
                                       "ORDER BY resolved DESC", name, 443, 0, &e);
  if (e) {
    g_propagate_error (error, e);
    return FALSE;
  }
  if (r && predates (n, r)) {
    /* counted with the case it belongs to; nothing reopens */
    r->notices++;
    g_clear_pointer (&r->last_notice, g_date_time_unref);
    r->last_notice = g_date_time_ref (now);
    return save_case (l, r, error) && link_notice (l, nid, r->id, error);
  }
  CnCaseState next = cn_case_step (CN_CASE_NONE, n->expires, &in, now);
  if (next == CN_CASE_NONE)
    return TRUE;   /* already renewed: nothing at risk, no case */
  c = cn_case_new ();
  c->domain = g_strdup (name);
  c->port = 443;
  c->opened = g_date_time_ref (now);
  c->updated = g_date_time_ref (now);
  case_take_notice (c, n, now);
  case_take_live (c, &in, now);
  return transition (l, c, next, now, events, error) && link_notice (l, nid, c->id, error);
}

gboolean
cn_ledger_record (CnLedger *l, GPtrArray *notices, const char *via, GDateTime *now, GArray *events,
                  CnRecordStats *stats, GError **error)
{
  CnRecordStats dummy = { 0 };
  if (stats == NULL)
    stats = &dummy;
  if (!ldb_begin (l, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < notices->len; i++) {
    const CnNotice *n = notices->pdata[i];
    if (n->rule == NULL)
      continue;
    g_autoptr (GPtrArray) names = notice_names (n);
    for (guint k = 0; ok && k < names->len; k++)
      ok = record_name (l, n, names->pdata[k], via, now, events, stats, error);
  }
  if (!ok && events)
    g_array_set_size (events, 0);   /* rolled back: no such events */
  return ldb_end (l, ok, error);
}

/* ---- reading ---- */

static gint
case_order (gconstpointer a, gconstpointer b, gpointer now)
{
  const CnCase *x = *(CnCase *const *) a, *y = *(CnCase *const *) b;
  static const int rank[CN_CASE_STATE_COUNT] = { [CN_CASE_ESCALATED] = 0, [CN_CASE_OPEN] = 1,
                                                 [CN_CASE_RESOLVED] = 2, [CN_CASE_NONE] = 3 };
  if (rank[x->state] != rank[y->state])
    return rank[x->state] - rank[y->state];
  if (x->state == CN_CASE_RESOLVED && x->resolved && y->resolved) {
    gint c = g_date_time_compare (y->resolved, x->resolved);
    if (c)
      return c;
  } else if (x->state != CN_CASE_RESOLVED) {
    gboolean kx, ky;
    gint64 dx = cn_case_days_left (x, now, &kx), dy = cn_case_days_left (y, now, &ky);
    if (kx != ky)
      return kx ? -1 : 1;
    if (dx != dy)
      return dx < dy ? -1 : 1;
  }
  gint c = g_strcmp0 (x->domain, y->domain);
  return c ? c : x->port - y->port;
}

GPtrArray *
cn_ledger_cases (CnLedger *l, gboolean all, GDateTime *now, GError **error)
{
  const char *sql = all ? "SELECT " CASE_COLUMNS " FROM cases"
                        : "SELECT " CASE_COLUMNS " FROM cases WHERE state IN ('open', 'escalated')";
  g_autoptr (sqlite3_stmt) st = ldb_prep (l, sql, error);
  if (st == NULL)
    return NULL;
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_case_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (cases, row_to_case (st));
  if (rc != SQLITE_DONE) {
    ldb_fail (l, rc, error);
    return NULL;
  }
  g_ptr_array_sort_with_data (cases, case_order, now);
  return g_steal_pointer (&cases);
}

gboolean
cn_ledger_count (CnLedger *l, guint counts[CN_CASE_STATE_COUNT], GError **error)
{
  memset (counts, 0, sizeof (guint) * CN_CASE_STATE_COUNT);
  g_autoptr (sqlite3_stmt) st = ldb_prep (l, "SELECT state, count(*) FROM cases GROUP BY state", error);
  if (st == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    CnCaseState s;
    if (cn_case_state_from_name ((const char *) sqlite3_column_text (st, 0), &s))
      counts[s] = (guint) sqlite3_column_int64 (st, 1);
  }
  return rc == SQLITE_DONE || ldb_fail (l, rc, error);
}


gboolean
cn_ledger_apply_checks (CnLedger *l, GPtrArray *cases, GPtrArray *lives, GDateTime *now, GArray *events,
                        GError **error)
{
  g_return_val_if_fail (cases->len == lives->len, FALSE);
  if (!ldb_begin (l, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < cases->len; i++) {
    CnCase *old = cases->pdata[i];
    GError *e = NULL;
    CnCase *c = load_case (l, "id = ?1", NULL, 0, old->id, &e);
    if (e) {
      g_propagate_error (error, e);
      ok = FALSE;
      break;
    }
    if (c == NULL)
      continue;    /* forgotten meanwhile */
    c->was = old->state;
    if (c->state != CN_CASE_RESOLVED) {
      CnCaseInput in;
      cn_case_input_from_live (&in, CN_VERDICT_UNVERIFIED, lives->pdata[i]);
      case_take_live (c, &in, now);
      ok = transition (l, c, cn_case_step (c->state, c->expires_claimed, &in, now), now, events, error);
    }
    g_ptr_array_index (cases, i) = c;
    cn_case_free (old);
  }
  if (!ok && events)
    g_array_set_size (events, 0);
  return ldb_end (l, ok, error);
}

