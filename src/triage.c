/* triage.c — judging a mail and deciding its verdict. */
#include "triage.h"
#include "match.h"
#include "generic.h"
#include "tlscheck.h"

#include "i18n.h"

#include <string.h>

/* ---- judging ---- */

CnNotice *
cn_judge (const CnRuleSet *rules, const CnMail *mail, const CnOptions *opts, GString *trace)
{
  CnNotice *n = cn_notice_new (mail);
  if (mail->internal_error)
    n->internal_error = g_strdup (mail->internal_error);
  if (mail->ruled_out && trace == NULL) {
    /* no kind's subject pattern, no gate matches (prefilter.h): what the
     * patterns would say, without running them all again */
    n->verdict = CN_VERDICT_NOT_A_NOTICE;
    return n;
  }
  CnMatch r = cn_match_notice (rules, n, trace);
  if (r == CN_MATCH_YES)
    n->confidence = CN_CONFIDENCE_HIGH;
  else if (n->internal_error == NULL)
    /* hosts without a rule: only when no rule matched (nor gave up for want of memory) */
    r = cn_generic_detect (rules, n, trace);
  if (r != CN_MATCH_YES) {
    /* a pattern that gave up says so; a plain non-match has no reasons */
    n->verdict = CN_VERDICT_NOT_A_NOTICE;
    return n;
  }
  n->verdict = CN_VERDICT_UNVERIFIED;
  cn_authn_judge (n, opts);
  return n;
}

void
cn_message_judge (CnMessage *msg, const CnRuleSet *rules, const CnOptions *opts, GString *trace)
{
  for (guint i = 0; i < msg->mails->len; i++) {
    CnMail *m = msg->mails->pdata[i];
    if (trace)
      g_string_append_printf (trace, "%s%s%s: subject \"%s\"\n", m->source, m->part ? " part " : "",
                              m->part ? m->part : "", m->subject);
    g_ptr_array_add (msg->notices, cn_judge (rules, m, opts, trace));
  }
  /* An attached message carries headers anyone could have written, and
   * names a site anyone could serve: unless the mail it is attached to
   * comes, authenticated, from a forwarder the user trusts, it is
   * evidence only — reported, never checked, never acted on. */
  const CnMail *outer = msg->mails->pdata[0];
  gboolean trusted = msg->mails->len > 1 && cn_authn_trusted_forwarder (outer, opts);
  for (guint i = 1; i < msg->notices->len; i++) {
    CnNotice *n = msg->notices->pdata[i];
    if (n->rule == NULL || trusted)
      continue;
    n->attached = TRUE;
    if (outer->from_addr)
      cn_notice_add_reason (n, N_("attached to a mail from %s, not a trusted forwarder: reported, not checked"),
                            outer->from_addr);
    else
      cn_notice_add_reason (n, N_("attached to a mail from (no From), not a trusted forwarder: reported, not "
                                  "checked"));
  }
}

gboolean
cn_wants_check (const CnNotice *n, const CnOptions *opts)
{
  if (n->rule == NULL || n->domains->len == 0 || n->attached || opts->no_verify)
    return FALSE;
  return n->verdict != CN_VERDICT_SUSPICIOUS || opts->check_suspicious;
}

/* Days from the CLAIMED date to NOT_AFTER's UTC date. */
static gint64
days_after_claim (const GDate *claimed, GDateTime *not_after)
{
  int y, m, d;
  g_date_time_get_ymd (not_after, &y, &m, &d);
  g_autoptr (GDate) live_date = g_date_new_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return g_date_days_between (claimed, live_date);
}

gboolean
cn_renewed_beyond (const GDate *claimed, GDateTime *not_after, gint64 days_left)
{
  if (claimed)
    return days_after_claim (claimed, not_after) > CN_CLAIM_TOLERANCE_DAYS;
  return days_left > CN_RENEWED_MARGIN_DAYS;
}

static char *
ymd_utc (GDateTime *t)
{
  return g_date_time_format (t, "%Y-%m-%d");
}

