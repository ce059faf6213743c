/* authn.c — is a matched notice really from its provider?
 *
 * A notice is suspicious when any From domain, as written in the header
 * (mime.c reads them byte for byte), is not one of the provider's genuine
 * sender domains or a subdomain of one — a Unicode or otherwise normalised
 * look-alike of a genuine domain included: the user's MTA checked SPF, DKIM
 * and DMARC against the literal domain, so the provider's DMARC policy never
 * applied to it — or when an Authentication-Results field reports dkim,
 * spf or dmarc "fail".
 *
 * It is authentic only when the user's MTA says so: the topmost
 * Authentication-Results field with an authserv-id the user trusts reports
 * dmarc=pass (for a genuine header.from, or none named), or dkim=pass for
 * a genuine header.d.  Fields lower down with the same authserv-id are not
 * believed: everything below the MTA's own field may have been written by
 * the sender.  The MTA must remove fields that claim its authserv-id
 * (RFC 8601 section 5): when it adds none of its own, a forged one would be
 * the topmost (docs/SECURITY.md).
 *
 * Fields are parsed per RFC 8601 (section 2.2): comments are skipped, a
 * quoted string is one value whatever it holds, so neither a ';' nor a
 * "dkim=pass" inside one makes a result.
 *
 * A provider whose mail is local (no shipped sender domain: certbot,
 * acme.sh) has the user's own hosts as senders: until the config declares
 * some, its From is not checked, as the generic detector's is not, and it
 * is never authentic.
 */
#include "authn.h"

#include "i18n.h"
#include <string.h>

gboolean
cn_authn_domain_is_genuine (const char *domain, char *const *genuine)
{
  if (domain == NULL || *domain == '\0')
    return FALSE;
  for (char *const *g = genuine; g && *g; g++) {
    gsize dl = strlen (domain), gl = strlen (*g);
    if (dl == gl && g_ascii_strcasecmp (domain, *g) == 0)
      return TRUE;
    if (dl > gl && domain[dl - gl - 1] == '.' && g_ascii_strcasecmp (domain + dl - gl, *g) == 0)
      return TRUE;
  }
  return FALSE;
}

/* ---- look-alike domains ---- */

/* DOMAIN as the normalisations that make look-alikes see it: xn-- labels
 * decoded, NFKC, lowercase, ideographic and fullwidth full stops as '.',
 * trailing dots dropped, then IDNA (ASCII).  NULL when that fails. */
static char *
normalised (const char *domain)
{
  g_autofree char *uni = g_hostname_to_unicode (domain);
  g_autofree char *nfkc = g_utf8_normalize (uni ? uni : domain, -1, G_NORMALIZE_NFKC);
  if (nfkc == NULL)
    return NULL;
  g_autofree char *low = g_utf8_strdown (nfkc, -1);
  GString *s = g_string_new (NULL);
  for (const char *p = low; *p; p = g_utf8_next_char (p)) {
    gunichar u = g_utf8_get_char (p);
    if (u == 0x3002 || u == 0xff0e || u == 0xff61)
      g_string_append_c (s, '.');
    else
      g_string_append_unichar (s, u);
  }
  while (s->len > 0 && s->str[s->len - 1] == '.')
    g_string_truncate (s, s->len - 1);
  g_autofree char *plain = g_string_free (s, FALSE);
  return g_hostname_to_ascii (plain);
}

/* The genuine domain that DOMAIN (not genuine itself) is a look-alike of,
 * or NULL.  Caller frees. */
static char *
look_alike_of (const char *domain, char *const *genuine)
{
  g_autofree char *n = normalised (domain);
  if (n == NULL || !cn_authn_domain_is_genuine (n, genuine))
    return NULL;
  return g_steal_pointer (&n);
}

/* ---- RFC 8601 ---- */

typedef enum { TOK_WORD, TOK_QUOTED, TOK_PUNCT } TokKind;

typedef struct {
  TokKind kind;
  char *text;   /* a word, a quoted string's content, or one punctuation char */
} Tok;

static void
tok_clear (gpointer p)
{
  g_free (((Tok *) p)->text);
}

/* The tokens of an Authentication-Results value: RFC 2045 tokens (words),
 * quoted strings (their content) and the specials one by one; white space
 * and comments (nested, with quoted pairs) are dropped. */
