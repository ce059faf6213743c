/* mime.h — the GMime wrapper: from parsed messages to CnMail records.
 *
 * Ownership is stated per function, as notmuch's gmime-extra does.
 */
#pragma once

#include <gmime/gmime.h>
#include "certnotice.h"
#include "prefilter.h"

G_BEGIN_DECLS

/* GMime 3.2 ships no g_autoptr() support. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)

/* Hard limits while walking one message (docs/certnotice.1, LIMITS). */
#define CN_MAX_MIME_DEPTH     64          /* nesting of multiparts/messages   */
#define CN_MAX_MIME_PARTS     10000       /* parts visited per message        */
#define CN_MAX_TEXT_BYTES     (2u << 20)  /* decoded text scanned per message */
#define CN_MAX_HEADERS        2000        /* headers looked at per message    */
#define CN_MAX_HEADER_BYTES   (64u << 10) /* of one header value decoded      */

/* A header line with no colon in its first this many bytes is one GMime's
 * parser cannot scan past (its 4 KiB buffer): mime.c cuts it in its parse
 * copy (docs/VIOLATIONS.md), and GMime then drops it as no field. */
#define CN_COLONLESS_LIMIT    4000

/* Initialise GMime once per process (idempotent).  Cheap: no I/O. */
void cn_mime_init (void);

/* Bytes → records, the one read path of every mode: DATA (one message; a
 * leading mbox "From " line is skipped) is borrowed for the call and never
 * changed (repairs — bare CRs, over-long header lines, the part limit —
 * are made on a copy, see docs/VIOLATIONS.md).  Returns a new array (caller
 * unrefs) of CnMail owned by it: the message, then each message/rfc822
 * part inside it, depth-first.  Never empty: input GMime cannot read as a
 * message gives one record saying so.  SOURCE is copied; INDEX is the
 * message's number in an mbox (1-based) or 0. */
GPtrArray *cn_mime_read (const char *data, gsize len, const char *source, guint index);

/* The same, for a message the prefilter (prefilter.h) could not rule out
 * as a whole: the text of each mail (the message, an attached one) whose
 * subject PREFILTER rules out is not decoded — its record has an empty body
 * and no warning only the text could give, and is marked ruled_out (the
 * judge takes PREFILTER's word for it: PREFILTER must be made from the
 * rules that judge the records).  PREFILTER NULL: cn_mime_read(). */
GPtrArray *cn_mime_read_skimming (const char *data, gsize len, const char *source, guint index,
                                  const CnPrefilterSet *prefilter);

/* The record of a message the prefilter ruled out (prefilter.h), from its
 * header block alone: DATA is the message up to and including the empty
 * line that ends its header block.  The same header fields as
 * cn_mime_read() gives, an empty body, no attached messages (none that
 * says anything), no warning only the rest can give, and marked ruled_out
 * (the prefilter must have been made from the rules that judge it).
 * Returns a new array of one CnMail (caller unrefs). */
GPtrArray *cn_mime_read_header (const char *data, gsize len, const char *source, guint index);

/* Old Mac mail ends lines with a bare CR, which GMime does not take for a
 * line end: when the first 8 KiB of DATA have CRs and no LF, a copy with
 * every bare CR made an LF (caller unrefs); else NULL. */
GByteArray *cn_mime_lf_copy (const char *data, gsize len);

/* A record for input GMime could not read as a message at all.
 * Returns a new CnMail (caller frees) carrying a warning. */
CnMail *cn_mime_unparsable (const char *source, guint index);

G_END_DECLS
