/* mime.c — the GMime wrapper: from parsed messages to CnMail records. */
#include "mime.h"
#include "prefilter.h"
#include "text.h"

#include <string.h>

static GMimeParserOptions *parser_options;

void
cn_mime_init (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once)) {
    g_mime_init ();
    parser_options = g_mime_parser_options_new ();
    g_mime_parser_options_set_rfc2047_compliance_mode (parser_options, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode (parser_options, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode (parser_options, GMIME_RFC_COMPLIANCE_LOOSE);
    const char *fallback[] = { "UTF-8", "CP932", "EUC-JP", "ISO-8859-1", NULL };
    g_mime_parser_options_set_fallback_charsets (parser_options, fallback);
    g_once_init_leave (&once, 1);
  }
}

/* ---- preparing the bytes for GMime ---- */

/* Free the GByteArray wrapper only: its data belongs to the caller. */
static void
free_view (gpointer view)
{
  g_byte_array_free (view, FALSE);
}

/* The line GMime's header parser cannot get past: no ':' within its
 * 4 KiB scan buffer (it waits for more input that never fits), so the rest
 * of the message — and of an mbox — is lost.  Such lines are cut in the
 * parse copy (docs/VIOLATIONS.md); shorter colonless lines GMime skips. */
#define CN_COLONLESS_CUT   998

/* One pass over the bytes: what the parse copy must repair, and where to
 * stop parsing. */
typedef struct {
  gboolean long_field;    /* a header field over CN_MAX_HEADER_BYTES        */
  gboolean colonless;     /* a header-block line GMime cannot scan past     */
  gsize cut;              /* parse only this much (the part limit)          */
  gboolean cut_at;        /* … and that is less than the whole              */
} Prescan;

static gboolean
line_has_colon (const char *p, gsize n)
{
  return memchr (p, ':', MIN (n, (gsize) CN_COLONLESS_LIMIT)) != NULL;
}

static void
prescan (const char *data, gsize len, Prescan *ps)
{
  memset (ps, 0, sizeof *ps);
  ps->cut = len;
  /* GMime builds an object per part (~2.5 KB each): count the lines that
   * could be MIME delimiters and stop parsing where the part limit is
   * passed, so memory stays bounded by the mail, not by its part count.
   * Header blocks are the top one and those after a delimiter line. */
  guint delimiters = 0;
  gboolean in_header = TRUE;
  const char *p = data, *end = data + len, *field = NULL;
  while (p < end) {
    const char *nl = memchr (p, '\n', (gsize) (end - p));
    const char *line_end = nl ? nl + 1 : end;
    gsize n = (gsize) (line_end - p);
    gboolean blank = n == 1 || (n == 2 && *p == '\r') || (nl == NULL && n == 0);
    if (n >= 2 && p[0] == '-' && p[1] == '-') {
      if (++delimiters > CN_MAX_MIME_PARTS + 16) {
        ps->cut = (gsize) (p - data);
        return;
      }
      in_header = TRUE;
      field = NULL;
    } else if (in_header) {
      if (blank) {
        in_header = FALSE;
      } else {
        if (*p != ' ' && *p != '\t') {
          field = p;
          if (n > CN_COLONLESS_LIMIT && !line_has_colon (p, n))
            ps->colonless = TRUE;
        }
        if (field && (gsize) (line_end - field) > CN_MAX_HEADER_BYTES)
          ps->long_field = TRUE;
      }
    }
    if (nl == NULL)
      break;
    p = line_end;
  }
}

GByteArray *
cn_mime_lf_copy (const char *data, gsize len)
{
  gsize head = MIN (len, 8192);
  if (head == 0 || !memchr (data, '\r', head) || memchr (data, '\n', head))
    return NULL;
  GByteArray *out = g_byte_array_sized_new (len);
  g_byte_array_append (out, (const guint8 *) data, len);
  for (gsize i = 0; i < len; i++)
    if (out->data[i] == '\r' && (i + 1 == len || out->data[i + 1] != '\n'))
      out->data[i] = '\n';
  return out;
}

/* A copy of DATA's first LEN bytes in which, in the header blocks (the top
 * one and those after delimiter lines), no header field is longer than
 * CN_MAX_HEADER_BYTES (GMime decodes some headers itself while parsing, at
 * ~10 bytes of memory per byte of a long encoded Subject) and no line GMime
 * cannot scan past is longer than CN_COLONLESS_CUT.  Bodies are copied as
 * they are. */
static GByteArray *
tame (const char *data, gsize len)
{
  GByteArray *out = g_byte_array_sized_new (len);
  const char *p = data, *end = data + len;
  gsize kept = 0;
  gboolean in_header = TRUE;
  while (p < end) {
    const char *nl = memchr (p, '\n', (gsize) (end - p));
    const char *line_end = nl ? nl + 1 : end;
    gsize n = (gsize) (line_end - p);
    gboolean blank = n == 1 || (n == 2 && *p == '\r');
    if (n >= 2 && p[0] == '-' && p[1] == '-') {
      in_header = TRUE;
      kept = 0;
      g_byte_array_append (out, (const guint8 *) p, (guint) n);
    } else if (!in_header || blank) {
      in_header = in_header && !blank;
      g_byte_array_append (out, (const guint8 *) p, (guint) n);
    } else {
      if (*p != ' ' && *p != '\t') {
        kept = 0;
        if (n > CN_COLONLESS_LIMIT && !line_has_colon (p, n)) {
          g_byte_array_append (out, (const guint8 *) p, CN_COLONLESS_CUT);
          g_byte_array_append (out, (const guint8 *) "\n", 1);
          p = line_end;
          continue;
        }
      }
      if (kept < CN_MAX_HEADER_BYTES) {
        gsize take = MIN (n, CN_MAX_HEADER_BYTES - kept);
        g_byte_array_append (out, (const guint8 *) p, (guint) take);
        if (take < n)
          g_byte_array_append (out, (const guint8 *) "\n", 1);
        kept += take;
      }
    }
    p = line_end;
  }
  return out;
}

/* Parse the first LEN bytes of DATA in place (DATA must outlive the
 * message).  Returns a new reference, or NULL when GMime finds no message. */
static GMimeMessage *
parse_in_place (const char *data, gsize len)
{
  /* the stream reads DATA without owning it; the message made from it
   * holds the stream, the stream holds the GByteArray wrapper only */
  GByteArray *view = g_byte_array_new_take ((guint8 *) data, len);
  g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_byte_array (view);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  g_object_set_data_full (G_OBJECT (stream), "cn-view", view, free_view);
  g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  return g_mime_parser_construct_message (parser, parser_options);
}

CnMail *
cn_mime_unparsable (const char *source, guint index)
{
  CnMail *m = cn_mail_new ();
  m->source = g_strdup (source);
  m->index = index;
  g_ptr_array_add (m->warnings, g_strdup ("not a mail message: no header could be read"));
  return m;
}

/* ---- headers ---- */

static void literal_domains (const char *s, gsize n, GPtrArray *out);

/* What a record takes from one header field (NAME, its raw value RAW, at
 * most CN_MAX_HEADER_BYTES long): the Subject (the first that decodes to
 * something), every Authentication-Results, the newest Received's date,
 * the domains of every From (read_from). */
static void
take_field (CnMail *m, const char *name, const char *raw, CnDecodeStatus *st)
{
  if (g_ascii_strcasecmp (name, "Subject") == 0 && *m->subject == '\0') {
    g_autofree char *dec = cn_text_decode_header (raw, st);
    g_free (m->subject);
    m->subject = cn_text_for_matching (dec, strlen (dec), FALSE);
    g_strchomp (m->subject);
  } else if (g_ascii_strcasecmp (name, "Authentication-Results") == 0) {
    /* as written, in header order (authn.c believes the topmost field of
     * each authserv-id): a structured field, no RFC 2047 decoding */
    g_ptr_array_add (m->auth_results, g_utf8_make_valid (raw, -1));
  } else if (g_ascii_strcasecmp (name, "Received") == 0 && m->received == NULL) {
    /* the topmost Received: is the newest; its date follows the last ';' */
    const char *semi = strrchr (raw, ';');
    if (semi)
      m->received = g_mime_utils_header_decode_date (semi + 1);
  } else if (g_ascii_strcasecmp (name, "From") == 0) {
    literal_domains (raw, strlen (raw), m->from_domains);
  }
}

/* Returns TRUE when a decoder could not be opened (CnDecodeStatus). */
static gboolean
read_headers (GMimeMessage *msg, CnMail *m)
{
  GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (msg));
  int count = g_mime_header_list_get_count (list);
  CnDecodeStatus st = { 0 };
  if (count > CN_MAX_HEADERS) {
    g_ptr_array_add (m->warnings, g_strdup_printf ("%d headers; only the first %d were read",
                                                   count, CN_MAX_HEADERS));
    count = CN_MAX_HEADERS;
  }
  for (int i = 0; i < count; i++) {
    GMimeHeader *h = g_mime_header_list_get_header_at (list, i);
    const char *name = g_mime_header_get_name (h);
    const char *raw = g_mime_header_get_raw_value (h);
    if (name == NULL || raw == NULL)
      continue;
    g_autofree char *cut = NULL;
    if (strlen (raw) > CN_MAX_HEADER_BYTES) {
      cut = g_strndup (raw, CN_MAX_HEADER_BYTES);
      raw = cut;
      g_ptr_array_add (m->warnings, g_strdup_printf ("%s: only the first %u bytes were read", name,
                                                     CN_MAX_HEADER_BYTES));
    }
    take_field (m, name, raw, &st);
  }
  if (st.lossy)
    g_ptr_array_add (m->warnings, g_strdup ("Subject: undecodable bytes replaced"));
  return st.resource_failure;
}

