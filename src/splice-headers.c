/* splice-headers.c — the verdict header block that `certnotice filter`
 * splices into a mail (cn_splice_verdict_headers, declared in splice.h):
 * X-Certnotice-Verdict and X-Certnotice, from the message's verdict and the
 * notice that speaks for it.  Apart from splice.c, which works on bytes
 * alone, because it needs GMime (RFC 2047) and the live results. */
#include "splice.h"
#include "mime.h"
#include "tlscheck.h"

#include <string.h>

/* ---- the verdict header block ---- */

/* Append "; key=value" quoting the value when needed. */
static void
param (GString *s, const char *key, const char *value)
{
  if (value == NULL)
    return;
  gboolean plain = *value != '\0';
  for (const char *c = value; *c; c++)
    if (!(g_ascii_isalnum (*c) || strchr ("-._@", *c)))
      plain = FALSE;
  g_string_append_printf (s, "; %s=", key);
  /* a header line stays far below RFC 5322's 998 octets: long values (a
   * reason quoting a 2000-byte "domain") are cut on a character boundary */
  g_autofree char *cut = NULL;
  if (strlen (value) > 300) {
    const char *end = g_utf8_find_prev_char (value, value + 300);
    cut = g_strdup_printf ("%.*s...", (int) (end - value), value);
    value = cut;
  }
  if (plain) {
    g_string_append (s, value);
    return;
  }
  g_string_append_c (s, '"');
  for (const char *c = value; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_c (s, '\\');
    /* no control character reaches a header line */
    g_string_append_c (s, ((guchar) *c < 0x20 || *c == 0x7f) ? ' ' : *c);
  }
  g_string_append_c (s, '"');
}

/* Append "NAME: VALUE\n", folded before a space (the space stays: RFC 5322
 * unfolding only removes the line break) to keep lines near 78 columns;
 * non-ASCII text is RFC 2047-encoded by GMime first. */
static void
append_header (GString *out, const char *name, const char *value)
{
  g_autofree char *enc = NULL;
  for (const char *c = value; *c; c++)
    if ((guchar) *c >= 0x80) {
      enc = g_mime_utils_header_encode_text (NULL, value, "utf-8");
      break;
    }
  g_auto (GStrv) words = g_strsplit (enc ? enc : value, " ", -1);
  gsize col = strlen (name) + 1;
  g_string_append_printf (out, "%s:", name);
  for (char **w = words; *w; w++) {
    gsize n = strlen (*w);
    if (w != words && n > 0 && col + 1 + n > 78) {   /* never before an empty word: no blank line */
      g_string_append_c (out, '\n');
      col = 0;
    }
    g_string_append_c (out, ' ');
    g_string_append (out, *w);
    col += 1 + n;
  }
  g_string_append_c (out, '\n');
}

char *
cn_splice_verdict_headers (const CnMessage *msg, GDateTime *now)
{
  const CnNotice *best = msg->speaker;
  if (best == NULL)
    return g_strdup ("");
  GString *out = g_string_new (NULL);
  append_header (out, "X-Certnotice-Verdict", cn_verdict_name (msg->verdict));
  g_autoptr (GString) d = g_string_new (NULL);
  g_string_append_printf (d, "provider=%s", best->rule->id);
  param (d, "notice", best->kind->id);
  param (d, "domain", best->domain ? best->domain : "");
  if (best->days >= 0) {
    g_autofree char *days = g_strdup_printf ("%" G_GINT64_FORMAT, best->days);
    param (d, "claimed-days", days);
  }
  if (best->expires) {
    char buf[16];
    g_date_strftime (buf, sizeof buf, "%Y-%m-%d", best->expires);
    param (d, "claimed-expiry", buf);
  }
  if (best->live) {
    param (d, "live", cn_live_status_name (best->live->status));
    gint64 left = cn_live_days_left (best->live, now);
    if (left != G_MININT64) {
      g_autofree char *days = g_strdup_printf ("%" G_GINT64_FORMAT, left);
      param (d, "live-days", days);
    }
  }
  if (best->mail->part)
    param (d, "part", best->mail->part);
  if (best->reasons->len > 0) {
    g_autoptr (GString) r = g_string_new (NULL);
    for (guint i = 0; i < best->reasons->len; i++)
      g_string_append_printf (r, "%s%s", i ? "; " : "", (char *) best->reasons->pdata[i]);
    param (d, "reason", r->str);
  }
  append_header (out, "X-Certnotice", d->str);
  return g_string_free (out, FALSE);
}

