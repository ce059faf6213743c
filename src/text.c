/* text.c — bytes to matchable text: charsets, RFC 2047, HTML, NFKC. */
#include "text.h"

#include "cp932.h"
#include "euc.h"
#include "sbcs.h"

#include <errno.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* charsets                                                                 */

typedef enum {
  CS_UNKNOWN,   /* not declared, or a name iconv may know       */
  CS_ASCII,
  CS_UTF8,
  CS_LATIN,     /* single-byte: any byte "decodes"              */
  CS_CP932,     /* Shift_JIS and its aliases, read as CP932     */
  CS_EUCJP,
  CS_EUCKR,
  CS_ISO2022JP,
} CsKind;

/* CS as charset_kind() reads it: lowercase, without surrounding
 * whitespace.  Caller frees. */
static char *
charset_key (const char *cs)
{
  return g_strstrip (g_ascii_strdown (cs, -1));
}

/* The table of the single-byte charset CS names (sbcs.h), or NULL (none,
 * or CS is NULL). */
static const CnSbcs *
sbcs_named (const char *cs)
{
  if (cs == NULL)
    return NULL;
  g_autofree char *key = charset_key (cs);
  return cn_sbcs_find (key);
}

static CsKind
charset_kind (const char *cs)
{
  if (cs == NULL || *cs == '\0')
    return CS_UNKNOWN;
  g_autofree char *l = charset_key (cs);
  if (!strcmp (l, "us-ascii") || !strcmp (l, "ascii") || !strcmp (l, "ansi_x3.4-1968"))
    return CS_ASCII;
  if (!strcmp (l, "utf-8") || !strcmp (l, "utf8") || !strcmp (l, "x-unicode20utf8"))
    return CS_UTF8;
  if (!strcmp (l, "shift_jis") || !strcmp (l, "shift-jis") || !strcmp (l, "sjis") ||
      !strcmp (l, "x-sjis") || !strcmp (l, "ms_kanji") || !strcmp (l, "csshiftjis") ||
      !strcmp (l, "windows-31j") || !strcmp (l, "cp932") || !strcmp (l, "ms932") ||
      !strcmp (l, "x-ms-cp932") || !strcmp (l, "shift_jisx0213"))
    return CS_CP932;
  if (!strcmp (l, "euc-jp") || !strcmp (l, "x-euc-jp") || !strcmp (l, "eucjp") ||
      !strcmp (l, "euc_jp") || !strcmp (l, "cseucpkdfmtjapanese") || !strcmp (l, "eucjp-ms"))
    return CS_EUCJP;
  if (!strcmp (l, "euc-kr") || !strcmp (l, "euckr") || !strcmp (l, "cseuckr"))
    return CS_EUCKR;
  if (g_str_has_prefix (l, "iso-2022-jp") || !strcmp (l, "csiso2022jp") ||
      !strcmp (l, "jis") || !strcmp (l, "cp50220") || !strcmp (l, "cp50221") ||
      !strcmp (l, "cp50222"))
    return CS_ISO2022JP;
  if (g_str_has_prefix (l, "iso-8859-") || g_str_has_prefix (l, "iso8859-") ||
      g_str_has_prefix (l, "windows-125") || g_str_has_prefix (l, "cp125") ||
      !strcmp (l, "latin1") || !strcmp (l, "l1"))
    return CS_LATIN;
  return CS_UNKNOWN;
}

static gboolean
is_ascii (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) s[i] >= 0x80)
      return FALSE;
  return TRUE;
}

/* cn_text_doubt_iconv(): a converter iconv cannot open may be one it has */
static gboolean doubt_iconv;

void
cn_text_doubt_iconv (void)
{
  doubt_iconv = TRUE;
}

/* Convert with iconv, replacing each undecodable byte with U+FFFD.
 * Returns FALSE when iconv does not know FROM (or could not open it for
 * want of memory: glibc says EINVAL then too; after cn_text_doubt_iconv()
 * that sets ST->resource_failure, ST may be NULL); *errors counts
 * replacements.  The charsets text.c cannot do without are tables
 * (cp932.c, sbcs.c, euc.c): this is for the others a mail may declare. */
