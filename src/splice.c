/* splice.c — the byte-exact header splice behind `certnotice filter`: where
 * a mail's header block ends, our X-Certnotice fields taken out of it, and
 * the verdict header block put in.  Pure functions over bytes (tested in
 * test-filter.c and fuzz-mail.c); the process that runs them is
 * cmd-filter.c.  The verdict header block itself is made in
 * splice-headers.c: this file needs GLib only, so that the certnotice
 * executable can splice without loading the module (meson.build). */
#include "splice.h"

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