/* ---- From ----
 *
 * The sender's domain is the one the user's MTA authenticated (SPF, DKIM
 * alignment, DMARC): the domain as written in the From header, byte for
 * byte.  GMime's parse normalises it — it decodes xn-- labels to Unicode,
 * drops a trailing dot, and its IDNA encoding maps ｃｏｎｏｈａ．ｊｐ or
 * mixhost。jp to the ASCII names they resemble — so the domains are read
 * from the raw header text here, and compared as they are (authn.c). */

/* The length of an RFC 2047 encoded word at P ("=?cs?e?text?="), else 0. */
static gsize
encoded_word_len (const char *p, const char *end)
{
  if (end - p < 2 || p[0] != '=' || p[1] != '?')
    return 0;
  int q = 0;   /* the '?'s seen after "=?" */
  for (const char *c = p + 2; c < end; c++) {
    if (*c == ' ' || *c == '\t' || *c == '\r' || *c == '\n')
      return 0;
    if (*c == '?') {
      q++;
      if (q >= 3 && c + 1 < end && c[1] == '=')
        return (gsize) (c + 2 - p);
    }
  }
  return 0;
}

/* Append to OUT (char *) the domain of every '@' in the raw From value S
 * that is not inside a quoted string, a comment or an encoded word: the
 * bytes after it up to a delimiter, ASCII letters lowercased, made valid
 * UTF-8 ("" when none follow).  A domain literal "[…]" is taken whole. */
