/* config.c — the one owner of the config file (config.h). */
#include "config.h"
#include "imapproto.h"

#include "i18n.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* ---- accounts ---- */

void
cn_account_free (CnAccount *a)
{
  if (a == NULL)
    return;
  g_free (a->name);
  g_free (a->host);
  g_free (a->user);
  g_free (a->password_command);
  g_strfreev (a->mailboxes);
  g_free (a->cacert);
  g_free (a);
}

static gboolean
same_mailbox (const char *x, const char *y)
{
  return strcmp (x, y) == 0 || (g_ascii_strcasecmp (x, "INBOX") == 0 && g_ascii_strcasecmp (y, "INBOX") == 0);
}

gboolean
cn_account_set_url (CnAccount *a, const char *url, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (scheme, "imaps") != 0 && g_strcmp0 (scheme, "imap") != 0)) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE, _("url %s: use imaps://HOST[:PORT]/MAILBOX"), url);
    return FALSE;
  }
  if (g_uri_get_password (uri)) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE,
                 _("url: no password in the URL (use password_command, --password-command or ~/.netrc)"));
    return FALSE;
  }
  a->tls = strcmp (scheme, "imaps") == 0;
  g_free (a->host);
  a->host = g_strdup (g_uri_get_host (uri));
  a->port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : a->tls ? 993 : 143;
  if (g_uri_get_user (uri) && a->user == NULL)
    a->user = g_uri_unescape_string (g_uri_get_user (uri), NULL);
  const char *path = g_uri_get_path (uri);
  while (path && *path == '/')
    path++;
  g_autofree char *box = path && *path ? g_uri_unescape_string (path, NULL) : NULL;
  if (path && *path && box == NULL) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE, _("url %s: bad %%-escape in the mailbox"), url);
    return FALSE;
  }
  g_auto (GStrv) boxes = g_strsplit (box ? box : "INBOX", ",", -1);
  for (char **b = boxes; *b; b++) {
    g_autoptr (GError) e = NULL;
    if (!cn_imap_mailbox_valid (*b, &e)) {
      g_set_error (error, CN_ERROR, CN_ERROR_USAGE, "url %s: %s", url, e->message);
      return FALSE;
    }
  }
  if (a->mailboxes == NULL) {
    a->mailboxes = g_steal_pointer (&boxes);
  } else if (box) {
    for (char **b = boxes; *b; b++) {
      gboolean listed = FALSE;
      for (char **m = a->mailboxes; *m && !listed; m++)
        listed = same_mailbox (*b, *m);
      if (!listed) {
        g_set_error (error, CN_ERROR, CN_ERROR_USAGE,
                     _("the url names mailbox '%s', which `mailboxes` does not list: `mailboxes` says "
                       "what is polled, so name the mailboxes there only (url imaps://HOST/)"), *b);
        return FALSE;
      }
    }
  }
  return TRUE;
}

/* ---- case events ---- */

static const char *const case_event_names[CN_CASE_EVENT_COUNT] = {
  [CN_CASE_EVENT_OPENED] = "opened",
  [CN_CASE_EVENT_ESCALATED] = "escalated",
  [CN_CASE_EVENT_RESOLVED] = "resolved",
};

const char *
cn_case_event_name (CnCaseEvent e)
{
  return e < CN_CASE_EVENT_COUNT ? case_event_names[e] : "?";
}

gboolean
cn_case_event_from_name (const char *name, CnCaseEvent *out)
{
  for (int e = 0; e < CN_CASE_EVENT_COUNT; e++)
    if (g_strcmp0 (name, case_event_names[e]) == 0) {
      *out = (CnCaseEvent) e;
      return TRUE;
    }
  return FALSE;
}

/* ---- where things are in the file, for messages ---- */

typedef struct {
  GHashTable *lines;   /* "group" or "group\x1fkey" → line (1-based) */
} LineMap;

