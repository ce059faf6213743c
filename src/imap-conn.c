/* imap-conn.c — one IMAP connection (imap-conn.h).
 *
 * libcurl connects (TLS, or STARTTLS enforced), authenticates (password,
 * password command or netrc) and stops there (CURLOPT_CONNECT_ONLY); the
 * IMAP commands are then sent with curl_easy_send/recv on that connection.
 * Debian's libcurl 7.88 returns no literal for a custom FETCH and marks mail
 * \Seen on a URL fetch; speaking the protocol ourselves gives BODY.PEEK (no
 * flag changes) and one pipelined UID FETCH for any number of messages.
 * Responses are parsed by imapproto.c.
 *
 * The password is found before connecting (cn_imap_credentials): libcurl's
 * own netrc lookup is not used, because 7.88 skips it whenever a user name
 * is set (see netrc.h).
 */
#include "imap-conn.h"
#include "netrc.h"

#include <errno.h>
#include "i18n.h"
#include <poll.h>
#include <string.h>
#include <sys/wait.h>

void
cn_imap_conn_close (CnImapConn *c)
{
  if (c->easy)
    c->cc->easy_cleanup (c->easy);
  c->easy = NULL;
  if (c->in)
    g_string_free (c->in, TRUE);
  c->in = NULL;
  g_clear_pointer (&c->prefix, g_free);
}

/* At most MAX bytes of S's first lines, control characters shown as '?':
 * a command's standard error, for a message. */
static char *
excerpt (const char *s, gsize max)
{
  g_autofree char *t = g_strstrip (g_strndup (s ? s : "", max));
  GString *o = g_string_new (NULL);
  for (const char *p = t; *p; p++)
    g_string_append_c (o, *p == '\n' ? '|' : ((guchar) *p < 0x20 || *p == 0x7f) ? '?' : *p);
  return g_string_free (o, FALSE);
}

static char *
run_password_command (const char *cmd, GError **error)
{
  const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr (GError) e = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &e)) {
    cn_set_error (error, CN_ERROR_CONFIG, N_("the password command could not run: %s"), e->message);
    return NULL;
  }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0) {
    g_autofree char *why = excerpt (err, 300);
    gboolean exited = WIFEXITED (status);
    int n = exited ? WEXITSTATUS (status) : WTERMSIG (status);
    if (*why)
      cn_set_error (error, CN_ERROR_CONFIG, exited ? N_("the password command failed (exit status %d): %s")
                                                   : N_("the password command failed (killed by signal %d): %s"),
                    n, why);
    else
      cn_set_error (error, CN_ERROR_CONFIG,
                    exited ? N_("the password command failed (exit status %d), nothing on its standard error")
                           : N_("the password command failed (killed by signal %d), nothing on its standard "
                                "error"), n);
    if (out)
      memset (out, 0, strlen (out));
    return NULL;
  }
  char *nl = strpbrk (out, "\r\n");
  if (nl)
    *nl = '\0';
  if (*out == '\0') {
    cn_set_error (error, CN_ERROR_CONFIG,
                  N_("the password command printed no password (its first line is the password)"));
    return NULL;
  }
  return g_steal_pointer (&out);
}

/* A's login and password from ~/.netrc. */
static gboolean
netrc_credentials (const CnAccount *a, char **user, char **password, GError **error)
{
  g_autofree char *path = cn_netrc_default_path ();
  switch (cn_netrc_lookup (path, a->host, a->user, user, password, error)) {
  case CN_NETRC_ERROR:
    return FALSE;
  case CN_NETRC_FOUND:
    if (a->user) {   /* the entry may have had no login */
      g_free (*user);
      *user = g_strdup (a->user);
    }
    return TRUE;
  case CN_NETRC_NO_ENTRY:
  default:
    /* TRANSLATORS: "no password for bob@imap.example.net: …"; the quoted netrc line stays as it is */
    cn_set_error (error, CN_ERROR_CONFIG,
                  N_("no password for %s%s%s: set password_command in [account %s] (--password-command "
                     "with --url), or add \"machine %s login %s password …\" to %s (then `user` may be left "
                     "out: the netrc login is used)"),
                  a->user ? a->user : "", a->user ? "@" : "", a->host, a->name, a->host,
                  a->user ? a->user : "NAME", path);
    return FALSE;
  }
}

static gboolean
check_user (const CnAccount *a, const char *user, GError **error)
{
  if (user && *user)
    return TRUE;
  cn_set_error (error, CN_ERROR_CONFIG,
                N_("no user name for %s: set user in [account %s] (--user with --url), put it in the URL "
                   "(imaps://USER@HOST/), or give a login in ~/.netrc"), a->host, a->name);
  return FALSE;
}

