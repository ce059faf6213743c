/* splice.h — the byte-exact header splice behind `certnotice filter`. */
#pragma once

#include "triage.h"

G_BEGIN_DECLS

/* DATA with every field of ours (X-Certnotice, X-Certnotice-*: any case,
 * white space, CRs or NUL before the colon) and its continuation lines
 * removed from the header section as procmail reads the result (the
 * longest reading among the delivery agents': see splice.c), and HEADERS
 * (lines ending in "\n", may be NULL or "") put at the top of it — after an
 * mbox From_ line and any leading lines of white space — in the line ending
 * of the first line kept.  Every other byte is kept as it was.  Returns new
 * bytes the caller unrefs. */
GBytes *cn_splice (const char *data, gsize len, const char *headers);

/* The same, as the new header section only; *REST is the offset in DATA
 * from which the input follows unchanged. */
GBytes *cn_splice_head (const char *data, gsize len, const char *headers, gsize *rest);

/* The X-Certnotice-Verdict and X-Certnotice lines for MSG (its verdict, and
 * the details of the notice that speaks for it: cn_message_decide), "" when
 * it is not a notice.  Caller frees. */
char *cn_splice_verdict_headers (const CnMessage *msg, GDateTime *now);

G_END_DECLS
