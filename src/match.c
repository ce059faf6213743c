/* match.c — apply the rules to a mail; extract and normalise the claim. */
#include "match.h"

#include <stdlib.h>
#include <string.h>

CnMatch
cn_pattern_exec (const CnRuleSet *set, const CnPattern *p, const char *text,
                 char *caps[CN_FIELD_COUNT], char **why)
{
  pcre2_match_data *md = pcre2_match_data_create_from_pattern (p->code, NULL);
  if (md == NULL) {
    if (why)
      *why = g_strdup_printf ("out of memory: pattern '%s' (line %u) could not run", p->key, p->line);
    return CN_MATCH_ERROR;
  }
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
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message (rc, msg, sizeof msg);
    if (why)
      *why = g_strdup_printf ("%spattern '%s' (line %u) gave up: %s",
                              rc == PCRE2_ERROR_NOMEMORY ? "out of memory: " : "", p->key, p->line,
                              (char *) msg);
    result = CN_MATCH_ERROR;
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
  /* the top-level label is not all digits (that would be an address) */
  const char *tld = labels[g_strv_length (labels) - 1];
  gboolean digits = TRUE;
  for (const char *c = tld; *c; c++)
    digits &= g_ascii_isdigit (*c) != 0;
  if (digits)
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

/* "April 18, 2019", "Dec 20 2021", "18 Apr 2019": day, month name, year. */
static GDate *
parse_english_date (const char *s)
{
  int month = 0;
  for (const char *p = s; *p && month == 0; p++) {
    if (!g_ascii_isalpha (*p) || (p > s && g_ascii_isalpha (p[-1])))
      continue;
    const char *w = p;
    while (g_ascii_isalpha (*w))
      w++;
    gsize len = (gsize) (w - p);
    /* the whole word: "Apr", "April" or "Sept", never "decided" */
    for (int m = 0; m < 12 && month == 0; m++)
      if ((len == 3 || len == strlen (months[m]) || (m == 8 && len == 4)) &&
          g_ascii_strncasecmp (p, months[m], len) == 0) {
        month = m + 1;
      }
  }
  if (month == 0)
    return NULL;
  guint nums[2];
  if (read_numbers (s, nums, 2) < 2)
    return NULL;
  guint day = nums[0] >= 1990 ? nums[1] : nums[0];
  guint year = nums[0] >= 1990 ? nums[0] : nums[1];
  if (year < 1990 || year > 2200 || !g_date_valid_dmy (day, month, year))
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
  if (read_numbers (s, v, 3) < 3 || v[0] < 1990 || v[0] > 2200)
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

/* A pattern that must (want=YES) or must not (want=NO) match; a missing
 * pattern passes.  Returns whether the condition holds; ERROR sets *err. */
static gboolean
condition (const CnRuleSet *set, const CnPattern *p, const char *text, const char *on,
           CnMatch want, char *caps[CN_FIELD_COUNT], CnNotice *n, GString *trace, gboolean *err)
{
  if (p == NULL)
    return TRUE;
  g_autofree char *why = NULL;
  /* captures from a pattern are only kept when the whole kind matches */
  char *local[CN_FIELD_COUNT] = { 0 };
  CnMatch r = cn_pattern_exec (set, p, text, want == CN_MATCH_YES ? local : NULL, &why);
  trace_pattern (trace, p, on, r, local);
  for (int f = 0; f < CN_FIELD_COUNT; f++) {
    if (caps[f] == NULL)
      caps[f] = local[f];
    else
      g_free (local[f]);
  }
  if (r == CN_MATCH_ERROR) {
    if (g_str_has_prefix (why, "out of memory") && n->internal_error == NULL)
      n->internal_error = g_strdup (why);
    cn_notice_add_reason (n, "%s", why);
    *err = TRUE;
    return FALSE;
  }
  return r == want;
}

static void
fill (CnNotice *n, const CnNoticeKind *kind, char *caps[CN_FIELD_COUNT])
{
  const CnMail *m = n->mail;
  n->rule = kind->rule;
  n->kind = kind;
  if (caps[CN_FIELD_DOMAIN]) {
    n->domain = cn_normalize_domain (caps[CN_FIELD_DOMAIN]);
    if (n->domain)
      g_ptr_array_add (n->domains, g_strdup (n->domain));
    if (n->domain == NULL)
      cn_notice_add_reason (n, "the notice names '%s', which is not a valid host name",
                            caps[CN_FIELD_DOMAIN]);
  }
  if (caps[CN_FIELD_ACCOUNT]) {
    n->account = g_strstrip (g_strdup (caps[CN_FIELD_ACCOUNT]));
    if (*n->account == '\0')
      g_clear_pointer (&n->account, g_free);
  }
  if (caps[CN_FIELD_DAYS] && !parse_days (caps[CN_FIELD_DAYS], &n->days))
    cn_notice_add_reason (n, "cannot read a day count from '%s'", caps[CN_FIELD_DAYS]);
  if (caps[CN_FIELD_EXPIRES]) {
    n->expires = cn_parse_date (caps[CN_FIELD_EXPIRES]);
    if (n->expires)
      n->expires_stated = TRUE;
    else
      cn_notice_add_reason (n, "cannot read a date from '%s'", caps[CN_FIELD_EXPIRES]);
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

CnMatch
cn_match_notice (const CnRuleSet *set, CnNotice *n, GString *trace)
{
  const CnMail *m = n->mail;
  gboolean any_error = FALSE;
  for (guint r = 0; r < set->rules->len; r++) {
    const CnRule *rule = set->rules->pdata[r];
    for (guint k = 0; k < rule->kinds->len; k++) {
      const CnNoticeKind *kind = rule->kinds->pdata[k];
      char *caps[CN_FIELD_COUNT] = { 0 };
      gboolean err = FALSE;
      if (trace)
        g_string_append_printf (trace, "  %s / %s\n", rule->id, kind->id);
      g_autofree char *text = kind->text ? g_strconcat (m->subject, "\n", m->body, NULL) : NULL;
      gboolean ok =
        condition (set, kind->subject, m->subject, "subject", CN_MATCH_YES, caps, n, trace, &err) &&
        condition (set, kind->body, m->body, "body", CN_MATCH_YES, caps, n, trace, &err) &&
        condition (set, kind->text, text, "text", CN_MATCH_YES, caps, n, trace, &err) &&
        condition (set, kind->not_subject, m->subject, "subject", CN_MATCH_NO, caps, n, trace, &err) &&
        condition (set, kind->not_body, m->body, "body", CN_MATCH_NO, caps, n, trace, &err);
      any_error |= err;
      if (ok) {
        /* extractors: the body first, then the subject */
        for (int f = 0; f < CN_FIELD_COUNT; f++) {
          if (kind->field[f] == NULL || caps[f] != NULL)
            continue;
          condition (set, kind->field[f], m->body, "body", CN_MATCH_YES, caps, n, trace, &err);
          if (caps[f] == NULL)
            condition (set, kind->field[f], m->subject, "subject", CN_MATCH_YES, caps, n, trace, &err);
        }
        fill (n, kind, caps);
      }
      for (int f = 0; f < CN_FIELD_COUNT; f++)
        g_free (caps[f]);
      if (ok)
        return CN_MATCH_YES;
    }
  }
  return any_error ? CN_MATCH_ERROR : CN_MATCH_NO;
}