static GArray *
tokenise (const char *s)
{
  GArray *toks = g_array_new (FALSE, FALSE, sizeof (Tok));
  g_array_set_clear_func (toks, tok_clear);
  const char *p = s;
  while (*p) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
      p++;
    } else if (*p == '(') {
      int depth = 0;
      for (; *p; p++) {
        if (*p == '\\' && p[1])
          p++;
        else if (*p == '(')
          depth++;
        else if (*p == ')' && --depth == 0) {
          p++;
          break;
        }
      }
    } else if (*p == '"') {
      GString *q = g_string_new (NULL);
      for (p++; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1])
          p++;
        g_string_append_c (q, *p);
      }
      if (*p == '"')
        p++;
      Tok t = { TOK_QUOTED, g_string_free (q, FALSE) };
      g_array_append_val (toks, t);
    } else if (strchr ("()<>@,;:\\/[]?=", *p)) {
      Tok t = { TOK_PUNCT, g_strndup (p, 1) };
      g_array_append_val (toks, t);
      p++;
    } else {
      const char *start = p;
      while (*p && !strchr (" \t\r\n\"()<>@,;:\\/[]?=", *p) && (guchar) *p >= 0x20 && *p != 0x7f)
        p++;
      if (p == start) {   /* a control character: skip it */
        p++;
        continue;
      }
      Tok t = { TOK_WORD, g_strndup (start, (gsize) (p - start)) };
      g_array_append_val (toks, t);
    }
  }
  return toks;
}

typedef struct {
  char *method;       /* lowercase, without its version */
  char *result;       /* lowercase                      */
  char *header_from;  /* lowercase domains, or NULL     */
  char *header_d;
  char *header_i;     /* the domain part                */
} Result;

static void
result_clear (gpointer p)
{
  Result *r = p;
  g_free (r->method);
  g_free (r->result);
  g_free (r->header_from);
  g_free (r->header_d);
  g_free (r->header_i);
}

static gboolean
is_punct (const GArray *t, guint i, char c)
{
  return i < t->len && g_array_index (t, Tok, i).kind == TOK_PUNCT && g_array_index (t, Tok, i).text[0] == c;
}

static gboolean
is_word (const GArray *t, guint i)
{
  return i < t->len && g_array_index (t, Tok, i).kind == TOK_WORD;
}

static gboolean
is_value (const GArray *t, guint i)
{
  return i < t->len && g_array_index (t, Tok, i).kind != TOK_PUNCT;
}

/* A parsed field: its authserv-id (NULL when even that is malformed) and
 * the results that are well formed. */
typedef struct {
  char *authserv;
  GArray *results;    /* Result */
} Field;

static void
field_clear (Field *f)
{
  g_free (f->authserv);
  if (f->results)
    g_array_unref (f->results);
}

/* Parse one Authentication-Results value (RFC 8601 2.2).  A resinfo that
 * does not parse is skipped up to the next ';' outside quotes and comments. */
