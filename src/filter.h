/* filter.h — `certnotice filter` is two processes: the parent
 * (cmd-filter.c, in the certnotice executable) holds the mail and writes it
 * out; a child forked for a mail the prefilter cannot rule out judges it
 * (filter-judge.c, in the module) and reports through a pipe, in blocks:
 *
 *   "B <len>\n<headers>"   judged, not yet checked (verdict unverified);
 *                          only when live checks follow (not --no-verify)
 *   "F <len>\n<headers>"   final
 *   "E <len>\n<message>"   the mail could not be judged
 */
#pragma once

#include "cli.h"
#include "ledger.h"

G_BEGIN_DECLS

/* The filter's own options (filter-options.c). */
typedef struct {
  gboolean tempfail;
  double max_size_mb;   /* --max-size (default 10)                     */
  gint64 max_memory;    /* --max-memory, 0: none                       */
  char *db;             /* --db, or NULL                               */
  double budget;        /* --timeout as given: the whole run's budget  */
} CnFilterOptions;

/* Read the filter's command line ARGV (ARGC words from "filter" on; not
 * changed) into CLI (cn_cli_add_options) and FO, and give the live check
 * its share of the budget (CLI's timeout).  FALSE and *ERROR (a new
 * "usage: …" string) when it is bad; FO->tempfail is set even then. */
gboolean cn_filter_parse_options (int argc, char **argv, CnCli *cli, CnFilterOptions *fo, char **error);
void cn_filter_options_clear (CnFilterOptions *fo);
/* CLI and FO freed and back to all zeros, to be read again (the front does
 * when the locale was set meanwhile: i18n.h). */
void cn_filter_reset (CnCli *cli, CnFilterOptions *fo);

/* Write one block of KIND ('B', 'F' or 'E') with TEXT to FD, after
 * PREAMBLE (may be NULL), in one write. */
void cn_filter_send_block (int fd, const char *preamble, char kind, const char *text);

/* The child's work: judge DATA (LEN bytes) with CLI's config, rules and
 * options, send the blocks to FD, then record its notices in the ledger DB
 * (NULL: the config's or the default) before DEADLINE (monotonic µs).
 * Never returns (_exit). */
G_GNUC_NORETURN void cn_filter_judge (int fd, CnCli *cli, const char *data, gsize len, const char *db,
                                      gint64 deadline);

/* The same for a judge's worker (cmd-serve.c), which judges one mail
 * after another: returns.  LEDGER (may be NULL) as cn_ledger_hook's KEEP:
 * the ledger held open from one mail to the next.  DETACH: close FD after
 * the final block (or the error), before recording: the filter sends the
 * mail on at once (judge.h).  PREAMBLE (may be NULL): written with the
 * first block, in one write (a judge's "ok"). */
void cn_filter_judge_mail (int fd, CnCli *cli, const char *data, gsize len, const char *db, gint64 deadline,
                           CnLedger **ledger, gboolean detach, const char *preamble);

G_END_DECLS