gboolean
cn_imap_credentials_known (const CnAccount *a, GError **error)
{
  if (a->password_command)
    return check_user (a, a->user, error);
  g_autofree char *user = NULL, *pw = NULL;
  gboolean ok = netrc_credentials (a, &user, &pw, error) && check_user (a, user, error);
  if (pw)
    memset (pw, 0, strlen (pw));
  return ok;
}

gboolean
cn_imap_credentials (const CnAccount *a, char **user, char **password, GError **error)
{
  *user = NULL;
  *password = NULL;
  if (a->password_command) {
    *user = g_strdup (a->user);
    if (!check_user (a, *user, error) || (*password = run_password_command (a->password_command, error)) == NULL) {
      g_clear_pointer (user, g_free);
      return FALSE;
    }
    return TRUE;
  }
  if (!netrc_credentials (a, user, password, error) || !check_user (a, *user, error)) {
    if (*password)
      memset (*password, 0, strlen (*password));
    g_clear_pointer (password, g_free);
    g_clear_pointer (user, g_free);
    return FALSE;
  }
  return TRUE;
}

static gboolean
wait_socket (CnImapConn *c, short events)
{
  struct pollfd pf = { c->sock, events, 0 };
  int ms = (int) (c->timeout * 1000);
  int r;
  do
    r = poll (&pf, 1, ms);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

static gboolean
conn_send (CnImapConn *c, const char *data, gsize len, GError **error)
{
  while (len > 0) {
    size_t n = 0;
    CURLcode rc = c->cc->easy_send (c->easy, data, len, &n);
    if (rc == CURLE_AGAIN) {
      if (!wait_socket (c, POLLOUT)) {
        c->broken = TRUE;
        cn_set_error (error, CN_ERROR_INPUT, N_("IMAP server: timed out sending"));
        return FALSE;
      }
      continue;
    }
    if (rc != CURLE_OK) {
      c->broken = TRUE;
      g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "IMAP server: %s", c->cc->easy_strerror (rc));
      return FALSE;
    }
    data += n;
    len -= n;
  }
  return TRUE;
}

/* The next complete response (waiting up to the timeout for more bytes). */
static CnImapResponse *
conn_read (CnImapConn *c, GError **error)
{
  for (;;) {
    gssize n = cn_imap_response_length (c->in->str, c->in->len);
    if (n < 0) {
      c->broken = TRUE;   /* where the next response starts is unknown */
      cn_set_error (error, CN_ERROR_INPUT, N_("IMAP server sent a malformed or oversized response"));
      return NULL;
    }
    if (n > 0) {
      CnImapResponse *r = cn_imap_parse (c->in->str, (gsize) n, error);
      g_string_erase (c->in, 0, n);
      c->broken |= r == NULL;
      return r;
    }
    char buf[65536];
    size_t got = 0;
    CURLcode rc = c->cc->easy_recv (c->easy, buf, sizeof buf, &got);
    if (rc == CURLE_AGAIN) {
      if (!wait_socket (c, POLLIN)) {
        c->broken = TRUE;
        cn_set_error (error, CN_ERROR_INPUT, N_("IMAP server: no answer within %gs"), c->timeout);
        return NULL;
      }
      continue;
    }
    if (rc != CURLE_OK || got == 0) {
      c->broken = TRUE;
      if (rc != CURLE_OK)
        cn_set_error (error, CN_ERROR_INPUT, N_("IMAP server closed the connection: %s"),
                      c->cc->easy_strerror (rc));
      else
        cn_set_error (error, CN_ERROR_INPUT, N_("IMAP server closed the connection"));
      return NULL;
    }
    g_string_append_len (c->in, buf, got);
  }
}

gboolean
cn_imap_command (CnImapConn *c, GPtrArray *out, char **status_code, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *cmd = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (c->broken) {
    cn_set_error (error, CN_ERROR_INPUT, N_("IMAP connection lost"));
    return FALSE;
  }
  g_autofree char *tag = g_strdup_printf ("c%u", ++c->tag);
  g_autofree char *line = g_strdup_printf ("%s %s\r\n", tag, cmd);
  if (!conn_send (c, line, strlen (line), error))
    return FALSE;
  for (;;) {
    CnImapResponse *r = conn_read (c, error);
    if (r == NULL)
      return FALSE;
    if (strcmp (r->tag, tag) == 0) {
      gboolean ok = g_strcmp0 (r->status, "OK") == 0;
      if (status_code)
        *status_code = g_strdup (r->code);
      if (!ok) {
        /* the command word only (two for UID …): never echo credentials or arguments */
        gsize n = strcspn (cmd, " ");
        if (g_ascii_strncasecmp (cmd, "UID ", 4) == 0)
          n = 4 + strcspn (cmd + 4, " ");
        g_autofree char *verb = g_strndup (cmd, n);
        g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "IMAP %s: %s %s", verb,
                     r->status ? r->status : "?", r->text ? r->text : "");
      }
      cn_imap_response_free (r);
      return ok;
    }
    if (g_strcmp0 (r->status, "BYE") == 0 && strcmp (r->tag, "*") == 0) {
      c->broken = TRUE;
      cn_set_error (error, CN_ERROR_INPUT, N_("IMAP server said BYE: %s"), r->text ? r->text : "");
      cn_imap_response_free (r);
      return FALSE;
    }
    if (out)
      g_ptr_array_add (out, r);
    else
      cn_imap_response_free (r);
  }
}

