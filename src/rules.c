/* rules.c — load and validate provider rules (certnotice-rules(5)). */
#include "rules.h"
#include "paths.h"
#include "generic.h"

#include "i18n.h"
#include <string.h>

static const char *const field_names[CN_FIELD_COUNT] = { "domain", "days", "expires", "account" };

const char *
cn_field_name (CnField f)
{
  return f < CN_FIELD_COUNT ? field_names[f] : "?";
}

static const char *const provider_keys[] = {
  "id", "name", "sender_domains", "support_url", "remediation", "description", "names", NULL
};
static const char *const provider_pattern_keys[] = { "names", NULL };
static const char *const notice_keys[] = {
  "subject", "body", "text", "not_subject", "not_body", "names", "domain", "days", "expires", "account",
  "domains", "remediation", "description", NULL
};
/* Keys whose value is a pattern, read as written (no GKeyFile escapes). */
static const char *const notice_pattern_keys[] = {
  "subject", "body", "text", "not_subject", "not_body", "names", "domain", "days", "expires", "account",
  "domains", NULL
};
static const CnGroupSchema rule_schema[] = {
  { "provider", provider_keys, provider_pattern_keys },
  { "notice ", notice_keys, notice_pattern_keys },
  { NULL, NULL, NULL },
};

static gboolean
in_list (const char *s, const char *const *list)
{
  for (; list && *list; list++)
    if (strcmp (s, *list) == 0)
      return TRUE;
  return FALSE;
}

/* ---- freeing ---- */

void
cn_pattern_free (CnPattern *p)
{
  if (p == NULL)
    return;
  g_free (p->key);
  g_free (p->text);
  pcre2_code_free (p->code);
  g_free (p);
}

void
cn_kind_free (CnNoticeKind *k)
{
  g_free (k->id);
  g_free (k->description);
  cn_pattern_free (k->subject);
  cn_pattern_free (k->body);
  cn_pattern_free (k->text);
  cn_pattern_free (k->not_subject);
  cn_pattern_free (k->not_body);
  cn_pattern_free (k->names);
  for (int f = 0; f < CN_FIELD_COUNT; f++)
    cn_pattern_free (k->field[f]);
  cn_pattern_free (k->domains);
  g_strfreev (k->remediation);
  g_free (k);
}

void
cn_rule_clear (CnRule *r)
{
  g_free (r->file);
  g_free (r->id);
  g_free (r->name);
  g_strfreev (r->sender_domains);
  g_free (r->support_url);
  g_strfreev (r->remediation);
  cn_pattern_free (r->names);
  if (r->kinds)
    g_ptr_array_unref (r->kinds);
  memset (r, 0, sizeof *r);
}

static void
rule_free (CnRule *r)
{
  cn_rule_clear (r);
  g_free (r);
}

void
cn_rules_free (CnRuleSet *set)
{
  if (set == NULL)
    return;
  g_ptr_array_unref (set->rules);
  cn_generic_free (set->generic);
  pcre2_match_context_free (set->mctx);
  pcre2_jit_stack_free (set->jit_stack);
  g_free (set);
}

CnRuleSet *
cn_rules_new (void)
{
  CnRuleSet *set = g_new0 (CnRuleSet, 1);
  set->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  set->mctx = pcre2_match_context_create (NULL);
  pcre2_set_match_limit (set->mctx, CN_MATCH_LIMIT);
  pcre2_set_depth_limit (set->mctx, CN_DEPTH_LIMIT);
  pcre2_set_heap_limit (set->mctx, CN_HEAP_LIMIT);
  return set;
}

static void
jit (const CnPattern *p)
{
  /* where the platform has it; the interpreter otherwise */
  if (p)
    (void) pcre2_jit_compile (p->code, PCRE2_JIT_COMPLETE);
}

void
cn_rules_count_message (CnRuleSet *set)
{
  if (++set->messages == CN_JIT_AFTER)
    cn_rules_jit (set);
}

