/* case.c — what a certificate case is (ledger.h): the record, its state
 * machine, its JSON, and the announcing of its state changes; and the one
 * call through which filter, imap and parse record what they judged.
 *
 *            notice (not suspicious,             live: expired, untrusted,
 *            not already renewed)                wrong name; notice: expired
 *   NONE ─────────────────────────→ OPEN ─────────────────────────→ ESCALATED
 *     │                               │                                 │
 *     │ live: expired, untrusted,     │ live: trusted, right name,      │
 *     │ wrong name; notice: expired   │ well past the claimed expiry    │
 *     └──────────→ ESCALATED          └──────────→ RESOLVED ←───────────┘
 *
 * A failed check (unreachable, timeout) moves nothing; RESOLVED is final.
 * Each milestone (opened, escalated, resolved) is announced once per case.
 */
#include "actions.h"
#include "json.h"
#include "ledger.h"
#include "output.h"
#include "triage.h"

#include "i18n.h"
#include <string.h>

/* ---- names ---- */

static const char *const state_names[CN_CASE_STATE_COUNT] = {
  [CN_CASE_NONE] = "none",
  [CN_CASE_OPEN] = "open",
  [CN_CASE_ESCALATED] = "escalated",
  [CN_CASE_RESOLVED] = "resolved",
};

const char *
cn_case_state_name (CnCaseState s)
{
  return s < CN_CASE_STATE_COUNT ? state_names[s] : "?";
}

gboolean
cn_case_state_from_name (const char *name, CnCaseState *out)
{
  for (int s = 0; s < CN_CASE_STATE_COUNT; s++)
    if (g_strcmp0 (name, state_names[s]) == 0) {
      *out = (CnCaseState) s;
      return TRUE;
    }
  return FALSE;
}

/* ---- the record ---- */

CnCase *
cn_case_new (void)
{
  CnCase *c = g_new0 (CnCase, 1);
  c->port = 443;
  c->verdict = CN_VERDICT_UNVERIFIED;
  c->live_status = CN_LIVE_UNREACHABLE;
  return c;
}

void
cn_case_free (CnCase *c)
{
  if (c == NULL)
    return;
  g_free (c->domain);
  g_free (c->provider);
  g_free (c->kind);
  g_clear_pointer (&c->opened, g_date_time_unref);
  g_clear_pointer (&c->updated, g_date_time_unref);
  g_clear_pointer (&c->resolved, g_date_time_unref);
  g_clear_pointer (&c->expires_claimed, g_date_free);
  g_clear_pointer (&c->last_notice, g_date_time_unref);
  g_clear_pointer (&c->checked, g_date_time_unref);
  g_clear_pointer (&c->not_after, g_date_time_unref);
  g_free (c);
}

/* ---- the state machine ---- */

void
cn_case_input_from_live (CnCaseInput *in, CnVerdict verdict, const CnLive *live)
{
  in->verdict = verdict;
  in->checked = live != NULL;
  in->status = live ? live->status : CN_LIVE_UNREACHABLE;
  in->not_after = NULL;
  /* the earliest notAfter served: every address must be renewed */
  for (guint i = 0; live && i < live->endpoints->len; i++) {
    const CnEndpoint *e = live->endpoints->pdata[i];
    if (e->have_cert && (in->not_after == NULL || g_date_time_compare (e->not_after, in->not_after) < 0))
      in->not_after = e->not_after;
  }
}

/* Whole days from NOW to T, counted as cn_live_days_left counts them. */
static gint64
days_until (GDateTime *t, GDateTime *now)
{
  GTimeSpan d = g_date_time_difference (t, now);
  if (d >= 0)
    return d / G_TIME_SPAN_DAY;
  return -MAX ((-d) / G_TIME_SPAN_DAY, 1);
}

CnCaseState
cn_case_step (CnCaseState state, const GDate *claimed, const CnCaseInput *in, GDateTime *now)
{
  if (state == CN_CASE_RESOLVED)
    return CN_CASE_RESOLVED;
  if (in->verdict == CN_VERDICT_SUSPICIOUS || in->verdict == CN_VERDICT_NOT_A_NOTICE)
    return state;
  CnCaseState open = state == CN_CASE_NONE ? CN_CASE_OPEN : state;
  if (in->checked) {
    switch (in->status) {
    case CN_LIVE_OK:
    case CN_LIVE_EXPIRING:
      if (in->not_after && cn_renewed_beyond (claimed, in->not_after, days_until (in->not_after, now)))
        return state == CN_CASE_NONE ? CN_CASE_NONE : CN_CASE_RESOLVED;
      return open;
    case CN_LIVE_EXPIRED:
    case CN_LIVE_UNTRUSTED:
    case CN_LIVE_NAME_MISMATCH:
      return CN_CASE_ESCALATED;
    case CN_LIVE_UNREACHABLE:
    case CN_LIVE_TIMEOUT:
    case CN_LIVE_COUNT:
      break;   /* no news: the verdict alone speaks */
    }
  }
  if (in->verdict == CN_VERDICT_EXPIRED)
    return CN_CASE_ESCALATED;
  return open;
}

