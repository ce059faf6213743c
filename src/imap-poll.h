/* imap-poll.h — one poll of one IMAP account: new mail found, candidates
 * judged, actions run and recorded, failures retried or given up. */
#pragma once

#include "cli.h"
#include "state.h"

#include <signal.h>

G_BEGIN_DECLS

/* What a poll needs of the command (all borrowed). */
typedef struct {
  CnCli *cli;                        /* config, rules, options, output format */
  gboolean dry_run;                  /* say what would be done, change nothing */
  volatile sig_atomic_t *stop;       /* set by SIGTERM: finish the message     */
} CnImapPoller;

typedef struct {
  guint fetched_headers, fetched_whole, notices, attention, failures;
  guint64 bytes;
} CnImapPollStats;

/* Poll every mailbox of A, recording progress in ST (saved as it goes,
 * unless dry run) and counting into PS.  FALSE when the account or one of
 * its mailboxes could not be polled; every error is logged here. */
gboolean cn_imap_poll_account (const CnImapPoller *im, const CnAccount *a, CnState *st, CnImapPollStats *ps);

/* "certnotice imap: MESSAGE" on standard error. */
void cn_imap_log (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
