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
  gboolean resource_failure;   /* after cn_text_doubt_iconv(): a converter
                                  could not be opened that may exist (the
                                  text may be wrong although the mail is
                                  not) */
} CnDecodeStatus;

/* From now on, a charset iconv cannot open is not taken for one it does
 * not know (the text then decoded as UTF-8 or WINDOWS-1252) but sets
 * ST->resource_failure.  The static front calls it (module.h): its libc
 * opens converters with a libc.so of the system's, which may fail where
 * the full program's would not; its prefilter then leaves the mail to the
 * full program instead of ruling it out on a decoding that may be wrong. */
void cn_text_doubt_iconv (void);

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

/* g_utf8_normalize (UTF8, LEN, G_NORMALIZE_NFKC), the same bytes, made in
 * parts where the text allows it (text.c): fast on text that is mostly its
 * own NFKC form, and not quadratic on long text but where it must be
 * (a long run of code points that compose).  Text that is not valid UTF-8
 * goes to g_utf8_normalize() whole.  Caller frees. */
char *cn_text_nfkc (const char *utf8, gssize len);
/* Learn at once which code points cn_text_nfkc() may take for stable (it
 * learns each when it first meets it): for a process that forks a worker
 * per mail, which would learn them again every time (cmd-serve.c). */
void cn_text_nfkc_learn_all (void);

/* The code points cn_text_nfkc() may take for stable: none of combining
 * class 0 among them is the second of a canonical pair (test-text). */
gboolean cn_text_nfkc_range (gunichar c);


G_END_DECLS
