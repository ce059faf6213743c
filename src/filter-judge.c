/* filter-judge.c — the judging child of `certnotice filter` (filter.h):
 * decode, match, check live, and send header blocks to the parent: first
 * one right after judging (verdict unverified), then the final one after
 * the live check; then record the notice in the ledger.  Runs in the
 * module, with the config and rules the parent's process set up. */
#include "filter.h"
#include "ledger.h"
#include "source.h"
#include "splice.h"
#include "tlscheck.h"

#include "i18n.h"
#include <fcntl.h>
#include <unistd.h>

void
cn_filter_judge (int fd, CnCli *cli, const char *data, gsize len, const char *db, gint64 deadline)
{
  cn_filter_judge_mail (fd, cli, data, len, db, deadline, NULL, FALSE, NULL);
  _exit (0);
}

/* Send a block, after *PREAMBLE the first time. */
static void
send_block (int fd, const char **preamble, char kind, const char *text)
{
  cn_filter_send_block (fd, *preamble, kind, text);
  *preamble = NULL;
}

void
cn_filter_judge_mail (int fd, CnCli *cli, const char *data, gsize len, const char *db, gint64 deadline,
                      CnLedger **ledger, gboolean detach, const char *preamble)
{
  /* nothing the child runs (case hooks) may write into the mail */
  if (dup2 (STDERR_FILENO, STDOUT_FILENO) < 0) {
    int nul = open ("/dev/null", O_WRONLY | O_CLOEXEC);
    if (nul >= 0)
      dup2 (nul, STDOUT_FILENO);
  }
  g_autoptr (GPtrArray) mails = cn_source_from_bytes (data, len, "-");
  g_autoptr (CnBatch) batch = cn_batch_new (cli->rules, &cli->opts);
  CnMessage *msg = cn_batch_add (batch, mails);
  cn_message_decide (msg);
  if (msg->error) {
    /* a notice may have been missed: that is a failure, not a verdict */
    send_block (fd, &preamble, 'E', msg->error);
    if (detach)
      close (fd);
    return;
  }
  /* phase 1: judged, not yet checked — what goes out if the check never
   * ends, with the budget's reason; without live checks the final block
   * follows at once, and is the only one */
  CnNotice *speaker = (CnNotice *) msg->speaker;
  if (cli->opts.no_verify) {
    /* nothing to wait for */
  } else if (speaker) {
    guint saved = speaker->reasons->len;
    if (cn_wants_check (speaker, &cli->opts))
      cn_notice_add_reason (speaker, "the live check did not finish (time budget)");
    g_autofree char *h1 = cn_splice_verdict_headers (msg, cli->opts.now);
    send_block (fd, &preamble, 'B', h1);
    g_ptr_array_set_size (speaker->reasons, saved);
  } else {
    send_block (fd, &preamble, 'B', "");
  }
  /* phase 2: verified and triaged */
  cn_batch_verify (batch);
  g_autofree char *h2 = cn_splice_verdict_headers (msg, cli->opts.now);
  send_block (fd, &preamble, 'F', h2);
  /* the mail can go: record it, never past the budget (the parent waits
   * for this only until its deadline; a filter served by a judge does not
   * wait for it at all) */
  if (detach)
    close (fd);
  g_autoptr (GError) le = NULL;
  if (!cn_ledger_hook (ledger, db, cli->config, &cli->opts, batch->messages, "filter", deadline, &le))
    g_printerr (_("certnotice filter: %s: not recorded\n"), le->message);
}
