/* prefilter.h — may this mail be a notice?  Decided from its header block
 * (and, for a forwarded notice, a scan of its bytes), before any MIME
 * parsing, by every mode: `filter` without loading the module, `parse`
 * before reading a message whole, `imap` before fetching it.
 *
 * A sound over-approximation of what the full path (mime.c → match.c) can
 * find: NO only when the full path would make every record of the message
 * not-a-notice with no reasons and no error.  So:
 *
 *   - a provider kind takes a mail only when its subject pattern matches
 *     the Subject (decoded and NFKC-normalised exactly as mime.c does it):
 *     a subject no kind's pattern matches (and no pattern gives up on)
 *     rules out every kind; a kind without a subject pattern rules out
 *     nothing;
 *   - the generic detector looks only at a mail whose subject its
 *     subject_gate matches (certnotice-rules(5)); a detector without one
 *     rules out nothing;
 *   - an attached message (message/rfc822, …) is a mail of its own with a
 *     subject of its own: the mail is ruled out only when the subject of
 *     every message GMime may find attached is (and the full path then
 *     gives those no record: pipeline.h).  Each type naming an attached
 *     message that may be one GMime reads — in a Content-Type field, read
 *     back over its continuation lines — must lead, through the rest of its
 *     header block, to the attached message's header block, both read
 *     strictly (every line a field or a continuation, none a possible
 *     boundary, no transfer encoding but 7bit, 8bit, binary, no field mime.c
 *     would cut); a multipart/digest (whose parts are message/rfc822 by
 *     default) rules out nothing.
 *
 * Anything the prefilter's reading is not sure of — odd header syntax, a
 * header block whose end it cannot see, NULs, bare CRs, encoded words it
 * cannot decode, more fields than it reads — is MAYBE: the full path runs.
 * The reading is bounded (CN_PREFILTER_MAX_HEADER bytes) and fuzzed
 * (fuzz/fuzz-mail.c: NO implies the full path finds no notice).
 */
#pragma once

#include "rules.h"

G_BEGIN_DECLS

typedef enum {
  CN_PREFILTER_NO = 0,      /* cannot be a notice: no need to read it whole */
  CN_PREFILTER_MAYBE,       /* may be one: judge it in full                 */
} CnPrefilter;

/* The header block read: at most this many bytes, at most CN_MAX_HEADERS
 * fields (mime.h); a longer one is MAYBE. */
#define CN_PREFILTER_MAX_HEADER (256u << 10)

/* FALSE when $CERTNOTICE_PREFILTER is "off": every mail is then MAYBE, so
 * the full path alone decides (the equivalence tests compare both). */
gboolean cn_prefilter_enabled (void);

/* What the prefilter runs: every kind's subject pattern and the generic
 * detector's gate patterns — or nothing, when a kind has no subject pattern
 * or the detector no gate (every mail is then MAYBE). */
typedef struct _CnPrefilterSet CnPrefilterSet;

/* The set of RULES (borrowed, and its patterns: RULES must outlive it);
 * they run as the full path runs them, JIT-compiled once RULES is. */
CnPrefilterSet *cn_prefilter_set_new (const CnRuleSet *rules);

/* A set of its own: PATTERNS (CnPattern *, taken), run with the limits of
 * cn_rules_new(); OPEN: every mail is MAYBE (prefilter-cache.c). */
CnPrefilterSet *cn_prefilter_set_new_owned (GPtrArray *patterns, gboolean open);

/* The patterns of S (const CnPattern *, owned by S or its rules) into OUT;
 * FALSE when S lets every mail through. */
gboolean cn_prefilter_set_patterns (const CnPrefilterSet *s, GPtrArray *out);

void cn_prefilter_set_free (CnPrefilterSet *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnPrefilterSet, cn_prefilter_set_free)

/* The decision, from a mail's SUBJECT as CnMail.subject has it (decoded,
 * NFKC, chomped) and whether a message may be attached to it (MAY_EMBED). */
CnPrefilter cn_prefilter_decide (const CnPrefilterSet *s, const char *subject, gboolean may_embed);

/* The decision for one whole message in memory (filter, parse): the
 * Subject read from DATA's header block by cn_prefilter_subject(), and the
 * subject of every message attached to it, found where
 * cn_prefilter_may_embed() sees a type naming one (see above).  On NO,
 * *HEADER_END (when not NULL) is the offset just past the empty line that
 * ends the header block. */
CnPrefilter cn_prefilter_mail (const CnPrefilterSet *s, const char *data, gsize len, gsize *header_end);

/* The decision for a header block alone (IMAP's header fetch): the body is
 * not there, so any Content-Type naming multipart or message is MAYBE. */
CnPrefilter cn_prefilter_headers (const CnPrefilterSet *s, const char *headers, gsize len);

/* The Subject of the message in DATA as mime.c reads it (GMime's header
 * parse, the first Subject field that decodes to something, RFC 2047
 * decoded, NFKC, chomped; "" when none), read without GMime.  A leading
 * mbox "From " line is skipped.  NULL when the header block is not plain
 * enough to be sure of that (see above).  Caller frees. */
char *cn_prefilter_subject (const char *data, gsize len);

/* A field of a header block as GMime reads it: FIELD, LEN bytes (its name,
 * the value, each continuation line, every line end), its name NAME_LEN
 * bytes long (without blanks before the colon), its raw value after the
 * colon at FIELD + COLON.  Return FALSE to stop. */
typedef gboolean (*CnFieldFunc) (const char *field, gsize len, gsize name_len, gsize colon, gpointer user);

/* Call FN for each field GMime reads in the header block at the top of
 * DATA, in order (a line it drops, with its continuation lines, is
 * skipped): mime.c makes the record of a ruled-out message from them.
 * FALSE when the reading is unsure (as cn_prefilter_subject()) or FN
 * stopped it. */
gboolean cn_prefilter_fields (const char *data, gsize len, CnFieldFunc fn, gpointer user);

/* Whether DATA may hold a message GMime parses as attached: somewhere a
 * type "message" with subtype rfc822, rfc2822, global or news (the
 * subtypes GMime makes a message part of), or "multipart/digest" (whose
 * parts are message/rfc822 by default) — spelt in any case, with white
 * space around the '/', or with a comment there (taken as a yes). */
gboolean cn_prefilter_may_embed (const char *data, gsize len);

/* The subjects (char *) of the messages GMime may find attached to the one
 * in DATA, each read as cn_prefilter_subject() reads a message's, from the
 * header block cn_prefilter_mail() finds for it (in the order of the
 * types naming them; a message GMime finds attached has one of these
 * subjects, or none); NULL when the reading of DATA's own header block or
 * of one of theirs is unsure.  For the tests and the fuzzer.  Caller
 * unrefs. */
GPtrArray *cn_prefilter_attached_subjects (const char *data, gsize len);

G_END_DECLS