void
cn_rules_jit (CnRuleSet *set)
{
  if (set->jit)
    return;
  set->jit = TRUE;
  /* the patterns that decide whether a mail is a notice, which run on
   * every mail; the extractors and the not_ patterns run only on a mail
   * that already looks like one, and stay interpreted */
  for (guint r = 0; r < set->rules->len; r++) {
    const CnRule *rule = set->rules->pdata[r];
    jit (rule->names);
    for (guint k = 0; k < rule->kinds->len; k++) {
      const CnNoticeKind *kind = rule->kinds->pdata[k];
      const CnPattern *ps[] = { kind->subject, kind->body, kind->text, kind->names };
      for (gsize i = 0; i < G_N_ELEMENTS (ps); i++)
        jit (ps[i]);
    }
  }
  if (set->generic) {
    jit (set->generic->japanese);
    for (guint i = 0; i < set->generic->evidence->len; i++)
      jit (((const CnEvidence *) set->generic->evidence->pdata[i])->pattern);
  }
  set->jit_stack = pcre2_jit_stack_create (32 * 1024, CN_JIT_STACK_MAX, NULL);
  if (set->jit_stack)
    pcre2_jit_stack_assign (set->mctx, NULL, set->jit_stack);
}

/* ---- the loader: GKeyFile does not say where a key was ---- */

struct _CnLoader {
  char *file;
  const CnGroupSchema *schema;
  GHashTable *where;      /* "group\nkey" → line (GUINT_TO_POINTER)  */
  GString *errors;        /* "file:line: message\n" …                  */
  gsize errors_before;
};

CnLoader *
cn_loader_new (const char *path, const CnGroupSchema *schema, GString *errors)
{
  CnLoader *ld = g_new0 (CnLoader, 1);
  ld->file = g_strdup (path);
  ld->schema = schema;
  ld->where = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ld->errors = errors;
  ld->errors_before = errors->len;
  return ld;
}

void
cn_loader_free (CnLoader *ld)
{
  if (ld == NULL)
    return;
  g_free (ld->file);
  g_hash_table_unref (ld->where);
  g_free (ld);
}

gboolean
cn_loader_failed (const CnLoader *ld)
{
  return ld->errors->len > ld->errors_before;
}

const char *
cn_loader_file (const CnLoader *ld)
{
  return ld->file;
}

void
cn_loader_problem (CnLoader *ld, guint line, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (line)
    g_string_append_printf (ld->errors, "%s:%u: %s\n", ld->file, line, msg);
  else
    g_string_append_printf (ld->errors, "%s: %s\n", ld->file, msg);
}

guint
cn_loader_line (CnLoader *ld, const char *group, const char *key)
{
  g_autofree char *k = g_strdup_printf ("%s\n%s", group, key ? key : "");
  return GPOINTER_TO_UINT (g_hash_table_lookup (ld->where, k));
}

/* Check the syntax line by line, as GKeyFile reads it, and remember where each
 * group and key is; report what GKeyFile would only call "invalid". */
static void
index_lines (CnLoader *ld, const char *data, gsize len)
{
  g_autofree char *group = NULL;
  guint line = 0;
  const char *p = data, *end = data + len;
  while (p < end) {
    const char *eol = memchr (p, '\n', end - p);
    if (eol == NULL)
      eol = end;
    line++;
    g_autofree char *l = g_strndup (p, eol - p);
    p = eol + 1;
    g_strstrip (l);
    if (*l == '\0' || *l == '#')
      continue;
    if (*l == '[') {
      char *close = strrchr (l, ']');
      if (close == NULL || close[1] != '\0') {
        cn_loader_problem (ld, line, _("malformed group header: %s"), l);
        continue;
      }
      g_free (group);
      group = g_strndup (l + 1, close - l - 1);
      g_autofree char *k = g_strdup_printf ("%s\n", group);
      if (g_hash_table_contains (ld->where, k))
        cn_loader_problem (ld, line, _("group [%s] appears twice"), group);
      g_hash_table_insert (ld->where, g_steal_pointer (&k), GUINT_TO_POINTER (line));
      continue;
    }
    char *eq = strchr (l, '=');
    if (eq == NULL) {
      cn_loader_problem (ld, line, _("not a key = value line, a [group] or a # comment"));
      continue;
    }
    if (group == NULL) {
      cn_loader_problem (ld, line, _("key before the first [group]"));
      continue;
    }
    *eq = '\0';
    g_strstrip (l);
    g_autofree char *k = g_strdup_printf ("%s\n%s", group, l);
    if (g_hash_table_contains (ld->where, k))
      cn_loader_problem (ld, line, _("key '%s' appears twice in [%s]"), l, group);
    g_hash_table_insert (ld->where, g_steal_pointer (&k), GUINT_TO_POINTER (line));
  }
}

