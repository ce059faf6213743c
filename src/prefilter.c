/* prefilter.c — may this mail be a notice? (prefilter.h)
 *
 * The header block is read the way GMime 3.2's parser reads it
 * (gmime-parser.c: step_headers, header_buffer_parse), where that is
 * simple: lines end in LF (a CR only right before it); a field is a name,
 * optional blanks, ':', the value, and the lines after it that begin with a
 * blank; the block ends at the first empty line (LF or CR LF).  An mbox
 * "From " line at the top is skipped, as GMime skips it.  A line GMime takes
 * for a bad field name (no colon, a blank inside the name, a control
 * character) it drops with its continuation lines, and so does this — but
 * for the first line, where GMime reads no message at all; and so is a
 * line with no colon in its first CN_COLONLESS_LIMIT bytes, which mime.c
 * cuts in its parse copy before GMime reads it (mime.h).  What this
 * reading is not sure of — bare CRs, NULs, a continuation before any field,
 * no end of the block within CN_PREFILTER_MAX_HEADER bytes, more than
 * CN_MAX_HEADERS fields, a Subject field over CN_MAX_HEADER_BYTES (mime.c
 * reads a cut copy of it) — makes the answer MAYBE.  A Subject value is what
 * GMime hands mime.c: the bytes after the colon up to and including the
 * last line end of the field, so that cn_text_decode_header() and
 * cn_text_for_matching() see the same input and give the same subject. */
#include "prefilter.h"
#include "generic.h"
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

struct _CnPrefilterSet {
  const CnRuleSet *ctx;       /* the match limits (and JIT) patterns run with */
  GPtrArray *patterns;        /* const CnPattern *                            */
  gboolean open;              /* every mail is MAYBE                          */
  CnRuleSet *own_ctx;         /* for a set of its own                         */
};

/* Add P to S unless a pattern of the same text is there: several kinds of
 * a provider often share one subject pattern, and the same text (compiled
 * with the same options, cn_loader_pattern) gives the same answer. */
static void
add_pattern (CnPrefilterSet *s, const CnPattern *p)
{
  for (guint i = 0; i < s->patterns->len; i++)
    if (strcmp (((const CnPattern *) s->patterns->pdata[i])->text, p->text) == 0)
      return;
  g_ptr_array_add (s->patterns, (gpointer) p);
}

CnPrefilterSet *
cn_prefilter_set_new (const CnRuleSet *rules)
{
  CnPrefilterSet *s = g_new0 (CnPrefilterSet, 1);
  s->ctx = rules;
  s->patterns = g_ptr_array_new ();
  /* match.c tries a kind's subject pattern first: when it does not match,
   * nothing else of the kind runs (and no reason is added); when it gives
   * up, the full path says so */
  for (guint r = 0; r < rules->rules->len; r++) {
    const CnRule *rule = rules->rules->pdata[r];
    for (guint k = 0; k < rule->kinds->len; k++) {
      const CnNoticeKind *kind = rule->kinds->pdata[k];
      if (kind->subject)
        add_pattern (s, kind->subject);
      else
        s->open = TRUE;
    }
  }
  /* the generic detector looks no further than its gate (generic.h) */
  g_autoptr (GPtrArray) gate = g_ptr_array_new ();
  if (rules->generic && !cn_generic_gate_patterns (rules->generic, gate))
    s->open = TRUE;
  for (guint i = 0; i < gate->len; i++)
    add_pattern (s, gate->pdata[i]);
  return s;
}

CnPrefilterSet *
cn_prefilter_set_new_owned (GPtrArray *patterns, gboolean open)
{
  CnPrefilterSet *s = g_new0 (CnPrefilterSet, 1);
  s->own_ctx = cn_rules_new ();
  s->ctx = s->own_ctx;
  s->patterns = patterns;
  g_ptr_array_set_free_func (patterns, (GDestroyNotify) cn_pattern_free);
  s->open = open;
  return s;
}

gboolean
cn_prefilter_set_patterns (const CnPrefilterSet *s, GPtrArray *out)
{
  for (guint i = 0; i < s->patterns->len; i++)
    g_ptr_array_add (out, s->patterns->pdata[i]);
  return !s->open;
}