static void
line_map_build (LineMap *lm, const char *text)
{
  lm->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *group = NULL;
  for (guint i = 0; lines[i]; i++) {
    char *l = g_strstrip (lines[i]);
    if (*l == '\0' || *l == '#')
      continue;
    if (*l == '[') {
      char *close = strchr (l, ']');
      g_free (group);
      group = g_strndup (l + 1, close ? (gsize) (close - l - 1) : strlen (l + 1));
      if (!g_hash_table_contains (lm->lines, group))
        g_hash_table_insert (lm->lines, g_strdup (group), GUINT_TO_POINTER (i + 1));
      continue;
    }
    char *eq = strchr (l, '=');
    if (group == NULL || eq == NULL)
      continue;
    g_autofree char *key = g_strstrip (g_strndup (l, (gsize) (eq - l)));
    char *k = g_strdup_printf ("%s\x1f%s", group, key);
    if (!g_hash_table_contains (lm->lines, k))
      g_hash_table_insert (lm->lines, k, GUINT_TO_POINTER (i + 1));
    else
      g_free (k);
  }
}

static guint
line_of (const LineMap *lm, const char *group, const char *key)
{
  g_autofree char *k = key ? g_strdup_printf ("%s\x1f%s", group, key) : g_strdup (group);
  return GPOINTER_TO_UINT (g_hash_table_lookup (lm->lines, k));
}

/* The first line GKeyFile would not take: not blank, a comment, a group or
 * a key = value.  0 when every line looks right. */
static guint
first_bad_line (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    char *l = g_strstrip (lines[i]);
    if (*l == '\0' || *l == '#')
      continue;
    if (*l == '[' ? l[strlen (l) - 1] != ']' : strchr (l, '=') == NULL || *l == '=')
      return i + 1;
  }
  return 0;
}

typedef struct {
  CnConfig *c;
  GKeyFile *kf;
  LineMap lm;
} Reader;

static gboolean G_GNUC_PRINTF (5, 6)
fail (Reader *r, GError **error, const char *group, const char *key, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  guint line = group ? line_of (&r->lm, group, key) : 0;
  if (line == 0 && group)
    line = line_of (&r->lm, group, NULL);
  g_autofree char *where = line ? g_strdup_printf ("%s:%u", r->c->path, line) : g_strdup (r->c->path);
  if (group && key)
    /* TRANSLATORS: "config FILE:LINE: [GROUP] KEY: what is wrong" */
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, _("config %s: [%s] %s: %s"), where, group, key, msg);
  else if (group)
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, _("config %s: [%s]: %s"), where, group, msg);
  else
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, _("config %s: %s"), where, msg);
  return FALSE;
}

/* Every key of GROUP is one of KNOWN (NULL-terminated). */
static gboolean
known_keys (Reader *r, const char *group, const char *const *known, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (r->kf, group, NULL, NULL);
  for (char **k = keys; k && *k; k++)
    if (!g_strv_contains (known, *k)) {
      g_autofree char *list = g_strjoinv (", ", (char **) known);
      return fail (r, error, group, *k, _("unknown key (this group takes: %s)"), list);
    }
  return TRUE;
}

/* A string value (NULL when absent); FALSE when present but unreadable. */
static gboolean
get_string (Reader *r, const char *group, const char *key, char **out, GError **error)
{
  if (!g_key_file_has_key (r->kf, group, key, NULL))
    return TRUE;
  g_autoptr (GError) e = NULL;
  char *v = g_key_file_get_string (r->kf, group, key, &e);
  if (v == NULL)
    return fail (r, error, group, key, "%s", e->message);
  g_strstrip (v);
  if (*v == '\0') {
    g_free (v);
    return fail (r, error, group, key, _("empty value"));
  }
  g_free (*out);
  *out = v;
  return TRUE;
}

static gboolean
get_list (Reader *r, const char *group, const char *key, char ***out, GError **error)
{
  if (!g_key_file_has_key (r->kf, group, key, NULL))
    return TRUE;
  g_autoptr (GError) e = NULL;
  g_auto (GStrv) v = g_key_file_get_string_list (r->kf, group, key, NULL, &e);
  if (v == NULL && e)
    return fail (r, error, group, key, "%s", e->message);
  GStrvBuilder *b = g_strv_builder_new ();
  for (char **s = v; s && *s; s++) {
    g_strstrip (*s);
    if (**s)
      g_strv_builder_add (b, *s);
  }
  g_strfreev (*out);
  *out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return TRUE;
}

static gboolean
get_bool (Reader *r, const char *group, const char *key, gboolean *out, GError **error)
{
  if (!g_key_file_has_key (r->kf, group, key, NULL))
    return TRUE;
  g_autoptr (GError) e = NULL;
  gboolean v = g_key_file_get_boolean (r->kf, group, key, &e);
  if (e)
    return fail (r, error, group, key, _("not true or false"));
  *out = v;
  return TRUE;
}