/* ---- patterns and values ---- */

/* "domain, days, expires, account" — the group names ALLOWED lets in. */
static char *
group_names (guint32 allowed)
{
  GString *s = g_string_new (NULL);
  for (int f = 0; f < CN_FIELD_COUNT; f++)
    if (allowed & (1u << f))
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", cn_field_name (f));
  if (allowed & CN_GROUP_DOMAINS)
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", CN_DOMAINS_GROUP);
  if (s->len == 0)
    g_string_append (s, _("none"));
  return g_string_free (s, FALSE);
}

CnPattern *
cn_loader_pattern (CnLoader *ld, GKeyFile *kf, const char *group, const char *key, guint32 allowed)
{
  g_autofree char *text = g_key_file_get_value (kf, group, key, NULL);
  if (text == NULL)
    return NULL;
  guint line = cn_loader_line (ld, group, key);
  g_strstrip (text);
  if (*text == '\0') {
    cn_loader_problem (ld, line, _("[%s] %s: empty pattern"), group, key);
    return NULL;
  }
  if (strlen (text) > CN_PATTERN_MAX) {
    cn_loader_problem (ld, line, _("[%s] %s: pattern longer than %d bytes"), group, key, CN_PATTERN_MAX);
    return NULL;
  }
  int err = 0;
  PCRE2_SIZE off = 0;
  pcre2_code *code = pcre2_compile ((PCRE2_SPTR) text, PCRE2_ZERO_TERMINATED,
                                    PCRE2_UTF | PCRE2_MULTILINE | PCRE2_NEVER_BACKSLASH_C,
                                    &err, &off, NULL);
  if (code == NULL) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message (err, msg, sizeof msg);
    if (err == PCRE2_ERROR_HEAP_FAILED)
      cn_loader_problem (ld, line, _("[%s] %s: out of memory compiling the pattern (%s)"), group, key, (char *) msg);
    else
      cn_loader_problem (ld, line, _("[%s] %s: bad pattern at offset %zu: %s"), group, key, (size_t) off,
                         (char *) msg);
    return NULL;
  }
  /* JIT-compiled later, for a batch large enough to gain from it
   * (cn_rules_jit) */

  CnPattern *p = g_new0 (CnPattern, 1);
  p->key = g_strdup (key);
  p->text = g_steal_pointer (&text);
  p->line = line;
  p->code = code;

  uint32_t count = 0, entry = 0;
  PCRE2_SPTR table = NULL;
  pcre2_pattern_info (code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info (code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
  pcre2_pattern_info (code, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < count; i++) {
    const char *name = (const char *) table + i * entry + 2;
    guint32 bit = 0;
    for (int f = 0; f < CN_FIELD_COUNT; f++)
      if (strcmp (name, cn_field_name (f)) == 0)
        bit = 1u << f;
    if (strcmp (name, CN_DOMAINS_GROUP) == 0)
      bit = CN_GROUP_DOMAINS;
    if (bit & allowed) {
      p->groups |= bit;
    } else {
      g_autofree char *known = group_names (allowed);
      if (bit)
        cn_loader_problem (ld, line, _("[%s] %s: no named group (?<%s>…); allowed here: %s"), group, key, name,
                           known);
      else
        cn_loader_problem (ld, line, _("[%s] %s: unknown named group (?<%s>…); allowed here: %s"), group, key,
                           name, known);
    }
  }
  return p;
}

char **
cn_loader_strings (CnLoader *ld, GKeyFile *kf, const char *group, const char *key, const char *locale)
{
  g_autoptr (GError) e = NULL;
  if (!g_key_file_has_key (kf, group, key, NULL) && locale == NULL)
    return NULL;
  /* a plain key unless a language is asked for: GLib's locale lookup tries
   * every name of the current locale, each a failed lookup with its GError */
  char **v = locale ? g_key_file_get_locale_string_list (kf, group, key, locale, NULL, &e)
                    : g_key_file_get_string_list (kf, group, key, NULL, &e);
  if (v == NULL) {
    if (!g_error_matches (e, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
      cn_loader_problem (ld, cn_loader_line (ld, group, key), "[%s] %s: %s", group, key, e->message);
    return NULL;
  }
  /* drop empty items (a trailing ';' is usual) and trim */
  GPtrArray *out = g_ptr_array_new ();
  for (char **s = v; *s; s++) {
    g_strstrip (*s);
    if (**s)
      g_ptr_array_add (out, g_strdup (*s));
  }
  g_strfreev (v);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

char *
cn_loader_string (CnLoader *ld, GKeyFile *kf, const char *group, const char *key, gboolean required)
{
  g_autoptr (GError) e = NULL;
  char *v = g_key_file_has_key (kf, group, key, NULL) ? g_key_file_get_string (kf, group, key, &e) : NULL;
  if (v)
    g_strstrip (v);
  if ((v == NULL || *v == '\0') && required)
    cn_loader_problem (ld, cn_loader_line (ld, group, NULL), _("[%s]: missing %s"), group, key);
  else if (v == NULL && e)
    cn_loader_problem (ld, cn_loader_line (ld, group, key), "[%s] %s: %s", group, key, e->message);
  return v;
}

int
cn_loader_int (CnLoader *ld, GKeyFile *kf, const char *group, const char *key, int min, int max, int def)
{
  g_autofree char *v = g_key_file_get_value (kf, group, key, NULL);
  if (v == NULL)
    return def;
  g_strstrip (v);
  gint64 n = 0;
  if (!g_ascii_string_to_signed (v, 10, min, max, &n, NULL)) {
    cn_loader_problem (ld, cn_loader_line (ld, group, key), _("[%s] %s: '%s' is not a whole number from %d to %d"),
                       group, key, v, min, max);
    return def;
  }
  return (int) n;
}

gboolean
cn_loader_valid_id (const char *s)
{
  if (s == NULL || !g_ascii_islower (*s))
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_islower (*s) && !g_ascii_isdigit (*s) && *s != '-' && *s != '_')
      return FALSE;
  return TRUE;
}

/* GKeyFile (GLib 2.74) keeps an unknown escape ("C:\Users") as written with
 * no error, leaking the one it meant to return, and does not take "\;" for an
 * escaped list separator: refuse such a text value before GLib reads it. */
static gboolean
check_escapes (CnLoader *ld, GKeyFile *kf, const char *group, const char *key)
{
  g_autofree char *raw = g_key_file_get_value (kf, group, key, NULL);
  for (const char *p = raw; p && *p; p++) {
    if (*p != '\\')
      continue;
    p++;
    if (*p == '\0' || strchr ("sntr\\", *p) == NULL) {
      /* name the character only when it is printable ASCII: a lone byte of
       * a multibyte character would make the message invalid UTF-8 */
      if (g_ascii_isgraph (*p))
        cn_loader_problem (ld, cn_loader_line (ld, group, key),
                           _("[%s] %s: '\\%c' is not an escape (write '\\\\' for a backslash)"), group, key, *p);
      else
        cn_loader_problem (ld, cn_loader_line (ld, group, key),
                           _("[%s] %s: a backslash that starts no escape (write '\\\\' for a backslash)"), group, key);
      return FALSE;
    }
  }
  return TRUE;
}

static const CnGroupSchema *
schema_for (const CnGroupSchema *schema, const char *group)
{
  for (; schema->group; schema++) {
    gsize n = strlen (schema->group);
    if (schema->group[n - 1] == ' ' ? g_str_has_prefix (group, schema->group)
                                    : strcmp (group, schema->group) == 0)
      return schema;
  }
  return NULL;
}

/* Every group and key of KF is one the schema knows (a problem each, and the
 * loading goes on, so every problem is listed); text values have no backslash
 * GLib would mishandle (FALSE: the values cannot be read). */
static gboolean
check_schema (CnLoader *ld, GKeyFile *kf)
{
  gboolean escapes_ok = TRUE;
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  for (char **g = groups; *g; g++) {
    const CnGroupSchema *gs = schema_for (ld->schema, *g);
    if (gs == NULL) {
      g_autoptr (GString) known = g_string_new (NULL);
      for (const CnGroupSchema *s = ld->schema; s->group; s++)
        g_string_append_printf (known, "%s[%s%s]", known->len ? _(" or ") : "", s->group,
                                s->group[strlen (s->group) - 1] == ' ' ? "…" : "");
      cn_loader_problem (ld, cn_loader_line (ld, *g, NULL), _("unknown group [%s]; expected %s"), *g, known->str);
      continue;
    }
    g_auto (GStrv) keys = g_key_file_get_keys (kf, *g, NULL, NULL);
    for (char **k = keys; k && *k; k++) {
      /* localised variants (name[ja]) are allowed for text keys */
      g_autofree char *base = g_strdup (*k);
      char *br = strchr (base, '[');
      if (br)
        *br = '\0';
      if (!in_list (base, gs->keys))
        cn_loader_problem (ld, cn_loader_line (ld, *g, *k), _("[%s]: unknown key '%s'"), *g, *k);
      else if (!in_list (base, gs->pattern_keys) && !check_escapes (ld, kf, *g, *k))
        escapes_ok = FALSE;
    }
  }
  return escapes_ok;
}

gboolean
cn_loader_read (CnLoader *ld, GKeyFile *kf)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) e = NULL;
  if (!g_file_get_contents (ld->file, &data, &len, &e)) {
    if (g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOMEM))
      cn_loader_problem (ld, 0, _("out of memory reading the file (%s)"), e->message);
    else
      cn_loader_problem (ld, 0, "%s", e->message);
    return FALSE;
  }
  if (len > CN_RULE_FILE_MAX) {
    cn_loader_problem (ld, 0, _("%zu bytes: a rule file is at most %u bytes"), len, CN_RULE_FILE_MAX);
    return FALSE;
  }
  const char *bad = NULL;
  if (!g_utf8_validate_len (data, len, &bad)) {
    guint line = 1;
    for (const char *c = data; c < bad; c++)
      line += *c == '\n';
    cn_loader_problem (ld, line, _("not valid UTF-8 (byte %zu)"), (size_t) (bad - data));
    return FALSE;
  }
  index_lines (ld, data, len);
  if (cn_loader_failed (ld))
    return FALSE;
  /* every translation (remediation[ja]): the generic detector picks one per mail */
  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_KEEP_TRANSLATIONS, &e)) {
    cn_loader_problem (ld, 0, "%s", e->message);
    return FALSE;
  }
  return check_schema (ld, kf);
}