guint
cn_case_events (CnCaseState from, CnCaseState to)
{
  guint ev = 0;
  if (from == to)
    return 0;
  if (from == CN_CASE_NONE && to != CN_CASE_NONE)
    ev |= 1u << CN_CASE_EVENT_OPENED;
  if (to == CN_CASE_ESCALATED)
    ev |= 1u << CN_CASE_EVENT_ESCALATED;
  if (to == CN_CASE_RESOLVED)
    ev |= 1u << CN_CASE_EVENT_RESOLVED;
  return ev;
}

gint64
cn_case_days_left (const CnCase *c, GDateTime *now, gboolean *known)
{
  *known = TRUE;
  if (c->not_after)
    return days_until (c->not_after, now);
  if (c->expires_claimed) {
    int y, m, d;
    g_date_time_get_ymd (now, &y, &m, &d);
    g_autoptr (GDate) today = g_date_new_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
    return g_date_days_between (today, c->expires_claimed);
  }
  *known = FALSE;
  return 0;
}

/* ---- JSON ---- */

JsonNode *
cn_case_to_json (const CnCase *c, GDateTime *now)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  cn_json_member_string (b, "domain", c->domain);
  json_builder_set_member_name (b, "port");
  json_builder_add_int_value (b, c->port);
  cn_json_member_string (b, "provider", c->provider);
  cn_json_member_string (b, "kind", c->kind);
  cn_json_member_string (b, "state", cn_case_state_name (c->state));
  cn_json_member_time (b, "opened", c->opened);
  cn_json_member_time (b, "updated", c->updated);
  cn_json_member_time (b, "resolved", c->resolved);
  char exp[16] = "";
  if (c->expires_claimed)
    g_date_strftime (exp, sizeof exp, "%Y-%m-%d", c->expires_claimed);
  cn_json_member_string (b, "expires_claimed", c->expires_claimed ? exp : NULL);
  cn_json_member_time (b, "not_after", c->not_after);
  gboolean known;
  gint64 left = cn_case_days_left (c, now, &known);
  json_builder_set_member_name (b, "days_left");
  if (known)
    json_builder_add_int_value (b, left);
  else
    json_builder_add_null_value (b);
  cn_json_member_string (b, "live_status", c->checked ? cn_live_status_name (c->live_status) : NULL);
  cn_json_member_time (b, "last_checked", c->checked);
  json_builder_set_member_name (b, "notices");
  json_builder_add_int_value (b, c->notices);
  cn_json_member_time (b, "last_notice", c->last_notice);
  cn_json_member_string (b, "verdict", cn_verdict_name (c->verdict));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- announcing ----
 *
 * What an action did is logged for people (in their language); why it
 * failed is also kept in the ledger (events.error), in English. */

/* "case DOMAIN opened", for the log (FMT of one %s, the domain). */
static const char *
event_done (CnCaseEvent e)
{
  switch (e) {
  case CN_CASE_EVENT_OPENED: return _("case %s opened");
  case CN_CASE_EVENT_ESCALATED: return _("case %s escalated");
  case CN_CASE_EVENT_RESOLVED: return _("case %s resolved");
  case CN_CASE_EVENT_COUNT: break;
  }
  return "case %s ?";
}

/* Seconds left until DEADLINE (monotonic µs); a day when there is none. */
static double
seconds_left (gint64 deadline)
{
  return deadline ? (double) (deadline - g_get_monotonic_time ()) / G_USEC_PER_SEC : 86400;
}

/* Run A for event E; FALSE + ERROR when an action failed. */
static gboolean
run_action (const CnAction *a, const CnLedgerEvent *e, const CnOptions *opts, gint64 deadline, GError **error)
{
  if (a->command) {
    g_autofree char *line = g_strconcat (e->payload, "\n", NULL);   /* one JSON Lines record */
    double t = MIN (MAX (10.0, opts->timeout), seconds_left (deadline));
    if (!cn_action_run_hook (a->command, line, t, error))
      return FALSE;
  }
  if (a->webhook) {
    CnOptions o = *opts;
    o.timeout = MIN (opts->timeout, seconds_left (deadline));
    if (o.timeout <= 0) {
      cn_set_error (error, CN_ERROR_INTERNAL, N_("webhook: no time left"));   /* kept: events.error */
      return FALSE;
    }
    if (!cn_action_post_webhook (a->webhook, e->payload, &o, error))
      return FALSE;
  }
  return TRUE;
}

guint
cn_case_actions (const CnConfig *config)
{
  guint events = 0;
  for (int e = 0; e < CN_CASE_EVENT_COUNT; e++)
    if (config->case_actions[e].command || config->case_actions[e].webhook)
      events |= 1u << e;
  return events;
}