/* ---- groups ---- */

/* An integer MIN..MAX; *OUT unchanged when the key is absent. */
static gboolean
get_int (Reader *r, const char *g, const char *key, int min, int max, const char *what, int *out,
         GError **error)
{
  g_autofree char *s = NULL;
  if (!get_string (r, g, key, &s, error))
    return FALSE;
  if (s == NULL)
    return TRUE;
  char *end = NULL;
  gint64 v = g_ascii_strtoll (s, &end, 10);
  if (end == s || *end || v < min || v > max)
    /* TRANSLATORS: "'0': give seconds, 1 to 86400" */
    return fail (r, error, g, key, _("'%s': give %s, %d to %d"), s, _(what), min, max);
  *out = (int) v;
  return TRUE;
}

static gboolean
read_main (Reader *r, const char *g, GError **error)
{
  static const char *const keys[] = { "trusted_authserv_ids", "trusted_forwarders", "rules_dir", "cacert", "db",
                                      "keep_resolved_days", "judge_socket", NULL };
  if (!known_keys (r, g, keys, error) ||
      !get_list (r, g, "trusted_authserv_ids", &r->c->trusted_authserv, error) ||
      !get_list (r, g, "trusted_forwarders", &r->c->trusted_forwarders, error) ||
      !get_string (r, g, "rules_dir", &r->c->rules_dir, error) ||
      !get_string (r, g, "cacert", &r->c->cacert, error) ||
      !get_string (r, g, "db", &r->c->db, error) ||
      !get_string (r, g, "judge_socket", &r->c->judge_socket, error) ||
      !get_int (r, g, "keep_resolved_days", 1, 36500, N_("days"), &r->c->keep_resolved_days, error))
    return FALSE;
  if (r->c->cacert && !g_file_test (r->c->cacert, G_FILE_TEST_IS_REGULAR))
    return fail (r, error, g, "cacert", _("%s: no such file"), r->c->cacert);
  for (char **f = r->c->trusted_forwarders; f && *f; f++) {
    const char *at = strchr (*f, '@');
    if ((at ? at[1] : **f) == '\0' || strchr (at ? at + 1 : *f, '@') || strpbrk (*f, " \t<>"))
      return fail (r, error, g, "trusted_forwarders", _("'%s' is neither an address nor a domain"), *f);
    char *low = g_ascii_strdown (*f, -1);
    g_free (*f);
    *f = low;
  }
  /* filter runs in whatever directory the MDA chose: no relative paths */
  if (r->c->db && g_str_has_prefix (r->c->db, "~/")) {
    char *abs = g_build_filename (g_get_home_dir (), r->c->db + 2, NULL);
    g_free (r->c->db);
    r->c->db = abs;
  } else if (r->c->db && !g_path_is_absolute (r->c->db)) {
    return fail (r, error, g, "db", _("'%s': give an absolute path (or ~/…)"), r->c->db);
  }
  if (r->c->judge_socket && g_str_has_prefix (r->c->judge_socket, "~/")) {
    char *abs = g_build_filename (g_get_home_dir (), r->c->judge_socket + 2, NULL);
    g_free (r->c->judge_socket);
    r->c->judge_socket = abs;
  } else if (r->c->judge_socket && strcmp (r->c->judge_socket, "none") != 0 &&
             !g_path_is_absolute (r->c->judge_socket)) {
    return fail (r, error, g, "judge_socket", _("'%s': give an absolute path (or ~/…, or none)"),
                 r->c->judge_socket);
  }
  return TRUE;
}

static gboolean
read_provider (Reader *r, const char *g, GError **error)
{
  static const char *const keys[] = { "sender_domains", NULL };
  const char *id = g + strlen ("provider ");
  if (*id == '\0')
    return fail (r, error, g, NULL, _("no provider id"));
  char **domains = NULL;
  if (!known_keys (r, g, keys, error) || !get_list (r, g, "sender_domains", &domains, error))
    return FALSE;
  for (char **d = domains; d && *d; d++) {
    char *low = g_ascii_strdown (*d, -1);
    g_free (*d);
    *d = low;
  }
  g_hash_table_replace (r->c->provider_senders, g_strdup (id),
                        domains ? domains : g_new0 (char *, 1));
  g_hash_table_replace (r->c->provider_lines, g_strdup (id), GUINT_TO_POINTER (line_of (&r->lm, g, NULL)));
  return TRUE;
}

