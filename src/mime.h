/* mime.h — the GMime wrapper: from parsed messages to CnMail records.
 *
 * Ownership is stated per function, as notmuch's gmime-extra does.
 */
#pragma once

#include <gmime/gmime.h>
#include "certnotice.h"

G_BEGIN_DECLS

/* GMime 3.2 ships no g_autoptr() support. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

/* Hard limits while walking one message (docs/certnotice.1, LIMITS). */
#define CN_MAX_MIME_DEPTH     64          /* nesting of multiparts/messages   */
#define CN_MAX_MIME_PARTS     10000       /* parts visited per message        */
#define CN_MAX_TEXT_BYTES     (2u << 20)  /* decoded text scanned per message */
#define CN_MAX_HEADERS        2000        /* headers looked at per message    */
#define CN_MAX_HEADER_BYTES   (64u << 10) /* of one header value decoded      */

/* Initialise GMime once per process (idempotent).  Cheap: no I/O. */
void cn_mime_init (void);

/* The parser options used everywhere (lenient, with Japanese fallback
 * charsets).  Owned by mime.c; do not free. */
GMimeParserOptions *cn_mime_parser_options (void);

/* Parse one message from memory, in place: DATA must stay valid and
 * unchanged until the returned message is unreffed.  Returns a new reference
 * the caller g_object_unref()s, or NULL when GMime finds no message. */
GMimeMessage *cn_mime_parse_bytes (const char *data, gsize len);

/* How much of DATA to hand GMime: all of it, or up to the line where the
 * count of possible MIME delimiter lines passes the part limit. */
gsize cn_mime_parse_limit (const char *data, gsize len);

/* A copy of DATA in which no header field is longer than
 * CN_MAX_HEADER_BYTES, for parsing only; NULL when none is (the usual case).
 * The caller owns the result. */
GByteArray *cn_mime_tame_headers (const char *data, gsize len);

/* Parse one message from the first CUT of LEN bytes of STREAM (borrowed).
 * Returns a new reference, or NULL when GMime finds no message. */
GMimeMessage *cn_mime_parse_stream (GMimeStream *stream, gsize cut, gsize len);

/* Build the records for MSG and for every message/rfc822 part inside it
 * (depth-first, outer first) and append them to OUT (a GPtrArray whose free
 * func is cn_mail_free; the records are owned by OUT).  MSG is borrowed.
 * SOURCE and PART (may be NULL) are copied. */
void cn_mime_collect (GMimeMessage *msg, const char *source, guint index,
                      const char *part, GPtrArray *out);

/* A record for input GMime could not read as a message at all.
 * Returns a new CnMail (caller frees) carrying a warning. */
CnMail *cn_mime_unparsable (const char *source, guint index);

G_END_DECLS