static gboolean
iconv_lossy (const char *in, gsize len, const char *from, GString *out, guint *errors, CnDecodeStatus *st)
{
  GIConv cd = g_iconv_open ("UTF-8", from);
  if (cd == (GIConv) -1) {
    if (doubt_iconv && st)
      st->resource_failure = TRUE;
    return FALSE;
  }
  char buf[4096];
  gchar *ip = (gchar *) in;
  gsize ileft = len;
  while (ileft > 0) {
    gchar *op = buf;
    gsize oleft = sizeof buf;
    gsize r = g_iconv (cd, &ip, &ileft, &op, &oleft);
    g_string_append_len (out, buf, op - buf);
    if (r == (gsize) -1) {
      if (errno == E2BIG)
        continue;
      /* EILSEQ or EINVAL (truncated sequence): skip one byte. */
      g_string_append (out, "\xEF\xBF\xBD");
      (*errors)++;
      ip++;
      ileft--;
      g_iconv (cd, NULL, NULL, NULL, NULL);
    }
  }
  /* flush shift state */
  gchar *op = buf;
  gsize oleft = sizeof buf;
  g_iconv (cd, NULL, NULL, &op, &oleft);
  g_string_append_len (out, buf, op - buf);
  g_iconv_close (cd);
  return TRUE;
}

/* UTF-8 with each invalid byte replaced. */
static void
utf8_lossy (const char *in, gsize len, GString *out, guint *errors)
{
  const char *p = in, *end = in + len;
  while (p < end) {
    const char *bad;
    if (g_utf8_validate (p, end - p, &bad)) {
      g_string_append_len (out, p, end - p);
      return;
    }
    g_string_append_len (out, p, bad - p);
    if (bad < end && *bad == '\0') {
      g_string_append_c (out, ' ');   /* NUL: keep text a C string */
    } else {
      g_string_append (out, "\xEF\xBF\xBD");
      (*errors)++;
    }
    p = bad + 1;
  }
}

/* ISO-2022-JP (and its CP5022x variants) → Shift_JIS bytes, then CP932.
 * glibc's ISO-2022-JP rejects the NEC/IBM extensions Japanese mailers put in
 * ISO-2022-JP mail (①, ㈱, …); CP932 has them, and the JIS X 0208 → Shift_JIS
 * mapping is plain arithmetic. */
static void
iso2022jp_to_sjis (const char *in, gsize len, GString *sjis, guint *errors)
{
  enum { ASCII, KANJI, KANA, OTHER } mode = ASCII;
  const guchar *p = (const guchar *) in, *end = p + len;
  while (p < end) {
    if (*p == 0x1b && end - p >= 3) {
      if (p[1] == '(' && (p[2] == 'B' || p[2] == 'J')) { mode = ASCII; p += 3; continue; }
      if (p[1] == '(' && p[2] == 'I') { mode = KANA; p += 3; continue; }
      if (p[1] == '$' && (p[2] == '@' || p[2] == 'B')) { mode = KANJI; p += 3; continue; }
      if (p[1] == '$' && p[2] == '(' && end - p >= 4) { mode = OTHER; p += 4; continue; }
    }
    if (*p == '\r' || *p == '\n') {        /* a line end resets to ASCII */
      mode = ASCII;
      g_string_append_c (sjis, (char) *p++);
      continue;
    }
    if (*p == 0x0e) { mode = KANA; p++; continue; }   /* SO/SI (CP50222) */
    if (*p == 0x0f) { mode = ASCII; p++; continue; }
    switch (mode) {
    case ASCII:
      g_string_append_c (sjis, (char) *p++);
      break;
    case KANA:
      if (*p >= 0x21 && *p <= 0x5f)
        g_string_append_c (sjis, (char) (*p + 0x80));
      else
        g_string_append_c (sjis, (char) *p);
      p++;
      break;
    case KANJI:
      if (end - p >= 2 && p[0] >= 0x21 && p[0] <= 0x7e && p[1] >= 0x21 && p[1] <= 0x7e) {
        guint j1 = p[0], j2 = p[1];
        guint s1 = (j1 + 1) / 2 + (j1 <= 0x5e ? 0x70 : 0xb0);
        guint s2 = (j1 & 1) ? j2 + (j2 <= 0x5f ? 0x1f : 0x20) : j2 + 0x7e;
        g_string_append_c (sjis, (char) s1);
        g_string_append_c (sjis, (char) s2);
        p += 2;
      } else {
        /* 0x3f is '?' in CP932 and never starts a double-byte char */
        g_string_append_c (sjis, '?');
        (*errors)++;
        p++;
      }
      break;
    case OTHER:        /* JIS X 0212 etc.: not in CP932 */
      g_string_append_c (sjis, '?');
      (*errors)++;
      p += (end - p >= 2) ? 2 : 1;
      break;
    }
  }
}

