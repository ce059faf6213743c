/* imap-conn.c — one IMAP connection (imap-conn.h).
 *
 * libcurl connects (TLS, or STARTTLS enforced), authenticates (password,
 * password command or netrc) and stops there (CURLOPT_CONNECT_ONLY); the
 * IMAP commands are then sent with curl_easy_send/recv on that connection.
 * Debian's libcurl 7.88 returns no literal for a custom FETCH and marks mail
 * \Seen on a URL fetch; speaking the protocol ourselves gives BODY.PEEK (no
 * flag changes) and one pipelined UID FETCH for any number of messages.
 * Responses are parsed by imapproto.c.
 */
#include "imap-conn.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

void
cn_imap_conn_close (CnImapConn *c)
{
  if (c->easy)
    c->cc->easy_cleanup (c->easy);
  c->easy = NULL;
  if (c->in)
    g_string_free (c->in, TRUE);
  c->in = NULL;
}

static char *
run_password_command (const char *cmd, GError **error)
{
  const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
  g_autofree char *out = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                     &status, error))
    return NULL;
  if (!g_spawn_check_wait_status (status, NULL)) {
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "the password command failed");
    return NULL;
  }
  char *nl = strpbrk (out, "\r\n");
  if (nl)
    *nl = '\0';
  return g_steal_pointer (&out);
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
        g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "IMAP server: timed out sending");
        return FALSE;
      }
      continue;
    }
    if (rc != CURLE_OK) {
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
      g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "IMAP server sent a malformed or oversized response");
      return NULL;
    }
    if (n > 0) {
      CnImapResponse *r = cn_imap_parse (c->in->str, (gsize) n, error);
      g_string_erase (c->in, 0, n);
      return r;
    }
    char buf[65536];
    size_t got = 0;
    CURLcode rc = c->cc->easy_recv (c->easy, buf, sizeof buf, &got);
    if (rc == CURLE_AGAIN) {
      if (!wait_socket (c, POLLIN)) {
        g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "IMAP server: no answer within %gs", c->timeout);
        return NULL;
      }
      continue;
    }
    if (rc != CURLE_OK || got == 0) {
      g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "IMAP server closed the connection%s%s",
                   rc != CURLE_OK ? ": " : "", rc != CURLE_OK ? c->cc->easy_strerror (rc) : "");
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
        /* the command word only: never echo credentials or arguments */
        g_autofree char *verb = g_strndup (cmd, strcspn (cmd, " "));
        g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "IMAP %s: %s %s", verb,
                     r->status ? r->status : "?", r->text ? r->text : "");
      }
      cn_imap_response_free (r);
      return ok;
    }
    if (g_strcmp0 (r->status, "BYE") == 0 && strcmp (r->tag, "*") == 0) {
      g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "IMAP server said BYE: %s", r->text ? r->text : "");
      cn_imap_response_free (r);
      return FALSE;
    }
    if (out)
      g_ptr_array_add (out, r);
    else
      cn_imap_response_free (r);
  }
}

gboolean
cn_imap_conn_open (CnImapConn *c, const CnAccount *a, const CnOptions *opts, GError **error)
{
  const char *why = NULL;
  c->cc = cn_curl (&why);
  if (c->cc == NULL) {
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "libcurl could not be loaded: %s", why);
    return FALSE;
  }
  c->timeout = opts->timeout;
  c->in = g_string_new (NULL);
  c->tag = 0;
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
  if (a->cacert)
    c->cc->easy_setopt (e, CURLOPT_CAINFO, a->cacert);
  if (a->user)
    c->cc->easy_setopt (e, CURLOPT_USERNAME, a->user);
  if (a->password_command) {
    g_autofree char *pw = run_password_command (a->password_command, error);
    if (pw == NULL)
      return FALSE;
    c->cc->easy_setopt (e, CURLOPT_PASSWORD, pw);
    memset (pw, 0, strlen (pw));
  } else {
    c->cc->easy_setopt (e, CURLOPT_NETRC, (long) CURL_NETRC_OPTIONAL);
  }
  c->errbuf[0] = '\0';
  CURLcode rc = c->cc->easy_perform (e);
  if (rc != CURLE_OK) {
    g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s:%d: %s", a->host, a->port,
                 *c->errbuf ? c->errbuf : c->cc->easy_strerror (rc));
    return FALSE;
  }
  c->cc->easy_getinfo (e, CURLINFO_ACTIVESOCKET, &c->sock);
  g_autoptr (GPtrArray) caps = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
  if (!cn_imap_command (c, caps, NULL, error, "CAPABILITY"))
    return FALSE;
  for (guint i = 0; i < caps->len; i++) {
    CnImapResponse *r = caps->pdata[i];
    if (g_strcmp0 (r->name, "CAPABILITY") != 0)
      continue;
    for (guint k = 0; k < r->items->len; k++) {
      const CnImapItem *it = r->items->pdata[k];
      if (it->type == CN_IMAP_ATOM && !g_ascii_strcasecmp (it->str, "MOVE"))
        c->has_move = TRUE;
      if (it->type == CN_IMAP_ATOM && !g_ascii_strcasecmp (it->str, "UIDPLUS"))
        c->has_uidplus = TRUE;
    }
  }
  return TRUE;
}

gboolean
cn_imap_copy_or_move (CnImapConn *c, guint32 uid, const char *folder, gboolean move, GError **error)
{
  g_autofree char *q = cn_imap_quote (folder);
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
      if (!cn_imap_command (c, NULL, NULL, error, "CREATE %s", q))
        return FALSE;
      continue;
    }
    g_propagate_error (error, g_steal_pointer (&e));
    return FALSE;
  }
  return FALSE;
}
