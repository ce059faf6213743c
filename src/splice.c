/* splice.c — the byte-exact header splice behind `certnotice filter`: where
 * a mail's header block ends, our X-Certnotice fields taken out of it, and
 * the verdict header block put in.  Pure functions over bytes (tested in
 * test-filter.c and fuzz-mail.c); the process that runs them is
 * cmd-filter.c. */
#include "splice.h"
#include "mime.h"
#include "tlscheck.h"

#include <string.h>

/* ---- where a header section ends ----
 *
 * The mail we write goes to a delivery agent that decides for itself where
 * the header section ends, and the agents do not agree (read from their
 * sources and tried on the real binaries in tests/filter.sh and
 * tests/sieve.sh):
 *
 *   GMime 3.2, Dovecot (LDA, Sieve), maildrop 2.9 (its rfc2045 parser and
 *   reformail): the first line that is empty or only CR LF.  A mail that
 *   starts with such a line has no header at all.
 *   procmail 3.22: leading empty lines (LF) are skipped; then the first LF LF.
 *   A line that is only CR LF does not end it, and a NUL byte met before
 *   that LF LF makes the whole mail its header (it searches with strchr).
 *
 * Every reader splits lines at LF only: a mail with CRs and no LF is one
 * long line to all of them.  So the filter works with LF lines, whatever
 * the judging side made of bare-CR mail (docs/VIOLATIONS.md).
 *
 * The rule (docs/SECURITY.md): our fields go at the top, right after an
 * mbox From_ line, where every reader's header section begins; fields of
 * ours already in the mail are removed from the longest of the readings
 * (procmail's, which always reaches at least as far as the others).  So
 * every reader finds exactly one X-Certnotice-Verdict in what it takes for
 * the header, ours, and finds it first — also a reader whose idea of the
 * header's end is none of the above (maildrop 2.9 loses fields after a
 * line longer than 1 KiB that ends on an 8 KiB read boundary). */

/* The offset just after an mbox "From " line at the start, else 0. */
static gsize
from_line_end (const char *data, gsize len)
{
  if (len < 5 || memcmp (data, "From ", 5) != 0)
    return 0;
  const char *nl = memchr (data, '\n', len);
  return nl ? (gsize) (nl - data) + 1 : len;
}

/* Whether LINE (N bytes, up to and maybe including its LF) starts a field
 * of ours: its name — what precedes the first ':' — read as the delivery
 * agents may read it (maildrop drops every CR and reads NUL as a space;
 * GMime and Dovecot allow white space before the colon), then compared
 * without regard to case, is X-Certnotice or X-Certnotice-anything. */
static gboolean
is_ours (const char *line, gsize n)
{
  const char *colon = memchr (line, ':', n);
  if (colon == NULL)
    return FALSE;
  if (memchr (line, '\n', (gsize) (colon - line)))
    return FALSE;             /* the colon is on a later line */
  /* the name as read: CRs dropped, NUL a space; its first 13 characters
   * kept, and its length without trailing white space */
  static const char prefix[] = "x-certnotice-";
  char head[sizeof prefix - 1];
  gsize k = 0, trimmed = 0;
  for (const char *p = line; p < colon; p++) {
    if (*p == '\r')
      continue;
    char c = *p == '\0' ? ' ' : *p;
    if (k < sizeof head)
      head[k] = g_ascii_tolower (c);
    k++;
    if (c != ' ' && c != '\t')
      trimmed = k;
  }
  if (trimmed < 12 || memcmp (head, prefix, 12) != 0)
    return FALSE;
  return trimmed == 12 || head[12] == '-';   /* X-Certnotice, X-Certnotice-… */
}

/* A line's end: "\r\n" or "\n"; for a last line without one, the end it
 * gets when we add one: "\r\n" after a CR (so that splicing again reads
 * the same), else NULL (our default, "\n"). */
static const char *
line_eol (const char *line, gsize n)
{
  if (n == 0)
    return NULL;
  if (line[n - 1] != '\n')
    return line[n - 1] == '\r' ? "\r\n" : NULL;
  return n >= 2 && line[n - 2] == '\r' ? "\r\n" : "\n";
}

/* Append HEADERS ("\n" lines) to OUT in line end EOL, after a line end if
 * OUT lacks one. */
static void
append_block (GByteArray *out, const char *headers, const char *eol)
{
  gsize el = strlen (eol);
  if (out->len > 0 && out->data[out->len - 1] != '\n')
    g_byte_array_append (out, (const guint8 *) eol, (guint) el);
  for (const char *p = headers; *p; p++) {
    if (*p == '\n')
      g_byte_array_append (out, (const guint8 *) eol, (guint) el);
    else
      g_byte_array_append (out, (const guint8 *) p, 1);
  }
}

/* The lines are read once, in order, while procmail's reading of what is
 * written so far is followed: the header section of the output ends at its
 * first LF LF after any leading empty lines, or nowhere once a NUL was
 * written.  Up to there every field of ours goes.  Dropping a line may make
 * procmail read further than it did in the input ("\nX-Certnotice: a\n\n
 * X-Certnotice: b\n\n" keeps only LFs in front of the second field), so the
 * output's reading is followed, not the input's.  The other readers end
 * their header section no later than procmail (at an empty or CR LF line),
 * so this covers them. */
GBytes *
cn_splice_head (const char *data, gsize len, const char *headers, gsize *rest)
{
  gboolean have = headers && *headers;
  gsize start = from_line_end (data, len);
  GByteArray *out = g_byte_array_sized_new (MIN (len, 65536) + (have ? strlen (headers) * 2 : 0) + 8);
  g_byte_array_append (out, (const guint8 *) data, (guint) start);
  gboolean leading = start == 0;             /* only LFs written so far    */
  gboolean nul = memchr (data, '\0', start) != NULL;
  gboolean placed = !have;
  const char *first_eol = NULL;              /* of the first kept line     */
  gboolean dropping = FALSE;
  gsize i = start;
  while (i < len) {
    const char *nl = memchr (data + i, '\n', len - i);
    gsize line_end = nl ? (gsize) (nl - data) + 1 : len;
    const char *line = data + i;
    gsize n = line_end - i;
    gboolean continuation = line[0] == ' ' || line[0] == '\t';
    if (!continuation)
      dropping = is_ours (line, n);
    if (dropping) {
      i = line_end;
      continue;
    }
    if (first_eol == NULL)
      first_eol = line_eol (line, n);
    /* our block goes before the first kept line that is not a continuation
     * (white space at the top must not become part of our last field) */
    if (!placed && !continuation) {
      append_block (out, headers, first_eol ? first_eol : "\n");
      placed = TRUE;
      leading = FALSE;
    }
    gboolean empty = n == 1 && line[0] == '\n';
    if (!nul && empty && !leading)
      break;                                 /* LF LF: the header ends     */
    leading = leading && empty;
    nul = nul || memchr (line, '\0', n) != NULL;
    g_byte_array_append (out, (const guint8 *) line, (guint) n);
    i = line_end;
  }
  if (!placed)
    append_block (out, headers, first_eol ? first_eol : "\n");
  *rest = i;
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

