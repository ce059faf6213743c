/* output.h — report results: JSON Lines for programs, text for people. */
#pragma once

#include <stdio.h>
#include <json-glib/json-glib.h>
#include "rules.h"
#include "tlscheck.h"

G_BEGIN_DECLS

typedef enum {
  CN_FORMAT_TEXT,
  CN_FORMAT_JSON,
} CnFormat;

gboolean cn_format_from_name (const char *name, CnFormat *out);

/* The JSON object for N (caller json_node_unref()s).  English, whatever the
 * locale: the fields certnotice(1) lists. */
JsonNode *cn_output_json (const CnNotice *n, GDateTime *now);

/* ---- text for people (in their language: po/) ---- */

/* How text is laid out; one per run. */
typedef struct {
  GDateTime *now;         /* borrowed: "days left" counts from it            */
  gboolean colour;        /* ANSI colours on the verdict                     */
  gboolean verbose;       /* details under every line, the other notices a
                             message carries, decoding warnings             */
  gboolean live_column;   /* a column for the live result (FALSE with
                             --no-verify: nothing is checked)               */
  int provider_width;     /* cn_output_provider_width(), or 0               */
} CnTextStyle;

/* Append MSG's text to OUT: one line (verdict, provider, domain "+N more",
 * the claim, the live result, where the mail is); under it, when MSG needs
 * attention, could not be judged, or STYLE->verbose: why, the notice, the
 * sender and its authenticity, the live certificate, what to do. */
void cn_output_text_message (GString *out, const CnMessage *msg, const CnTextStyle *style);

/* Append the details of a live check to OUT, as under a message's line:
 * "  live     ok, valid until … (84 days left), issued by …", then each
 * address when there are several. */
void cn_output_text_live (GString *out, const CnLive *live, GDateTime *now);

/* What a run of messages came to, for the summary line. */
typedef struct {
  guint messages;                      /* read                                */
  guint notices;                       /* messages a notice speaks for        */
  guint by_verdict[CN_VERDICT_COUNT];  /* of those messages                   */
  guint errors;                        /* messages that could not be judged   */
  guint unlisted;                      /* not notices, and given no line      */
} CnTally;

/* Count MSG; LISTED: it was given a line. */
void cn_tally_add (CnTally *t, const CnMessage *msg, gboolean listed);

/* "73 messages read: 56 notices (10 suspicious, 46 unverified), 17 other
 * messages" (no newline).  Caller frees. */
char *cn_output_summary (const CnTally *t);

/* Write one notice N to OUT: a JSON line, or its text line (with details
 * when it needs attention or VERBOSE).  For modes that report notice by
 * notice (imap). */
void cn_output_write (FILE *out, CnFormat format, const CnNotice *n, GDateTime *now,
                      gboolean colour, gboolean verbose);

/* Pieces for other text reports (cases, check): */

/* The verdict as a line starts with it ("ACTION-REQUIRED"), and as a word
 * in running text ("action-required"), in the user's language. */
const char *cn_output_verdict_label (CnVerdict v);
const char *cn_output_verdict_word (CnVerdict v);
/* The state of the certificate a site serves ("expiring"), in the user's
 * language (cn_live_status_name is the English name JSON keeps). */
const char *cn_output_live_status_word (CnLiveStatus st);

/* Text from a mail or a server made safe for a terminal: C0 controls but
 * tab, DEL, C1 controls and bidirectional formatting characters (U+202A–
 * U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) become '?', bytes that are
 * not UTF-8 U+FFFD; nothing can move the cursor, start an escape sequence
 * or reorder the line.  Returns a string owned by TMP, valid until its next
 * use.  Every mode prints mail-derived text through these. */
const char *cn_safe (GString *tmp, const char *s);
/* The same, keeping line breaks ('\n'). */
const char *cn_safe_lines (GString *tmp, const char *s);
/* fputs (cn_safe_lines (S), OUT). */
void cn_safe_fputs (const char *s, FILE *out);

/* Terminal columns TEXT takes (East Asian wide characters count two). */
int cn_text_width (const char *text);
/* Append TEXT to OUT, then spaces up to WIDTH columns. */
void cn_text_pad (GString *out, const char *text, int width);
/* Append TEXT to OUT, cut with "…" to fit WIDTH columns. */
void cn_text_fit (GString *out, const char *text, int width);

/* The provider column's width for RULES (the longest id). */
int cn_output_provider_width (const CnRuleSet *rules);

/* Append V to OUT as the value of a Prometheus label (text exposition
 * format: backslash, double quote and line feed escaped). */
void cn_output_prometheus_label (GString *out, const char *v);

G_END_DECLS