static void
literal_domains (const char *s, gsize n, GPtrArray *out)
{
  const char *p = s, *end = s + n;
  int depth = 0;
  gboolean quoted = FALSE;
  while (p < end) {
    char c = *p;
    if (quoted || depth > 0) {
      if (c == '\\' && p + 1 < end)
        p++;
      else if (quoted && c == '"')
        quoted = FALSE;
      else if (!quoted && c == '(')
        depth++;
      else if (!quoted && c == ')')
        depth--;
      p++;
      continue;
    }
    gsize ew = encoded_word_len (p, end);
    if (ew) {
      p += ew;
      continue;
    }
    if (c == '"') {
      quoted = TRUE;
    } else if (c == '(') {
      depth = 1;
    } else if (c == '@') {
      const char *d = p + 1;
      while (d < end && (*d == ' ' || *d == '\t' || *d == '\r' || *d == '\n'))
        d++;
      const char *e = d;
      if (e < end && *e == '[') {
        while (e < end && *e != ']')
          e++;
        if (e < end)
          e++;
      } else {
        while (e < end && !strchr (" \t\r\n<>,;:()\"@[", *e))
          e++;
      }
      g_autofree char *raw = g_strndup (d, (gsize) (e - d));
      for (char *r = raw; *r; r++)
        *r = g_ascii_tolower (*r);
      g_ptr_array_add (out, g_utf8_make_valid (raw, -1));
      p = e;
      continue;
    }
    p++;
  }
}

