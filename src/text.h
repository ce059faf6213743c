/* text.h — bytes to matchable text: charsets, RFC 2047, HTML, NFKC.
 *
 * Every function here returns newly allocated, valid UTF-8 that the caller
 * frees with g_free(); none of them fails: undecodable bytes become U+FFFD
 * and ST->lossy (when ST is given) is set, so a broken mail still yields
 * text.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What decoding had to do, accumulated over the calls made for one mail. */
typedef struct {
  gboolean lossy;              /* undecodable bytes were replaced by U+FFFD */
  gboolean resource_failure;   /* a decoder glibc always has could not be
                                  opened (no memory or descriptors): the
                                  text may be wrong although the mail is not */
} CnDecodeStatus;

/* Maximum encoded words decoded in one header; the rest is kept raw. */
#define CN_MAX_ENCODED_WORDS 512

/* Decode LEN bytes declared as CHARSET (may be NULL) to UTF-8.  Mislabels are
 * handled as docs/VIOLATIONS.md describes (Shift_JIS read as CP932, "latin1"
 * that is really UTF-8, undeclared Japanese detected). */
char *cn_text_to_utf8 (const char *bytes, gsize len, const char *charset,
                       CnDecodeStatus *st);

/* Decode a raw (folded, possibly 8-bit) header value: RFC 2047 encoded words,
 * adjacent words joined, whitespace runs collapsed, trimmed. */
char *cn_text_decode_header (const char *raw, CnDecodeStatus *st);

/* Reduce HTML to text: tags dropped, block elements become line breaks,
 * script/style dropped, entities decoded. */
char *cn_text_html_to_text (const char *html, gsize len);

/* NFKC-normalise, turn CRLF/CR into LF, and drop quoted reply lines
 * (first non-blank character '>', after normalisation, so '＞' too). */
char *cn_text_for_matching (const char *utf8, gsize len, gboolean drop_quoted);


G_END_DECLS
