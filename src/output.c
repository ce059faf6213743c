/* output.c — report notices as text or JSON Lines. */
#include "output.h"
#include "tlscheck.h"

#include <string.h>

gboolean
cn_format_from_name (const char *name, CnFormat *out)
{
  if (g_strcmp0 (name, "text") == 0)
    *out = CN_FORMAT_TEXT;
  else if (g_strcmp0 (name, "json") == 0)
    *out = CN_FORMAT_JSON;
  else
    return FALSE;
  return TRUE;
}

static char *
ymd (const GDate *d)
{
  if (d == NULL)
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (d), g_date_get_month (d),
                          g_date_get_day (d));
}

static void
member_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
member_strv (JsonBuilder *b, const char *name, char *const *v, guint n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; v && i < n && v[i]; i++)
    json_builder_add_string_value (b, v[i]);
  json_builder_end_array (b);
}

JsonNode *
cn_output_json (const CnNotice *n, GDateTime *now)
{
  const CnMail *m = n->mail;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  member_string (b, "source", m->source);
  if (m->index) {
    json_builder_set_member_name (b, "index");
    json_builder_add_int_value (b, m->index);
  }
  if (m->part)
    member_string (b, "part", m->part);
  member_string (b, "message_id", m->message_id);
  g_autofree char *date = cn_iso8601 (m->date);
  member_string (b, "date", date);
  member_string (b, "provider", n->rule ? n->rule->id : NULL);
  member_string (b, "notice", n->kind ? n->kind->id : NULL);
  member_string (b, "domain", n->domain);
  member_strv (b, "domains", (char *const *) n->domains->pdata, n->domains->len);
  member_string (b, "account", n->account);
  json_builder_set_member_name (b, "days_claimed");
  if (n->days >= 0)
    json_builder_add_int_value (b, n->days);
  else
    json_builder_add_null_value (b);
  g_autofree char *exp = ymd (n->expires);
  member_string (b, "expires_claimed", exp);
  json_builder_set_member_name (b, "authentic");
  if (n->rule == NULL || n->authentic == CN_UNKNOWN)
    json_builder_add_null_value (b);
  else
    json_builder_add_boolean_value (b, n->authentic == CN_TRUE);
  member_string (b, "verdict", cn_verdict_name (n->verdict));
  member_strv (b, "reasons", (char *const *) n->reasons->pdata, n->reasons->len);
  char **steps = n->kind ? cn_kind_remediation (n->kind) : NULL;
  member_strv (b, "remediation", steps, steps ? g_strv_length (steps) : 0);
  member_string (b, "support_url", n->rule ? n->rule->support_url : NULL);
  json_builder_set_member_name (b, "live");
  if (n->live)
    json_builder_add_value (b, cn_live_to_json (n->live, now));
  else
    json_builder_add_null_value (b);
  if (n->lives->len > 1) {
    /* every name checked, in the order of domains (null: not checked) */
    json_builder_set_member_name (b, "lives");
    json_builder_begin_array (b);
    for (guint i = 0; i < n->lives->len; i++) {
      const CnLive *l = n->lives->pdata[i];
      if (l)
        json_builder_add_value (b, cn_live_to_json (l, now));
      else
        json_builder_add_null_value (b);
    }
    json_builder_end_array (b);
  }
  member_string (b, "error", n->internal_error);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static const char *
verdict_colour (CnVerdict v)
{
  switch (v) {
  case CN_VERDICT_ACTION_REQUIRED:
  case CN_VERDICT_EXPIRED:
    return "\033[1;31m";
  case CN_VERDICT_SUSPICIOUS:
    return "\033[1;35m";
  case CN_VERDICT_RENEWED:
    return "\033[32m";
  case CN_VERDICT_UNVERIFIED:
    return "\033[33m";
  default:
    return "\033[2m";
  }
}

/* S for a terminal: C0 controls but tab, DEL and C1 controls become '?', so
 * nothing taken from a mail can move the cursor or start an escape.  Returns
 * a string owned by TMP (valid until its next use). */
static const char *
safe (GString *tmp, const char *s)
{
  g_string_truncate (tmp, 0);
  for (const char *p = s ? s : ""; *p; p++) {
    guchar c = (guchar) *p;
    if (c == 0xc2 && (guchar) p[1] >= 0x80 && (guchar) p[1] <= 0x9f) {
      g_string_append_c (tmp, '?');
      p++;
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      g_string_append_c (tmp, '?');
    } else {
      g_string_append_c (tmp, (char) c);
    }
  }
  return tmp->str;
}

static void
write_text (FILE *out, const CnNotice *n, GDateTime *now, gboolean colour, gboolean verbose)
{
  g_autoptr (GString) t1 = g_string_new (NULL);
  g_autoptr (GString) t2 = g_string_new (NULL);
  const CnMail *m = n->mail;
  const char *on = colour ? verdict_colour (n->verdict) : "";
  const char *off = colour ? "\033[0m" : "";
  g_autoptr (GString) where = g_string_new (m->source);
  if (m->index)
    g_string_append_printf (where, " #%u", m->index);
  if (m->part)
    g_string_append_printf (where, " [part %s]", m->part);

  g_autoptr (GString) s = g_string_new (NULL);
  if (n->rule == NULL) {
    /* a subject can be 64 KiB: show the start of it */
    g_autofree char *subj = g_utf8_substring (m->subject, 0, MIN (g_utf8_strlen (m->subject, -1), 120));
    g_string_append_printf (s, "%s: %snot a notice%s (%s%s)\n", safe (t1, where->str), on, off,
                            *m->subject ? safe (t2, subj) : "no subject",
                            strlen (subj) < strlen (m->subject) ? "…" : "");
  } else {
    g_autofree char *verdict = g_ascii_strup (cn_verdict_name (n->verdict), -1);
    g_string_append_printf (s, "%s\n  verdict   %s%s%s\n", safe (t1, where->str), on, verdict, off);
    g_string_append_printf (s, "  notice    %s (%s): %s\n", n->rule->name, n->rule->id, n->kind->id);
    g_string_append_printf (s, "  domain    %s\n", n->domain ? n->domain : "(none given)");
    for (guint i = 1; i < n->domains->len; i++)
      g_string_append_printf (s, "            %s\n", (char *) n->domains->pdata[i]);
    if (n->account)
      g_string_append_printf (s, "  account   %s\n", safe (t1, n->account));
    if (n->days >= 0 || n->expires) {
      g_string_append (s, "  claim     ");
      if (n->days >= 0)
        g_string_append_printf (s, "%" G_GINT64_FORMAT " days left", n->days);
      g_autofree char *exp = ymd (n->expires);
      if (exp)
        g_string_append_printf (s, "%sexpires %s%s", n->days >= 0 ? ", " : "", exp,
                                n->expires_stated ? "" : " (from the mail's date)");
      g_string_append_c (s, '\n');
    }
    g_string_append_printf (s, "  sender    %s (authentic: %s)\n",
                            m->from_addr ? safe (t1, m->from_addr) : "(none)",
                            n->authentic == CN_TRUE ? "yes" : n->authentic == CN_FALSE ? "no" : "unknown");
    for (guint i = 0; i < n->lives->len; i++)
      if (n->lives->pdata[i])
        cn_live_describe (n->lives->pdata[i], now, s);
    for (guint i = 0; i < n->reasons->len; i++)
      g_string_append_printf (s, "  %s %s\n", i == 0 ? "why      " : "         ",
                              safe (t1, n->reasons->pdata[i]));
    if (n->verdict != CN_VERDICT_SUSPICIOUS && n->verdict != CN_VERDICT_RENEWED) {
      char **steps = cn_kind_remediation (n->kind);
      g_string_append (s, "  what to do\n");
      for (guint i = 0; steps && steps[i]; i++)
        g_string_append_printf (s, "    %u. %s\n", i + 1, steps[i]);
      g_string_append_printf (s, "    support: %s\n", n->rule->support_url);
    }
  }
  if (n->internal_error)
    g_string_append_printf (s, "  error     %s: a notice may have been missed\n", safe (t1, n->internal_error));
  for (guint i = 0; verbose && i < m->warnings->len; i++)
    g_string_append_printf (s, "  warning   %s\n", safe (t1, m->warnings->pdata[i]));
  fputs (s->str, out);
}

void
cn_output_write (FILE *out, CnFormat format, const CnNotice *n, GDateTime *now,
                 gboolean colour, gboolean verbose)
{
  if (format == CN_FORMAT_JSON) {
    g_autoptr (JsonNode) node = cn_output_json (n, now);
    g_autoptr (JsonGenerator) gen = json_generator_new ();
    json_generator_set_root (gen, node);
    g_autofree char *line = json_generator_to_data (gen, NULL);
    fputs (line, out);
    fputc ('\n', out);
  } else {
    write_text (out, n, now, colour, verbose);
  }
}