/* Decode as KIND into OUT; returns the count of replaced bytes.
 * CP932 (and so ISO-2022-JP), EUC-JP, EUC-KR and the single-byte charsets
 * of a few names from tables, glibc's own mappings with the same
 * replacements as iconv_lossy(): through iconv, the static front would
 * load glibc's module and a second libc with it (cp932.c, euc.c, sbcs.c). */
static guint
decode_as (const char *in, gsize len, CsKind kind, const char *name, GString *out, CnDecodeStatus *st)
{
  guint errors = 0;
  gsize start = out->len;
  switch (kind) {
  case CS_ISO2022JP: {
    g_autoptr (GString) sjis = g_string_sized_new (len);
    iso2022jp_to_sjis (in, len, sjis, &errors);
    errors += cn_cp932_lossy (sjis->str, sjis->len, out);
    break;
  }
  case CS_CP932:
    errors += cn_cp932_lossy (in, len, out);
    break;
  case CS_EUCJP:        /* as glibc's EUC-JP-MS */
    errors += cn_eucjp_lossy (in, len, out);
    break;
  case CS_EUCKR:
    errors += cn_euckr_lossy (in, len, out);
    break;
  case CS_LATIN: {
    /* a name whose charset is certain from a table, another through iconv;
     * one iconv does not know as WINDOWS-1252 */
    const CnSbcs *table = sbcs_named (name);
    if (table == NULL && iconv_lossy (in, len, name, out, &errors, st))
      break;
    errors += cn_sbcs_lossy (table ? table : cn_sbcs_windows_1252 (), in, len, out);
    break;
  }
  case CS_UNKNOWN: {
    /* a name a table answers for as iconv would (KOI8-R, TIS-620, …),
     * another through iconv; one iconv does not know as UTF-8 */
    const CnSbcs *table = sbcs_named (name);
    if (table) {
      errors += cn_sbcs_lossy (table, in, len, out);
      break;
    }
    if (name && iconv_lossy (in, len, name, out, &errors, st))
      break;
  }
    /* fall through */
  case CS_ASCII:
  case CS_UTF8:
    utf8_lossy (in, len, out, &errors);
    break;
  }
  /* C1 controls (U+0080..U+009F) never appear in real text, but EUC-JP
   * "decodes" stray high bytes into them: count them as errors so that a
   * guess producing them loses. */
  for (gsize i = start; i + 1 < out->len; i++)
    if ((guchar) out->str[i] == 0xc2 && (guchar) out->str[i + 1] >= 0x80 && (guchar) out->str[i + 1] <= 0x9f)
      errors++;
  return errors;
}

/* Guess for undeclared or mis-declared bytes: UTF-8, then ISO-2022-JP (ESC
 * sequences), then whichever of CP932 and EUC-JP decodes with fewer errors. */
static CsKind
detect (const char *in, gsize len)
{
  if (g_utf8_validate (in, len, NULL))
    return CS_UTF8;
  if (is_ascii (in, len) && (memmem (in, len, "\x1b$B", 3) || memmem (in, len, "\x1b$@", 3)))
    return CS_ISO2022JP;   /* real ISO-2022-JP is 7-bit */
  g_autoptr (GString) a = g_string_new (NULL);
  g_autoptr (GString) b = g_string_new (NULL);
  guint ea = decode_as (in, len, CS_CP932, NULL, a, NULL);
  guint eb = decode_as (in, len, CS_EUCJP, NULL, b, NULL);
  return eb < ea ? CS_EUCJP : CS_CP932;
}