/* The first mailbox of LIST, groups included (recursively), or NULL. */
static InternetAddressMailbox *
first_mailbox (InternetAddressList *list, guint depth)
{
  for (int i = 0; list && i < internet_address_list_length (list); i++) {
    InternetAddress *ia = internet_address_list_get_address (list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX (ia))
      return INTERNET_ADDRESS_MAILBOX (ia);
    if (INTERNET_ADDRESS_IS_GROUP (ia) && depth < 8) {
      InternetAddressMailbox *m = first_mailbox (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)),
                                                 depth + 1);
      if (m)
        return m;
    }
  }
  return NULL;
}

/* The sender shown, from FROM (GMime's addresses of a message's From; the
 * domains of every From header are read by take_field()): its first
 * mailbox. */
static void
read_from (InternetAddressList *from, CnMail *m)
{
  InternetAddressMailbox *mb = first_mailbox (from, 0);   /* owned by FROM */
  if (mb == NULL)
    return;
  const char *addr = internet_address_mailbox_get_addr (mb);
  m->from_addr = addr ? g_utf8_make_valid (addr, -1) : NULL;
  m->from_domain = m->from_domains->len > 0 ? g_strdup (m->from_domains->pdata[0]) : NULL;
  const char *name = internet_address_get_name (INTERNET_ADDRESS (mb));
  if (name && *name)
    m->from_display = g_utf8_make_valid (name, -1);
}

/* ---- body ---- */

typedef struct {
  GString *text;
  guint parts;
  CnDecodeStatus st;
  gboolean truncated;
  gboolean too_deep;
  GPtrArray *embedded;    /* GMimeMessagePart* (borrowed) */
  GPtrArray *paths;       /* their part paths (owned)     */
  /* skimming: the mail cannot be a notice (prefilter.h), so its text is
   * not decoded; only the messages attached to it are looked for, and
   * they are found as the full walk finds them unless UNDECIDED */
  gboolean skim;
  gboolean undecided;     /* which parts the full walk visits depends on
                             the text: walk again in full                */
} Walk;

static void
walk_init (Walk *w, gboolean skim)
{
  *w = (Walk) { .text = g_string_new (NULL), .embedded = g_ptr_array_new (),
                .paths = g_ptr_array_new_with_free_func (g_free), .skim = skim };
}

static void
walk_clear (Walk *w)
{
  g_string_free (w->text, TRUE);
  g_ptr_array_unref (w->embedded);
  g_ptr_array_unref (w->paths);
}

static gboolean
is_attachment (GMimeObject *obj)
{
  const char *disp = g_mime_object_get_disposition (obj);
  return disp != NULL && g_ascii_strcasecmp (disp, "attachment") == 0;
}

static void
append_part_text (GMimePart *part, gboolean html, Walk *w)
{
  if (w->text->len >= CN_MAX_TEXT_BYTES) {
    w->truncated = TRUE;
    return;
  }
  GMimeDataWrapper *content = g_mime_part_get_content (part);   /* owned by part */
  if (content == NULL)
    return;
  g_autoptr (GMimeStream) mem = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (content, mem);
  GByteArray *ba = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));  /* owned by mem */
  gsize len = ba->len;
  if (len > CN_MAX_TEXT_BYTES - w->text->len) {
    len = CN_MAX_TEXT_BYTES - w->text->len;
    w->truncated = TRUE;
  }
  const char *cs = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "charset");
  g_autofree char *utf8 = cn_text_to_utf8 ((const char *) ba->data, len, cs, &w->st);
  if (html) {
    g_autofree char *plain = cn_text_html_to_text (utf8, strlen (utf8));
    g_string_append (w->text, plain);
  } else {
    g_string_append (w->text, utf8);
  }
  g_string_append_c (w->text, '\n');
}