/* ---- provider rules ---- */

#define FIELD_GROUPS ((1u << CN_FIELD_COUNT) - 1)

static CnNoticeKind *
load_kind (CnLoader *ld, GKeyFile *kf, const char *group, const CnRule *rule)
{
  CnNoticeKind *k = g_new0 (CnNoticeKind, 1);
  k->id = g_strdup (group + strlen ("notice "));
  g_strstrip (k->id);
  k->line = cn_loader_line (ld, group, NULL);
  k->rule = rule;
  if (!cn_loader_valid_id (k->id))
    cn_loader_problem (ld, k->line, _("[%s]: a notice kind is lowercase letters, digits and '-'"), group);
  k->description = cn_loader_string (ld, kf, group, "description", FALSE);
  k->subject = cn_loader_pattern (ld, kf, group, "subject", FIELD_GROUPS);
  k->body = cn_loader_pattern (ld, kf, group, "body", FIELD_GROUPS);
  k->text = cn_loader_pattern (ld, kf, group, "text", FIELD_GROUPS);
  k->not_subject = cn_loader_pattern (ld, kf, group, "not_subject", FIELD_GROUPS);
  k->not_body = cn_loader_pattern (ld, kf, group, "not_body", FIELD_GROUPS);
  k->names = cn_loader_pattern (ld, kf, group, "names", 0);
  for (int f = 0; f < CN_FIELD_COUNT; f++) {
    k->field[f] = cn_loader_pattern (ld, kf, group, cn_field_name (f), FIELD_GROUPS);
    if (k->field[f] && !(k->field[f]->groups & (1u << f)))
      cn_loader_problem (ld, k->field[f]->line, _("[%s] %s: the pattern has no (?<%s>…) group"),
                         group, cn_field_name (f), cn_field_name (f));
  }
  k->domains = cn_loader_pattern (ld, kf, group, "domains", CN_GROUP_DOMAINS);
  if (k->domains && !(k->domains->groups & CN_GROUP_DOMAINS))
    cn_loader_problem (ld, k->domains->line, _("[%s] domains: the pattern has no (?<domains>…) group"), group);
  if (!g_key_file_has_key (kf, group, "subject", NULL) && !g_key_file_has_key (kf, group, "body", NULL) &&
      !g_key_file_has_key (kf, group, "text", NULL))
    cn_loader_problem (ld, k->line, _("[%s]: needs a subject, body or text pattern"), group);
  k->remediation = cn_loader_strings (ld, kf, group, "remediation", NULL);
  return k;
}

