/* imapproto.c — IMAP4rev1 response parsing (RFC 3501), pure functions. */
#include "imapproto.h"
#include "certnotice.h"

#include <string.h>

/* "{123}" or "{123+}" just before the line end at END (exclusive of CRLF):
 * returns the literal's size, -1 when there is none, -2 when malformed. */
static gint64
literal_at_end (const char *line, gsize n)
{
  if (n < 3 || line[n - 1] != '}')
    return -1;
  gsize i = n - 1;
  if (i > 0 && line[i - 1] == '+')
    i--;
  gsize digits_end = i;
  while (i > 0 && g_ascii_isdigit (line[i - 1]))
    i--;
  if (i == 0 || line[i - 1] != '{')
    return -1;
  if (i == digits_end || digits_end - i > 10)
    return -2;
  guint64 v = 0;
  for (gsize k = i; k < digits_end; k++)
    v = v * 10 + (guint64) (line[k] - '0');
  return v > CN_IMAP_MAX_LITERAL ? -2 : (gint64) v;
}

gssize
cn_imap_response_length (const char *buf, gsize len)
{
  gsize pos = 0;
  for (;;) {
    const char *lf = memchr (buf + pos, '\n', len - pos);
    if (lf == NULL)
      return len - pos > CN_IMAP_MAX_LINE ? -1 : 0;
    gsize line_end = (gsize) (lf - buf);          /* index of '\n' */
    if (line_end - pos > CN_IMAP_MAX_LINE)
      return -1;
    gsize n = line_end - pos;
    if (n > 0 && buf[line_end - 1] == '\r')
      n--;
    gint64 lit = literal_at_end (buf + pos, n);
    if (lit == -2)
      return -1;
    pos = line_end + 1;
    if (lit < 0)
      return (gssize) pos;
    if (len - pos < (guint64) lit)
      return 0;
    pos += (gsize) lit;
  }
}

/* ---- tokenizer ---- */

typedef struct {
  const char *p, *end;
  guint items;
  GError **error;
} Tok;

static void
item_free (CnImapItem *it)
{
  if (it == NULL)
    return;
  g_free (it->str);
  if (it->list)
    g_ptr_array_unref (it->list);
  g_free (it);
}

static gboolean
fail (Tok *t, const char *what)
{
  if (t->error && *t->error == NULL)
    g_set_error (t->error, CN_ERROR, CN_ERROR_INPUT, "malformed IMAP response: %s", what);
  return FALSE;
}

static void
skip_spaces (Tok *t)
{
  while (t->p < t->end && *t->p == ' ')
    t->p++;
}

static gboolean at_line_end (Tok *t)
{
  return t->p >= t->end || *t->p == '\r' || *t->p == '\n';
}

static CnImapItem *parse_item (Tok *t, guint depth);

static CnImapItem *
parse_list (Tok *t, guint depth)
{
  if (depth > CN_IMAP_MAX_DEPTH) {
    fail (t, "lists nested too deeply");
    return NULL;
  }
  t->p++;   /* '(' */
  CnImapItem *it = g_new0 (CnImapItem, 1);
  it->type = CN_IMAP_LIST;
  it->list = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  for (;;) {
    skip_spaces (t);
    if (t->p >= t->end || *t->p == '\r' || *t->p == '\n') {
      fail (t, "unterminated list");
      item_free (it);
      return NULL;
    }
    if (*t->p == ')') {
      t->p++;
      return it;
    }
    CnImapItem *child = parse_item (t, depth + 1);
    if (child == NULL) {
      item_free (it);
      return NULL;
    }
    g_ptr_array_add (it->list, child);
  }
}