static gboolean
read_imap (Reader *r, const char *g, GError **error)
{
  static const char *const keys[] = { "interval", "state", "no_verify", "attempts", "retry_delay", NULL };
  return known_keys (r, g, keys, error) && get_string (r, g, "state", &r->c->state, error) &&
         get_int (r, g, "interval", 1, 86400, N_("seconds"), &r->c->interval, error) &&
         get_bool (r, g, "no_verify", &r->c->no_verify, error) &&
         get_int (r, g, "attempts", 1, 100, N_("a number of tries"), &r->c->attempts, error) &&
         get_int (r, g, "retry_delay", 0, 86400, N_("seconds"), &r->c->retry_delay, error);
}

static gboolean
read_account (Reader *r, const char *g, GError **error)
{
  static const char *const keys[] = { "url", "user", "password_command", "cacert",
                                      "allow_plaintext", "mailboxes", NULL };
  const char *name = g + strlen ("account ");
  if (*name == '\0')
    return fail (r, error, g, NULL, _("no account name"));
  for (guint i = 0; i < r->c->accounts->len; i++)
    if (strcmp (((CnAccount *) r->c->accounts->pdata[i])->name, name) == 0)
      return fail (r, error, g, NULL, _("a second account of this name"));
  CnAccount *a = g_new0 (CnAccount, 1);
  g_ptr_array_add (r->c->accounts, a);
  a->name = g_strdup (name);
  g_autofree char *url = NULL;
  if (!known_keys (r, g, keys, error) || !get_string (r, g, "url", &url, error) ||
      !get_string (r, g, "user", &a->user, error) ||
      !get_string (r, g, "password_command", &a->password_command, error) ||
      !get_string (r, g, "cacert", &a->cacert, error) ||
      !get_bool (r, g, "allow_plaintext", &a->allow_plaintext, error) ||
      !get_list (r, g, "mailboxes", &a->mailboxes, error))
    return FALSE;
  if (url == NULL)
    return fail (r, error, g, NULL, _("no url (imaps://HOST[:PORT]/MAILBOX)"));
  a->mailboxes_from_config = a->mailboxes != NULL;
  if (a->mailboxes && a->mailboxes[0] == NULL)
    return fail (r, error, g, "mailboxes", _("empty list"));
  g_autoptr (GError) e = NULL;
  for (char **m = a->mailboxes; m && *m; m++)
    if (!cn_imap_mailbox_valid (*m, &e))
      return fail (r, error, g, "mailboxes", "%s", e->message);
  if (!cn_account_set_url (a, url, &e))
    return fail (r, error, g, "url", "%s", e->message);
  if (a->cacert && !g_file_test (a->cacert, G_FILE_TEST_IS_REGULAR))
    return fail (r, error, g, "cacert", _("%s: no such file"), a->cacert);
  return TRUE;
}

/* command and webhook of ACT from group G */
static gboolean
read_run_keys (Reader *r, const char *g, CnAction *act, GError **error)
{
  g_autofree char *cmd = NULL;
  if (!get_string (r, g, "webhook", &act->webhook, error) || !get_string (r, g, "command", &cmd, error))
    return FALSE;
  g_autoptr (GError) e = NULL;
  if (cmd && !g_shell_parse_argv (cmd, NULL, &act->command, &e))
    return fail (r, error, g, "command", "%s", e->message);
  if (act->webhook && !g_str_has_prefix (act->webhook, "https://") &&
      !g_str_has_prefix (act->webhook, "http://"))
    return fail (r, error, g, "webhook", _("use an http:// or https:// URL"));
  return TRUE;
}

/* [action case-EVENT]: what to run when a case of the ledger changes state.
 * Only command and webhook: a case is no message to flag or move. */
static gboolean
read_case_action (Reader *r, const char *g, GError **error)
{
  static const char *const keys[] = { "command", "webhook", NULL };
  CnCaseEvent ev;
  if (!cn_case_event_from_name (g + strlen ("action case-"), &ev))
    return fail (r, error, g, NULL, _("not a case event (case-opened, case-escalated, case-resolved)"));
  CnAction *act = &r->c->case_actions[ev];
  if (act->line)
    return fail (r, error, g, NULL, _("a second group for this event"));
  act->line = line_of (&r->lm, g, NULL);
  return known_keys (r, g, keys, error) && read_run_keys (r, g, act, error);
}

