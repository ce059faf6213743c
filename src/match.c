/* match.c — apply the rules to a mail; extract and normalise the claim. */
#include "match.h"
#include "authn.h"

#include "i18n.h"

#include <stdlib.h>
#include <string.h>

/* Match data for P, or NULL with *FAIL set. */
static pcre2_match_data *
match_data (const CnPattern *p, CnPatternFailure *fail)
{
  pcre2_match_data *md = pcre2_match_data_create_from_pattern (p->code, NULL);
  if (md == NULL && fail)
    *fail = (CnPatternFailure) { p, 0 };
  return md;
}

/* P stopped with PCRE2's error RC (a limit, or memory): say so in *FAIL. */
static CnMatch
gave_up (const CnPattern *p, int rc, CnPatternFailure *fail)
{
  if (fail)
    *fail = (CnPatternFailure) { p, rc };
  return CN_MATCH_ERROR;
}

void
cn_pattern_failure_note (CnNotice *n, const CnPatternFailure *f)
{
  const CnPattern *p = f->pattern;
  if (f->rc == 0) {
    const char *fmt = N_("out of memory: pattern '%s' (line %u) could not run");
    if (n->internal_error == NULL)
      n->internal_error = g_strdup_printf (fmt, p->key, p->line);
    cn_notice_add_reason (n, fmt, p->key, p->line);
    return;
  }
  /* PCRE2's own words, in English: it has no catalog */
  PCRE2_UCHAR msg[256];
  pcre2_get_error_message (f->rc, msg, sizeof msg);
  if (f->rc != PCRE2_ERROR_NOMEMORY) {
    cn_notice_add_reason (n, N_("pattern '%s' (line %u) gave up: %s"), p->key, p->line, (char *) msg);
    return;
  }
  const char *fmt = N_("out of memory: pattern '%s' (line %u) gave up: %s");
  if (n->internal_error == NULL)
    n->internal_error = g_strdup_printf (fmt, p->key, p->line, (char *) msg);
  cn_notice_add_reason (n, fmt, p->key, p->line, (char *) msg);
}

CnMatch
cn_pattern_exec (const CnRuleSet *set, const CnPattern *p, const char *text,
                 char *caps[CN_FIELD_COUNT], CnPatternFailure *fail)
{
  pcre2_match_data *md = match_data (p, fail);
  if (md == NULL)
    return CN_MATCH_ERROR;
  int rc = pcre2_match (p->code, (PCRE2_SPTR) text, strlen (text), 0, PCRE2_NO_UTF_CHECK, md,
                        set->mctx);
  CnMatch result;
  if (rc >= 0) {
    result = CN_MATCH_YES;
    for (int f = 0; caps && f < CN_FIELD_COUNT; f++) {
      if (!(p->groups & (1u << f)) || caps[f] != NULL)
        continue;
      PCRE2_UCHAR *val = NULL;
      PCRE2_SIZE len = 0;
      if (pcre2_substring_get_byname (md, (PCRE2_SPTR) cn_field_name (f), &val, &len) == 0) {
        if (len > 0)
          caps[f] = g_strndup ((const char *) val, len);
        pcre2_substring_free (val);
      }
    }
  } else if (rc == PCRE2_ERROR_NOMATCH) {
    result = CN_MATCH_NO;
  } else {
    result = gave_up (p, rc, fail);
  }
  pcre2_match_data_free (md);
  return result;
}