static void
parse_field (const char *value, Field *f)
{
  g_autoptr (GArray) t = tokenise (value);
  f->authserv = NULL;
  f->results = g_array_new (FALSE, FALSE, sizeof (Result));
  g_array_set_clear_func (f->results, result_clear);
  guint i = 0;
  if (!is_value (t, i))
    return;
  f->authserv = g_ascii_strdown (g_array_index (t, Tok, i).text, -1);
  i++;
  if (is_word (t, i) && strspn (g_array_index (t, Tok, i).text, "0123456789") == strlen (g_array_index (t, Tok, i).text))
    i++;   /* authres-version */
  while (i < t->len) {
    if (!is_punct (t, i, ';')) {
      i++;     /* garbage between results: skip to the next ';' */
      continue;
    }
    i++;
    /* methodspec: method [ "/" version ] "=" result */
    if (!is_word (t, i))
      continue;
    guint m = i++;
    if (is_punct (t, i, '/')) {
      i++;
      if (!is_word (t, i))
        continue;
      i++;
    }
    if (!is_punct (t, i, '=') || !is_word (t, i + 1))
      continue;
    Result r = { 0 };
    r.method = g_ascii_strdown (g_array_index (t, Tok, m).text, -1);
    r.result = g_ascii_strdown (g_array_index (t, Tok, i + 1).text, -1);
    i += 2;
    /* reasonspec and propspecs, up to the next ';' */
    while (i < t->len && !is_punct (t, i, ';')) {
      if (!(is_word (t, i) && is_punct (t, i + 1, '='))) {
        i++;
        continue;
      }
      const char *key = g_array_index (t, Tok, i).text;
      i += 2;
      /* pvalue: value / [ [ local-part ] "@" ] domain-name */
      const char *v = NULL;
      if (is_value (t, i) && is_punct (t, i + 1, '@') && is_value (t, i + 2)) {
        v = g_array_index (t, Tok, i + 2).text;
        i += 3;
      } else if (is_punct (t, i, '@') && is_value (t, i + 1)) {
        v = g_array_index (t, Tok, i + 1).text;
        i += 2;
      } else if (is_value (t, i)) {
        v = g_array_index (t, Tok, i).text;
        i++;
      }
      if (v == NULL)
        continue;
      char **slot = !g_ascii_strcasecmp (key, "header.from") ? &r.header_from
                  : !g_ascii_strcasecmp (key, "header.d")    ? &r.header_d
                  : !g_ascii_strcasecmp (key, "header.i")    ? &r.header_i
                  : NULL;
      if (slot && *slot == NULL) {
        /* header.i may be a whole address: its domain */
        const char *at = strrchr (v, '@');
        *slot = g_ascii_strdown (at ? at + 1 : v, -1);
      }
    }
    g_array_append_val (f->results, r);
  }
}

/* ---- the judgement ---- */

/* The failures one Authentication-Results field reports. */
typedef struct {
  char *authserv;     /* the field's authserv-id                     */
  char *results;      /* "dkim=fail, spf=fail", the methods as named */
} Fails;

static void
fails_clear (gpointer p)
{
  g_free (((Fails *) p)->authserv);
  g_free (((Fails *) p)->results);
}

static GArray *
fails_new (void)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (Fails));
  g_array_set_clear_func (a, fails_clear);
  return a;
}

/* What M's Authentication-Results say about GENUINE (domains): returns
 * TRUE when the topmost field of an authserv-id the user trusts reports an
 * aligned pass (dmarc=pass for a genuine header.from, or none named; or
 * dkim=pass for a genuine header.d / header.i); the failures each field
 * reports are added to FAILS_OUT (a Fails each). */
static gboolean
read_auth_results (const CnMail *m, char *const *genuine, const CnOptions *opts, GArray *fails_out)
{
  gboolean pass = FALSE;
  /* the topmost field of each authserv-id is the only one believed */
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < m->auth_results->len; i++) {
    Field f;
    parse_field (m->auth_results->pdata[i], &f);
    if (f.authserv == NULL) {
      field_clear (&f);
      continue;
    }
    gboolean topmost = !g_hash_table_contains (seen, f.authserv);
    g_hash_table_add (seen, g_strdup (f.authserv));
    gboolean trusted = FALSE;
    for (char **t = opts ? opts->trusted_authserv : NULL; topmost && t && *t; t++)
      trusted |= g_ascii_strcasecmp (*t, f.authserv) == 0;
    g_autoptr (GString) fails = g_string_new (NULL);
    gboolean spf_fail = FALSE, aligned_pass = FALSE;
    for (guint k = 0; k < f.results->len; k++) {
      const Result *r = &g_array_index (f.results, Result, k);
      gboolean ours = !strcmp (r->method, "dkim") || !strcmp (r->method, "spf") || !strcmp (r->method, "dmarc");
      if (ours && strcmp (r->result, "fail") == 0) {
        if (!strcmp (r->method, "spf"))
          spf_fail = TRUE;
        else
          g_string_append_printf (fails, "%s%s=fail", fails->len ? ", " : "", r->method);
      } else if (strcmp (r->result, "pass") == 0) {
        gboolean aligned = FALSE;
        if (!strcmp (r->method, "dmarc"))
          aligned = r->header_from == NULL || cn_authn_domain_is_genuine (r->header_from, genuine);
        else if (!strcmp (r->method, "dkim"))
          aligned = cn_authn_domain_is_genuine (r->header_d ? r->header_d : r->header_i, genuine);
        aligned_pass |= aligned;
        pass |= trusted && aligned;
      }
    }
    /* Forwarding breaks SPF but not DKIM: an spf=fail beside an aligned
     * dkim or dmarc pass in the same field is the forwarder's doing. */
    if (spf_fail && !aligned_pass)
      g_string_append_printf (fails, "%sspf=fail", fails->len ? ", " : "");
    if (fails->len) {
      Fails one = { g_strdup (f.authserv), g_strdup (fails->str) };
      g_array_append_val (fails_out, one);
    }
    field_clear (&f);
  }
  return pass;
}

