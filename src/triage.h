/* triage.h — judge one mail (match + authn) and decide its verdict. */
#pragma once

#include "authn.h"

G_BEGIN_DECLS

/* Read stage for one mail: match it against RULES and check its sender.
 * Returns a new notice (caller frees) that borrows MAIL and RULES; its
 * verdict is final only for not-a-notice and suspicious. */
CnNotice *cn_judge (const CnRuleSet *rules, const CnMail *mail, const CnOptions *opts,
                    GString *trace);

/* Judge every mail of MSG (cn_judge), then mark the notices attached to it
 * as evidence only (CnNotice.attached) unless its outer mail comes from a
 * trusted forwarder (cn_authn_trusted_forwarder). */
void cn_message_judge (CnMessage *msg, const CnRuleSet *rules, const CnOptions *opts, GString *trace);

/* Whether N's names should be checked live (a notice with a domain that is
 * not suspicious, unless the user asked to check those too). */
gboolean cn_wants_check (const CnNotice *n, const CnOptions *opts);

/* Let's Encrypt renews at 30 days left: more than that means a notice that
 * states neither days nor a date is stale. */
#define CN_RENEWED_MARGIN_DAYS 30
/* Sakura writes 約 ("about") N days: a live notAfter within this many days
 * of the claimed expiry is the same certificate. */
#define CN_CLAIM_TOLERANCE_DAYS 2

/* Whether a certificate valid until NOT_AFTER, DAYS_LEFT whole days from
 * now (cn_live_days_left), is a renewal past a claim: its date is more than
 * CN_CLAIM_TOLERANCE_DAYS after the CLAIMED expiry, or, with no claimed
 * date (NULL), more than CN_RENEWED_MARGIN_DAYS are left.  The one test of
 * "renewed", for triage and the ledger. */
gboolean cn_renewed_beyond (const GDate *claimed, GDateTime *not_after, gint64 days_left);

/* Final stage: set N->verdict from its claim and N->lives (one per name;
 * empty when not checked): the most pressing name decides, and N->live is
 * its check. */
void cn_triage (CnNotice *n, const CnOptions *opts);

/* The one decision of what a message's verdict is, used by every mode (the
 * exit status of parse, the filter's header, IMAP's actions):
 *   - a mail that is itself a notice speaks for itself, whatever it
 *     carries attached;
 *   - else the most pressing attached notice speaks; when it is evidence
 *     only (CnNotice.attached) the verdict is at most "unverified" and
 *     nothing may act on it (MSG->act FALSE);
 *   - else not-a-notice.
 * MSG->error is the first internal error among its notices: a notice may
 * have been missed, so the verdict cannot be trusted. */
void cn_message_decide (CnMessage *msg);

G_END_DECLS