static gboolean
is_text (GMimeObject *obj, const char *subtype)
{
  GMimeContentType *ct = g_mime_object_get_content_type (obj);
  return GMIME_IS_PART (obj) && ct && g_mime_content_type_is_type (ct, "text", subtype);
}

static void walk (GMimeObject *obj, Walk *w, guint depth, const char *path);

static void
walk_alternative (GMimeMultipart *mp, Walk *w, guint depth, const char *path)
{
  int n = g_mime_multipart_get_count (mp);
  int plain = -1, html = -1, other = -1;
  for (int i = 0; i < n; i++) {
    GMimeObject *child = g_mime_multipart_get_part (mp, i);
    if (plain < 0 && is_text (child, "plain"))
      plain = i;
    else if (html < 0 && is_text (child, "html"))
      html = i;
    else if (other < 0 && GMIME_IS_MULTIPART (child))
      other = i;
  }
  /* text/plain unless it is empty and something richer exists */
  int pick = plain >= 0 ? plain : html >= 0 ? html : other;
  if (pick == plain && plain >= 0 && (html >= 0 || other >= 0) && w->skim) {
    /* whether the fallback is walked depends on the plain text, which
     * skimming does not decode: a text/html fallback is a leaf (nothing
     * attached inside it either way), a multipart one is not */
    if (html < 0) {
      w->undecided = TRUE;
      return;
    }
    pick = plain;
  } else if (pick == plain && plain >= 0 && (html >= 0 || other >= 0)) {
    gsize before = w->text->len;
    g_autofree char *p = g_strdup_printf ("%s.%d", path, plain + 1);
    walk (g_mime_multipart_get_part (mp, plain), w, depth + 1, p);
    gboolean empty = TRUE;
    for (gsize i = before; i < w->text->len; i++)
      if (!g_ascii_isspace (w->text->str[i]))
        empty = FALSE;
    if (!empty)
      return;
    pick = html >= 0 ? html : other;
  }
  if (pick >= 0) {
    g_autofree char *p = g_strdup_printf ("%s.%d", path, pick + 1);
    walk (g_mime_multipart_get_part (mp, pick), w, depth + 1, p);
  }
}

static void
walk (GMimeObject *obj, Walk *w, guint depth, const char *path)
{
  if (obj == NULL)
    return;
  if (depth > CN_MAX_MIME_DEPTH) {
    w->too_deep = TRUE;
    return;
  }
  if (++w->parts > CN_MAX_MIME_PARTS)
    return;

  if (GMIME_IS_MULTIPART (obj)) {
    GMimeMultipart *mp = GMIME_MULTIPART (obj);
    GMimeContentType *ct = g_mime_object_get_content_type (obj);
    if (ct && g_mime_content_type_is_type (ct, "multipart", "alternative")) {
      walk_alternative (mp, w, depth, path);
      return;
    }
    int n = g_mime_multipart_get_count (mp);
    for (int i = 0; i < n && w->parts <= CN_MAX_MIME_PARTS; i++) {
      g_autofree char *p = *path ? g_strdup_printf ("%s.%d", path, i + 1)
                                 : g_strdup_printf ("%d", i + 1);
      walk (g_mime_multipart_get_part (mp, i), w, depth + 1, p);
    }
  } else if (GMIME_IS_MESSAGE_PART (obj)) {
    g_ptr_array_add (w->embedded, obj);
    g_ptr_array_add (w->paths, g_strdup (*path ? path : "1"));
  } else if (GMIME_IS_PART (obj) && !is_attachment (obj) && !w->skim) {
    if (is_text (obj, "plain"))
      append_part_text (GMIME_PART (obj), FALSE, w);
    else if (is_text (obj, "html"))
      append_part_text (GMIME_PART (obj), TRUE, w);
  }
}