void
cn_authn_judge (CnNotice *n, const CnOptions *opts)
{
  const CnMail *m = n->mail;
  char *const *genuine = n->rule->sender_domains;
  g_autofree char *genuine_list = g_strjoinv (", ", (char **) genuine);
  gboolean bad = FALSE;

  /* a notice of the generic detector, or of a local provider whose senders
   * the user has not declared: no sender is genuine, none foreign */
  gboolean undeclared = !n->rule->generic && genuine[0] == NULL;
  gboolean generic = n->rule->generic || undeclared;
  if (undeclared)
    cn_notice_add_reason (n, N_("the sender is not checked: %s's mail comes from your own hosts, and none "
                                "is declared ([provider %s] sender_domains = … in the config)"),
                          n->rule->id, n->rule->id);
  if (m->from_domains->len == 0 && !generic) {
    cn_notice_add_reason (n, N_("no From address written out in the header, so not a genuine notice of %s "
                                "(%s)"), n->rule->id, genuine_list);
    bad = TRUE;
  }
  for (guint i = 0; i < m->from_domains->len && !generic; i++) {
    const char *d = m->from_domains->pdata[i];
    if (cn_authn_domain_is_genuine (d, genuine))
      continue;
    g_autofree char *like = look_alike_of (d, genuine);
    if (like)
      cn_notice_add_reason (n, N_("From domain %s is a look-alike of %s, not the domain itself: the "
                                  "provider's sender authentication never applied to it"), d, like);
    else if (*d == '\0')
      cn_notice_add_reason (n, N_("From domain (none) is not a genuine sender domain of %s (%s)"),
                            n->rule->id, genuine_list);
    else
      cn_notice_add_reason (n, N_("From domain %s is not a genuine sender domain of %s (%s)"), d, n->rule->id,
                            genuine_list);
    bad = TRUE;
  }
  g_autoptr (GArray) fails = fails_new ();
  gboolean pass = read_auth_results (m, genuine, opts, fails);
  for (guint i = 0; i < fails->len; i++) {
    const Fails *f = &g_array_index (fails, Fails, i);
    /* TRANSLATORS: "Authentication-Results from mx.example.net reports dkim=fail, spf=fail" */
    cn_notice_add_reason (n, N_("Authentication-Results from %s reports %s"), f->authserv, f->results);
    bad = TRUE;
  }

  if (bad) {
    n->authentic = CN_FALSE;
    n->verdict = CN_VERDICT_SUSPICIOUS;
  } else if (pass && !m->embedded && !generic) {
    /* an attached message carries headers anyone could have written */
    n->authentic = CN_TRUE;
  } else {
    n->authentic = CN_UNKNOWN;
  }
}

gboolean
cn_authn_trusted_forwarder (const CnMail *m, const CnOptions *opts)
{
  if (opts == NULL || opts->trusted_forwarders == NULL || m->from_addr == NULL || m->embedded ||
      m->from_domains->len != 1)
    return FALSE;
  gboolean listed = FALSE;
  for (char **f = opts->trusted_forwarders; *f && !listed; f++) {
    const char *at = strchr (*f, '@');
    if (at)   /* the address, with its domain as written */
      listed = g_ascii_strcasecmp (*f, m->from_addr) == 0 &&
               g_ascii_strcasecmp (at + 1, m->from_domains->pdata[0]) == 0;
    else
      listed = cn_authn_domain_is_genuine (m->from_domains->pdata[0], (char *[]) { *f, NULL });
  }
  if (!listed)
    return FALSE;
  /* the From domain itself must pass, by a server the user trusts */
  char *own[] = { m->from_domains->pdata[0], NULL };
  g_autoptr (GArray) fails = fails_new ();
  return read_auth_results (m, own, opts, fails) && fails->len == 0;
}