CnMatch
cn_pattern_exec_all (const CnRuleSet *set, const CnPattern *p, const char *text, const char *name,
                     GPtrArray *out, CnPatternFailure *fail)
{
  pcre2_match_data *md = match_data (p, fail);
  if (md == NULL)
    return CN_MATCH_ERROR;
  CnMatch result = CN_MATCH_NO;
  gsize len = strlen (text), start = 0;
  for (guint i = 0; i < CN_DOMAINS_MATCHES_MAX && start <= len; i++) {
    int rc = pcre2_match (p->code, (PCRE2_SPTR) text, len, start, PCRE2_NO_UTF_CHECK, md, set->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
      break;
    if (rc < 0) {
      result = gave_up (p, rc, fail);
      break;
    }
    result = CN_MATCH_YES;
    PCRE2_UCHAR *val = NULL;
    PCRE2_SIZE vlen = 0;
    if (pcre2_substring_get_byname (md, (PCRE2_SPTR) name, &val, &vlen) == 0) {
      if (vlen > 0)
        g_ptr_array_add (out, g_strndup ((const char *) val, vlen));
      pcre2_substring_free (val);
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer (md);
    if (ov[1] > start) {
      start = ov[1];
    } else {
      /* an empty match: step over one character */
      start = ov[1] + 1;
      while (start < len && ((guchar) text[start] & 0xc0) == 0x80)
        start++;
    }
  }
  pcre2_match_data_free (md);
  return result;
}

char *
cn_normalize_domain (const char *s)
{
  if (s == NULL)
    return NULL;
  g_autofree char *low = g_utf8_strdown (s, -1);
  g_strstrip (low);
  /* the brackets and quotes mail puts around a name */
  char *p = low;
  while (*p && strchr ("\"'<([", *p))
    p++;
  gsize n = strlen (p);
  while (n > 0 && (p[n - 1] == '.' || strchr ("\"'>)]", p[n - 1])))
    p[--n] = '\0';
  if (g_str_has_prefix (p, "*."))
    p += 2;
  if (*p == '\0')
    return NULL;
  g_autofree char *ascii = g_hostname_to_ascii (p);
  if (ascii == NULL)
    return NULL;
  /* a host name: labels of [a-z0-9-], 1..63, not starting/ending in '-' */
  n = strlen (ascii);
  if (n > 253 || strchr (ascii, '.') == NULL)
    return NULL;
  g_auto (GStrv) labels = g_strsplit (ascii, ".", -1);
  for (char **l = labels; *l; l++) {
    gsize ln = strlen (*l);
    if (ln == 0 || ln > 63 || (*l)[0] == '-' || (*l)[ln - 1] == '-')
      return NULL;
    for (char *c = *l; *c; c++)
      if (!g_ascii_isalnum (*c) && *c != '-')
        return NULL;
  }
  /* the top-level label is not all digits (that would be an address) and
   * has two characters at least, as every delegated one has ("e.g." is none) */
  const char *tld = labels[g_strv_length (labels) - 1];
  gboolean digits = TRUE;
  for (const char *c = tld; *c; c++)
    digits &= g_ascii_isdigit (*c) != 0;
  if (digits || strlen (tld) < 2)
    return NULL;
  return g_ascii_strdown (ascii, -1);
}

/* The first MAX runs of digits in S, as numbers; a run longer than four
 * digits (no date part has more) is stored as G_MAXUINT so it never
 * passes a range check.  Returns how many were found. */
static int
read_numbers (const char *s, guint *out, int max)
{
  int found = 0;
  for (const char *p = s; *p && found < max; ) {
    if (!g_ascii_isdigit (*p)) {
      p++;
      continue;
    }
    guint x = 0;
    int digits = 0;
    for (; g_ascii_isdigit (*p); p++)
      if (++digits <= 4)
        x = x * 10 + (guint) (*p - '0');
    out[found++] = digits > 4 ? G_MAXUINT : x;
  }
  return found;
}

static const char *const months[] = { "january", "february", "march", "april", "may", "june",
                                      "july", "august", "september", "october", "november", "december" };

/* The month named by the first month word of S (1-12, or 0), and where that
 * word starts and ends. */
static int
find_month (const char *s, const char **word, const char **after)
{
  for (const char *p = s; *p; p++) {
    if (!g_ascii_isalpha (*p) || (p > s && g_ascii_isalpha (p[-1])))
      continue;
    const char *w = p;
    while (g_ascii_isalpha (*w))
      w++;
    gsize len = (gsize) (w - p);
    /* the whole word: "Apr", "April" or "Sept", never "decided" */
    for (int m = 0; m < 12; m++)
      if ((len == 3 || len == strlen (months[m]) || (m == 8 && len == 4)) &&
          g_ascii_strncasecmp (p, months[m], len) == 0) {
        *word = p;
        *after = w;
        return m + 1;
      }
  }
  return 0;
}

/* The next run of digits at or after *P: its value (G_MAXUINT beyond four
 * digits) and length; *P moves past it.  FALSE when there is none. */
static gboolean
next_number (const char **p, guint *value, int *digits)
{
  const char *q = *p;
  while (*q && !g_ascii_isdigit (*q))
    q++;
  if (!*q)
    return FALSE;
  guint x = 0;
  int n = 0;
  for (; g_ascii_isdigit (*q); q++)
    if (++n <= 4)
      x = x * 10 + (guint) (*q - '0');
  *value = n > 4 ? G_MAXUINT : x;
  *digits = n;
  *p = q;
  return TRUE;
}

/* Dates with an English month name:
 *   month first   "April 18, 2019", "Nov 14, 2024 at 23:59:59 UTC", "Dec 20 2021"
 *   day first     "18 Apr 2019", "Tue, 18 Sept 2019", "31 Jul 18 06:24 +0000"
 *                 (RFC 822: the year may have two digits, 18 = 2018)
 *   year first    "2019 April 18" */
static GDate *
parse_english_date (const char *s)
{
  const char *word = NULL, *after = NULL;
  int month = find_month (s, &word, &after);
  if (month == 0)
    return NULL;
  /* the number just before the month word: only spaces, '-' or '.' between */
  const char *b = word;
  while (b > s && (b[-1] == ' ' || b[-1] == '-' || b[-1] == '.'))
    b--;
  const char *digits_end = b;
  while (b > s && g_ascii_isdigit (b[-1]))
    b--;
  guint before = 0;
  int before_digits = (int) (digits_end - b);
  for (const char *q = b; q < digits_end && q - b < 5; q++)
    before = before * 10 + (guint) (*q - '0');

  guint a1, a2, day, year;
  int d1, d2;
  const char *q = after;
  gboolean has1 = next_number (&q, &a1, &d1);
  gboolean has2 = has1 && next_number (&q, &a2, &d2);
  if (before_digits >= 1 && before_digits <= 2) {
    day = before;                                 /* 18 Apr 2019, 31 Jul 18 */
    if (!has1)
      return NULL;
    year = d1 == 2 ? 2000 + a1 : d1 == 4 ? a1 : 0;
  } else if (before_digits == 4) {
    year = before;                                /* 2019 April 18 */
    if (!has1 || d1 > 2)
      return NULL;
    day = a1;
  } else {
    if (!has2 || d1 > 2 || d2 != 4)               /* April 18, 2019 */
      return NULL;
    day = a1;
    year = a2;
  }
  if (day < 1 || day > 31 || year < 1990 || year > 2200 || !g_date_valid_dmy (day, month, year))
    return NULL;
  return g_date_new_dmy (day, month, year);
}

GDate *
cn_parse_date (const char *s)
{
  for (const char *p = s; *p; p++)
    if (g_ascii_isalpha (*p) && g_ascii_isalpha (p[1]) && g_ascii_isalpha (p[2])) {
      GDate *d = parse_english_date (s);
      if (d)
        return d;
      break;
    }
  guint v[3];
  if (read_numbers (s, v, 3) < 3 || v[0] < 1990 || v[0] > 2200 || v[1] < 1 || v[1] > 12 ||
      v[2] < 1 || v[2] > 31)
    return NULL;
  if (!g_date_valid_dmy (v[2], v[1], v[0]))
    return NULL;
  return g_date_new_dmy (v[2], v[1], v[0]);
}

static gboolean
parse_days (const char *s, gint64 *out)
{
  while (*s && !g_ascii_isdigit (*s))
    s++;
  if (!*s)
    return FALSE;
  char *end = NULL;
  gint64 d = g_ascii_strtoll (s, &end, 10);
  if (d < 0 || d > 3650)
    return FALSE;
  *out = d;
  return TRUE;
}

static void
trace_pattern (GString *trace, const CnPattern *p, const char *on, CnMatch r, char *caps[CN_FIELD_COUNT])
{
  if (trace == NULL || p == NULL)
    return;
  g_string_append_printf (trace, "    %-11s %-5s on %s (line %u)\n", p->key,
                          r == CN_MATCH_YES ? "match" : r == CN_MATCH_NO ? "no" : "ERROR", on, p->line);
  for (int f = 0; r == CN_MATCH_YES && caps && f < CN_FIELD_COUNT; f++)
    if ((p->groups & (1u << f)) && caps[f])
      g_string_append_printf (trace, "      %s = \"%s\"\n", cn_field_name (f), caps[f]);
}

/* One mail being matched: the text patterns see is made once, on first use. */
typedef struct {
  const CnRuleSet *set;
  CnNotice *n;
  GString *trace;
  char *text;          /* subject "\n" body, or NULL until needed */
} Matcher;

static const char *
matcher_text (Matcher *mt)
{
  if (mt->text == NULL)
    mt->text = g_strconcat (mt->n->mail->subject, "\n", mt->n->mail->body, NULL);
  return mt->text;
}

/* A pattern that must (want=YES) or must not (want=NO) match; a missing
 * pattern passes.  Returns whether the condition holds; ERROR sets *err. */
static gboolean
condition (Matcher *mt, const CnPattern *p, const char *text, const char *on,
           CnMatch want, char *caps[CN_FIELD_COUNT], gboolean *err)
{
  if (p == NULL)
    return TRUE;
  CnPatternFailure fail = { 0 };
  /* captures from a pattern are only kept when the whole kind matches */
  char *local[CN_FIELD_COUNT] = { 0 };
  CnMatch r = cn_pattern_exec (mt->set, p, text, want == CN_MATCH_YES ? local : NULL, &fail);
  trace_pattern (mt->trace, p, on, r, local);
  for (int f = 0; f < CN_FIELD_COUNT; f++) {
    if (caps[f] == NULL)
      caps[f] = local[f];
    else
      g_free (local[f]);
  }
  if (r == CN_MATCH_ERROR) {
    cn_pattern_failure_note (mt->n, &fail);
    *err = TRUE;
    return FALSE;
  }
  return r == want;
}

/* Every capture of KIND's domains extractor: the body's, then the subject's. */
static void
collect_domains (Matcher *mt, const CnNoticeKind *kind, GPtrArray *names)
{
  const CnMail *m = mt->n->mail;
  const char *texts[] = { m->body, m->subject }, *on[] = { "body", "subject" };
  for (int i = 0; i < 2; i++) {
    guint before = names->len;
    CnPatternFailure fail = { 0 };
    CnMatch r = cn_pattern_exec_all (mt->set, kind->domains, texts[i], CN_DOMAINS_GROUP, names, &fail);
    trace_pattern (mt->trace, kind->domains, on[i], r, NULL);
    for (guint j = before; mt->trace && j < names->len; j++)
      g_string_append_printf (mt->trace, "      domains = \"%s\"\n", (char *) names->pdata[j]);
    if (r == CN_MATCH_ERROR)
      cn_pattern_failure_note (mt->n, &fail);
  }
}

/* ---- the names a notice is about ---- */

typedef struct {
  CnNotice *n;
  GHashTable *seen;        /* every name met, kept or not (owned keys)   */
  guint over;              /* distinct names beyond CN_DOMAINS_MAX       */
} Names;

/* Characters that separate host names in a list: white space and the
 * punctuation mail puts between or around them. */
static gboolean
separates (gunichar c)
{
  if (g_unichar_isspace (c))
    return TRUE;
  switch (c) {
  case ',': case ';': case ':': case '|': case '"': case '\'': case '<': case '>':
  case '(': case ')': case '[': case ']': case '{': case '}': case '!': case '?':
  case 0x3001: /* 、 */ case 0x3002: /* 。 */ case 0x300c: /* 「 */ case 0x300d: /* 」 */
  case 0x300e: /* 『 */ case 0x300f: /* 』 */ case 0x3010: /* 【 */ case 0x3011: /* 】 */
  case 0x201c: /* “ */ case 0x201d: /* ” */ case 0x2018: /* ‘ */ case 0x2019: /* ’ */
  case 0x30fb: /* ・ */ case 0x2022: /* • */ case 0x00ab: case 0x00bb: /* « » */
    return TRUE;
  default:
    return FALSE;
  }
}

/* Add one written name: normalised, once.  Returns FALSE when it is not a
 * host name. */
static gboolean
add_name (Names *nm, const char *raw)
{
  g_autofree char *norm = cn_normalize_domain (raw);
  if (norm == NULL)
    return FALSE;
  const char *w = raw;
  while (*w && strchr ("\"'<([", *w))
    w++;
  gboolean wildcard = g_str_has_prefix (w, "*.");
  g_autofree char *key = g_strconcat (wildcard ? "*." : "", norm, NULL);
  if (g_hash_table_contains (nm->seen, key))
    return TRUE;
  g_hash_table_add (nm->seen, g_strdup (key));
  gboolean known = wildcard && g_hash_table_contains (nm->seen, norm);
  if (wildcard && (known || nm->n->domains->len < CN_DOMAINS_MAX))
    cn_notice_add_reason (nm->n, N_("the notice names the wildcard *.%s: %s itself is checked "
                                    "(a wildcard is no host to connect to)"), norm, norm);
  if (known)
    return TRUE;
  if (wildcard)
    g_hash_table_add (nm->seen, g_strdup (norm));
  if (nm->n->domains->len >= CN_DOMAINS_MAX)
    nm->over++;
  else
    g_ptr_array_add (nm->n->domains, g_steal_pointer (&norm));
  return TRUE;
}

/* Split a captured list into host-name tokens and add each valid one. */
static void
add_names (Names *nm, const char *raw)
{
  g_autoptr (GString) tok = g_string_new (NULL);
  for (const char *p = raw;; p = g_utf8_next_char (p)) {
    gunichar c = *p ? g_utf8_get_char (p) : 0;
    if (c == 0 || separates (c)) {
      if (tok->len)
        add_name (nm, tok->str);
      g_string_truncate (tok, 0);
      if (c == 0)
        break;
    } else {
      g_string_append_unichar (tok, c);
    }
  }
}

void
cn_match_fill (CnNotice *n, const CnNoticeKind *kind, char *caps[CN_FIELD_COUNT], const GPtrArray *names)
{
  const CnMail *m = n->mail;
  n->rule = kind->rule;
  n->kind = kind;
  Names nm = { .n = n, .seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  /* the primary name first, then every name of the list */
  if (caps[CN_FIELD_DOMAIN] && !add_name (&nm, caps[CN_FIELD_DOMAIN]))
    cn_notice_add_reason (n, N_("the notice names '%s', which is not a valid host name"),
                          caps[CN_FIELD_DOMAIN]);
  for (guint i = 0; names && i < names->len; i++)
    add_names (&nm, names->pdata[i]);
  if (nm.over)
    cn_notice_add_reason (n, N_("the notice names %u host names: only the first %d are kept"),
                          CN_DOMAINS_MAX + nm.over, CN_DOMAINS_MAX);
  g_hash_table_unref (nm.seen);
  g_free (n->domain);
  n->domain = n->domains->len ? g_strdup (n->domains->pdata[0]) : NULL;

  if (caps[CN_FIELD_ACCOUNT]) {
    n->account = g_strstrip (g_strdup (caps[CN_FIELD_ACCOUNT]));
    if (*n->account == '\0')
      g_clear_pointer (&n->account, g_free);
  }
  if (caps[CN_FIELD_DAYS] && !parse_days (caps[CN_FIELD_DAYS], &n->days))
    cn_notice_add_reason (n, N_("cannot read a day count from '%s'"), caps[CN_FIELD_DAYS]);
  if (caps[CN_FIELD_EXPIRES]) {
    n->expires = cn_parse_date (caps[CN_FIELD_EXPIRES]);
    if (n->expires)
      n->expires_stated = TRUE;
    else
      cn_notice_add_reason (n, N_("cannot read a date from '%s'"), caps[CN_FIELD_EXPIRES]);
  }
  if (n->expires == NULL && n->days >= 0) {
    GDateTime *base = m->date ? m->date : m->received;
    if (base) {
      int y, mo, d;
      g_date_time_get_ymd (base, &y, &mo, &d);
      n->expires = g_date_new_dmy (d, mo, y);
      g_date_add_days (n->expires, (guint) n->days);
    }
  }
}

/* ---- which rule ---- */

/* Whether the mail comes from RULE's provider: it has a From address and
 * every From domain is one of the provider's sender domains (or under one). */
static gboolean
from_provider (const CnRule *rule, const CnMail *m)
{
  if (m->from_domains->len == 0)
    return FALSE;
  for (guint i = 0; i < m->from_domains->len; i++)
    if (!cn_authn_domain_is_genuine (m->from_domains->pdata[i], rule->sender_domains))
      return FALSE;
  return TRUE;
}

/* Try one kind; on a match fill N.  SENDER: the mail comes from the kind's
 * provider, so its names pattern is not needed. */
static gboolean
try_kind (Matcher *mt, const CnNoticeKind *kind, gboolean sender, gboolean *err)
{
  const CnMail *m = mt->n->mail;
  const CnPattern *names = sender ? NULL : cn_kind_names (kind);
  char *caps[CN_FIELD_COUNT] = { 0 };
  if (mt->trace)
    g_string_append_printf (mt->trace, "  %s / %s%s\n", kind->rule->id, kind->id,
                            sender ? " (the sender's provider: names not needed)"
                            : names ? " (the mail must name the provider)" : "");
  gboolean ok =
    condition (mt, kind->subject, m->subject, "subject", CN_MATCH_YES, caps, err) &&
    condition (mt, kind->body, m->body, "body", CN_MATCH_YES, caps, err) &&
    (kind->text == NULL ||
     condition (mt, kind->text, matcher_text (mt), "text", CN_MATCH_YES, caps, err)) &&
    condition (mt, kind->not_subject, m->subject, "subject", CN_MATCH_NO, caps, err) &&
    condition (mt, kind->not_body, m->body, "body", CN_MATCH_NO, caps, err) &&
    (names == NULL || condition (mt, names, matcher_text (mt), "text", CN_MATCH_YES, caps, err));
  if (ok) {
    /* extractors: the body first, then the subject */
    for (int f = 0; f < CN_FIELD_COUNT; f++) {
      if (kind->field[f] == NULL || caps[f] != NULL)
        continue;
      condition (mt, kind->field[f], m->body, "body", CN_MATCH_YES, caps, err);
      if (caps[f] == NULL)
        condition (mt, kind->field[f], m->subject, "subject", CN_MATCH_YES, caps, err);
    }
    g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
    if (kind->domains)
      collect_domains (mt, kind, list);
    cn_match_fill (mt->n, kind, caps, list);
  }
  for (int f = 0; f < CN_FIELD_COUNT; f++)
    g_free (caps[f]);
  return ok;
}

CnMatch
cn_match_notice (const CnRuleSet *set, CnNotice *n, GString *trace)
{
  Matcher mt = { .set = set, .n = n, .trace = trace };
  gboolean any_error = FALSE, found = FALSE;
  /* first the providers the sender genuinely belongs to, then all others */
  for (int pass = 0; pass < 2 && !found; pass++) {
    for (guint r = 0; r < set->rules->len && !found; r++) {
      const CnRule *rule = set->rules->pdata[r];
      if (from_provider (rule, n->mail) != (pass == 0))
        continue;
      for (guint k = 0; k < rule->kinds->len && !found; k++) {
        gboolean err = FALSE;
        found = try_kind (&mt, rule->kinds->pdata[k], pass == 0, &err);
        any_error |= err;
      }
    }
  }
  g_free (mt.text);
  return found ? CN_MATCH_YES : any_error ? CN_MATCH_ERROR : CN_MATCH_NO;
}