/* The warnings about the parse copy's header lines (PS) into M. */
static void
header_warnings (const Prescan *ps, CnMail *m)
{
  if (ps->long_field)
    g_ptr_array_add (m->warnings, g_strdup_printf ("a header field longer than %u bytes: only its first "
                                                   "%u bytes were read", CN_MAX_HEADER_BYTES, CN_MAX_HEADER_BYTES));
  if (ps->colonless)
    g_ptr_array_add (m->warnings, g_strdup_printf ("a header line over %d bytes without a colon: cut to "
                                                   "%d bytes for parsing", CN_COLONLESS_LIMIT, CN_COLONLESS_CUT));
}

/* What a record takes from the message's own header block, and the
 * warnings about the parse copy (PS: the prescan of the whole message, or
 * of the header block alone).  Returns TRUE when a decoder could not be
 * opened. */
static gboolean
collect_header (GMimeMessage *msg, const Prescan *ps, CnMail *m)
{
  const char *mid = g_mime_message_get_message_id (msg);   /* owned by msg */
  if (mid && *mid)
    m->message_id = g_utf8_make_valid (mid, -1);
  GDateTime *date = g_mime_message_get_date (msg);        /* owned by msg */
  if (date)
    m->date = g_date_time_ref (date);
  gboolean no_decoder = read_headers (msg, m);
  read_from (g_mime_message_get_from (msg), m);   /* owned by msg */
  if (ps)
    header_warnings (ps, m);
  return no_decoder;
}

static CnMail *
new_record (const char *source, guint index, const char *part)
{
  CnMail *m = cn_mail_new ();
  m->source = g_strdup (source);
  m->index = index;
  m->part = g_strdup (part);
  m->embedded = part != NULL;
  return m;
}

/* The records of MSG and of the messages attached to it, into OUT.  With
 * PREFILTER, the text of a mail whose subject it rules out is not decoded
 * (the record's body stays empty). */
static void
collect (GMimeMessage *msg, const char *source, guint index, const char *part,
         guint depth, const Prescan *ps, const CnPrefilterSet *prefilter, GPtrArray *out)
{
  CnMail *m = new_record (source, index, part);
  g_ptr_array_add (out, m);
  gboolean no_decoder = collect_header (msg, NULL, m);

  gboolean skim = prefilter && cn_prefilter_decide (prefilter, m->subject, FALSE) == CN_PREFILTER_NO;
  m->ruled_out = skim;
  Walk w;
  walk_init (&w, skim);
  walk (g_mime_message_get_mime_part (msg), &w, depth, part ? part : "");
  /* the full walk visits at most one more part per multipart/alternative
   * (a text/html fallback): below half the part limit it meets the same
   * attached messages */
  if (skim && (w.undecided || w.parts > CN_MAX_MIME_PARTS / 2)) {
    walk_clear (&w);
    walk_init (&w, FALSE);
    walk (g_mime_message_get_mime_part (msg), &w, depth, part ? part : "");
  }
  if (!w.skim) {
    g_free (m->body);
    m->body = cn_text_for_matching (w.text->str, w.text->len, TRUE);
  }
  if (w.st.lossy)
    g_ptr_array_add (m->warnings, g_strdup ("body: undecodable bytes replaced"));
  if (w.truncated)
    g_ptr_array_add (m->warnings, g_strdup_printf ("body: only the first %u bytes of text were scanned",
                                                   CN_MAX_TEXT_BYTES));
  if (w.too_deep)
    g_ptr_array_add (m->warnings, g_strdup_printf ("MIME nesting deeper than %d: inner parts ignored",
                                                   CN_MAX_MIME_DEPTH));
  if (ps && ps->long_field)
    g_ptr_array_add (m->warnings, g_strdup_printf ("a header field longer than %u bytes: only its first "
                                                   "%u bytes were read", CN_MAX_HEADER_BYTES, CN_MAX_HEADER_BYTES));
  if (ps && ps->colonless)
    g_ptr_array_add (m->warnings, g_strdup_printf ("a header line over %d bytes without a colon: cut to "
                                                   "%d bytes for parsing", CN_COLONLESS_LIMIT, CN_COLONLESS_CUT));
  if (ps && ps->cut_at)
    g_ptr_array_add (m->warnings, g_strdup_printf ("more than %d MIME delimiter lines: the rest of the mail "
                                                   "was not parsed", CN_MAX_MIME_PARTS + 16));
  if (w.parts > CN_MAX_MIME_PARTS)
    g_ptr_array_add (m->warnings, g_strdup_printf ("more than %d MIME parts: the rest ignored",
                                                   CN_MAX_MIME_PARTS));
  if (no_decoder || w.st.resource_failure)
    m->internal_error = g_strdup ("out of memory: a charset decoder could not be opened");

  for (guint i = 0; i < w.embedded->len; i++) {
    GMimeMessage *inner = g_mime_message_part_get_message (w.embedded->pdata[i]); /* owned by part */
    if (inner != NULL && depth < CN_MAX_MIME_DEPTH)
      collect (inner, source, index, w.paths->pdata[i], depth + 1, NULL, prefilter, out);
  }
  walk_clear (&w);
}

