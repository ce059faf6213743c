/* netrc.c — credentials from a netrc file (netrc.h). */
#include "netrc.h"

#include <string.h>

typedef struct {
  char *machine;       /* NULL: the "default" entry */
  char *login;
  char *password;
} Entry;

static void
entry_free (Entry *e)
{
  g_free (e->machine);
  g_free (e->login);
  if (e->password)
    memset (e->password, 0, strlen (e->password));
  g_free (e->password);
  g_free (e);
}

typedef struct {
  const char *p, *end;
  guint line;
} Lexer;

/* The next token (new string) or NULL at the end; *BAD when a quoted
 * string does not end.  A "# …" comment runs to the end of its line. */
static char *
next_token (Lexer *lx, guint *line, gboolean *bad)
{
  for (;;) {
    while (lx->p < lx->end && g_ascii_isspace (*lx->p)) {
      if (*lx->p == '\n')
        lx->line++;
      lx->p++;
    }
    if (lx->p < lx->end && *lx->p == '#') {
      while (lx->p < lx->end && *lx->p != '\n')
        lx->p++;
      continue;
    }
    break;
  }
  if (lx->p >= lx->end)
    return NULL;
  *line = lx->line;
  GString *t = g_string_new (NULL);
  if (*lx->p == '"') {
    for (lx->p++;; lx->p++) {
      if (lx->p >= lx->end || *lx->p == '\n') {
        *bad = TRUE;
        g_string_free (t, TRUE);
        return NULL;
      }
      if (*lx->p == '"') {
        lx->p++;
        break;
      }
      if (*lx->p == '\\' && lx->p + 1 < lx->end) {
        lx->p++;
        g_string_append_c (t, *lx->p == 'n' ? '\n' : *lx->p == 'r' ? '\r' : *lx->p == 't' ? '\t' : *lx->p);
        continue;
      }
      g_string_append_c (t, *lx->p);
    }
  } else {
    while (lx->p < lx->end && !g_ascii_isspace (*lx->p))
      g_string_append_c (t, *lx->p++);
  }
  return g_string_free (t, FALSE);
}

/* Skip "macdef NAME" and its body: up to and including the next empty line. */
static void
skip_macdef (Lexer *lx)
{
  for (gboolean first = TRUE; lx->p < lx->end; first = FALSE) {
    const char *nl = memchr (lx->p, '\n', (gsize) (lx->end - lx->p));
    const char *eol = nl ? nl : lx->end;
    gboolean empty = eol == lx->p || (eol == lx->p + 1 && *lx->p == '\r');
    lx->p = nl ? nl + 1 : lx->end;
    lx->line += nl != NULL;
    if (!first && empty)
      break;
  }
}

static gboolean
matches (const Entry *e, const char *user)
{
  return e->password && (user == NULL || e->login == NULL || strcmp (e->login, user) == 0);
}

CnNetrcResult
cn_netrc_lookup (const char *path, const char *host, const char *user, char **login, char **password,
                 GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) e = NULL;
  if (!g_file_get_contents (path, &text, &len, &e)) {
    if (g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return CN_NETRC_NO_ENTRY;
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "netrc %s", e->message);
    return CN_NETRC_ERROR;
  }
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  Lexer lx = { text, text + len, 1 };
  Entry *cur = NULL;
  const char *why = NULL;
  guint line = 1;
  gboolean bad = FALSE;
  for (;;) {
    g_autofree char *tok = next_token (&lx, &line, &bad);
    if (tok == NULL) {
      if (bad)
        why = "a quoted string does not end on its line";
      break;
    }
    if (strcmp (tok, "machine") == 0 || strcmp (tok, "default") == 0) {
      cur = g_new0 (Entry, 1);
      g_ptr_array_add (entries, cur);
      if (*tok == 'm' && (cur->machine = next_token (&lx, &line, &bad)) == NULL) {
        why = "machine without a name";
        break;
      }
      continue;
    }
    if (strcmp (tok, "macdef") == 0) {
      skip_macdef (&lx);
      continue;
    }
    char **slot = strcmp (tok, "login") == 0 ? (cur ? &cur->login : NULL)
                : strcmp (tok, "password") == 0 ? (cur ? &cur->password : NULL)
                : NULL;
    gboolean valued = strcmp (tok, "login") == 0 || strcmp (tok, "password") == 0 || strcmp (tok, "account") == 0;
    if (!valued) {
      why = "unknown word (expected machine, default, login, password, account or macdef)";
      break;
    }
    g_autofree char *value = next_token (&lx, &line, &bad);
    if (value == NULL) {
      why = "a keyword without its value";
      break;
    }
    if (cur == NULL) {
      why = "login/password/account before any machine or default";
      break;
    }
    if (slot) {
      g_free (*slot);
      *slot = g_steal_pointer (&value);
    }
  }
  if (why) {
    memset (text, 0, len);
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "netrc %s:%u: %s", path, line, why);
    return CN_NETRC_ERROR;
  }
  memset (text, 0, len);
  const Entry *found = NULL;
  for (guint i = 0; i < entries->len && found == NULL; i++) {
    const Entry *en = entries->pdata[i];
    if (en->machine && g_ascii_strcasecmp (en->machine, host) == 0 && matches (en, user))
      found = en;
  }
  for (guint i = 0; i < entries->len && found == NULL; i++) {
    const Entry *en = entries->pdata[i];
    if (en->machine == NULL && matches (en, user))
      found = en;
  }
  if (found == NULL)
    return CN_NETRC_NO_ENTRY;
  *login = g_strdup (found->login);
  *password = g_strdup (found->password);
  return CN_NETRC_FOUND;
}

char *
cn_netrc_default_path (void)
{
  return g_build_filename (g_get_home_dir (), ".netrc", NULL);
}