/* The verdict for one name of N from its check LIVE; reasons go to N. */
static CnVerdict
triage_live (CnNotice *n, const char *domain, const CnLive *live, GDateTime *now)
{
  const CnEndpoint *w = live->worst;
  const char *provider = n->rule->name;
  switch (live->status) {
  case CN_LIVE_UNREACHABLE:
  case CN_LIVE_TIMEOUT: {
    /* the status is a word of the sentence: one sentence each */
    const char *err = live->error ? live->error : w && w->error ? w->error : NULL;
    gboolean timeout = live->status == CN_LIVE_TIMEOUT;
    if (err)
      cn_notice_add_reason (n, timeout ? N_("the live check of %s failed (timeout): %s")
                                       : N_("the live check of %s failed (unreachable): %s"), domain, err);
    else
      cn_notice_add_reason (n, timeout ? N_("the live check of %s failed (timeout): no address")
                                       : N_("the live check of %s failed (unreachable): no address"), domain);
    return CN_VERDICT_UNVERIFIED;
  }
  case CN_LIVE_EXPIRED: {
    g_autofree char *na = ymd_utc (w->not_after);
    cn_notice_add_reason (n, N_("%s serves a certificate that expired on %s (%d days ago)"),
                          domain, na, (int) -cn_live_days_left (live, now));
    return CN_VERDICT_EXPIRED;
  }
  case CN_LIVE_NAME_MISMATCH: {
    g_autofree char *names = w->names ? g_strjoinv (", ", w->names) : g_strdup ("");
    if (*names)
      cn_notice_add_reason (n, N_("the certificate served for %s does not cover that name (it names %s): "
                                  "the domain may no longer point at %s"), domain, names, provider);
    else
      cn_notice_add_reason (n, N_("the certificate served for %s does not cover that name (it names "
                                  "nothing): the domain may no longer point at %s"), domain, provider);
    return CN_VERDICT_ACTION_REQUIRED;
  }
  case CN_LIVE_UNTRUSTED:
    if (w->error)
      cn_notice_add_reason (n, N_("the certificate served for %s is not trusted: %s"), domain, w->error);
    else
      cn_notice_add_reason (n, N_("the certificate served for %s is not trusted: its chain does not verify"),
                            domain);
    return CN_VERDICT_ACTION_REQUIRED;
  case CN_LIVE_OK:
  case CN_LIVE_EXPIRING:
  case CN_LIVE_COUNT:
    break;
  }

  gint64 left = cn_live_days_left (live, now);
  g_autofree char *na = ymd_utc (w->not_after);
  if (n->expires) {
    gint64 later = days_after_claim (n->expires, w->not_after);
    char claimed[16];
    g_date_strftime (claimed, sizeof claimed, "%Y-%m-%d", n->expires);
    if (cn_renewed_beyond (n->expires, w->not_after, left)) {
      cn_notice_add_reason (n, N_("already renewed: %s now serves a certificate valid until %s, "
                               "%d days after the claimed expiry %s"),
                            domain, na, (int) later, claimed);
      return CN_VERDICT_RENEWED;
    }
    cn_notice_add_reason (n, N_("%s still serves the certificate that expires on %s "
                             "(%d days left; the notice claims %s)"),
                          domain, na, (int) left, claimed);
    return CN_VERDICT_ACTION_REQUIRED;
  }
  if (cn_renewed_beyond (NULL, w->not_after, left)) {
    cn_notice_add_reason (n, N_("stale: %s serves a valid certificate until %s (%d days left, more than "
                             "the %d at which Let's Encrypt renews)"),
                          domain, na, (int) left, CN_RENEWED_MARGIN_DAYS);
    return CN_VERDICT_RENEWED;
  }
  cn_notice_add_reason (n, N_("%s serves a certificate that expires on %s, in %d days, and it has not "
                           "been renewed"), domain, na, (int) left);
  return CN_VERDICT_ACTION_REQUIRED;
}

void
cn_triage (CnNotice *n, const CnOptions *opts)
{
  if (n->rule == NULL) {
    n->verdict = CN_VERDICT_NOT_A_NOTICE;
    return;
  }
  if (n->verdict == CN_VERDICT_SUSPICIOUS) {
    /* checked only on request (--check-suspicious): shown, never believed */
    n->live = n->lives->len > 0 ? n->lives->pdata[0] : NULL;
    return;
  }
  n->verdict = CN_VERDICT_UNVERIFIED;
  n->live = NULL;
  if (n->domains->len == 0) {
    cn_notice_add_reason (n, N_("no domain in the notice: nothing to check"));
    return;
  }
  if (n->lives->len == 0)
    return;
  /* every name the notice lists: the most pressing result speaks, and a
   * name left unchecked keeps it from looking renewed */
  CnVerdict worst = CN_VERDICT_NOT_A_NOTICE;
  for (guint i = 0; i < n->domains->len; i++) {
    const CnLive *live = i < n->lives->len ? n->lives->pdata[i] : NULL;
    CnVerdict v = live ? triage_live (n, n->domains->pdata[i], live, opts->now) : CN_VERDICT_UNVERIFIED;
    if (cn_verdict_rank (v) > cn_verdict_rank (worst)) {
      worst = v;
      n->live = live;
    }
  }
  n->verdict = worst;
}

void
cn_message_decide (CnMessage *msg)
{
  msg->error = NULL;
  for (guint i = 0; i < msg->notices->len && msg->error == NULL; i++)
    msg->error = ((CnNotice *) msg->notices->pdata[i])->internal_error;
  const CnNotice *outer = msg->notices->pdata[0];
  const CnNotice *best = NULL;
  if (outer->rule) {
    best = outer;   /* a notice itself: its own verdict, whatever it carries */
  } else {
    for (guint i = 1; i < msg->notices->len; i++) {
      const CnNotice *n = msg->notices->pdata[i];
      if (n->rule && (best == NULL || cn_verdict_rank (n->verdict) > cn_verdict_rank (best->verdict)))
        best = n;
    }
  }
  msg->speaker = best;
  msg->act = best && !best->attached;
  if (best == NULL)
    msg->verdict = CN_VERDICT_NOT_A_NOTICE;
  else if (best->attached)
    msg->verdict = CN_VERDICT_UNVERIFIED;   /* evidence never raises a mail's verdict */
  else
    msg->verdict = best->verdict;
}