static CnRule *
load_keyfile (CnLoader *ld, GKeyFile *kf)
{
  CnRule *r = g_new0 (CnRule, 1);
  r->file = g_strdup (ld->file);
  r->kinds = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_kind_free);

  if (!g_key_file_has_group (kf, "provider")) {
    cn_loader_problem (ld, 0, _("missing [provider] group"));
  } else {
    r->id = cn_loader_string (ld, kf, "provider", "id", TRUE);
    if (r->id && *r->id && !cn_loader_valid_id (r->id))
      cn_loader_problem (ld, cn_loader_line (ld, "provider", "id"), _("id '%s': use lowercase letters, digits, '-'"), r->id);
    if (g_strcmp0 (r->id, "generic") == 0)
      cn_loader_problem (ld, cn_loader_line (ld, "provider", "id"),
                         _("id 'generic' is the generic detector's (%s)"), CN_GENERIC_FILE);
    r->name = cn_loader_string (ld, kf, "provider", "name", TRUE);
    r->support_url = cn_loader_string (ld, kf, "provider", "support_url", TRUE);
    /* an empty list (the key, no domain) is a provider whose mail is local:
     * the user's own hosts send it (certbot, acme.sh), and the user declares
     * them in the config; no key at all is a mistake */
    r->sender_domains = cn_loader_strings (ld, kf, "provider", "sender_domains", NULL);
    if (r->sender_domains == NULL)
      cn_loader_problem (ld, cn_loader_line (ld, "provider", NULL), _("[provider]: missing sender_domains"));
    for (char **d = r->sender_domains; d && *d; d++) {
      char *low = g_ascii_strdown (*d, -1);
      g_free (*d);
      *d = low;
      if (strchr (low, '.') == NULL || strchr (low, '@') || strchr (low, ' '))
        cn_loader_problem (ld, cn_loader_line (ld, "provider", "sender_domains"), _("sender_domains: '%s' is not a domain"), low);
    }
    r->remediation = cn_loader_strings (ld, kf, "provider", "remediation", NULL);
    if (r->remediation == NULL || r->remediation[0] == NULL)
      cn_loader_problem (ld, cn_loader_line (ld, "provider", NULL), _("[provider]: missing remediation"));
    r->names = cn_loader_pattern (ld, kf, "provider", "names", 0);
  }
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  for (char **g = groups; *g; g++)
    if (g_str_has_prefix (*g, "notice "))
      g_ptr_array_add (r->kinds, load_kind (ld, kf, *g, r));
  if (r->kinds->len == 0)
    cn_loader_problem (ld, 0, _("no [notice KIND] group"));
  return r;
}