/* Capabilities, hierarchy delimiter and personal namespace, after login. */
static gboolean
read_server_setup (CnImapConn *c, GError **error)
{
  gboolean has_namespace = FALSE;
  g_autoptr (GPtrArray) caps = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
  if (!cn_imap_command (c, caps, NULL, error, "CAPABILITY"))
    return FALSE;
  for (guint i = 0; i < caps->len; i++) {
    CnImapResponse *r = caps->pdata[i];
    if (g_strcmp0 (r->name, "CAPABILITY") != 0)
      continue;
    for (guint k = 0; k < r->items->len; k++) {
      const CnImapItem *it = r->items->pdata[k];
      if (it->type != CN_IMAP_ATOM)
        continue;
      c->has_move |= !g_ascii_strcasecmp (it->str, "MOVE");
      c->has_uidplus |= !g_ascii_strcasecmp (it->str, "UIDPLUS");
      has_namespace |= !g_ascii_strcasecmp (it->str, "NAMESPACE");
    }
  }
  /* * LIST (\Noselect) "/" "" — the delimiter, or NIL for a flat server */
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
  if (!cn_imap_command (c, list, NULL, error, "LIST \"\" \"\""))
    return FALSE;
  c->delim = '/';
  for (guint i = 0; i < list->len; i++) {
    CnImapResponse *r = list->pdata[i];
    if (g_strcmp0 (r->name, "LIST") != 0 || r->items->len < 2)
      continue;
    const CnImapItem *d = r->items->pdata[1];
    c->delim = d->type == CN_IMAP_STRING && d->len == 1 ? d->str[0] : '\0';
  }
  /* * NAMESPACE (("INBOX." ".")) NIL NIL — the first personal namespace */
  g_clear_pointer (&c->prefix, g_free);
  if (has_namespace) {
    g_autoptr (GPtrArray) ns = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
    if (!cn_imap_command (c, ns, NULL, error, "NAMESPACE"))
      return FALSE;
    for (guint i = 0; i < ns->len; i++) {
      CnImapResponse *r = ns->pdata[i];
      if (g_strcmp0 (r->name, "NAMESPACE") != 0 || r->items->len < 1)
        continue;
      const CnImapItem *personal = r->items->pdata[0];
      if (personal->type != CN_IMAP_LIST || personal->list->len < 1)
        continue;
      const CnImapItem *first = personal->list->pdata[0];
      if (first->type != CN_IMAP_LIST || first->list->len < 1)
        continue;
      const CnImapItem *p = first->list->pdata[0];
      if (p->type == CN_IMAP_STRING && p->len > 0 && strlen (p->str) == p->len)
        c->prefix = g_strdup (p->str);
    }
  }
  return TRUE;
}