char *
cn_text_to_utf8 (const char *bytes, gsize len, const char *charset, CnDecodeStatus *st)
{
  CnDecodeStatus ignored = { 0 };
  if (st == NULL)
    st = &ignored;
  if (len == 0)
    return g_strdup ("");
  CsKind kind = charset_kind (charset);
  GString *out = g_string_sized_new (len + len / 2 + 1);

  if (is_ascii (bytes, len) && memchr (bytes, 0x1b, len) == NULL) {
    utf8_lossy (bytes, len, out, &(guint){ 0 });
    return g_string_free (out, FALSE);
  }
  /* Mislabels: 8-bit "ASCII", or "Latin" text that is valid UTF-8. */
  if (kind == CS_ASCII || (kind == CS_UNKNOWN && charset == NULL))
    kind = detect (bytes, len);
  else if (kind == CS_LATIN && g_utf8_validate (bytes, len, NULL))
    kind = CS_UTF8;

  guint errors = decode_as (bytes, len, kind, charset, out, st);
  if (errors > 0) {
    /* The declared charset did not fit: try what the bytes look like. */
    CsKind guess = detect (bytes, len);
    if (guess != kind) {
      g_autoptr (GString) alt = g_string_sized_new (len + len / 2 + 1);
      guint alt_errors = decode_as (bytes, len, guess, NULL, alt, NULL);
      /* Keep the declared charset unless it fails often (over 1 in 100
       * bytes) and the guess does at least four times better: a few stray
       * bytes in UTF-8 must not turn the whole text into CP932 mojibake. */
      if ((gsize) errors * 100 > len && (gsize) alt_errors * 4 < errors) {
        g_string_free (out, TRUE);
        out = g_steal_pointer (&alt);
        errors = alt_errors;
      }
    }
    st->lossy = TRUE;
  }
  /* NULs would cut the string short for every C consumer. */
  for (gsize i = 0; i < out->len; i++)
    if (out->str[i] == '\0')
      out->str[i] = ' ';
  /* glibc's iconv passes code points above U+10FFFF through (UCS-4, or a
   * name it reads as UTF-8): everything after this relies on valid UTF-8
   * (PCRE2 runs with PCRE2_NO_UTF_CHECK) */
  if (!g_utf8_validate_len (out->str, out->len, NULL)) {
    g_autoptr (GString) fixed = g_string_sized_new (out->len);
    guint errors = 0;
    utf8_lossy (out->str, out->len, fixed, &errors);
    g_string_free (out, TRUE);
    out = g_steal_pointer (&fixed);
    st->lossy = TRUE;
  }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* RFC 2047                                                                 */

/* Parse one encoded word at P (which points at "=?").  On success fill the
 * charset, append the decoded bytes to BYTES and return the end pointer. */
static const char *
parse_encoded_word (const char *p, const char *end, char **charset, GString *bytes)
{
  const char *cs = p + 2;
  const char *q1 = memchr (cs, '?', end - cs);
  if (q1 == NULL || q1 == cs || end - q1 < 4 || q1[2] != '?')
    return NULL;
  char enc = g_ascii_toupper (q1[1]);
  if (enc != 'B' && enc != 'Q')
    return NULL;
  const char *text = q1 + 3;
  const char *stop = text;
  while (stop + 1 < end && !(stop[0] == '?' && stop[1] == '=')) {
    if (*stop == ' ' || *stop == '\t' || *stop == '\r' || *stop == '\n')
      return NULL;
    stop++;
  }
  if (stop + 1 >= end)
    return NULL;
  for (const char *c = cs; c < q1; c++)
    if (!g_ascii_isgraph (*c))
      return NULL;
  /* charset*language (RFC 2231) */
  const char *star = memchr (cs, '*', q1 - cs);
  *charset = g_strndup (cs, (star ? star : q1) - cs);

  if (enc == 'B') {
    gint state = 0;
    guint save = 0;
    gsize n = stop - text;
    gsize old = bytes->len;
    g_string_set_size (bytes, old + n * 3 / 4 + 4);
    gsize got = g_base64_decode_step (text, n, (guchar *) bytes->str + old, &state, &save);
    g_string_set_size (bytes, old + got);
  } else {
    for (const char *c = text; c < stop; c++) {
      if (*c == '_') {
        g_string_append_c (bytes, ' ');
      } else if (*c == '=' && stop - c >= 3 && g_ascii_isxdigit (c[1]) && g_ascii_isxdigit (c[2])) {
        g_string_append_c (bytes, (char) (g_ascii_xdigit_value (c[1]) * 16 + g_ascii_xdigit_value (c[2])));
        c += 2;
      } else {
        g_string_append_c (bytes, *c);
      }
    }
  }
  return stop + 2;
}

static void
flush_run (GString *out, GString *bytes, char **charset, CnDecodeStatus *st)
{
  if (bytes->len > 0) {
    g_autofree char *u = cn_text_to_utf8 (bytes->str, bytes->len, *charset, st);
    g_string_append (out, u);
  }
  g_string_truncate (bytes, 0);
  g_clear_pointer (charset, g_free);
}

char *
cn_text_decode_header (const char *raw, CnDecodeStatus *st)
{
  if (raw == NULL)
    return g_strdup ("");
  gsize len = strlen (raw);
  const char *p = raw, *end = raw + len;
  g_autoptr (GString) out = g_string_sized_new (len);
  g_autoptr (GString) run = g_string_new (NULL);     /* pending encoded bytes */
  g_autoptr (GString) plain = g_string_new (NULL);   /* pending raw bytes     */
  char *run_cs = NULL;
  guint words = 0;

  while (p < end) {
    if (p[0] == '=' && p + 1 < end && p[1] == '?' && words < CN_MAX_ENCODED_WORDS) {
      g_autoptr (GString) dec = g_string_new (NULL);
      char *cs = NULL;
      const char *next = parse_encoded_word (p, end, &cs, dec);
      if (next != NULL) {
        words++;
        /* whitespace between two encoded words is dropped (RFC 2047 6.2) */
        gboolean only_ws = TRUE;
        for (gsize i = 0; i < plain->len; i++)
          if (!g_ascii_isspace (plain->str[i]))
            only_ws = FALSE;
        if (run->len > 0 && only_ws) {
          g_string_truncate (plain, 0);
        }
        if (plain->len > 0) {
          flush_run (out, run, &run_cs, st);
          g_autofree char *u = cn_text_to_utf8 (plain->str, plain->len, NULL, st);
          g_string_append (out, u);
          g_string_truncate (plain, 0);
        }
        /* Adjacent words in one charset are joined before decoding: some
         * mailers split a multibyte character across two words. */
        if (run_cs != NULL && g_ascii_strcasecmp (run_cs, cs) != 0)
          flush_run (out, run, &run_cs, st);
        if (run_cs == NULL)
          run_cs = g_steal_pointer (&cs);
        g_free (cs);
        g_string_append_len (run, dec->str, dec->len);
        p = next;
        continue;
      }
      g_free (cs);
    }
    g_string_append_c (plain, *p++);
  }
  flush_run (out, run, &run_cs, st);
  if (plain->len > 0) {
    g_autofree char *u = cn_text_to_utf8 (plain->str, plain->len, NULL, st);
    g_string_append (out, u);
  }

  /* unfold and collapse whitespace runs, control characters to spaces */
  g_autoptr (GString) clean = g_string_sized_new (out->len);
  gboolean space = TRUE;
  for (gsize i = 0; i < out->len; i++) {
    guchar c = (guchar) out->str[i];
    /* C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F) are controls too:
     * U+009B is a terminal's CSI */
    if (c == 0xc2 && i + 1 < out->len && (guchar) out->str[i + 1] <= 0x9f) {
      if (!space)
        g_string_append_c (clean, ' ');
      space = TRUE;
      i++;
      continue;
    }
    if (c < 0x20 || c == 0x7f || c == ' ') {
      if (!space)
        g_string_append_c (clean, ' ');
      space = TRUE;
    } else {
      g_string_append_c (clean, (char) c);
      space = FALSE;
    }
  }
  if (clean->len > 0 && clean->str[clean->len - 1] == ' ')
    g_string_truncate (clean, clean->len - 1);
  return g_string_free (g_steal_pointer (&clean), FALSE);
}

/* ------------------------------------------------------------------------ */
/* HTML                                                                     */

static const struct { const char *name; const char *utf8; } entities[] = {
  { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
  { "nbsp", " " }, { "copy", "©" }, { "reg", "®" }, { "yen", "¥" }, { "hellip", "…" },
  { "mdash", "—" }, { "ndash", "–" }, { "rsquo", "’" }, { "lsquo", "‘" },
  { "rdquo", "”" }, { "ldquo", "“" }, { "middot", "·" }, { "times", "×" },
  { "rarr", "→" }, { "larr", "←" }, { "bull", "•" }, { "ensp", " " }, { "emsp", " " },
  { "thinsp", " " }, { "zwj", "" }, { "zwnj", "" },
};

/* Decode one entity at P ('&'); append to OUT and return the end, or NULL. */
static const char *
decode_entity (const char *p, const char *end, GString *out)
{
  const char *semi = p + 1;
  while (semi < end && semi - p < 12 && *semi != ';')
    semi++;
  if (semi >= end || *semi != ';')
    return NULL;
  if (p[1] == '#') {
    gboolean hex = semi - p > 2 && (p[2] == 'x' || p[2] == 'X');
    const char *d = p + (hex ? 3 : 2);
    if (d >= semi)
      return NULL;
    gunichar c = 0;
    for (const char *q = d; q < semi; q++) {
      int v = hex ? g_ascii_xdigit_value (*q) : g_ascii_digit_value (*q);
      if (v < 0)
        return NULL;
      c = c * (hex ? 16 : 10) + v;
      if (c > 0x10ffff)
        return NULL;
    }
    if (c == 0 || !g_unichar_validate (c))
      c = 0xfffd;
    g_string_append_unichar (out, c);
    return semi + 1;
  }
  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++) {
    gsize n = strlen (entities[i].name);
    if ((gsize) (semi - p - 1) == n && strncmp (p + 1, entities[i].name, n) == 0) {
      g_string_append (out, entities[i].utf8);
      return semi + 1;
    }
  }
  return NULL;
}

static gboolean
tag_is (const char *name, gsize n, const char *const *list)
{
  for (; *list; list++)
    if (strlen (*list) == n && g_ascii_strncasecmp (name, *list, n) == 0)
      return TRUE;
  return FALSE;
}

char *
cn_text_html_to_text (const char *html, gsize len)
{
  static const char *const block[] = {
    "br", "p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "blockquote", "pre", "section", "article", "header", "footer", "dl", "dt", "dd",
    "title", "center", "address", "tbody", "thead", NULL
  };
  static const char *const cell[] = { "td", "th", NULL };
  static const char *const skip[] = { "script", "style", "head", NULL };
  const char *p = html, *end = html + len;
  GString *out = g_string_sized_new (len);
  const char *skip_until = NULL;   /* name of the element whose content we drop */
  gsize skip_len = 0;

  while (p < end) {
    if (skip_until) {
      /* raw text (script, style): only its own end tag ends it */
      const char *q = p;
      while (q < end && !(q[0] == '<' && end - q > 2 + (gssize) skip_len && q[1] == '/' &&
                          g_ascii_strncasecmp (q + 2, skip_until, skip_len) == 0))
        q++;
      skip_until = NULL;
      p = q;
      if (p < end) {
        const char *gt = memchr (p, '>', end - p);
        p = gt ? gt + 1 : end;
      }
      continue;
    }
    if (*p == '<') {
      /* comment */
      if (end - p >= 4 && strncmp (p, "<!--", 4) == 0) {
        const char *c = g_strstr_len (p + 4, end - p - 4, "-->");
        p = c ? c + 3 : end;
        continue;
      }
      const char *q = p + 1;
      gboolean closing = q < end && *q == '/';
      if (closing)
        q++;
      const char *name = q;
      while (q < end && (g_ascii_isalnum (*q) || *q == '-' || *q == ':'))
        q++;
      gsize nlen = q - name;
      /* find the end of the tag, honouring quoted attribute values */
      char quote = 0;
      while (q < end && (quote || *q != '>')) {
        if (quote && *q == quote)
          quote = 0;
        else if (!quote && (*q == '"' || *q == '\''))
          quote = *q;
        q++;
      }
      const char *after = q < end ? q + 1 : end;
      if (nlen == 0 && !closing && (p + 1 >= end || (p[1] != '!' && p[1] != '?'))) {
        /* a bare '<' in text */
        g_string_append_c (out, '<');
        p++;
        continue;
      }
      if (!closing && tag_is (name, nlen, skip)) {
        skip_until = name;
        skip_len = nlen;
      } else if (tag_is (name, nlen, block)) {
        g_string_append_c (out, '\n');
      } else if (tag_is (name, nlen, cell)) {
        g_string_append_c (out, ' ');
      }
      p = after;
      continue;
    }
    if (*p == '&') {
      const char *e = decode_entity (p, end, out);
      if (e) {
        p = e;
        continue;
      }
    }
    if (*p == '\r' || *p == '\n' || *p == '\t') {
      /* source line breaks are spaces in HTML */
      if (out->len == 0 || out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
      p++;
      continue;
    }
    g_string_append_c (out, *p++);
  }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* normalisation                                                            */

/* NFKC, in pieces.  g_utf8_normalize() is slow on long text (it moves the
 * rest of its buffer for every composition it makes: a 60 KB Subject of
 * accented Latin cost 150 M instructions), and most text is its own NFKC
 * form.  A code point C splits a string into parts normalised on their
 * own when nothing before it can reach into it: C has combining class 0,
 * and the first code point of its decomposition has combining class 0
 * (canonical reordering stops there) and is the second of no canonical
 * pair (nothing before it composes with it; what follows it is blocked
 * from what precedes).  Such a C whose NFKC form is C itself is "stable":
 * the text is cut before each stable code point, and a part that is one
 * stable code point is copied as it is.
 *
 * Only code points of the ranges below are taken for stable: no code point
 * of class 0 in them is the second of a canonical pair (test-text checks
 * this against GLib's tables for every code point). */
gboolean
cn_text_nfkc_range (gunichar c)
{
  return c < 0x900 ||                        /* Latin … Syriac, Thaana, NKo */
         (c >= 0x1100 && c < 0x1161) ||      /* Hangul leading consonants */
         (c >= 0x2000 && c < 0x2e00) ||      /* punctuation, symbols      */
         (c >= 0x3000 && c < 0xa000) ||      /* CJK, kana, ideographs     */
         (c >= 0xac00 && c < 0xd7a4);        /* Hangul syllables          */
}

/* Whether C is stable (see above); cached per code point. */
static gboolean
nfkc_stable (gunichar c)
{
  static guint8 known[0xd7a4];   /* 0 not yet known, 1 stable, 2 not */
  if (c < 0x80)
    return TRUE;
  if (c >= G_N_ELEMENTS (known) || !cn_text_nfkc_range (c))
    return FALSE;
  guint8 k = __atomic_load_n (&known[c], __ATOMIC_RELAXED);
  if (k == 0) {
    char buf[8];
    gssize n = g_unichar_to_utf8 (c, buf);
    g_autofree char *nfkc = g_utf8_normalize (buf, n, G_NORMALIZE_NFKC);
    g_autofree char *nfkd = g_utf8_normalize (buf, n, G_NORMALIZE_NFKD);
    gunichar first = nfkd ? g_utf8_get_char (nfkd) : 0;
    gboolean stable = nfkc && strlen (nfkc) == (gsize) n && memcmp (nfkc, buf, (gsize) n) == 0 &&
                      g_unichar_combining_class (c) == 0 && first != 0 &&
                      g_unichar_combining_class (first) == 0 && cn_text_nfkc_range (first);
    k = stable ? 1 : 2;
    __atomic_store_n (&known[c], k, __ATOMIC_RELAXED);
  }
  return k == 1;
}

void
cn_text_nfkc_learn_all (void)
{
  for (gunichar c = 0x80; c < 0xd7a4; c++)
    if (cn_text_nfkc_range (c))
      (void) nfkc_stable (c);
}

/* Append to OUT the NFKC form of [P, END), valid UTF-8 (see above). */
static void
append_nfkc (GString *out, const char *p, const char *end)
{
  const char *copied = p;   /* up to here in OUT                          */
  const char *part = p;     /* the part being read starts here            */
  gboolean plain = TRUE;    /* … and is stable code points so far         */
  while (p < end) {
    if ((guchar) *p < 0x80) {
      /* ASCII: stable, a part of its own */
      if (!plain) {
        g_string_append_len (out, copied, part - copied);
        g_autofree char *n = g_utf8_normalize (part, p - part, G_NORMALIZE_NFKC);
        g_string_append (out, n);
        copied = p;
      }
      part = p++;
      plain = TRUE;
      continue;
    }
    gunichar c = g_utf8_get_char (p);
    const char *next = g_utf8_next_char (p);
    if (nfkc_stable (c)) {
      if (!plain) {
        g_string_append_len (out, copied, part - copied);
        g_autofree char *n = g_utf8_normalize (part, p - part, G_NORMALIZE_NFKC);
        g_string_append (out, n);
        copied = p;
      }
      part = p;
      plain = TRUE;
    } else {
      plain = FALSE;
    }
    p = next;
  }
  g_string_append_len (out, copied, part - copied);
  if (plain) {
    g_string_append_len (out, part, end - part);
  } else {
    g_autofree char *n = g_utf8_normalize (part, end - part, G_NORMALIZE_NFKC);
    g_string_append (out, n);
  }
}

char *
cn_text_nfkc (const char *utf8, gssize len)
{
  /* like g_utf8_normalize: up to a NUL (or LEN), NULL for invalid UTF-8 */
  gsize n = 0;
  while ((len < 0 || n < (gsize) len) && utf8[n])
    n++;
  if (is_ascii (utf8, n))
    return g_strndup (utf8, n);
  if (!g_utf8_validate (utf8, (gssize) n, NULL))
    return g_utf8_normalize (utf8, (gssize) n, G_NORMALIZE_NFKC);   /* as it is */
  GString *out = g_string_sized_new (n + 1);
  append_nfkc (out, utf8, utf8 + n);
  return g_string_free (out, FALSE);
}

char *
cn_text_for_matching (const char *utf8, gsize len, gboolean drop_quoted)
{
  /* LEN may be (gsize) -1: up to the NUL */
  g_autofree char *nfkc = cn_text_nfkc (utf8, len == (gsize) -1 ? -1 : (gssize) MIN (len, (gsize) G_MAXSSIZE));
  if (nfkc == NULL)   /* cannot happen for valid UTF-8; be safe anyway */
    nfkc = g_utf8_make_valid (utf8, len);
  GString *out = g_string_sized_new (strlen (nfkc) + 1);
  const char *p = nfkc;
  while (*p) {
    const char *eol = p;
    while (*eol && *eol != '\n' && *eol != '\r')
      eol++;
    const char *s = p;
    while (s < eol && (*s == ' ' || *s == '\t'))
      s++;
    if (!(drop_quoted && s < eol && *s == '>')) {
      g_string_append_len (out, p, eol - p);
      g_string_append_c (out, '\n');
    }
    if (*eol == '\r' && eol[1] == '\n')
      eol++;
    p = *eol ? eol + 1 : eol;
  }
  return g_string_free (out, FALSE);
}