static CnRule *
load_file (const char *path, GString *errors)
{
  g_autoptr (CnLoader) ld = cn_loader_new (path, rule_schema, errors);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  if (!cn_loader_read (ld, kf))
    return NULL;
  CnRule *rule = load_keyfile (ld, kf);
  if (cn_loader_failed (ld))
    g_clear_pointer (&rule, rule_free);
  return rule;
}

static gboolean
finish (CnRuleSet *set, GString *errors, GError **error)
{
  if (errors->len == 0)
    return TRUE;
  g_string_truncate (errors, errors->len - 1);   /* last newline */
  g_set_error_literal (error, CN_ERROR, CN_ERROR_RULES, errors->str);
  (void) set;
  return FALSE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The *.rules files of DIR by name (file name → path) into FILES; a file of
 * a name already there replaces it.  FALSE + a line in ERRORS when DIR
 * cannot be read. */
static gboolean
add_dir (GHashTable *files, const char *dir, const char *layer, GHashTable *layers, GString *errors)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &e);
  if (d == NULL) {
    g_string_append_printf (errors, _("rules directory %s: %s\n"), dir, e->message);
    return FALSE;
  }
  const char *name;
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".rules") && name[0] != '.') {
      char *path = g_build_filename (dir, name, NULL);
      g_hash_table_replace (files, g_strdup (name), path);
      g_hash_table_replace (layers, g_strdup (path), (gpointer) layer);
    }
  return TRUE;
}

