/* splice.c — the byte-exact header splice behind `certnotice filter`: where
 * a mail's header block ends, our X-Certnotice fields taken out of it, and
 * the verdict header block put in.  Pure functions over bytes (tested in
 * test-filter.c and fuzz-mail.c); the process that runs them is
 * cmd-filter.c. */
#include "splice.h"
#include "mime.h"
#include "tlscheck.h"

#include <string.h>

/* The offset just past the header section's last line (before the blank
 * line), and the line ending the headers use.  A leading mbox "From " line
 * is skipped over but kept. */
/* The character that ends lines: LF, or CR in old Mac mail (CRs and no LF
 * in the first 8 KiB). */
static char
line_sep (const char *data, gsize len)
{
  gsize n = MIN (len, 8192);
  return memchr (data, '\r', n) && !memchr (data, '\n', n) ? '\r' : '\n';
}

gsize
cn_splice_header_end (const char *data, gsize len, const char **eol)
{
  gsize i = 0;
  char sep = line_sep (data, len);
  *eol = sep == '\r' ? "\r" : "\n";
  if (len >= 5 && memcmp (data, "From ", 5) == 0) {
    const char *nl = memchr (data, sep, len);
    i = nl ? (gsize) (nl - data) + 1 : len;
  }
  /* our lines take the line end of the line they go before (the blank
   * line), else of the last header line: never of a line that may be an
   * X-Certnotice field about to be removed, so filtering twice changes
   * nothing the second time */
  while (i < len) {
    const char *nl = memchr (data + i, sep, len - i);
    gsize line_end = nl ? (gsize) (nl - data) + 1 : len;
    gsize content = line_end - i - (nl ? 1 : 0);
    gboolean crlf = sep == '\n' && nl && nl > data + i && nl[-1] == '\r';
    if (crlf)
      content--;
    if (nl && sep == '\n')
      *eol = crlf ? "\r\n" : "\n";
    if (content == 0)
      return i;               /* the blank line: headers end here */
    i = line_end;
  }
  return len;                 /* no body */
}

static gboolean
is_ours (const char *line, gsize len)
{
  static const char prefix[] = "x-certnotice";
  if (len < sizeof prefix - 1 || g_ascii_strncasecmp (line, prefix, sizeof prefix - 1) != 0)
    return FALSE;
  /* X-Certnotice: or X-Certnotice-Anything: */
  for (gsize i = sizeof prefix - 1; i < len; i++) {
    if (line[i] == ':')
      return TRUE;
    if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')
      return FALSE;
  }
  return FALSE;
}

GBytes *
cn_splice_head (const char *data, gsize len, const char *headers, gsize *rest)
{
  const char *eol;
  gsize end = cn_splice_header_end (data, len, &eol);
  GByteArray *out = g_byte_array_sized_new (end + (headers ? strlen (headers) : 0) + 8);
  gsize i = 0;
  gboolean dropping = FALSE;
  gboolean from_line = len >= 5 && memcmp (data, "From ", 5) == 0;
  char sep = line_sep (data, len);
  while (i < end) {
    const char *nl = memchr (data + i, sep, end - i);
    gsize line_end = nl ? (gsize) (nl - data) + 1 : end;
    const char *line = data + i;
    gsize n = line_end - i;
    gboolean continuation = (line[0] == ' ' || line[0] == '\t');
    if (from_line && i == 0)
      dropping = FALSE;
    else if (!continuation)
      dropping = is_ours (line, n);
    if (!dropping)
      g_byte_array_append (out, (const guint8 *) line, n);
    i = line_end;
  }
  if (headers && *headers) {
    /* the last header line may lack its line end when there is no body */
    if (out->len > 0 && out->data[out->len - 1] != (guint8) sep)
      g_byte_array_append (out, (const guint8 *) eol, strlen (eol));
    /* our block uses "\n"; write it with the mail's own line ending */
    for (const char *p = headers; *p; p++) {
      if (*p == '\n')
        g_byte_array_append (out, (const guint8 *) eol, strlen (eol));
      else
        g_byte_array_append (out, (const guint8 *) p, 1);
    }
  }
  *rest = end;
  return g_byte_array_free_to_bytes (out);
}

GBytes *
cn_splice (const char *data, gsize len, const char *headers)
{
  gsize rest = 0;
  g_autoptr (GBytes) head = cn_splice_head (data, len, headers, &rest);
  gsize hn = 0;
  const char *h = g_bytes_get_data (head, &hn);
  GByteArray *out = g_byte_array_sized_new (hn + len - rest);
  g_byte_array_append (out, (const guint8 *) h, hn);
  g_byte_array_append (out, (const guint8 *) data + rest, len - rest);
  return g_byte_array_free_to_bytes (out);
}

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