void
cn_prefilter_set_free (CnPrefilterSet *s)
{
  if (s == NULL)
    return;
  g_ptr_array_unref (s->patterns);
  cn_rules_free (s->own_ctx);
  g_free (s);
}

CnPrefilter
cn_prefilter_decide (const CnPrefilterSet *s, const char *subject, gboolean may_embed)
{
  if (may_embed || s->open || !cn_prefilter_enabled ())
    return CN_PREFILTER_MAYBE;
  for (guint i = 0; i < s->patterns->len; i++)
    if (cn_pattern_exec (s->ctx, s->patterns->pdata[i], subject, NULL, NULL) != CN_MATCH_NO)
      return CN_PREFILTER_MAYBE;
  return CN_PREFILTER_NO;
}

/* ---- the header block ---- */

/* Whether the line at LINE (N bytes, no line end) starts a field, as
 * GMime's parser decides: bytes up to a ':', none of them a control
 * character, blanks only between the name and the ':'.  Returns the
 * offset of the ':', and the name's length without those blanks in
 * *NAME_LEN; -1 for a line GMime takes for a bad field name. */
static gssize
field_colon (const char *line, gsize n, gsize *name_len)
{
  gsize i = 0;
  gboolean blank = FALSE;
  *name_len = 0;
  for (; i < n && line[i] != ':'; i++) {
    guchar c = (guchar) line[i];
    if (c == ' ' || c == '\t')
      blank = TRUE;
    else if (blank || c < 0x20 || c == 0x7f)
      return -1;
    else
      *name_len = i + 1;
  }
  if (i == n || i == 0)
    return -1;                   /* no ':'; or a line that starts with one */
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

/* One field of a header block: FIELD (LEN bytes, its continuation lines
 * and every line end included), its name NAME_LEN bytes long, the value
 * after the ':' at FIELD + COLON + 1.  COLON is -1 for a line GMime takes
 * for a bad field name (it drops it, with its continuation lines).  Return
 * FALSE to give up: the reading is then unsure. */
typedef gboolean (*FieldFunc) (const char *field, gsize len, gsize name_len, gssize colon, gpointer user);

static gboolean
is_named (const char *field, gsize name_len, gssize colon, const char *name)
{
  return colon >= 0 && name_len == strlen (name) && g_ascii_strncasecmp (field, name, name_len) == 0;
}

/* A field name longer than this is not read with certainty in a header
 * block GMime meets mid-stream (its 4 KiB scan buffer). */
#define MAX_NAME 998

/* Call FN for each field of the header block at the top of DATA, in
 * order, and set *HEADER_END just past the empty line that ends it.  FALSE
 * when the reading is unsure (prefilter.h).  STRICT: a header block inside
 * a message (an attached message's, a part's), where GMime's reading of a
 * line it takes for no field, or of a line that may be a boundary, depends
 * on more than the line: every line must be a field (its name no longer
 * than MAX_NAME) or a continuation, none may start with "--", and no mbox
 * From_ line is skipped. */
static gboolean
each_field (const char *data, gsize len, gboolean strict, FieldFunc fn, gpointer user, gsize *header_end)
{
  const char *p = data, *end = data + MIN (len, (gsize) CN_PREFILTER_MAX_HEADER);
  gsize name_len = 0;
  /* GMime skips an mbox From_ line at the top — when it is no field:
   * "From : a@b.example" is one */
  if (!strict && len >= 5 && memcmp (data, "From ", 5) == 0) {
    const char *nl = memchr (p, '\n', (gsize) (end - p));
    if (nl == NULL)
      return FALSE;
    if (field_colon (p, (gsize) (nl - p), &name_len) < 0)
      p = nl + 1;
  }
  const char *field = NULL;      /* the field being read, or NULL */
  gssize colon = -1;
  guint fields = 0;
  for (;;) {
    const char *nl = memchr (p, '\n', (gsize) (end - p));
    if (nl == NULL)
      return FALSE;              /* no end of the header block in sight */
    gsize n = (gsize) (nl - p);  /* without the LF */
    if (n > 0 && p[n - 1] == '\r')
      n--;                       /* CR LF */
    if (memchr (p, '\r', n) || memchr (p, '\0', n))
      return FALSE;              /* a bare CR, a NUL */
    gboolean continuation = n > 0 && (p[0] == ' ' || p[0] == '\t');
    /* the field before this line ends here unless this continues it */
    if (field && !continuation) {
      if (!fn (field, (gsize) (p - field), name_len, colon, user))
        return FALSE;
      field = NULL;
    }
    if (n == 0) {
      *header_end = (gsize) (nl + 1 - data);
      return TRUE;               /* the empty line: the header block ends */
    }
    if (continuation) {
      if (field == NULL)
        return FALSE;            /* GMime takes it for a bad field name */
    } else {
      colon = field_colon (p, n, &name_len);
      if (colon >= (gssize) CN_COLONLESS_LIMIT)
        colon = -1;              /* mime.c cuts it before the colon: no field */
      if (colon < 0 && fields == 0)
        return FALSE;            /* GMime reads no message at all */
      if (strict && (colon < 0 || colon > MAX_NAME || (n >= 2 && p[0] == '-' && p[1] == '-')))
        return FALSE;
      if (++fields > CN_MAX_HEADERS)
        return FALSE;
      field = p;
    }
    p = nl + 1;
  }
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

typedef struct {
  char *subject;          /* so far; NULL after a decoder failed */
  gboolean composite;     /* a Content-Type names multipart or message */
} Reading;

static gboolean
read_field (const char *field, gsize len, gsize name_len, gssize colon, gpointer user)
{
  Reading *r = user;
  if (is_named (field, name_len, colon, "Subject") && *r->subject == '\0') {
    if (len > CN_MAX_HEADER_BYTES)
      return FALSE;              /* mime.c reads a cut copy */
    g_free (r->subject);
    r->subject = decode_subject (field + colon + 1, len - (gsize) colon - 1);
    if (r->subject == NULL)
      return FALSE;
  } else if (is_named (field, name_len, colon, "Content-Type")) {
    r->composite = r->composite || composite_type (field, len);
  }
  return TRUE;
}

/* The subject (see cn_prefilter_subject); *COMPOSITE (when not NULL) tells
 * whether a Content-Type field names a composite type.  STRICT: see
 * each_field(). */
static char *
read_block (const char *data, gsize len, gboolean strict, gboolean *composite, gsize *header_end)
{
  Reading r = { .subject = g_strdup ("") };
  gsize end = 0;
  if (!each_field (data, len, strict, read_field, &r, &end)) {
    g_free (r.subject);
    return NULL;
  }
  if (composite)
    *composite = r.composite;
  if (header_end)
    *header_end = end;
  return r.subject;
}

typedef struct {
  CnFieldFunc fn;
  gpointer user;
} Fields;

static gboolean
valid_field (const char *field, gsize len, gsize name_len, gssize colon, gpointer user)
{
  Fields *f = user;
  return colon < 0 || f->fn (field, len, name_len, (gsize) colon, f->user);
}

gboolean
cn_prefilter_fields (const char *data, gsize len, CnFieldFunc fn, gpointer user)
{
  Fields f = { fn, user };
  gsize end = 0;
  return each_field (data, len, FALSE, valid_field, &f, &end);
}

char *
cn_prefilter_subject (const char *data, gsize len)
{
  return read_block (data, len, FALSE, NULL, NULL);
}

/* ---- attached messages ---- */

/* Whether C ends a token in GMime's reading of a Content-Type (a control
 * character, white space, or one of RFC 2045's tspecials). */
static gboolean
token_end (char c)
{
  return (guchar) c <= ' ' || c == 0x7f || strchr ("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* GMime's white space around the '/' of a type: ' ', tab, CR, LF. */
static gboolean
lwsp (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* After the '/' at SLASH: (white space and) one of SUBTYPES.  A subtype
 * that goes on (message/global-headers) is another one — except in a
 * message of CN_MAX_HEADER_BYTES or more, where mime.c's parse copy may cut
 * a long field right after the subtype's first letters (tame()): there any
 * subtype that starts with one of SUBTYPES counts.  A comment ('(') after
 * the '/' counts too: its syntax is not followed here. */
static gboolean
subtype_after (const char *data, gsize len, gsize slash, const char *const *subtypes)
{
  gsize i = slash + 1;
  while (i < len && lwsp (data[i]))
    i++;
  if (i >= len)
    return FALSE;
  if (data[i] == '(')
    return TRUE;
  /* most '/' are in URLs and base64: one letter tells them apart */
  char c = (char) (data[i] | 0x20);
  gboolean any = FALSE;
  for (const char *const *s = subtypes; *s && !any; s++)
    any = **s == c;
  if (!any)
    return FALSE;
  for (const char *const *s = subtypes; *s; s++) {
    gsize n = strlen (*s);
    if (word_at (data, len, i, *s) && (i + n == len || token_end (data[i + n]) || len >= CN_MAX_HEADER_BYTES))
      return TRUE;
  }
  return FALSE;
}

/* Before the '/' at SLASH: TYPE, then white space; or a comment (')'),
 * taken as a yes. */
static gboolean
type_before (const char *data, gsize slash, const char *type)
{
  gsize i = slash;
  while (i > 0 && lwsp (data[i - 1]))
    i--;
  if (i > 0 && data[i - 1] == ')')
    return TRUE;
  gsize n = strlen (type);
  return i >= n && g_ascii_strncasecmp (data + i - n, type, n) == 0;
}

/* What the type around the '/' at SLASH names, as cn_prefilter_may_embed()
 * reads it. */
typedef enum {
  EMBED_NONE,
  EMBED_MESSAGE,     /* message/rfc822, rfc2822, global, news */
  EMBED_DIGEST,      /* multipart/digest                      */
} Embed;

static Embed
embed_at (const char *data, gsize len, gsize slash)
{
  static const char *const message[] = { "rfc822", "rfc2822", "global", "news", NULL };
  static const char *const multipart[] = { "digest", NULL };
  /* most '/' are in URLs and base64: what follows tells most apart at once */
  gsize i = slash + 1;
  while (i < len && lwsp (data[i]))
    i++;
  if (i >= len)
    return EMBED_NONE;
  switch (data[i] | 0x20) {
  case 'r': case 'g': case 'n': case 'd': case '(':
    break;
  default:
    return EMBED_NONE;
  }
  if (subtype_after (data, len, slash, message) && type_before (data, slash, "message"))
    return EMBED_MESSAGE;
  if (subtype_after (data, len, slash, multipart) && type_before (data, slash, "multipart"))
    return EMBED_DIGEST;
  return EMBED_NONE;
}

gboolean
cn_prefilter_may_embed (const char *data, gsize len)
{
  /* from every '/': a subtype after it, then the type before it */
  for (const char *p = data, *end = data + len; (p = memchr (p, '/', (gsize) (end - p))); p++)
    if (embed_at (data, len, (gsize) (p - data)) != EMBED_NONE)
      return TRUE;
  return FALSE;
}

/* ---- where an attached message is ----
 *
 * GMime takes a type from the raw value of a Content-Type field: the bytes
 * after its colon and the continuation lines (those starting with a blank)
 * after it.  So an occurrence counted above whose '/' is not, read back over
 * continuation lines, after the colon of a line starting a Content-Type
 * field is in no type GMime reads, whatever else the bytes around it are.
 * One that is may be the type of a part (or of the message, or of an
 * attached one): GMime then parses what follows the empty line that ends
 * that header block as the attached message.  When the rest of the header
 * block, from the field to the empty line, and the attached message's own
 * header block are read strictly (each_field), both are where and what
 * GMime reads, so the attached message's subject is known. */

typedef enum {
  LOCATED_NO_TYPE,   /* not in a Content-Type field: no type GMime reads */
  LOCATED,           /* the attached message's header block starts here  */
  LOCATED_UNSURE,
} Located;

/* What the occurrences looked at so far told (they come in order): so
 * that each line, field and header block is read once however many of
 * them it holds. */
typedef struct {
  gsize slash;             /* the last '/' looked at, G_MAXSIZE: none    */
  gsize line;              /* … its line's start                         */
  gssize field;            /* … its field's line start, -1: none         */
  gssize located;          /* the field last located, -1: none …         */
  int where;               /* … what locate() made of it (Located)       */
  gsize body;              /* … and where its attached message starts    */
  gsize block;             /* the last header block read to its end: the
                              field it was read from …                   */
  gsize block_body;        /* … and the offset past its empty line       */
} Memo;

#define MEMO_INIT { .slash = G_MAXSIZE, .line = G_MAXSIZE, .field = -1, .located = -1 }

/* The start of the line holding DATA[I]. */
static gsize
line_start (const char *data, gsize i)
{
  const char *nl = memrchr (data, '\n', i);
  return nl ? (gsize) (nl - data) + 1 : 0;
}

/* The start of the field line the '/' at SLASH is in (back over
 * continuation lines), -1 for none. */
static gssize
field_start (const char *data, gsize slash, Memo *memo)
{
  /* on the line of the last one: in its field */
  if (memo->slash != G_MAXSIZE && !memchr (data + memo->slash, '\n', slash - memo->slash)) {
    memo->slash = slash;
    return memo->field;
  }
  gsize first = line_start (data, slash), ls = first;
  gssize field;
  for (;;) {
    if (data[ls] != ' ' && data[ls] != '\t') {
      field = (gssize) ls;
      break;
    }
    if (ls == memo->line) {
      field = memo->field;     /* a continuation line of the same field */
      break;
    }
    if (ls == 0) {
      field = -1;              /* a continuation of nothing */
      break;
    }
    ls = line_start (data, ls - 1);
  }
  memo->slash = slash;
  memo->line = first;
  memo->field = field;
  return field;
}

/* A field of the header block a message/… type is in, from that type's
 * field on: no encoding GMime might be asked to undo (it parses an encoded
 * message part as no message, but that is not relied on), nothing mime.c's
 * parse copy would cut (tame()). */
static gboolean
part_field (const char *field, gsize len, gsize name_len, gssize colon, gpointer user)
{
  (void) user;
  if (len >= CN_MAX_HEADER_BYTES)
    return FALSE;
  if (!is_named (field, name_len, colon, "Content-Transfer-Encoding"))
    return TRUE;
  const char *v = field + colon + 1, *e = field + len;
  while (v < e && lwsp (*v))
    v++;
  while (e > v && lwsp (e[-1]))
    e--;
  gsize n = (gsize) (e - v);
  return (n == 4 && (g_ascii_strncasecmp (v, "7bit", 4) == 0 || g_ascii_strncasecmp (v, "8bit", 4) == 0)) ||
         (n == 6 && g_ascii_strncasecmp (v, "binary", 6) == 0);
}

/* Where the attached message whose type may be the occurrence of KIND at
 * SLASH starts: *BODY, past the empty line that ends the header block. */
static Located
locate_field (const char *data, gsize len, gsize slash, Embed kind, gssize f, Memo *memo, gsize *body)
{
  if (f < 0)
    return LOCATED_NO_TYPE;
  const char *line = data + f;
  const char *nl = memchr (line, '\n', len - (gsize) f);
  gsize n = nl ? (gsize) (nl - line) : len - (gsize) f;
  gsize name_len = 0;
  gssize colon = field_colon (line, n, &name_len);
  if (!is_named (line, name_len, colon, "Content-Type") || (gsize) f + (gsize) colon > slash)
    return LOCATED_NO_TYPE;
  /* a digest's parts are message/rfc822 when they say nothing */
  if (kind == EMBED_DIGEST)
    return LOCATED_UNSURE;
  /* a field of the header block read last ends where that one does */
  if (memo->block_body != 0 && (gsize) f >= memo->block && (gsize) f < memo->block_body) {
    *body = memo->block_body;
    return LOCATED;
  }
  gsize end = 0;
  if (!each_field (line, len - (gsize) f, TRUE, part_field, NULL, &end))
    return LOCATED_UNSURE;
  memo->block = (gsize) f;
  memo->block_body = *body = (gsize) f + end;
  return LOCATED;
}

static Located
locate (const char *data, gsize len, gsize slash, Embed kind, Memo *memo, gsize *body)
{
  gssize f = field_start (data, slash, memo);
  /* another type of the field located last (a digest's is unsure already) */
  if (f >= 0 && f == memo->located && kind == EMBED_MESSAGE) {
    *body = memo->body;
    return (Located) memo->where;
  }
  Located where = locate_field (data, len, slash, kind, f, memo, body);
  if (kind == EMBED_MESSAGE) {
    memo->located = f;
    memo->where = where;
    memo->body = *body;
  }
  return where;
}

/* Called with the subject of each attached message found; FALSE stops. */
typedef gboolean (*SubjectFunc) (const char *subject, gpointer user);

/* Call FN with the subject of the header block of each message GMime may
 * find attached in DATA, as mime.c reads it (each block once).  FALSE when
 * the reading is unsure, or FN stopped it. */
static gboolean
each_attached (const char *data, gsize len, SubjectFunc fn, gpointer user)
{
  Memo memo = MEMO_INIT;
  gsize last = G_MAXSIZE;      /* the last attached header block read */
  for (const char *p = data, *end = data + len; (p = memchr (p, '/', (gsize) (end - p))); p++) {
    gsize slash = (gsize) (p - data), body = 0;
    Embed kind = embed_at (data, len, slash);
    if (kind == EMBED_NONE)
      continue;
    Located where = locate (data, len, slash, kind, &memo, &body);
    if (where == LOCATED_NO_TYPE || (where == LOCATED && body == last))
      continue;
    if (where == LOCATED_UNSURE)
      return FALSE;
    last = body;
    g_autofree char *subject = read_block (data + body, len - body, TRUE, NULL, NULL);
    if (subject == NULL || !fn (subject, user))
      return FALSE;
  }
  return TRUE;
}

typedef struct {
  const CnPrefilterSet *set;
  gboolean any;            /* a subject was looked at */
} Ruling;

static gboolean
rules_out (const char *subject, gpointer user)
{
  Ruling *r = user;
  /* GMime may end an attached header block early (a line cut by its read
   * buffer that then looks like a boundary): the subject of any first part
   * of it — none, or this one — must be ruled out */
  if (!r->any && cn_prefilter_decide (r->set, "", FALSE) != CN_PREFILTER_NO)
    return FALSE;
  r->any = TRUE;
  return cn_prefilter_decide (r->set, subject, FALSE) == CN_PREFILTER_NO;
}

static gboolean
add_subject (const char *subject, gpointer user)
{
  g_ptr_array_add (user, g_strdup (subject));
  return TRUE;
}

GPtrArray *
cn_prefilter_attached_subjects (const char *data, gsize len)
{
  /* as cn_prefilter_mail() reads them: after the message's own (unsure of
   * bare CRs, which mime.c may make line ends) */
  g_autofree char *subject = read_block (data, len, FALSE, NULL, NULL);
  if (subject == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  if (!each_attached (data, len, add_subject, out)) {
    g_ptr_array_unref (out);
    return NULL;
  }
  return out;
}

/* ---- the entry points ---- */

CnPrefilter
cn_prefilter_mail (const CnPrefilterSet *rules, const char *data, gsize len, gsize *header_end)
{
  if (!cn_prefilter_enabled ())
    return CN_PREFILTER_MAYBE;
  gsize end = 0;
  g_autofree char *subject = read_block (data, len, FALSE, NULL, &end);
  if (subject == NULL || cn_prefilter_decide (rules, subject, FALSE) != CN_PREFILTER_NO)
    return CN_PREFILTER_MAYBE;
  Ruling ruling = { .set = rules };
  if (!each_attached (data, len, rules_out, &ruling))
    return CN_PREFILTER_MAYBE;
  if (header_end)
    *header_end = end;
  return CN_PREFILTER_NO;
}

CnPrefilter
cn_prefilter_headers (const CnPrefilterSet *rules, const char *headers, gsize len)
{
  if (!cn_prefilter_enabled ())
    return CN_PREFILTER_MAYBE;
  /* the parts are not here: a multipart (or message) type may hold one */
  gboolean composite = FALSE;
  g_autofree char *subject = read_block (headers, len, FALSE, &composite, NULL);
  if (subject == NULL)
    return CN_PREFILTER_MAYBE;
  return cn_prefilter_decide (rules, subject, composite);
}
