/* authn.c — is a matched notice really from its provider?
 *
 * A notice is suspicious when any From domain is not one of the provider's
 * genuine sender domains (or a subdomain of one), or when an
 * Authentication-Results header reports dkim, spf or dmarc "fail".  It is
 * authentic only when an authserv-id the user trusts reports dmarc=pass, or
 * dkim=pass for a genuine domain; everything else is "unknown".
 */
#include "authn.h"

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

/* Drop RFC 5322 comments "( … )", nested; they may contain ';' and '='. */
static char *
strip_comments (const char *s)
{
  GString *out = g_string_sized_new (strlen (s));
  int depth = 0;
  gboolean quoted = FALSE;
  for (const char *p = s; *p; p++) {
    if (*p == '\\' && p[1]) {
      if (depth == 0)
        g_string_append_len (out, p, 2);
      p++;
    } else if (!quoted && *p == '(') {
      depth++;
    } else if (!quoted && *p == ')' && depth > 0) {
      depth--;
      g_string_append_c (out, ' ');
    } else if (depth == 0) {
      if (*p == '"')
        quoted = !quoted;
      g_string_append_c (out, *p);
    }
  }
  return g_string_free (out, FALSE);
}

/* The value of PROP ("header.d") in a resinfo clause, lowercased, or NULL. */
static char *
prop (char **words, const char *name)
{
  gsize n = strlen (name);
  for (char **w = words; *w; w++)
    if (g_ascii_strncasecmp (*w, name, n) == 0 && (*w)[n] == '=') {
      const char *v = *w + n + 1;
      const char *at = strrchr (v, '@');   /* header.i=@example.com */
      char *r = g_ascii_strdown (at ? at + 1 : v, -1);
      g_strdelimit (r, "\"", ' ');
      return g_strstrip (r);
    }
  return NULL;
}

/* What M's Authentication-Results say about GENUINE (domains): returns
 * TRUE when an authserv-id the user trusts reports an aligned pass
 * (dmarc=pass for a genuine header.from, or dkim=pass for a genuine
 * header.d); every reported failure is added to FAILS (char *). */
static gboolean
read_auth_results (const CnMail *m, char *const *genuine, const CnOptions *opts, GPtrArray *fails_out)
{
  gboolean pass = FALSE;
  for (guint i = 0; i < m->auth_results->len; i++) {
    g_autofree char *clean = strip_comments (m->auth_results->pdata[i]);
    g_auto (GStrv) clauses = g_strsplit (clean, ";", -1);
    if (clauses[0] == NULL)
      continue;
    g_auto (GStrv) idw = g_strsplit_set (g_strstrip (clauses[0]), " \t", 2);
    const char *authserv = idw[0] ? idw[0] : "";
    gboolean trusted = opts && opts->trusted_authserv &&
                       g_strv_contains ((const char *const *) opts->trusted_authserv, authserv);
    g_autoptr (GString) fails = g_string_new (NULL);
    gboolean spf_fail = FALSE, aligned_pass = FALSE;
    for (char **c = clauses + 1; *c; c++) {
      g_auto (GStrv) words = g_strsplit_set (g_strstrip (*c), " \t\r\n", -1);
      if (words[0] == NULL)
        continue;
      char *eq = strchr (words[0], '=');
      if (eq == NULL)
        continue;
      g_autofree char *method = g_ascii_strdown (words[0], eq - words[0]);
      char *slash = strchr (method, '/');   /* method/version */
      if (slash)
        *slash = '\0';
      g_autofree char *result = g_ascii_strdown (eq + 1, -1);
      gboolean ours = !strcmp (method, "dkim") || !strcmp (method, "spf") || !strcmp (method, "dmarc");
      if (ours && strcmp (result, "fail") == 0) {
        if (!strcmp (method, "spf"))
          spf_fail = TRUE;
        else
          g_string_append_printf (fails, "%s%s=fail", fails->len ? ", " : "", method);
      } else if (strcmp (result, "pass") == 0) {
        gboolean aligned = FALSE;
        if (!strcmp (method, "dmarc")) {
          g_autofree char *hf = prop (words, "header.from");
          aligned = hf == NULL || cn_authn_domain_is_genuine (hf, genuine);
        } else if (!strcmp (method, "dkim")) {
          g_autofree char *d = prop (words, "header.d");
          if (d == NULL)
            d = prop (words, "header.i");
          aligned = d != NULL && cn_authn_domain_is_genuine (d, genuine);
        }
        aligned_pass |= aligned;
        pass |= trusted && aligned;
      }
    }
    /* Forwarding breaks SPF but not DKIM: an spf=fail beside an aligned
     * dkim or dmarc pass in the same header is the forwarder's doing. */
    if (spf_fail && !aligned_pass)
      g_string_append_printf (fails, "%sspf=fail", fails->len ? ", " : "");
    if (fails->len)
      g_ptr_array_add (fails_out, g_strdup_printf ("Authentication-Results from %s reports %s", authserv,
                                                   fails->str));
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

  /* a notice of the generic detector: no sender is genuine, none foreign */
  gboolean generic = n->rule->generic;
  if (m->from_domains->len == 0 && !generic) {
    cn_notice_add_reason (n, "no From address, so not a genuine notice of %s (%s)",
                          n->rule->id, genuine_list);
    bad = TRUE;
  }
  for (guint i = 0; i < m->from_domains->len && !generic; i++) {
    const char *d = m->from_domains->pdata[i];
    if (!cn_authn_domain_is_genuine (d, genuine)) {
      cn_notice_add_reason (n, "From domain %s is not a genuine sender domain of %s (%s)",
                            *d ? d : "(none)", n->rule->id, genuine_list);
      bad = TRUE;
    }
  }
  g_autoptr (GPtrArray) fails = g_ptr_array_new_with_free_func (g_free);
  gboolean pass = read_auth_results (m, genuine, opts, fails);
  for (guint i = 0; i < fails->len; i++) {
    cn_notice_add_reason (n, "%s", (char *) fails->pdata[i]);
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
    if (strchr (*f, '@'))
      listed = g_ascii_strcasecmp (*f, m->from_addr) == 0;
    else
      listed = cn_authn_domain_is_genuine (m->from_domains->pdata[0], (char *[]) { *f, NULL });
  }
  if (!listed)
    return FALSE;
  /* the From domain itself must pass, by a server the user trusts */
  char *own[] = { m->from_domains->pdata[0], NULL };
  g_autoptr (GPtrArray) fails = g_ptr_array_new_with_free_func (g_free);
  return read_auth_results (m, own, opts, fails) && fails->len == 0;
}
