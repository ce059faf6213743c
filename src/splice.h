/* splice.h — the byte-exact header splice behind `certnotice filter`. */
#pragma once

#include "triage.h"

G_BEGIN_DECLS

/* Where the header section ends (splice.c says who reads it how):
 * cn_splice_header_end() as GMime, Dovecot and maildrop read it — the
 * offset of the first line, after an mbox From_ line, that is empty or only
 * CR LF, else LEN; cn_splice_procmail_header_end() as procmail reads it —
 * the offset of the empty line of the first LF LF after any leading LFs, or
 * LEN when there is none or a NUL comes first.  The second is never
 * smaller than the first. */
gsize cn_splice_header_end (const char *data, gsize len);
gsize cn_splice_procmail_header_end (const char *data, gsize len);

/* DATA with every field of ours (X-Certnotice, X-Certnotice-*: any case,
 * white space or CRs before the colon) and its continuation lines removed
 * from the header section as procmail reads it (the longest reading), and
 * HEADERS (lines ending in "\n", may be NULL or "") put at the top of it —
 * after an mbox From_ line and any leading lines of white space — in the
 * line ending of the first line kept.  Every other byte is kept as it was.
 * Returns new bytes the caller unrefs. */
GBytes *cn_splice (const char *data, gsize len, const char *headers);

/* The same, as the new header section only; *REST is the offset in DATA
 * from which the input follows unchanged. */
GBytes *cn_splice_head (const char *data, gsize len, const char *headers, gsize *rest);

/* The X-Certnotice-Verdict and X-Certnotice lines for MSG (its verdict, and
 * the details of the notice that speaks for it: cn_message_decide), "" when
 * it is not a notice.  Caller frees. */
char *cn_splice_verdict_headers (const CnMessage *msg, GDateTime *now);

G_END_DECLS