CnRuleSet *
cn_rules_load_layers (char *const *dirs, const char *const *labels, gboolean all_errors, GError **error)
{
  g_autoptr (GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) layers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) errors = g_string_new (NULL);
  for (guint i = 0; dirs[i]; i++)
    if (!add_dir (files, dirs[i], labels ? labels[i] : NULL, layers, errors)) {
      g_set_error_literal (error, CN_ERROR, CN_ERROR_RULES, g_strchomp (errors->str));
      return NULL;
    }
  g_autoptr (GPtrArray) names = g_ptr_array_new ();   /* borrowed from FILES */
  GHashTableIter it;
  gpointer name;
  g_hash_table_iter_init (&it, files);
  while (g_hash_table_iter_next (&it, &name, NULL))
    g_ptr_array_add (names, name);
  g_ptr_array_sort (names, compare_names);

  g_autoptr (CnRuleSet) set = cn_rules_new ();
  for (guint i = 0; i < names->len; i++) {
    const char *path = g_hash_table_lookup (files, names->pdata[i]);
    CnRule *r = load_file (path, errors);
    if (r == NULL) {
      if (!all_errors)
        break;
      continue;
    }
    r->layer = g_hash_table_lookup (layers, path);
    for (guint j = 0; j < set->rules->len; j++) {
      CnRule *o = set->rules->pdata[j];
      if (strcmp (o->id, r->id) == 0)
        g_string_append_printf (errors, _("%s: provider id '%s' is already used by %s\n"), path, r->id, o->file);
    }
    g_ptr_array_add (set->rules, r);
  }
  if (errors->len == 0 && set->rules->len == 0) {
    g_autofree char *where = g_strjoinv (", ", (char **) dirs);
    g_string_append_printf (errors, _("%s: no *.rules files\n"), where);
  }
  /* the generic detector: the last layer that has one */
  g_autofree char *generic = NULL;
  for (guint i = 0; dirs[i]; i++) {
    char *p = g_build_filename (dirs[i], CN_GENERIC_FILE, NULL);
    if (g_file_test (p, G_FILE_TEST_EXISTS)) {
      g_free (generic);
      generic = p;
    } else {
      g_free (p);
    }
  }
  if (generic && (errors->len == 0 || all_errors))
    set->generic = cn_generic_load (generic, errors);
  if (!finish (set, errors, error))
    return NULL;
  return g_steal_pointer (&set);
}

