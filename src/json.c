/* json.c — the one JSON writer of certnotice (see json.h).
 *
 * json-glib 1.6's generator writes U+001F and other controls raw and passes
 * invalid UTF-8 through (both reach it from mail text and from certificate
 * names), so a consumer's strict parser rejects the line — a hook or a
 * webhook fails and the IMAP poller stops at that message.  Records are
 * still built as JsonNode trees; only the writing is done here.
 */
#include "json.h"
#include "certnotice.h"

#include <math.h>
#include <string.h>

/* Append S as a JSON string: valid UTF-8 only (each byte of an invalid
 * sequence becomes U+FFFD), '"' and '\\' escaped, every control below 0x20
 * escaped, DEL and U+2028/U+2029 too (a line of JSON stays one line for any
 * reader, JavaScript included), and C1 controls and bidi formatting
 * characters as well (JSON on a terminal starts no escape sequence and
 * reorders nothing; the string read back is the same). */
void
cn_json_append_string (GString *out, const char *s, gssize len)
{
  gsize n = len < 0 ? strlen (s) : (gsize) len;
  const char *p = s, *end = s + n;
  g_string_append_c (out, '"');
  while (p < end) {
    guchar c = (guchar) *p;
    if (c < 0x80) {
      switch (c) {
      case '"': g_string_append (out, "\\\""); break;
      case '\\': g_string_append (out, "\\\\"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      case '\t': g_string_append (out, "\\t"); break;
      case '\b': g_string_append (out, "\\b"); break;
      case '\f': g_string_append (out, "\\f"); break;
      default:
        if (c < 0x20 || c == 0x7f)
          g_string_append_printf (out, "\\u%04x", c);
        else
          g_string_append_c (out, (char) c);
      }
      p++;
      continue;
    }
    const char *next = NULL;
    gunichar u = g_utf8_get_char_validated (p, end - p);
    if (u == (gunichar) -1 || u == (gunichar) -2) {
      g_string_append (out, "\\ufffd");
      p++;
      continue;
    }
    next = g_utf8_next_char (p);
    if (u == 0x2028 || u == 0x2029 || (u >= 0x80 && u <= 0x9f) || (u >= 0x202a && u <= 0x202e) ||
        (u >= 0x2066 && u <= 0x2069) || u == 0x200e || u == 0x200f || u == 0x061c)
      g_string_append_printf (out, "\\u%04x", u);
    else
      g_string_append_len (out, p, next - p);
    p = next;
  }
  g_string_append_c (out, '"');
}

static void write_node (GString *out, JsonNode *node);

static void
write_value (GString *out, JsonNode *node)
{
  switch (json_node_get_value_type (node)) {
  case G_TYPE_INT64:
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
    break;
  case G_TYPE_BOOLEAN:
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
    break;
  case G_TYPE_DOUBLE: {
    double d = json_node_get_double (node);
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    if (isfinite (d))
      g_string_append (out, g_ascii_dtostr (buf, sizeof buf, d));
    else
      g_string_append (out, "null");    /* JSON has no NaN or infinity */
    break;
  }
  case G_TYPE_STRING:
    cn_json_append_string (out, json_node_get_string (node), -1);
    break;
  default:
    g_string_append (out, "null");
  }
}

static void
write_node (GString *out, JsonNode *node)
{
  if (node == NULL) {
    g_string_append (out, "null");
    return;
  }
  switch (json_node_get_node_type (node)) {
  case JSON_NODE_OBJECT: {
    JsonObject *o = json_node_get_object (node);
    GList *members = json_object_get_members (o);   /* insertion order; container only */
    g_string_append_c (out, '{');
    for (GList *m = members; m; m = m->next) {
      if (m != members)
        g_string_append_c (out, ',');
      cn_json_append_string (out, m->data, -1);
      g_string_append_c (out, ':');
      write_node (out, json_object_get_member (o, m->data));
    }
    g_string_append_c (out, '}');
    g_list_free (members);
    break;
  }
  case JSON_NODE_ARRAY: {
    JsonArray *a = json_node_get_array (node);
    guint n = json_array_get_length (a);
    g_string_append_c (out, '[');
    for (guint i = 0; i < n; i++) {
      if (i)
        g_string_append_c (out, ',');
      write_node (out, json_array_get_element (a, i));
    }
    g_string_append_c (out, ']');
    break;
  }
  case JSON_NODE_VALUE:
    write_value (out, node);
    break;
  case JSON_NODE_NULL:
  default:
    g_string_append (out, "null");
  }
}

char *
cn_json_to_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);
  write_node (out, node);
  return g_string_free (out, FALSE);
}

void
cn_json_member_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  if (v)
    json_builder_add_string_value (b, v);
  else
    json_builder_add_null_value (b);
}

void
cn_json_member_time (JsonBuilder *b, const char *name, GDateTime *t)
{
  g_autofree char *s = t ? cn_iso8601 (t) : NULL;
  cn_json_member_string (b, name, s);
}

void
cn_json_member_strv (JsonBuilder *b, const char *name, char *const *v, guint n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; v && i < n && v[i]; i++)
    json_builder_add_string_value (b, v[i]);
  json_builder_end_array (b);
}
