/* triage.h — judge one mail (match + authn) and decide its verdict. */
#pragma once

#include "authn.h"

G_BEGIN_DECLS

/* Read stage for one mail: match it against RULES and check its sender.
 * Returns a new notice (caller frees) that borrows MAIL and RULES; its
 * verdict is final only for not-a-notice and suspicious. */
CnNotice *cn_judge (const CnRuleSet *rules, const CnMail *mail, const CnOptions *opts,
                    GString *trace);

/* Whether N's domain should be checked live (a notice with a domain that is
 * not suspicious, unless the user asked to check those too). */
gboolean cn_wants_check (const CnNotice *n, const CnOptions *opts);

/* Final stage: set N->verdict from its claim and N->live (may be NULL). */
void cn_triage (CnNotice *n, const CnOptions *opts);

G_END_DECLS
