/* filter.h — `certnotice filter` is two processes: the parent
 * (cmd-filter.c, in the certnotice executable) holds the mail and writes it
 * out; a child forked for a mail the prefilter cannot rule out judges it
 * (filter-judge.c, in the module) and reports through a pipe, in blocks:
 *
 *   "B <len>\n<headers>"   judged, not yet checked (verdict unverified)
 *   "F <len>\n<headers>"   final
 *   "E <len>\n<message>"   the mail could not be judged
 */
#pragma once

#include "cli.h"

G_BEGIN_DECLS

/* Write one block of KIND ('B', 'F' or 'E') with TEXT to FD. */
void cn_filter_send_block (int fd, char kind, const char *text);

/* The child's work: judge DATA (LEN bytes) with CLI's config, rules and
 * options, send the blocks to FD, then record its notices in the ledger DB
 * (NULL: the config's or the default) before DEADLINE (monotonic µs).
 * Never returns (_exit). */
G_GNUC_NORETURN void cn_filter_judge (int fd, CnCli *cli, const char *data, gsize len, const char *db,
                                      gint64 deadline);

G_END_DECLS