/* Parse DATA (LEN bytes) as mime.c's callers get it read: bare-CR mail
 * made LF, over-long header lines tamed, cut at the part limit (PS).  Bytes
 * a repair needed are kept in *COPY (the message uses them). */
static GMimeMessage *
parse (const char *data, gsize len, Prescan *ps, GByteArray **copy)
{
  cn_mime_init ();
  *copy = cn_mime_lf_copy (data, len);
  if (*copy)
    data = (const char *) (*copy)->data;
  prescan (data, len, ps);
  gsize n = ps->cut;
  ps->cut_at = n < len;
  if (ps->long_field || ps->colonless) {
    GByteArray *tamed = tame (data, n);
    if (*copy)
      g_byte_array_unref (*copy);
    *copy = tamed;
    data = (const char *) tamed->data;
    n = tamed->len;
  }
  return parse_in_place (data, n);
}

GPtrArray *
cn_mime_read_skimming (const char *data, gsize len, const char *source, guint index, const CnPrefilterSet *prefilter)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_mail_free);
  Prescan ps;
  g_autoptr (GByteArray) copy = NULL;
  g_autoptr (GMimeMessage) msg = parse (data, len, &ps, &copy);
  if (msg)
    collect (msg, source, index, NULL, 0, &ps, prefilter, out);
  else
    g_ptr_array_add (out, cn_mime_unparsable (source, index));
  return out;
}

GPtrArray *
cn_mime_read (const char *data, gsize len, const char *source, guint index)
{
  return cn_mime_read_skimming (data, len, source, index, NULL);
}

/* ---- the record of a ruled-out message, from its header block ----
 *
 * Without a parser: the fields as the prefilter reads them (the reading
 * GMime's parser makes of the block, prefilter.h), each handed over as
 * GMime hands it to read_headers(), and the Message-ID, Date and From as
 * GMimeMessage makes them of its fields (gmime-message.c, process_header):
 * the Message-ID and the Date of the last such field (its value: the raw
 * value unfolded and RFC 2047-decoded, g_mime_header_get_value()), the
 * addresses of every From field in turn (GMime 3.2.14's fb6004cf, in
 * Debian's 3.2.13 too: test-prefilter compares the two readings). */

/* A field of the header block: FIELD, LEN bytes, the colon at COLON. */
typedef struct {
  const char *field;
  gsize len, colon;
} Field;

typedef struct {
  CnMail *m;
  CnDecodeStatus st;
  Field message_id;       /* the last Message-Id (field NULL: none) */
  Field date;             /* … the last Date                        */
  InternetAddressList *from;   /* of the From fields so far, or NULL */
} HeaderBlock;

static gboolean
is_field (const char *field, gsize name_len, const char *name)
{
  return name_len == strlen (name) && g_ascii_strncasecmp (field, name, name_len) == 0;
}