static gboolean
read_action (Reader *r, const char *g, GError **error)
{
  static const char *const keys[] = { "keyword", "copy", "move", "command", "webhook", NULL };
  CnVerdict v;
  if (g_str_has_prefix (g, "action case-"))
    return read_case_action (r, g, error);
  if (!cn_verdict_from_name (g + strlen ("action "), &v) || v == CN_VERDICT_NOT_A_NOTICE)
    return fail (r, error, g, NULL, _("not a verdict (action-required, expired, suspicious, "
                                      "unverified, renewed)"));
  CnAction *act = &r->c->actions[v];
  if (act->line)
    return fail (r, error, g, NULL, _("a second group for this verdict"));
  act->line = line_of (&r->lm, g, NULL);
  if (!known_keys (r, g, keys, error) || !get_string (r, g, "keyword", &act->keyword, error) ||
      !get_string (r, g, "copy", &act->copy_to, error) ||
      !get_string (r, g, "move", &act->move_to, error) ||
      !read_run_keys (r, g, act, error))
    return FALSE;
  g_autoptr (GError) e = NULL;
  if (act->copy_to && !cn_imap_mailbox_valid (act->copy_to, &e))
    return fail (r, error, g, "copy", "%s", e->message);
  if (act->move_to && !cn_imap_mailbox_valid (act->move_to, &e))
    return fail (r, error, g, "move", "%s", e->message);
  if (act->keyword && (strpbrk (act->keyword, " ()\"\\{]%*\r\n") || *act->keyword == '\\'))
    return fail (r, error, g, "keyword", _("'%s' is not an IMAP atom"), act->keyword);
  return TRUE;
}

/* ---- the whole file ---- */

char *
cn_config_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "certnotice", "config", NULL);
}

static CnConfig *
config_new (const char *path)
{
  CnConfig *c = g_new0 (CnConfig, 1);
  c->path = path ? g_strdup (path) : cn_config_default_path ();
  c->trusted_authserv = g_new0 (char *, 1);
  c->keep_resolved_days = CN_KEEP_RESOLVED_DAYS_DEFAULT;
  c->provider_senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  c->provider_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_account_free);
  c->attempts = 5;
  c->retry_delay = 60;
  return c;
}

CnConfig *
cn_config_load (const char *path, gboolean explicit, GError **error)
{
  g_autoptr (CnConfig) c = config_new (path);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) e = NULL;
  /* no config file (most users): said without a GError, whose message
   * would cost a filter run a charset converter */
  struct stat st;
  if (!explicit && stat (c->path, &st) < 0 && errno == ENOENT)
    return g_steal_pointer (&c);
  if (!g_file_get_contents (c->path, &text, &len, &e)) {
    if (!explicit && g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return g_steal_pointer (&c);
    g_set_error (error, CN_ERROR,
                 g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? CN_ERROR_INPUT : CN_ERROR_CONFIG,
                 _("config %s"), e->message);
    return NULL;
  }
  c->exists = TRUE;
  Reader r = { .c = c, .kf = g_key_file_new () };
  line_map_build (&r.lm, text);
  gboolean ok = TRUE;
  if (!g_utf8_validate (text, (gssize) len, NULL) || memchr (text, '\0', len)) {
    ok = fail (&r, error, NULL, NULL, _("not UTF-8 text"));
  } else if (!g_key_file_load_from_data (r.kf, text, len, G_KEY_FILE_NONE, &e)) {
    guint bad = first_bad_line (text);
    if (bad)
      g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, _("config %s:%u: %s"), c->path, bad, e->message);
    else
      g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, _("config %s: %s"), c->path, e->message);
    ok = FALSE;
  }
  g_auto (GStrv) groups = ok ? g_key_file_get_groups (r.kf, NULL) : NULL;
  for (char **g = groups; ok && *g; g++) {
    if (strcmp (*g, "certnotice") == 0)
      ok = read_main (&r, *g, error);
    else if (g_str_has_prefix (*g, "provider "))
      ok = read_provider (&r, *g, error);
    else if (strcmp (*g, "imap") == 0)
      ok = read_imap (&r, *g, error);
    else if (g_str_has_prefix (*g, "account "))
      ok = read_account (&r, *g, error);
    else if (g_str_has_prefix (*g, "action "))
      ok = read_action (&r, *g, error);
    else
      ok = fail (&r, error, *g, NULL, _("unknown group (known: [certnotice], [imap], [account NAME], "
                                        "[action VERDICT], [action case-EVENT], [provider ID])"));
  }
  for (guint i = 0; ok && i < c->accounts->len; i++) {
    const CnAccount *a = c->accounts->pdata[i];
    g_autoptr (GError) te = NULL;
    if (!cn_config_check_targets (c, a, &te)) {
      g_autofree char *group = g_strdup_printf ("account %s", a->name);
      ok = fail (&r, error, group, a->mailboxes_from_config ? "mailboxes" : "url", "%s", te->message);
    }
  }
  g_key_file_unref (r.kf);
  g_hash_table_unref (r.lm.lines);
  return ok ? g_steal_pointer (&c) : NULL;
}