CnRuleSet *
cn_rules_load_dir (const char *dir, gboolean all_errors, GError **error)
{
  char *dirs[] = { (char *) dir, NULL };
  return cn_rules_load_layers (dirs, NULL, all_errors, error);
}

CnRuleSet *
cn_rules_load_file (const char *path, GError **error)
{
  g_autoptr (CnRuleSet) set = cn_rules_new ();
  g_autoptr (GString) errors = g_string_new (NULL);
  CnRule *r = load_file (path, errors);
  if (r)
    g_ptr_array_add (set->rules, r);
  if (!finish (set, errors, error))
    return NULL;
  return g_steal_pointer (&set);
}

CnRuleLayers *
cn_rules_layers (const char *replace)
{
  CnRuleLayers *l = g_new0 (CnRuleLayers, 1);
  const char *env = g_getenv ("CERTNOTICE_RULES");
  if (replace == NULL && env && *env)
    replace = env;
  if (replace) {
    l->dirs[0] = g_strdup (replace);
    l->labels[0] = "replaced";
    return l;
  }
  l->dirs[0] = cn_paths_rules ();
  l->labels[0] = "shipped";
  g_autofree char *user = g_build_filename (g_get_user_config_dir (), "certnotice", "rules", NULL);
  if (g_file_test (user, G_FILE_TEST_IS_DIR)) {
    l->dirs[1] = g_steal_pointer (&user);
    l->labels[1] = "user";
  }
  return l;
}

void
cn_rule_layers_free (CnRuleLayers *l)
{
  if (l == NULL)
    return;
  g_free (l->dirs[0]);
  g_free (l->dirs[1]);
  g_free (l);
}

CnRuleSet *
cn_rules_load (const char *replace, gboolean all_errors, GError **error)
{
  g_autoptr (CnRuleLayers) l = cn_rules_layers (replace);
  return cn_rules_load_layers (l->dirs, l->labels, all_errors, error);
}

char **
cn_kind_remediation (const CnNoticeKind *kind)
{
  return kind->remediation ? kind->remediation : kind->rule->remediation;
}

const CnPattern *
cn_kind_names (const CnNoticeKind *kind)
{
  return kind->names ? kind->names : kind->rule->names;
}

char *
cn_rule_describe (const CnRule *rule, gboolean verbose)
{
  GString *s = g_string_new (NULL);
  g_autofree char *domains = rule->sender_domains[0] ? g_strjoinv (", ", rule->sender_domains)
                                                     : g_strdup ("your own hosts (none declared)");
  g_string_append_printf (s, "%s\t%s\tfrom %s\t(%s%s%s)\n", rule->id, rule->name, domains,
                          rule->layer ? rule->layer : "", rule->layer ? ": " : "", rule->file);
  for (guint i = 0; i < rule->kinds->len; i++) {
    const CnNoticeKind *k = rule->kinds->pdata[i];
    g_string_append_printf (s, "  %s", k->id);
    if (k->description)
      g_string_append_printf (s, ": %s", k->description);
    g_string_append_c (s, '\n');
    if (verbose) {
      const CnPattern *ps[] = { k->subject, k->body, k->text, k->not_subject, k->not_body,
                                cn_kind_names (k), k->field[0], k->field[1], k->field[2],
                                k->field[3], k->domains };
      for (gsize j = 0; j < G_N_ELEMENTS (ps); j++)
        if (ps[j])
          g_string_append_printf (s, "    %-11s %s  (line %u)\n", ps[j]->key, ps[j]->text, ps[j]->line);
    }
  }
  return g_string_free (s, FALSE);
}
