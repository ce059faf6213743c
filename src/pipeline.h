/* pipeline.h — the one read → verify → triage path every mode uses.
 *
 *   cn_batch_add     judge one message (and the mails attached to it)
 *   cn_batch_verify  check every name that wants it, at once; triage every
 *                    notice; decide every message's verdict
 *
 * Modes only differ in where messages come from and what they do with
 * CnMessage's verdict, speaker and act flag.
 */
#pragma once

#include "triage.h"

G_BEGIN_DECLS

/* Live checks one message may cause, over all its notices and names
 * (certnotice(1), LIMITS): a mail listing more names gets the rest
 * reported as not checked. */
#define CN_MAX_CHECKS_PER_MESSAGE 20

typedef struct {
  const CnRuleSet *rules;     /* borrowed */
  const CnOptions *opts;      /* borrowed */
  GPtrArray *messages;        /* CnMessage *, owned, in the order added  */
  GHashTable *lives;          /* "domain:port" → CnLive *, owned         */
  GString *trace;             /* with -v: what each pattern did, or NULL */
} CnBatch;

CnBatch *cn_batch_new (const CnRuleSet *rules, const CnOptions *opts);
void cn_batch_free (CnBatch *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnBatch, cn_batch_free)

/* Read stage: judge the mails of one message (MAILS: the message, then its
 * embedded ones, as cn_source_from_bytes gives them) and keep them.  Takes
 * a reference to MAILS.  An attached message whose record says nothing
 * (not a notice, no reason, no error: a bounced original, forwarded
 * ordinary mail) gets no record of its own: its mail is dropped from MAILS
 * (certnotice(1), OUTPUT).  Returns the message, owned by B. */
CnMessage *cn_batch_add (CnBatch *b, GPtrArray *mails);

/* Verify stage (one parallel check of every distinct name that wants it),
 * then triage every notice and decide every message. */
void cn_batch_verify (CnBatch *b);

/* Forget the messages (the live results are kept, so a name met again in
 * this run is not checked twice). */
void cn_batch_clear (CnBatch *b);

G_END_DECLS