void
cn_config_free (CnConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->path);
  g_strfreev (c->trusted_authserv);
  g_strfreev (c->trusted_forwarders);
  g_free (c->rules_dir);
  g_free (c->cacert);
  g_free (c->db);
  g_free (c->judge_socket);
  g_hash_table_unref (c->provider_senders);
  g_hash_table_unref (c->provider_lines);
  g_free (c->state);
  g_ptr_array_unref (c->accounts);
  for (int v = 0; v < CN_VERDICT_COUNT + CN_CASE_EVENT_COUNT; v++) {
    CnAction *a = v < CN_VERDICT_COUNT ? &c->actions[v] : &c->case_actions[v - CN_VERDICT_COUNT];
    g_free (a->keyword);
    g_free (a->copy_to);
    g_free (a->move_to);
    g_strfreev (a->command);
    g_free (a->webhook);
  }
  g_free (c);
}

gboolean
cn_config_check_targets (const CnConfig *c, const CnAccount *a, GError **error)
{
  for (char **m = a->mailboxes; m && *m; m++)
    for (int v = 0; v < CN_VERDICT_COUNT; v++) {
      const CnAction *act = &c->actions[v];
      const char *target = act->move_to && same_mailbox (*m, act->move_to) ? act->move_to
                         : act->copy_to && same_mailbox (*m, act->copy_to) ? act->copy_to
                         : NULL;
      if (target) {
        if (target == act->move_to)
          g_set_error (error, CN_ERROR, CN_ERROR_CONFIG,
                       _("'%s' is polled, and [action %s] (%s:%u) moves mail there: poll another mailbox, "
                         "or move elsewhere"), *m, cn_verdict_name (v), c->path, act->line);
        else
          g_set_error (error, CN_ERROR, CN_ERROR_CONFIG,
                       _("'%s' is polled, and [action %s] (%s:%u) copies mail there: poll another mailbox, "
                         "or copy elsewhere"), *m, cn_verdict_name (v), c->path, act->line);
        return FALSE;
      }
    }
  return TRUE;
}

gboolean
cn_config_apply_providers (const CnConfig *c, CnRuleSet *rules, GError **error)
{
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, c->provider_senders);
  while (g_hash_table_iter_next (&it, &key, &value)) {
    CnRule *rule = NULL;
    for (guint i = 0; i < rules->rules->len && rule == NULL; i++)
      if (strcmp (((CnRule *) rules->rules->pdata[i])->id, key) == 0)
        rule = rules->rules->pdata[i];
    if (rule == NULL) {
      g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, _("config %s:%u: [provider %s]: no such provider in the rules"),
                   c->path, GPOINTER_TO_UINT (g_hash_table_lookup (c->provider_lines, key)), (char *) key);
      return FALSE;
    }
    GStrvBuilder *b = g_strv_builder_new ();
    g_strv_builder_addv (b, (const char **) rule->sender_domains);
    for (char **d = value; *d; d++)
      if (!g_strv_contains ((const char *const *) rule->sender_domains, *d))
        g_strv_builder_add (b, *d);
    g_strfreev (rule->sender_domains);
    rule->sender_domains = g_strv_builder_end (b);
    g_strv_builder_unref (b);
  }
  return TRUE;
}