gboolean
cn_imap_conn_open (CnImapConn *c, const CnAccount *a, const CnOptions *opts, GError **error)
{
  const char *why = NULL;
  c->cc = cn_curl (&why);
  if (c->cc == NULL) {
    cn_set_error (error, CN_ERROR_INTERNAL, N_("libcurl could not be loaded: %s"), why);
    return FALSE;
  }
  g_autofree char *user = NULL, *pw = NULL;
  if (!cn_imap_credentials (a, &user, &pw, error))
    return FALSE;
  c->timeout = opts->timeout;
  c->in = g_string_new (NULL);
  c->tag = 0;
  c->broken = FALSE;
  c->easy = c->cc->easy_init ();
  g_autofree char *host = strchr (a->host, ':') ? g_strdup_printf ("[%s]", a->host) : g_strdup (a->host);
  g_autofree char *url = g_strdup_printf ("%s://%s:%d/", a->tls ? "imaps" : "imap", host, a->port);
  CURL *e = c->easy;
  c->cc->easy_setopt (e, CURLOPT_URL, url);
  c->cc->easy_setopt (e, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  c->cc->easy_setopt (e, CURLOPT_CONNECT_ONLY, 1L);
  c->cc->easy_setopt (e, CURLOPT_NOSIGNAL, 1L);
  c->cc->easy_setopt (e, CURLOPT_CONNECTTIMEOUT_MS, (long) (opts->timeout * 1000));
  c->cc->easy_setopt (e, CURLOPT_ERRORBUFFER, c->errbuf);
  c->cc->easy_setopt (e, CURLOPT_NOPROXY, "*");
  if (!a->tls)
    c->cc->easy_setopt (e, CURLOPT_USE_SSL, a->allow_plaintext ? (long) CURLUSESSL_NONE : (long) CURLUSESSL_ALL);
  /* the account's own trust: never the live checks' --cacert */
  if (a->cacert)
    c->cc->easy_setopt (e, CURLOPT_CAINFO, a->cacert);
  c->cc->easy_setopt (e, CURLOPT_USERNAME, user);
  c->cc->easy_setopt (e, CURLOPT_PASSWORD, pw);
  memset (pw, 0, strlen (pw));
  c->errbuf[0] = '\0';
  CURLcode rc = c->cc->easy_perform (e);
  if (rc != CURLE_OK) {
    const char *msg = *c->errbuf ? c->errbuf : c->cc->easy_strerror (rc);
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
      cn_set_error (error, CN_ERROR_INPUT,
                    N_("%s:%d: %s (the IMAP server's certificate is not trusted: give its CA with "
                       "cacert = FILE in [account %s], or --imap-cacert FILE with --url)"),
                    a->host, a->port, msg, a->name);
    else if (rc == CURLE_LOGIN_DENIED)
      cn_set_error (error, CN_ERROR_INPUT, a->password_command
                                             ? N_("%s:%d: login as %s denied (password from the password command)")
                                             : N_("%s:%d: login as %s denied (password from ~/.netrc)"),
                    a->host, a->port, user);
    else
      g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s:%d: %s", a->host, a->port, msg);
    return FALSE;
  }
  c->cc->easy_getinfo (e, CURLINFO_ACTIVESOCKET, &c->sock);
  return read_server_setup (c, error);
}

char *
cn_imap_conn_mailbox (const CnImapConn *c, const char *name, GError **error)
{
  return cn_imap_mailbox_to_server (name, c->delim, c->prefix, error);
}

/* CREATE FOLDER (config syntax); when that fails, its parents first, top
 * down (a server need not create them itself), then FOLDER again. */
static gboolean
create_mailbox (CnImapConn *c, const char *folder, GError **error)
{
  g_autofree char *server = cn_imap_conn_mailbox (c, folder, error);
  if (server == NULL)
    return FALSE;
  g_autofree char *q = cn_imap_quote (server);
  g_autoptr (GError) first = NULL;
  if (cn_imap_command (c, NULL, NULL, &first, "CREATE %s", q))
    return TRUE;
  if (c->broken || strchr (folder, '/') == NULL) {
    g_propagate_error (error, g_steal_pointer (&first));
    return FALSE;
  }
  for (const char *sl = strchr (folder, '/'); sl; sl = strchr (sl + 1, '/')) {
    g_autofree char *parent = g_strndup (folder, (gsize) (sl - folder));
    g_autofree char *sp = cn_imap_conn_mailbox (c, parent, error);
    if (sp == NULL)
      return FALSE;
    g_autofree char *qp = cn_imap_quote (sp);
    g_autoptr (GError) ignore = NULL;   /* it may exist already */
    if (!cn_imap_command (c, NULL, NULL, &ignore, "CREATE %s", qp) && c->broken) {
      g_propagate_error (error, g_steal_pointer (&ignore));
      return FALSE;
    }
  }
  return cn_imap_command (c, NULL, NULL, error, "CREATE %s", q);
}

gboolean
cn_imap_copy_or_move (CnImapConn *c, guint32 uid, const char *folder, gboolean move, GError **error)
{
  g_autofree char *server = cn_imap_conn_mailbox (c, folder, error);
  if (server == NULL)
    return FALSE;
  g_autofree char *q = cn_imap_quote (server);
  for (int attempt = 0; attempt < 2; attempt++) {
    g_autofree char *code = NULL;
    g_autoptr (GError) e = NULL;
    gboolean ok;
    if (move && c->has_move)
      ok = cn_imap_command (c, NULL, &code, &e, "UID MOVE %u %s", uid, q);
    else
      ok = cn_imap_command (c, NULL, &code, &e, "UID COPY %u %s", uid, q);
    if (ok) {
      if (move && !c->has_move) {
        if (!cn_imap_command (c, NULL, NULL, error, "UID STORE %u +FLAGS.SILENT (\\Deleted)", uid))
          return FALSE;
        if (c->has_uidplus && !cn_imap_command (c, NULL, NULL, error, "UID EXPUNGE %u", uid))
          return FALSE;
      }
      return TRUE;
    }
    if (attempt == 0 && code && g_str_has_prefix (code, "TRYCREATE")) {
      if (!create_mailbox (c, folder, error))
        return FALSE;
      continue;
    }
    g_propagate_error (error, g_steal_pointer (&e));
    return FALSE;
  }
  return FALSE;
}
