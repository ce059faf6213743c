/* json.h — the one JSON writer: every JSON text certnotice emits (parse and
 * check --format json, rules test, the IMAP hook and webhook records) is
 * written here, with strict escaping whatever json-glib would do. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* NODE as one line of JSON (RFC 8259): valid UTF-8 only (invalid bytes
 * become U+FFFD), no raw control character (all below 0x20, DEL, C1,
 * U+2028, U+2029 and the bidi formatting characters are escaped as \uXXXX),
 * members in insertion order.  Caller frees. */
char *cn_json_to_string (JsonNode *node);

/* Append S (LEN bytes, or -1: NUL-terminated) to OUT as a JSON string,
 * escaped as above. */
void cn_json_append_string (GString *out, const char *s, gssize len);

/* Builder members: NAME = V (a string, or null when V is NULL); NAME = T
 * as ISO 8601 (null when T is NULL); NAME = the first N strings of V (an
 * array, empty when V is NULL). */
void cn_json_member_string (JsonBuilder *b, const char *name, const char *v);
void cn_json_member_time (JsonBuilder *b, const char *name, GDateTime *t);
void cn_json_member_strv (JsonBuilder *b, const char *name, char *const *v, guint n);

G_END_DECLS