static CnImapItem *
parse_item (Tok *t, guint depth)
{
  if (++t->items > CN_IMAP_MAX_ITEMS) {
    fail (t, "too many items");
    return NULL;
  }
  if (*t->p == '(')
    return parse_list (t, depth);
  CnImapItem *it = g_new0 (CnImapItem, 1);
  if (*t->p == '"') {
    GString *s = g_string_new (NULL);
    t->p++;
    while (t->p < t->end && *t->p != '"') {
      if (*t->p == '\\' && t->p + 1 < t->end)
        t->p++;
      if (*t->p == '\r' || *t->p == '\n') {
        g_string_free (s, TRUE);
        g_free (it);
        fail (t, "line break in a quoted string");
        return NULL;
      }
      g_string_append_c (s, *t->p++);
    }
    if (t->p >= t->end) {
      g_string_free (s, TRUE);
      g_free (it);
      fail (t, "unterminated quoted string");
      return NULL;
    }
    t->p++;
    it->type = CN_IMAP_STRING;
    it->len = s->len;
    it->str = g_string_free (s, FALSE);
    return it;
  }
  if (*t->p == '{') {
    const char *close = memchr (t->p, '}', (gsize) (t->end - t->p));
    guint64 n = 0;
    const char *d = t->p + 1;
    while (d < t->end && g_ascii_isdigit (*d) && d - t->p < 12)
      n = n * 10 + (guint64) (*d++ - '0');
    if (d < t->end && *d == '+')
      d++;
    if (close == NULL || d != close || d == t->p + 1 || n > CN_IMAP_MAX_LITERAL) {
      g_free (it);
      fail (t, "malformed literal");
      return NULL;
    }
    const char *data = close + 1;
    if (data < t->end && *data == '\r')
      data++;
    if (data >= t->end || *data != '\n' || (guint64) (t->end - data - 1) < n) {
      g_free (it);
      fail (t, "truncated literal");
      return NULL;
    }
    data++;
    it->type = CN_IMAP_STRING;
    it->len = (gsize) n;
    it->str = g_malloc (it->len + 1);
    memcpy (it->str, data, it->len);
    it->str[it->len] = '\0';
    t->p = data + n;
    return it;
  }
  /* an atom; "[...]" sections (BODY[HEADER.FIELDS (A B)]) belong to it */
  const char *start = t->p;
  int bracket = 0;
  while (t->p < t->end) {
    char c = *t->p;
    if (c == '\r' || c == '\n')
      break;
    if (bracket == 0 && (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{'))
      break;
    if ((guchar) c < 0x20 || c == 0x7f) {
      g_free (it);
      fail (t, "control character in an atom");
      return NULL;
    }
    if (c == '[')
      bracket++;
    else if (c == ']' && bracket > 0)
      bracket--;
    t->p++;
  }
  if (t->p == start || bracket != 0) {
    g_free (it);
    fail (t, t->p == start ? "unexpected character" : "unbalanced [");
    return NULL;
  }
  /* a section may be followed by <origin> */
  if (t->p < t->end && *t->p == '<') {
    while (t->p < t->end && *t->p != '>' && *t->p != ' ' && *t->p != '\r')
      t->p++;
    if (t->p < t->end && *t->p == '>')
      t->p++;
  }
  it->type = CN_IMAP_ATOM;
  it->len = (gsize) (t->p - start);
  it->str = g_strndup (start, it->len);
  return it;
}

/* ---- responses ---- */

void
cn_imap_response_free (CnImapResponse *r)
{
  if (r == NULL)
    return;
  g_free (r->tag);
  g_free (r->status);
  g_free (r->code);
  g_free (r->text);
  g_free (r->name);
  if (r->items)
    g_ptr_array_unref (r->items);
  g_free (r);
}

static char *
word (Tok *t)
{
  skip_spaces (t);
  const char *s = t->p;
  while (t->p < t->end && *t->p != ' ' && *t->p != '\r' && *t->p != '\n') {
    if ((guchar) *t->p < 0x20 || *t->p == 0x7f)
      return NULL;   /* no control character in a tag or keyword */
    t->p++;
  }
  return t->p > s ? g_strndup (s, (gsize) (t->p - s)) : NULL;
}

/* The human text up to the line end, leading spaces skipped. */
static char *
rest_of_line (Tok *t)
{
  skip_spaces (t);
  const char *s = t->p;
  while (!at_line_end (t))
    t->p++;
  return g_strndup (s, (gsize) (t->p - s));
}

static gboolean
is_status (const char *w)
{
  return w && (!g_ascii_strcasecmp (w, "OK") || !g_ascii_strcasecmp (w, "NO") ||
               !g_ascii_strcasecmp (w, "BAD") || !g_ascii_strcasecmp (w, "BYE") ||
               !g_ascii_strcasecmp (w, "PREAUTH"));
}

gboolean
cn_imap_number (const char *s, guint32 *out)
{
  if (s == NULL || *s == '\0' || strlen (s) > 10)
    return FALSE;
  guint64 v = 0;
  for (const char *c = s; *c; c++) {
    if (!g_ascii_isdigit (*c))
      return FALSE;
    v = v * 10 + (guint64) (*c - '0');
  }
  if (v > G_MAXUINT32)
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

CnImapResponse *
cn_imap_parse (const char *buf, gsize len, GError **error)
{
  Tok t = { .p = buf, .end = buf + len, .error = error };
  g_autoptr (CnImapResponse) r = g_new0 (CnImapResponse, 1);
  r->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  r->tag = word (&t);
  if (r->tag == NULL) {
    fail (&t, "empty");
    return NULL;
  }
  if (strcmp (r->tag, "+") == 0) {      /* continuation request */
    r->text = rest_of_line (&t);
    return g_steal_pointer (&r);
  }
  g_autofree char *w = word (&t);
  if (w == NULL) {
    fail (&t, "no response after the tag");
    return NULL;
  }
  guint32 num;
  if (strcmp (r->tag, "*") == 0 && cn_imap_number (w, &num)) {
    r->number = num;
    g_free (w);
    w = word (&t);
    if (w == NULL) {
      fail (&t, "a number and nothing after it");
      return NULL;
    }
  }
  if (is_status (w)) {
    r->status = g_ascii_strup (w, -1);
    skip_spaces (&t);
    if (t.p < t.end && *t.p == '[') {
      const char *close = memchr (t.p, ']', (gsize) (t.end - t.p));
      const char *eol = t.p;
      while (eol < t.end && *eol != '\r' && *eol != '\n')
        eol++;
      if (close && close < eol) {
        r->code = g_strndup (t.p + 1, (gsize) (close - t.p - 1));
        t.p = close + 1;
      }
    }
    r->text = rest_of_line (&t);
    return g_steal_pointer (&r);
  }
  r->name = g_ascii_strup (w, -1);
  for (;;) {
    skip_spaces (&t);
    if (at_line_end (&t))
      break;
    CnImapItem *it = parse_item (&t, 0);
    if (it == NULL)
      return NULL;
    g_ptr_array_add (r->items, it);
  }
  return g_steal_pointer (&r);
}

const CnImapItem *
cn_imap_fetch_attr (const CnImapResponse *r, const char *name)
{
  if (r->name == NULL || strcmp (r->name, "FETCH") != 0 || r->items->len != 1)
    return NULL;
  const CnImapItem *list = r->items->pdata[0];
  if (list->type != CN_IMAP_LIST)
    return NULL;
  gsize n = strlen (name);
  gboolean prefix = n > 0 && name[n - 1] == '[';
  for (guint i = 0; i + 1 < list->list->len; i += 2) {
    const CnImapItem *k = list->list->pdata[i];
    if (k->type != CN_IMAP_ATOM)
      continue;
    if (prefix ? g_ascii_strncasecmp (k->str, name, n) == 0 : g_ascii_strcasecmp (k->str, name) == 0)
      return list->list->pdata[i + 1];
  }
  return NULL;
}

char *
cn_imap_quote (const char *s)
{
  GString *q = g_string_new ("\"");
  for (const char *c = s; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_c (q, '\\');
    if (*c != '\r' && *c != '\n')
      g_string_append_c (q, *c);
  }
  g_string_append_c (q, '"');
  return g_string_free (q, FALSE);
}

/* ---- mailbox names ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static void
utf7_flush (GString *out, const guint16 *units, gsize n)
{
  guint32 bits = 0;
  int nbits = 0;
  g_string_append_c (out, '&');
  for (gsize i = 0; i < n; i++) {
    for (int k = 1; k >= 0; k--) {
      bits = (bits << 8) | ((units[i] >> (8 * k)) & 0xff);
      nbits += 8;
      while (nbits >= 6) {
        nbits -= 6;
        g_string_append_c (out, b64[(bits >> nbits) & 0x3f]);
      }
    }
  }
  if (nbits > 0)
    g_string_append_c (out, b64[(bits << (6 - nbits)) & 0x3f]);
  g_string_append_c (out, '-');
}

char *
cn_imap_utf7_encode (const char *s)
{
  if (!g_utf8_validate (s, -1, NULL))
    return NULL;
  GString *out = g_string_new (NULL);
  g_autoptr (GArray) run = g_array_new (FALSE, FALSE, sizeof (guint16));
  for (const char *p = s; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (c >= 0x20 && c <= 0x7e) {
      if (run->len) {
        utf7_flush (out, (const guint16 *) run->data, run->len);
        g_array_set_size (run, 0);
      }
      if (c == '&')
        g_string_append (out, "&-");
      else
        g_string_append_c (out, (char) c);
      continue;
    }
    if (c >= 0x10000) {
      guint16 hi = (guint16) (0xd800 + ((c - 0x10000) >> 10)), lo = (guint16) (0xdc00 + ((c - 0x10000) & 0x3ff));
      g_array_append_val (run, hi);
      g_array_append_val (run, lo);
    } else {
      guint16 u = (guint16) c;
      g_array_append_val (run, u);
    }
  }
  if (run->len)
    utf7_flush (out, (const guint16 *) run->data, run->len);
  return g_string_free (out, FALSE);
}

char *
cn_imap_utf7_decode (const char *s)
{
  GString *out = g_string_new (NULL);
  for (const char *p = s; *p; p++) {
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      goto bad;
    if (*p != '&') {
      g_string_append_c (out, *p);
      continue;
    }
    if (p[1] == '-') {
      g_string_append_c (out, '&');
      p++;
      continue;
    }
    /* a base64 run of UTF-16BE up to '-' */
    guint32 bits = 0;
    int nbits = 0;
    gunichar hi = 0;
    gboolean any = FALSE;
    for (p++; *p != '-'; p++) {
      const char *k = *p ? strchr (b64, *p) : NULL;
      if (k == NULL)
        goto bad;
      bits = (bits << 6) | (guint32) (k - b64);
      nbits += 6;
      if (nbits >= 16) {
        nbits -= 16;
        gunichar u = (bits >> nbits) & 0xffff;
        any = TRUE;
        if (hi) {
          if (u < 0xdc00 || u > 0xdfff)
            goto bad;
          g_string_append_unichar (out, 0x10000 + ((hi - 0xd800) << 10) + (u - 0xdc00));
          hi = 0;
        } else if (u >= 0xd800 && u <= 0xdbff) {
          hi = u;
        } else if ((u >= 0xdc00 && u <= 0xdfff) || (u >= 0x20 && u <= 0x7e)) {
          goto bad;   /* a lone low surrogate; printable ASCII must stand for itself */
        } else {
          g_string_append_unichar (out, u);
        }
      }
    }
    /* leftover bits must be zero padding, shorter than one unit */
    if (!any || hi || nbits >= 6 || (bits & ((1u << nbits) - 1)) != 0)
      goto bad;
  }
  return g_string_free (out, FALSE);
bad:
  g_string_free (out, TRUE);
  return NULL;
}

gboolean
cn_imap_mailbox_valid (const char *name, GError **error)
{
  const char *why = NULL;
  if (!g_utf8_validate (name, -1, NULL))
    why = "not UTF-8";
  else if (*name == '\0')
    why = "empty";
  else if (*name == '/' || name[strlen (name) - 1] == '/' || strstr (name, "//"))
    why = "an empty level ('/' separates the levels: Parent/Child)";
  else
    for (const char *p = name; *p && why == NULL; p++)
      if ((guchar) *p < 0x20 || *p == 0x7f)
        why = "a control character";
  if (why) {
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "mailbox '%s': %s", name, why);
    return FALSE;
  }
  return TRUE;
}

char *
cn_imap_mailbox_to_server (const char *name, char delim, const char *prefix, GError **error)
{
  if (!cn_imap_mailbox_valid (name, error))
    return NULL;
  g_auto (GStrv) levels = g_strsplit (name, "/", -1);
  if (levels[1] && delim == '\0') {
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG,
                 "mailbox '%s': the server has no hierarchy (no folders within folders)", name);
    return NULL;
  }
  for (char **l = levels; *l; l++)
    if (delim && strchr (*l, delim)) {
      g_set_error (error, CN_ERROR, CN_ERROR_CONFIG,
                   "mailbox '%s': '%s' holds '%c', the server's hierarchy delimiter (write levels "
                   "with '/': Parent/Child)", name, *l, delim);
      return NULL;
    }
  char sep[2] = { delim ? delim : '/', 0 };
  g_autofree char *joined = g_strjoinv (sep, levels);
  g_autofree char *utf7 = cn_imap_utf7_encode (joined);
  gboolean inbox = g_ascii_strcasecmp (name, "INBOX") == 0;
  if (prefix == NULL || *prefix == '\0' || inbox)
    return g_steal_pointer (&utf7);
  gsize n = strlen (prefix);
  gboolean has = g_ascii_strncasecmp (prefix, "INBOX", 5) == 0 ? g_ascii_strncasecmp (utf7, prefix, n) == 0
                                                                : strncmp (utf7, prefix, n) == 0;
  return has ? g_steal_pointer (&utf7) : g_strconcat (prefix, utf7, NULL);
}