/* F's raw value as GMime gives it from mime.c's parse copy, where a field
 * over CN_MAX_HEADER_BYTES is cut (tame()): its first bytes, and a line end
 * if the cut is inside a line.  Caller frees. */
static char *
raw_value (const Field *f)
{
  gsize take = MIN (f->len, (gsize) CN_MAX_HEADER_BYTES);
  GString *raw = g_string_new_len (f->field + f->colon + 1, (gssize) (take - f->colon - 1));
  if (take < f->len && f->field[take - 1] != '\n')
    g_string_append_c (raw, '\n');
  return g_string_free (raw, FALSE);
}

#if !GMIME_CHECK_VERSION(3, 2, 14)
/* exported by GMime 3.2 all along, declared in its header from 3.2.14 on */
void internet_address_list_append_parse (InternetAddressList *list, GMimeParserOptions *options, const char *str);
#endif

static gboolean
header_block_field (const char *field, gsize len, gsize name_len, gsize colon, gpointer user)
{
  HeaderBlock *b = user;
  CnMail *m = b->m;
  Field f = { field, len, colon };
  const char *name = NULL;
  /* what take_field() would take something from (the Subject until one
   * decodes to something, the Received until one gives a date); the last
   * Message-Id and Date */
  if (is_field (field, name_len, "Subject")) {
    if (*m->subject == '\0')
      name = "Subject";
  } else if (is_field (field, name_len, "Received")) {
    if (m->received == NULL)
      name = "Received";
  } else if (is_field (field, name_len, "Authentication-Results")) {
    name = "Authentication-Results";
  } else if (is_field (field, name_len, "From")) {
    name = "From";
  } else if (is_field (field, name_len, "Message-Id")) {
    b->message_id = f;
  } else if (is_field (field, name_len, "Date")) {
    b->date = f;
  }
  if (name == NULL)
    return TRUE;
  g_autofree char *raw = raw_value (&f);
  take_field (m, name, raw, &b->st);
  if (*name == 'F') {
    if (b->from == NULL)
      b->from = internet_address_list_new ();
    internet_address_list_append_parse (b->from, parser_options, raw);
  }
  return TRUE;
}

/* RAW's value as g_mime_header_get_value() gives it.  Caller frees. */
static char *
header_value (const char *raw)
{
  g_autofree char *unfolded = g_mime_utils_header_unfold (raw);
  return g_mime_utils_header_decode_text (parser_options, unfolded);
}

GPtrArray *
cn_mime_read_header (const char *data, gsize len, const char *source, guint index)
{
  cn_mime_init ();
  CnMail *m = new_record (source, index, NULL);
  m->ruled_out = TRUE;
  HeaderBlock b = { .m = m };
  gboolean sure = cn_prefilter_fields (data, len, header_block_field, &b);
  g_autoptr (InternetAddressList) from = b.from;
  if (!sure) {
    /* the caller's prefilter was sure of this header block */
    cn_mail_free (m);
    return cn_mime_read (data, len, source, index);
  }
  if (b.message_id.field) {
    g_autofree char *raw = raw_value (&b.message_id);
    g_autofree char *value = header_value (raw);
    g_autofree char *mid = g_mime_utils_decode_message_id (value);
    if (mid && *mid)
      m->message_id = g_utf8_make_valid (mid, -1);
  }
  if (b.date.field) {
    g_autofree char *raw = raw_value (&b.date);
    g_autofree char *value = header_value (raw);
    m->date = g_mime_utils_header_decode_date (value);
  }
  read_from (from, m);
  if (b.st.lossy)
    g_ptr_array_add (m->warnings, g_strdup ("Subject: undecodable bytes replaced"));
  /* the warnings about the parse copy of the whole header block */
  Prescan whole;
  prescan (data, len, &whole);
  header_warnings (&whole, m);
  if (b.st.resource_failure)
    m->internal_error = g_strdup ("out of memory: a charset decoder could not be opened");
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_mail_free);
  g_ptr_array_add (out, m);
  return out;
}
