/* splice.h — the byte-exact header splice behind `certnotice filter`. */
#pragma once

#include "triage.h"

G_BEGIN_DECLS

/* Offset just past the last header line (the blank line, or LEN when there
 * is no body); *EOL is the headers' line ending ("\r\n" or "\n"). */
gsize cn_splice_header_end (const char *data, gsize len, const char **eol);

/* DATA with every X-Certnotice* header (and its continuation lines) removed
 * from the header section and HEADERS (lines ending in "\n", may be NULL or
 * "") appended to it in the mail's own line ending.  Every other byte is
 * kept as it was.  Returns new bytes the caller unrefs. */
GBytes *cn_splice (const char *data, gsize len, const char *headers);

/* The same, as the new header section only; *REST is the offset in DATA
 * from which the input follows unchanged. */
GBytes *cn_splice_head (const char *data, gsize len, const char *headers, gsize *rest);

/* The X-Certnotice-Verdict and X-Certnotice lines for MSG (its verdict, and
 * the details of the notice that speaks for it: cn_message_decide), "" when
 * it is not a notice.  Caller frees. */
char *cn_splice_verdict_headers (const CnMessage *msg, GDateTime *now);

G_END_DECLS
