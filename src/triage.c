/* triage.c — judging a mail and deciding its verdict. */
#include "triage.h"
#include "match.h"
#include "tlscheck.h"

#include <string.h>

/* ---- judging ---- */

CnNotice *
cn_judge (const CnRuleSet *rules, const CnMail *mail, const CnOptions *opts, GString *trace)
{
  CnNotice *n = cn_notice_new (mail);
  if (mail->internal_error)
    n->internal_error = g_strdup (mail->internal_error);
  CnMatch r = cn_match_notice (rules, n, trace);
  if (r != CN_MATCH_YES) {
    /* a pattern that gave up says so; a plain non-match has no reasons */
    n->verdict = CN_VERDICT_NOT_A_NOTICE;
    return n;
  }
  n->verdict = CN_VERDICT_UNVERIFIED;
  cn_authn_judge (n, opts);
  return n;
}

gboolean
cn_wants_check (const CnNotice *n, const CnOptions *opts)
{
  if (n->rule == NULL || n->domain == NULL || opts->no_verify)
    return FALSE;
  return n->verdict != CN_VERDICT_SUSPICIOUS || opts->check_suspicious;
}

/* Let's Encrypt renews at 30 days left: more than that means a notice that
 * states neither days nor a date is stale. */
#define CN_RENEWED_MARGIN_DAYS 30
/* Sakura writes 約 ("about") N days: a live notAfter within this many days
 * of the claimed expiry is the same certificate. */
#define CN_CLAIM_TOLERANCE_DAYS 2

static char *
ymd_utc (GDateTime *t)
{
  return g_date_time_format (t, "%Y-%m-%d");
}

static void
triage_live (CnNotice *n, const CnLive *live, GDateTime *now)
{
  const CnEndpoint *w = live->worst;
  const char *provider = n->rule->name;
  switch (live->status) {
  case CN_LIVE_UNREACHABLE:
  case CN_LIVE_TIMEOUT: {
    const char *err = live->error ? live->error : w && w->error ? w->error : "no address";
    cn_notice_add_reason (n, "the live check of %s failed (%s): %s", n->domain,
                          cn_live_status_name (live->status), err);
    n->verdict = CN_VERDICT_UNVERIFIED;
    return;
  }
  case CN_LIVE_EXPIRED: {
    g_autofree char *na = ymd_utc (w->not_after);
    cn_notice_add_reason (n, "%s serves a certificate that expired on %s (%" G_GINT64_FORMAT " days ago)",
                          n->domain, na, -cn_live_days_left (live, now));
    n->verdict = CN_VERDICT_EXPIRED;
    return;
  }
  case CN_LIVE_NAME_MISMATCH: {
    g_autofree char *names = w->names ? g_strjoinv (", ", w->names) : g_strdup ("");
    cn_notice_add_reason (n, "the certificate served for %s does not cover that name (it names %s): "
                          "the domain may no longer point at %s", n->domain,
                          *names ? names : "nothing", provider);
    n->verdict = CN_VERDICT_ACTION_REQUIRED;
    return;
  }
  case CN_LIVE_UNTRUSTED:
    cn_notice_add_reason (n, "the certificate served for %s is not trusted: %s", n->domain,
                          w->error ? w->error : "its chain does not verify");
    n->verdict = CN_VERDICT_ACTION_REQUIRED;
    return;
  case CN_LIVE_OK:
  case CN_LIVE_EXPIRING:
  case CN_LIVE_COUNT:
    break;
  }

  gint64 left = cn_live_days_left (live, now);
  g_autofree char *na = ymd_utc (w->not_after);
  if (n->expires) {
    int y, m, d;
    g_date_time_get_ymd (w->not_after, &y, &m, &d);
    g_autoptr (GDate) live_date = g_date_new_dmy (d, m, y);
    gint64 later = g_date_days_between (n->expires, live_date);
    char claimed[16];
    g_date_strftime (claimed, sizeof claimed, "%Y-%m-%d", n->expires);
    if (later > CN_CLAIM_TOLERANCE_DAYS) {
      cn_notice_add_reason (n, "already renewed: %s now serves a certificate valid until %s, "
                            "%" G_GINT64_FORMAT " days after the claimed expiry %s",
                            n->domain, na, later, claimed);
      n->verdict = CN_VERDICT_RENEWED;
    } else {
      cn_notice_add_reason (n, "%s still serves the certificate that expires on %s "
                            "(%" G_GINT64_FORMAT " days left; the notice claims %s)",
                            n->domain, na, left, claimed);
      n->verdict = CN_VERDICT_ACTION_REQUIRED;
    }
  } else if (left > CN_RENEWED_MARGIN_DAYS) {
    cn_notice_add_reason (n, "stale: %s serves a valid certificate until %s (%" G_GINT64_FORMAT
                          " days left, more than the %d at which Let's Encrypt renews)",
                          n->domain, na, left, CN_RENEWED_MARGIN_DAYS);
    n->verdict = CN_VERDICT_RENEWED;
  } else {
    cn_notice_add_reason (n, "%s serves a certificate that expires on %s, in %" G_GINT64_FORMAT
                          " days, and it has not been renewed", n->domain, na, left);
    n->verdict = CN_VERDICT_ACTION_REQUIRED;
  }
}

void
cn_triage (CnNotice *n, const CnOptions *opts)
{
  if (n->rule == NULL) {
    n->verdict = CN_VERDICT_NOT_A_NOTICE;
    return;
  }
  if (n->verdict == CN_VERDICT_SUSPICIOUS)
    return;
  if (n->domain == NULL) {
    cn_notice_add_reason (n, "no domain in the notice: nothing to check");
    n->verdict = CN_VERDICT_UNVERIFIED;
    return;
  }
  if (n->live == NULL) {
    n->verdict = CN_VERDICT_UNVERIFIED;
    return;
  }
  triage_live (n, n->live, opts->now);
}