void
cn_case_announce (CnLedger *l, const CnConfig *config, const CnOptions *opts, GArray *ids, const char *via,
                  gint64 deadline, guint *failed)
{
  guint dummy = 0;
  if (failed == NULL)
    failed = &dummy;
  if (ids && ids->len == 0)
    return;
  /* less than this and an action could not finish: leave it to recheck */
  if (seconds_left (deadline) < 0.5)
    return;
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) evs = cn_ledger_claim_events (l, ids, &e);
  if (evs == NULL) {
    g_printerr (_("certnotice %s: %s: case changes not announced (recheck will)\n"), via, e->message);
    (*failed)++;
    return;
  }
  for (guint i = 0; i < evs->len; i++) {
    const CnLedgerEvent *ev = evs->pdata[i];
    const CnAction *a = &config->case_actions[ev->event];
    g_autoptr (GError) ae = NULL;
    g_autoptr (GError) de = NULL;
    gboolean ran = a->command || a->webhook;
    if (ran && seconds_left (deadline) < 0.2) {
      /* out of time: untried, for the next recheck */
      if (!cn_ledger_event_release (l, ev, &de))
        g_printerr ("certnotice %s: %s\n", via, de->message);
      continue;
    }
    gboolean ok = run_action (a, ev, opts, deadline, &ae);
    g_autoptr (GString) t1 = g_string_new (NULL);
    g_autoptr (GString) t2 = g_string_new (NULL);
    /* the domain is a name from a mail */
    g_autofree char *what = g_strdup_printf (event_done (ev->event), cn_safe (t1, ev->domain));
    if (ok && ran) {
      g_autoptr (GString) did = g_string_new (NULL);
      if (a->command)
        g_string_append_printf (did, _("hook %s"), a->command[0]);
      if (a->webhook)
        g_string_append (did, a->command ? _(", webhook") : _("webhook"));
      g_printerr ("certnotice %s: %s: %s\n", via, what, did->str);
    } else if (!ok) {
      (*failed)++;
      g_printerr ("certnotice %s: %s: %s (%s)\n", via, what, cn_safe (t2, cn_error_local (ae)),
                  ev->tries + 1 >= CN_LEDGER_EVENT_TRIES ? _("given up") : _("tried again at the next recheck"));
    }
    if (!cn_ledger_event_done (l, ev, ok ? NULL : ae->message, &de))
      g_printerr ("certnotice %s: %s\n", via, de->message);
  }
}

/* ---- the modes' one call ---- */

/* Milliseconds to wait for another process's lock: 10 s, or with a
 * DEADLINE (the filter's budget) whatever is left of it, at most 10 s:
 * fifty deliveries at once on a loaded machine queue for the lock longer
 * than any fixed few seconds, and the budget is what the user allowed. */
static int
busy_ms (gint64 deadline)
{
  if (deadline == 0)
    return 10000;
  return (int) CLAMP ((deadline - g_get_monotonic_time ()) / 1000, 0, 10000);
}

gboolean
cn_ledger_hook (CnLedger **keep, const char *path, const CnConfig *config, const CnOptions *opts,
                GPtrArray *messages, const char *via, gint64 deadline, GError **error)
{
  g_autoptr (GPtrArray) notices = g_ptr_array_new ();
  for (guint i = 0; i < messages->len; i++) {
    const CnMessage *msg = messages->pdata[i];
    for (guint k = 0; k < msg->notices->len && msg->error == NULL; k++)
      if (((const CnNotice *) msg->notices->pdata[k])->rule)
        g_ptr_array_add (notices, msg->notices->pdata[k]);
  }
  if (notices->len == 0)
    return TRUE;   /* most mail is no notice: not even open the file */
  g_autoptr (CnLedger) mine = NULL;
  CnLedger *l = keep ? *keep : NULL;
  if (l == NULL) {
    g_autofree char *p = cn_ledger_resolve_path (path, config);
    if (busy_ms (deadline) <= 0) {
      g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_BUSY, _("ledger %s: no time left to record"), p);
      return FALSE;
    }
    l = mine = cn_ledger_open (p, TRUE, busy_ms (deadline), error);
    if (l == NULL)
      return FALSE;
    if (keep)
      *keep = g_steal_pointer (&mine);
  }
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (gint64));
  cn_ledger_set_busy_timeout (l, busy_ms (deadline));
  cn_ledger_set_announce (l, cn_case_actions (config));
  if (!cn_ledger_record (l, notices, via, opts->now, events, NULL, error))
    return FALSE;
  cn_case_announce (l, config, opts, events, via, deadline, NULL);
  /* retention (at most daily) once per opening: parse keeps it open, a
   * judge's worker opens it before the mail comes */
  if (busy_ms (deadline) > 0 && cn_ledger_retention_turn (l)) {
    g_autoptr (GError) e = NULL;
    cn_ledger_set_busy_timeout (l, busy_ms (deadline));
    if (!cn_ledger_expire (l, config->keep_resolved_days, opts->now, TRUE, NULL, &e))
      g_printerr (_("certnotice %s: retention: %s\n"), via, e->message);
  }
  return TRUE;
}
