/* pipeline.h — the one read → verify → triage path every mode uses. */
#pragma once

#include "triage.h"

G_BEGIN_DECLS

typedef struct {
  const CnRuleSet *rules;     /* borrowed */
  const CnOptions *opts;      /* borrowed */
  GPtrArray *mails;           /* CnMail *, owned                        */
  GPtrArray *notices;         /* CnNotice *, owned, one per mail         */
  GHashTable *lives;          /* "domain:port" → CnLive *, owned         */
  GString *trace;             /* with -v: what each pattern did, or NULL */
} CnBatch;

CnBatch *cn_batch_new (const CnRuleSet *rules, const CnOptions *opts);
void cn_batch_free (CnBatch *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnBatch, cn_batch_free)

/* Read stage: judge each mail of MAILS (a message and its embedded ones) and
 * keep it.  Takes the records out of MAILS. */
void cn_batch_add (CnBatch *b, GPtrArray *mails);

/* Verify stage (one parallel check of every distinct domain that wants it),
 * then triage every notice. */
void cn_batch_verify (CnBatch *b);

/* Forget the mails and notices (the live results are kept, so a domain met
 * again in this run is not checked twice). */
void cn_batch_clear (CnBatch *b);

G_END_DECLS
