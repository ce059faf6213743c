/* prefilter.c — may this mail be a notice? (prefilter.h)
 *
 * The header block is read the way GMime 3.2's parser reads it
 * (gmime-parser.c: step_headers, header_buffer_parse), but only where that
 * is simple: lines end in LF (a CR may only come right before it); a field
 * is a name of printable ASCII, optional blanks, ':', the value, and lines
 * that begin with a blank; the block ends at the first empty line (LF or CR
 * LF).  A mbox "From " line at the top is skipped, as GMime does.  Every
 * other shape GMime would also accept (a line without a colon, which it
 * drops; 8-bit field names; a header block with no end) makes the reading
 * unsure, and the answer MAYBE.  A Subject value is what GMime hands
 * mime.c: the bytes after the colon up to and including the last line end
 * of the field, so that cn_text_decode_header() sees the same input. */
#include "prefilter.h"
#include "match.h"
#include "mime.h"
#include "text.h"

#include <string.h>

gboolean
cn_prefilter_enabled (void)
{
  static gsize once;
  static gboolean enabled;
  if (g_once_init_enter (&once)) {
    enabled = g_strcmp0 (g_getenv ("CERTNOTICE_PREFILTER"), "off") != 0;
    g_once_init_leave (&once, 1);
  }
  return enabled;
}

/* ---- the decision ---- */

CnPrefilter
cn_prefilter_decide (const CnRuleSet *rules, const char *subject, gboolean may_embed)
{
  if (may_embed || !cn_prefilter_enabled ())
    return CN_PREFILTER_MAYBE;
  for (guint r = 0; r < rules->rules->len; r++) {
    const CnRule *rule = rules->rules->pdata[r];
    for (guint k = 0; k < rule->kinds->len; k++) {
      const CnNoticeKind *kind = rule->kinds->pdata[k];
      /* match.c tries a kind's subject pattern first: when it does not
       * match, nothing else of the kind runs (and no reason is added);
       * when it gives up, the full path says so */
      if (kind->subject == NULL ||
          cn_pattern_exec (rules, kind->subject, subject, NULL, NULL) != CN_MATCH_NO)
        return CN_PREFILTER_MAYBE;
    }
  }
  return CN_PREFILTER_NO;
}

/* ---- the header block ---- */

/* The field name at LINE (N bytes, no line end): GMime's reading — bytes up
 * to the ':', blanks allowed only between the name and the ':' — limited
 * to printable ASCII.  Returns the offset of the ':' and the name's length
 * without the blanks in *NAME_LEN, or -1 when unsure. */
static gssize
field_colon (const char *line, gsize n, gsize *name_len)
{
  gsize i = 0;
  while (i < n && line[i] > ' ' && line[i] < 0x7f && line[i] != ':')
    i++;
  *name_len = i;
  while (i < n && (line[i] == ' ' || line[i] == '\t'))
    i++;
  if (*name_len == 0 || i >= n || line[i] != ':')
    return -1;
  return (gssize) i;
}

/* The decoded subject of the Subject field whose value is RAW (N bytes),
 * as read_headers() in mime.c makes it; NULL when a decoder could not be
 * opened (mime.c then reports an internal error). */
static char *
decode_subject (const char *raw, gsize n)
{
  g_autofree char *value = g_strndup (raw, n);
  CnDecodeStatus st = { 0 };
  g_autofree char *dec = cn_text_decode_header (value, &st);
  if (st.resource_failure)
    return NULL;
  char *subject = cn_text_for_matching (dec, strlen (dec), FALSE);
  g_strchomp (subject);
  return subject;
}

/* Case-insensitive: does DATA[I…] (up to LEN) start with the lowercase WORD? */
static gboolean
word_at (const char *data, gsize len, gsize i, const char *word)
{
  gsize n = strlen (word);
  return i + n <= len && g_ascii_strncasecmp (data + i, word, n) == 0;
}

/* Whether a Content-Type field (N bytes from its name) names multipart or
 * message anywhere: a type that can hold an attached message. */
static gboolean
composite_type (const char *field, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (word_at (field, n, i, "multipart") || word_at (field, n, i, "message"))
      return TRUE;
  return FALSE;
}

/* The subject (see cn_prefilter_subject); *COMPOSITE (when not NULL) tells
 * whether a Content-Type field names a composite type. */
static char *
read_block (const char *data, gsize len, gboolean *composite)
{
  const char *p = data, *end = data + MIN (len, (gsize) CN_PREFILTER_MAX_HEADER);
  /* GMime skips an mbox From_ line at the top */
  if (len >= 5 && memcmp (data, "From ", 5) == 0) {
    const char *nl = memchr (p, '\n', (gsize) (end - p));
    if (nl == NULL)
      return NULL;
    p = nl + 1;
  }
  char *subject = g_strdup ("");
  const char *field = NULL;      /* the field being read, or NULL */
  gboolean is_subject = FALSE, is_type = FALSE;
  const char *value = NULL;      /* after its ':' */
  guint fields = 0;
  for (;;) {
    const char *nl = memchr (p, '\n', (gsize) (end - p));
    if (nl == NULL)
      goto unsure;               /* no end of the header block in sight */
    gsize n = (gsize) (nl - p);  /* without the LF */
    if (n > 0 && p[n - 1] == '\r')
      n--;                       /* CR LF */
    if (memchr (p, '\r', n) || memchr (p, '\0', n))
      goto unsure;               /* a bare CR, a NUL */
    gboolean continuation = n > 0 && (p[0] == ' ' || p[0] == '\t');
    /* the field before this line ends here unless this continues it */
    if (field && !continuation) {
      if (is_subject && *subject == '\0') {
        if ((gsize) (p - field) > CN_MAX_HEADER_BYTES)
          goto unsure;           /* mime.c reads a cut copy */
        g_free (subject);
        subject = decode_subject (value, (gsize) (p - value));
        if (subject == NULL)
          return NULL;
      }
      if (is_type && composite)
        *composite = *composite || composite_type (field, (gsize) (p - field));
      field = NULL;
    }
    if (n == 0)
      return subject;            /* the empty line: the header block ends */
    if (continuation) {
      if (field == NULL)
        goto unsure;             /* GMime takes it for a bad field name */
    } else {
      gsize name_len = 0;
      gssize colon = field_colon (p, n, &name_len);
      if (colon < 0 || ++fields > CN_MAX_HEADERS)
        goto unsure;
      field = p;
      value = p + colon + 1;
      is_subject = name_len == 7 && g_ascii_strncasecmp (p, "Subject", 7) == 0;
      is_type = name_len == 12 && g_ascii_strncasecmp (p, "Content-Type", 12) == 0;
    }
    p = nl + 1;
  }
unsure:
  g_free (subject);
  return NULL;
}

char *
cn_prefilter_subject (const char *data, gsize len)
{
  return read_block (data, len, NULL);
}

/* ---- attached messages ---- */

/* GMime's CFWS between type, '/' and subtype: white space (' ', tab, CR,
 * LF) is skipped; a comment ('(') is reported as such (*COMMENT), and the
 * caller takes it for a yes rather than follow GMime's comment syntax. */
static gsize
skip_space (const char *data, gsize len, gsize i, gboolean *comment)
{
  while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
    i++;
  *comment = i < len && data[i] == '(';
  return i;
}

/* After TYPE at I: '/' and one of SUBTYPES (prefixes: a cut header line in
 * mime.c's parse copy may end a longer subtype there). */
static gboolean
type_slash_subtype (const char *data, gsize len, gsize i, const char *type, const char *const *subtypes)
{
  if (!word_at (data, len, i, type))
    return FALSE;
  gboolean comment;
  i = skip_space (data, len, i + strlen (type), &comment);
  if (comment)
    return TRUE;
  if (i >= len || data[i] != '/')
    return FALSE;
  i = skip_space (data, len, i + 1, &comment);
  if (comment)
    return TRUE;
  for (const char *const *s = subtypes; *s; s++)
    if (word_at (data, len, i, *s))
      return TRUE;
  return FALSE;
}

gboolean
cn_prefilter_may_embed (const char *data, gsize len)
{
  static const char *const message[] = { "rfc822", "rfc2822", "global", "news", NULL };
  static const char *const multipart[] = { "digest", NULL };
  for (gsize i = 0; i < len; i++) {
    if ((data[i] | 0x20) != 'm')
      continue;
    if (type_slash_subtype (data, len, i, "message", message) ||
        type_slash_subtype (data, len, i, "multipart", multipart))
      return TRUE;
  }
  return FALSE;
}

/* ---- the entry points ---- */

CnPrefilter
cn_prefilter_mail (const CnRuleSet *rules, const char *data, gsize len)
{
  if (!cn_prefilter_enabled ())
    return CN_PREFILTER_MAYBE;
  g_autofree char *subject = cn_prefilter_subject (data, len);
  if (subject == NULL)
    return CN_PREFILTER_MAYBE;
  return cn_prefilter_decide (rules, subject, cn_prefilter_may_embed (data, len));
}

CnPrefilter
cn_prefilter_headers (const CnRuleSet *rules, const char *headers, gsize len)
{
  if (!cn_prefilter_enabled ())
    return CN_PREFILTER_MAYBE;
  /* the parts are not here: a multipart (or message) type may hold one */
  gboolean composite = FALSE;
  g_autofree char *subject = read_block (headers, len, &composite);
  if (subject == NULL)
    return CN_PREFILTER_MAYBE;
  return cn_prefilter_decide (rules, subject, composite);
}
