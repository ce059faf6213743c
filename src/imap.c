/* imap.c — `certnotice imap`: poll mailboxes, triage new notices, act.
 *
 * Transport: libcurl connects (TLS, or STARTTLS enforced), authenticates
 * (password, password command or netrc) and stops there
 * (CURLOPT_CONNECT_ONLY); the IMAP commands are then sent with
 * curl_easy_send/recv on that connection.  Debian's libcurl 7.88 returns no
 * literal for a custom FETCH and marks mail \Seen on a URL fetch; speaking
 * the protocol ourselves gives BODY.PEEK (no flag changes) and one pipelined
 * UID FETCH for any number of messages.  Responses are parsed by
 * imapproto.c.
 *
 * Per mailbox and poll: SELECT (UIDVALIDITY; a change rescans from UID 1,
 * with Message-IDs already reported skipped), UID SEARCH UID last+1:*, the
 * headers of the new messages (BODY.PEEK[HEADER.FIELDS …]) are matched
 * against the rules' subject patterns and sender domains, only candidates
 * are fetched whole (BODY.PEEK[]), the read → verify → triage pipeline
 * judges them, then per message, in UID order: report, act (keyword,
 * copy/move, hook command, webhook), and only then save the state.  A crash
 * anywhere means at most a repeat, never a loss.
 */
#include "cli.h"
#include "curlx.h"
#include "fdio.h"
#include "imapproto.h"
#include "match.h"
#include "source.h"
#include "state.h"
#include "text.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------------------------------------------------------------------- */
/* configuration                                                           */

typedef struct {
  char *keyword;        /* STORE +FLAGS                     */
  char *copy_to;
  char *move_to;
  char **command;       /* argv; JSON on stdin               */
  char *webhook;        /* POST the JSON                     */
} Action;

typedef struct {
  char *name;
  char *host;
  int port;
  gboolean tls;         /* imaps://                          */
  char *user;
  char *password_command;
  char **mailboxes;
  char *cacert;
  gboolean allow_plaintext;
} Account;

typedef struct {
  CnCli *cli;
  GPtrArray *accounts;  /* Account *                         */
  Action actions[CN_VERDICT_COUNT];
  char *state_path;
  gboolean once, dry_run;
  int interval;
  /* flags given on the command line */
  char *url, *user, *password_command, *state_opt;
  gboolean allow_plaintext;
} Imap;

static void
account_free (Account *a)
{
  g_free (a->name);
  g_free (a->host);
  g_free (a->user);
  g_free (a->password_command);
  g_strfreev (a->mailboxes);
  g_free (a->cacert);
  g_free (a);
}

static void
actions_clear (Imap *im)
{
  for (int v = 0; v < CN_VERDICT_COUNT; v++) {
    Action *a = &im->actions[v];
    g_free (a->keyword);
    g_free (a->copy_to);
    g_free (a->move_to);
    g_strfreev (a->command);
    g_free (a->webhook);
    memset (a, 0, sizeof *a);
  }
}

/* "imaps://host[:port]/MAILBOX" (the mailbox URL-decoded; default INBOX). */
static gboolean
parse_url (const char *url, Account *a, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (scheme, "imaps") != 0 && g_strcmp0 (scheme, "imap") != 0)) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE, "--url %s: use imaps://HOST[:PORT]/MAILBOX", url);
    return FALSE;
  }
  a->tls = strcmp (scheme, "imaps") == 0;
  a->host = g_strdup (g_uri_get_host (uri));
  a->port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : a->tls ? 993 : 143;
  const char *path = g_uri_get_path (uri);
  while (path && *path == '/')
    path++;
  if (g_uri_get_user (uri) && a->user == NULL)
    a->user = g_strdup (g_uri_get_user (uri));
  if (g_uri_get_password (uri)) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE,
                 "--url: no password in the URL (use --password-command or netrc)");
    return FALSE;
  }
  if (path && *path && a->mailboxes == NULL) {
    /* the config's mailboxes key wins over the URL's path */
    g_autofree char *box = g_uri_unescape_string (path, NULL);
    a->mailboxes = g_strsplit (box ? box : path, ",", -1);
  } else if (a->mailboxes == NULL) {
    a->mailboxes = g_strsplit ("INBOX", ",", -1);
  }
  return TRUE;
}

static gboolean
load_config (Imap *im, GError **error)
{
  g_ptr_array_set_size (im->accounts, 0);
  actions_clear (im);
  const char *given = im->cli->config_file;
  g_autofree char *path = given ? g_strdup (given)
                                : g_build_filename (g_get_user_config_dir (), "certnotice", "config", NULL);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) e = NULL;
  gboolean have_file = g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &e);
  if (!have_file && (given || !g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOENT))) {
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "config %s: %s", path, e->message);
    return FALSE;
  }
  if (im->url) {
    Account *a = g_new0 (Account, 1);
    a->name = g_strdup ("cli");
    a->user = g_strdup (im->user);
    a->password_command = g_strdup (im->password_command);
    a->cacert = g_strdup (im->cli->opts.cacert);
    a->allow_plaintext = im->allow_plaintext;
    g_ptr_array_add (im->accounts, a);
    if (!parse_url (im->url, a, error))
      return FALSE;
  }
  g_auto (GStrv) groups = have_file ? g_key_file_get_groups (kf, NULL) : NULL;
  for (char **g = groups; g && *g; g++) {
    if (g_str_has_prefix (*g, "account ")) {
      Account *a = g_new0 (Account, 1);
      g_ptr_array_add (im->accounts, a);
      a->name = g_strdup (*g + strlen ("account "));
      a->user = g_key_file_get_string (kf, *g, "user", NULL);
      a->password_command = g_key_file_get_string (kf, *g, "password_command", NULL);
      a->cacert = g_key_file_get_string (kf, *g, "cacert", NULL);
      a->allow_plaintext = g_key_file_get_boolean (kf, *g, "allow_plaintext", NULL);
      a->mailboxes = g_key_file_get_string_list (kf, *g, "mailboxes", NULL, NULL);
      g_autofree char *url = g_key_file_get_string (kf, *g, "url", NULL);
      if (url == NULL) {
        g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "config %s: [%s]: missing url", path, *g);
        return FALSE;
      }
      if (!parse_url (url, a, error)) {
        g_prefix_error (error, "config %s: [%s]: ", path, *g);
        (*error)->code = CN_ERROR_CONFIG;
        return FALSE;
      }
    } else if (g_str_has_prefix (*g, "action ")) {
      CnVerdict v;
      if (!cn_verdict_from_name (*g + strlen ("action "), &v)) {
        g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "config %s: [%s]: not a verdict", path, *g);
        return FALSE;
      }
      Action *act = &im->actions[v];
      act->keyword = g_key_file_get_string (kf, *g, "keyword", NULL);
      act->copy_to = g_key_file_get_string (kf, *g, "copy", NULL);
      act->move_to = g_key_file_get_string (kf, *g, "move", NULL);
      act->webhook = g_key_file_get_string (kf, *g, "webhook", NULL);
      g_autofree char *cmd = g_key_file_get_string (kf, *g, "command", NULL);
      if (cmd && !g_shell_parse_argv (cmd, NULL, &act->command, error)) {
        g_prefix_error (error, "config %s: [%s] command: ", path, *g);
        return FALSE;
      }
      if (act->keyword && (strpbrk (act->keyword, " ()\"\\{]%*\r\n") || *act->keyword == '\\')) {
        g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "config %s: [%s]: keyword '%s' is not an IMAP atom",
                     path, *g, act->keyword);
        return FALSE;
      }
    } else if (strcmp (*g, "certnotice") == 0 || g_str_has_prefix (*g, "provider ")) {
      continue;   /* read by cli.c */
    } else if (strcmp (*g, "imap") == 0) {
      if (g_key_file_has_key (kf, *g, "interval", NULL) && im->interval <= 0)
        im->interval = g_key_file_get_integer (kf, *g, "interval", NULL);
      if (im->state_opt == NULL)
        im->state_path = g_key_file_get_string (kf, *g, "state", NULL);
    } else {
      g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "config %s: unknown group [%s]", path, *g);
      return FALSE;
    }
  }
  if (im->accounts->len == 0) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE, "no account: give --url or a config file (%s)", path);
    return FALSE;
  }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* the connection                                                          */

typedef struct {
  const CnCurl *cc;
  CURL *easy;
  curl_socket_t sock;
  GString *in;
  guint tag;
  double timeout;
  gboolean has_move, has_uidplus;
  char errbuf[CURL_ERROR_SIZE];
} Conn;

static void
conn_close (Conn *c)
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
wait_socket (Conn *c, short events)
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
conn_send (Conn *c, const char *data, gsize len, GError **error)
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
conn_read (Conn *c, GError **error)
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

/* Send "TAG COMMAND" and collect the untagged responses into OUT (may be
 * NULL) until the tagged one; FALSE unless it is OK.  *STATUS_CODE gets the
 * tagged response's code ("TRYCREATE", …) when asked for. */
static gboolean G_GNUC_PRINTF (5, 6)
command (Conn *c, GPtrArray *out, char **status_code, GError **error, const char *fmt, ...)
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

static gboolean
conn_open (Conn *c, const Account *a, const CnOptions *opts, GError **error)
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
  if (!command (c, caps, NULL, error, "CAPABILITY"))
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

/* ---------------------------------------------------------------------- */
/* one message                                                             */

typedef struct {
  guint32 uid;
  char *headers;        /* the header fields fetched, or NULL */
  GBytes *message;      /* the whole message, for candidates  */
} Msg;

static void
msg_free (Msg *m)
{
  g_free (m->headers);
  if (m->message)
    g_bytes_unref (m->message);
  g_free (m);
}

/* Would any rule look at this mail?  Its subject matches a kind's subject
 * pattern, or it comes from one of the providers' sender domains. */
static gboolean
is_candidate (const CnRuleSet *rules, const char *headers)
{
  g_autoptr (GPtrArray) mails = cn_source_from_bytes (headers, strlen (headers), "headers");
  const CnMail *m = mails->pdata[0];
  for (guint r = 0; r < rules->rules->len; r++) {
    const CnRule *rule = rules->rules->pdata[r];
    for (guint d = 0; d < m->from_domains->len; d++)
      if (cn_authn_domain_is_genuine (m->from_domains->pdata[d], rule->sender_domains))
        return TRUE;
    for (guint k = 0; k < rule->kinds->len; k++) {
      const CnNoticeKind *kind = rule->kinds->pdata[k];
      if (kind->subject == NULL)
        return TRUE;   /* cannot tell from headers: fetch it */
      if (cn_pattern_exec (rules, kind->subject, m->subject, NULL, NULL) != CN_MATCH_NO)
        return TRUE;
    }
  }
  return FALSE;
}

static gboolean
run_hook (char **argv, const char *json, double timeout, GError **error)
{
  GPid pid;
  int in_fd = -1;
  if (!g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                                 NULL, NULL, &pid, &in_fd, NULL, NULL, error))
    return FALSE;
  signal (SIGPIPE, SIG_IGN);
  (void) cn_write_all (in_fd, json, strlen (json));   /* a hook may ignore its input */
  close (in_fd);
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  int status = 0;
  for (;;) {
    pid_t r = waitpid (pid, &status, WNOHANG);
    if (r == pid)
      break;
    if (g_get_monotonic_time () > deadline) {
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "hook %s: timed out", argv[0]);
      return FALSE;
    }
    g_usleep (20000);
  }
  g_spawn_close_pid (pid);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0) {
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "hook %s: exit status %d", argv[0],
                 WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
    return FALSE;
  }
  return TRUE;
}

static gboolean
post_webhook (const char *url, const char *json, const CnOptions *opts, GError **error)
{
  const char *why = NULL;
  const CnCurl *cc = cn_curl (&why);
  if (cc == NULL) {
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "webhook: libcurl: %s", why);
    return FALSE;
  }
  CURL *e = cc->easy_init ();
  char errbuf[CURL_ERROR_SIZE] = "";
  struct curl_slist *h = cc->slist_append (NULL, "Content-Type: application/json");
  cc->easy_setopt (e, CURLOPT_URL, url);
  cc->easy_setopt (e, CURLOPT_PROTOCOLS_STR, "http,https");
  cc->easy_setopt (e, CURLOPT_POSTFIELDS, json);
  cc->easy_setopt (e, CURLOPT_HTTPHEADER, h);
  cc->easy_setopt (e, CURLOPT_TIMEOUT_MS, (long) (opts->timeout * 1000));
  cc->easy_setopt (e, CURLOPT_NOSIGNAL, 1L);
  cc->easy_setopt (e, CURLOPT_FAILONERROR, 1L);
  cc->easy_setopt (e, CURLOPT_ERRORBUFFER, errbuf);
  if (opts->cacert)
    cc->easy_setopt (e, CURLOPT_CAINFO, opts->cacert);
  CURLcode rc = cc->easy_perform (e);
  cc->easy_cleanup (e);
  cc->slist_free_all (h);
  if (rc != CURLE_OK) {
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "webhook %s: %s", url,
                 *errbuf ? errbuf : cc->easy_strerror (rc));
    return FALSE;
  }
  return TRUE;
}

/* COPY or MOVE UID to FOLDER, creating FOLDER when the server asks for it. */
static gboolean
copy_or_move (Conn *c, guint32 uid, const char *folder, gboolean move, GError **error)
{
  g_autofree char *q = cn_imap_quote (folder);
  for (int attempt = 0; attempt < 2; attempt++) {
    g_autofree char *code = NULL;
    g_autoptr (GError) e = NULL;
    gboolean ok;
    if (move && c->has_move)
      ok = command (c, NULL, &code, &e, "UID MOVE %u %s", uid, q);
    else
      ok = command (c, NULL, &code, &e, "UID COPY %u %s", uid, q);
    if (ok) {
      if (move && !c->has_move) {
        if (!command (c, NULL, NULL, error, "UID STORE %u +FLAGS.SILENT (\\Deleted)", uid))
          return FALSE;
        if (c->has_uidplus && !command (c, NULL, NULL, error, "UID EXPUNGE %u", uid))
          return FALSE;
      }
      return TRUE;
    }
    if (attempt == 0 && code && g_str_has_prefix (code, "TRYCREATE")) {
      if (!command (c, NULL, NULL, error, "CREATE %s", q))
        return FALSE;
      continue;
    }
    g_propagate_error (error, g_steal_pointer (&e));
    return FALSE;
  }
  return FALSE;
}

static gboolean
act (Imap *im, Conn *c, guint32 uid, const CnNotice *n, const char *json, GString *did, GError **error)
{
  const Action *a = &im->actions[n->verdict];
  if (a->keyword) {
    g_string_append_printf (did, ", keyword %s", a->keyword);
    if (!im->dry_run && !command (c, NULL, NULL, error, "UID STORE %u +FLAGS.SILENT (%s)", uid, a->keyword))
      return FALSE;
  }
  if (a->command) {
    g_string_append_printf (did, ", hook %s", a->command[0]);
    g_autofree char *line = g_strconcat (json, "\n", NULL);   /* one JSON Lines record */
    if (!im->dry_run && !run_hook (a->command, line, MAX (10.0, im->cli->opts.timeout), error))
      return FALSE;
  }
  if (a->webhook) {
    g_string_append (did, ", webhook");
    if (!im->dry_run && !post_webhook (a->webhook, json, &im->cli->opts, error))
      return FALSE;
  }
  if (a->copy_to) {
    g_string_append_printf (did, ", copied to %s", a->copy_to);
    if (!im->dry_run && !copy_or_move (c, uid, a->copy_to, FALSE, error))
      return FALSE;
  }
  if (a->move_to) {   /* last: the message is gone from this mailbox after it */
    g_string_append_printf (did, ", moved to %s", a->move_to);
    if (!im->dry_run && !copy_or_move (c, uid, a->move_to, TRUE, error))
      return FALSE;
  }
  if (im->dry_run && did->len)
    g_string_append (did, " (dry run)");
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* one mailbox                                                             */

static volatile sig_atomic_t stop_requested, reload_requested;

static void
on_signal (int sig)
{
  if (sig == SIGHUP)
    reload_requested = 1;
  else
    stop_requested = 1;
}

typedef struct {
  guint fetched_headers, fetched_whole, notices, attention;
  guint64 bytes;
} PollStats;

static gint
compare_uids (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return x < y ? -1 : x > y;
}

static char *
seq_set (GArray *uids, guint from, guint to)
{
  GString *s = g_string_new (NULL);
  for (guint i = from; i < to; i++)
    g_string_append_printf (s, "%s%u", i > from ? "," : "", g_array_index (uids, guint32, i));
  return g_string_free (s, FALSE);
}

/* Fetch ATTRS for UIDS[from..to) and hand each FETCH to FN. */
static gboolean
fetch (Conn *c, GArray *uids, guint from, guint to, const char *attrs, GPtrArray *out, GError **error)
{
  g_autofree char *set = seq_set (uids, from, to);
  return command (c, out, NULL, error, "UID FETCH %s (UID %s)", set, attrs);
}

static gboolean
poll_mailbox (Imap *im, Conn *c, const Account *a, const char *box, CnState *st, PollStats *ps,
              GError **error)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", a->name, box);
  CnBoxState *bs = cn_state_box (st, key);
  g_autofree char *qbox = cn_imap_quote (box);
  g_autoptr (GPtrArray) sel = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
  if (!command (c, sel, NULL, error, "SELECT %s", qbox))
    return FALSE;
  guint32 uidvalidity = 0;
  for (guint i = 0; i < sel->len; i++) {
    CnImapResponse *r = sel->pdata[i];
    if (r->code && g_str_has_prefix (r->code, "UIDVALIDITY "))
      cn_imap_number (r->code + strlen ("UIDVALIDITY "), &uidvalidity);
  }
  if (bs->uidvalidity != uidvalidity) {
    if (bs->uidvalidity != 0)
      g_printerr ("certnotice imap: %s: UIDVALIDITY changed (%u → %u): rescanning, "
                  "notices already reported are skipped\n", key, bs->uidvalidity, uidvalidity);
    bs->uidvalidity = uidvalidity;
    bs->last_uid = 0;
  }

  /* new UIDs: "n:*" always names the last message, even below n */
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
  if (!command (c, found, NULL, error, "UID SEARCH UID %u:*", bs->last_uid + 1))
    return FALSE;
  g_autoptr (GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < found->len; i++) {
    CnImapResponse *r = found->pdata[i];
    if (g_strcmp0 (r->name, "SEARCH") != 0)
      continue;
    for (guint k = 0; k < r->items->len; k++) {
      guint32 u;
      const CnImapItem *it = r->items->pdata[k];
      if (it->type == CN_IMAP_ATOM && cn_imap_number (it->str, &u) && u > bs->last_uid)
        g_array_append_val (uids, u);
    }
  }
  if (uids->len == 0)
    return TRUE;
  g_array_sort (uids, compare_uids);

  /* headers of all new messages, in chunks */
  g_autoptr (GHashTable) msgs = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) msg_free);
  const guint chunk = 500;
  for (guint i = 0; i < uids->len; i += chunk) {
    g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
    if (!fetch (c, uids, i, MIN (i + chunk, uids->len),
                "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID CONTENT-TYPE)]", out, error))
      return FALSE;
    for (guint k = 0; k < out->len; k++) {
      const CnImapItem *uid = cn_imap_fetch_attr (out->pdata[k], "UID");
      const CnImapItem *hdr = cn_imap_fetch_attr (out->pdata[k], "BODY[");
      guint32 u;
      if (uid && hdr && hdr->type == CN_IMAP_STRING && cn_imap_number (uid->str, &u)) {
        Msg *m = g_new0 (Msg, 1);
        m->uid = u;
        m->headers = g_strndup (hdr->str, hdr->len);
        ps->bytes += hdr->len;
        g_hash_table_replace (msgs, GUINT_TO_POINTER (u), m);
        ps->fetched_headers++;
      }
    }
  }
  g_autoptr (GArray) cand = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < uids->len; i++) {
    guint32 u = g_array_index (uids, guint32, i);
    Msg *m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u));
    if (m && is_candidate (im->cli->rules, m->headers))
      g_array_append_val (cand, u);
  }
  /* candidates whole, without touching \Seen */
  for (guint i = 0; i < cand->len; i += 50) {
    g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_imap_response_free);
    if (!fetch (c, cand, i, MIN (i + 50, cand->len), "BODY.PEEK[]", out, error))
      return FALSE;
    for (guint k = 0; k < out->len; k++) {
      const CnImapItem *uid = cn_imap_fetch_attr (out->pdata[k], "UID");
      const CnImapItem *body = cn_imap_fetch_attr (out->pdata[k], "BODY[");
      guint32 u;
      Msg *m;
      if (uid && body && body->type == CN_IMAP_STRING && cn_imap_number (uid->str, &u) &&
          (m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u)))) {
        if (m->message)
          g_bytes_unref (m->message);
        m->message = g_bytes_new (body->str, body->len);
        ps->bytes += body->len;
        ps->fetched_whole++;
      }
    }
  }

  /* read → verify → triage, all candidates of this mailbox at once */
  g_autoptr (CnBatch) batch = cn_batch_new (im->cli->rules, &im->cli->opts);
  g_autoptr (GHashTable) first_notice = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < cand->len; i++) {
    guint32 u = g_array_index (cand, guint32, i);
    Msg *m = g_hash_table_lookup (msgs, GUINT_TO_POINTER (u));
    if (m == NULL || m->message == NULL)
      continue;
    gsize n = 0;
    const char *data = g_bytes_get_data (m->message, &n);
    g_autofree char *src = g_strdup_printf ("%s://%s/%s;UIDVALIDITY=%u/;UID=%u", a->tls ? "imaps" : "imap",
                                            a->host, box, uidvalidity, u);
    g_autoptr (GPtrArray) mails = cn_source_from_bytes (data, n, src);
    g_hash_table_insert (first_notice, GUINT_TO_POINTER (u), GUINT_TO_POINTER (batch->notices->len + 1));
    cn_batch_add (batch, mails);
  }
  cn_batch_verify (batch);

  /* per message, in UID order: report, act, then save */
  for (guint i = 0; i < uids->len && !stop_requested; i++) {
    guint32 u = g_array_index (uids, guint32, i);
    guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (first_notice, GUINT_TO_POINTER (u)));
    if (idx == 0) {
      bs->last_uid = u;   /* not a candidate: nothing to do */
      continue;
    }
    /* the message's records: its own and its embedded ones */
    const CnNotice *best = NULL;
    for (guint k = idx - 1; k < batch->notices->len; k++) {
      const CnNotice *n = batch->notices->pdata[k];
      if (k > idx - 1 && !n->mail->embedded)
        break;
      if (n->rule && (best == NULL || cn_verdict_needs_attention (n->verdict)))
        best = n;
    }
    if (best == NULL || cn_state_seen_id (st, best->mail->message_id)) {
      if (best)
        g_printerr ("certnotice imap: %s UID %u: already reported (Message-ID %s): skipped\n", key, u,
                    best->mail->message_id);
      bs->last_uid = u;
      continue;
    }
    g_autoptr (JsonNode) node = cn_output_json (best, im->cli->opts.now);
    JsonObject *o = json_node_get_object (node);
    json_object_set_string_member (o, "mailbox", box);
    json_object_set_int_member (o, "uid", u);
    json_object_set_int_member (o, "uidvalidity", uidvalidity);
    g_autofree char *json = json_to_string (node, FALSE);
    g_autoptr (GString) did = g_string_new (NULL);
    if (!act (im, c, u, best, json, did, error)) {
      g_prefix_error (error, "%s UID %u: ", key, u);
      return FALSE;    /* state not advanced: it is tried again */
    }
    if (im->cli->format == CN_FORMAT_JSON)
      printf ("%s\n", json);
    else
      cn_output_write (stdout, CN_FORMAT_TEXT, best, im->cli->opts.now, im->cli->colour, FALSE);
    fflush (stdout);
    g_printerr ("certnotice imap: %s UID %u: %s %s %s → %s%s\n", key, u, best->rule->id, best->kind->id,
                best->domain ? best->domain : "(no domain)", cn_verdict_name (best->verdict), did->str);
    ps->notices++;
    ps->attention += cn_verdict_needs_attention (best->verdict);
    if (!im->dry_run) {
      cn_state_add_id (st, best->mail->message_id);
      bs->last_uid = u;
      if (!cn_state_save (st, error))
        return FALSE;
    }
  }
  return TRUE;
}

static gboolean
poll_account (Imap *im, Account *a, CnState *st, PollStats *ps, GError **error)
{
  Conn c = { 0 };
  gboolean ok = conn_open (&c, a, &im->cli->opts, error);
  for (char **box = a->mailboxes; ok && box && *box && !stop_requested; box++)
    ok = poll_mailbox (im, &c, a, *box, st, ps, error);
  if (ok && !im->dry_run)
    ok = cn_state_save (st, error);   /* last_uid moved past non-candidates */
  if (c.easy && ok) {
    g_autoptr (GError) ignore = NULL;
    command (&c, NULL, NULL, &ignore, "LOGOUT");
  }
  conn_close (&c);
  return ok;
}

/* ---------------------------------------------------------------------- */

static int
run (Imap *im)
{
  g_autoptr (GError) e = NULL;
  if (!load_config (im, &e))
    return cn_cli_fail (e);
  if (im->interval <= 0)
    im->interval = 300;
  g_autofree char *state_path = im->state_opt ? g_strdup (im->state_opt)
                              : im->state_path ? g_strdup (im->state_path) : cn_state_default_path ();
  g_autoptr (CnState) st = cn_state_load (state_path, &e);
  if (st == NULL)
    return cn_cli_fail (e);

  struct sigaction sa = { .sa_handler = on_signal };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);

  int backoff = 1;
  int rc = CN_EXIT_OK;
  while (!stop_requested) {
    if (reload_requested) {
      reload_requested = 0;
      g_printerr ("certnotice imap: SIGHUP: reloading config and rules\n");
      g_autoptr (GError) re = NULL;
      g_autofree char *dir = cn_rules_resolve_dir (im->cli->rules_dir);
      CnRuleSet *rules = cn_rules_load_dir (dir, FALSE, &re);
      if (rules) {
        cn_rules_free (im->cli->rules);
        im->cli->rules = rules;
        if (!cn_cli_apply_provider_config (im->cli, &re))
          g_printerr ("certnotice imap: %s\n", re->message);
      } else {
        g_printerr ("certnotice imap: keeping the old rules: %s\n", re->message);
      }
      g_clear_error (&re);
      if (!load_config (im, &re))
        g_printerr ("certnotice imap: config: %s\n", re->message);
    }
    g_clear_pointer (&im->cli->opts.now, g_date_time_unref);
    im->cli->opts.now = g_date_time_new_now_utc ();
    PollStats ps = { 0 };
    gboolean all_ok = TRUE;
    for (guint i = 0; i < im->accounts->len && !stop_requested; i++) {
      Account *a = im->accounts->pdata[i];
      g_autoptr (GError) pe = NULL;
      if (!poll_account (im, a, st, &ps, &pe)) {
        g_printerr ("certnotice imap: %s: %s\n", a->name, pe->message);
        all_ok = FALSE;
      }
    }
    if (g_getenv ("CERTNOTICE_IMAP_STATS"))
      g_printerr ("certnotice imap: poll: %u headers, %u whole messages, %" G_GUINT64_FORMAT " bytes, %u notices\n",
                  ps.fetched_headers, ps.fetched_whole, ps.bytes, ps.notices);
    if (im->once) {
      rc = !all_ok ? CN_EXIT_TEMPFAIL : ps.attention ? CN_EXIT_ATTENTION : CN_EXIT_OK;
      break;
    }
    /* wait for the next poll; after a failure, back off (capped) */
    int wait = all_ok ? im->interval : MIN (backoff, im->interval);
    backoff = all_ok ? 1 : MIN (backoff * 2, 300);
    for (int s = 0; s < wait * 10 && !stop_requested && !reload_requested; s++)
      g_usleep (100000);
  }
  if (stop_requested)
    g_printerr ("certnotice imap: stopping\n");
  return rc;
}

int
cn_cmd_imap (int argc, char **argv)
{
  CnCli cli = { 0 };
  Imap im = { .cli = &cli };
  im.accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) account_free);
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— poll IMAP mailboxes for certificate notices");
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &im.url, "Mailbox to watch (imaps://HOST[:PORT]/MAILBOX)", "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &im.user, "Login name", "NAME" },
    { "password-command", 0, 0, G_OPTION_ARG_STRING, &im.password_command, "Print the password (first line is used); else netrc", "CMD" },
    { "allow-plaintext", 0, 0, G_OPTION_ARG_NONE, &im.allow_plaintext, "Allow imap:// without TLS", NULL },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &im.state_opt, "State file (default $XDG_STATE_HOME/certnotice/imap.state)", "FILE" },
    { "once", 0, 0, G_OPTION_ARG_NONE, &im.once, "Poll once and exit (cron, systemd timers)", NULL },
    { "interval", 0, 0, G_OPTION_ARG_INT, &im.interval, "Seconds between polls (default 300)", "SECONDS" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &im.dry_run, "Report what would be done; change nothing", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (ctx, entries, NULL);
  cn_cli_add_options (ctx, &cli, TRUE);
  g_autoptr (GError) e = NULL;
  int rc;
  if (!g_option_context_parse (ctx, &argc, &argv, &e)) {
    fprintf (stderr, "certnotice: %s\n", e->message);
    rc = CN_EXIT_USAGE;
  } else if (argc > 1) {
    fprintf (stderr, "certnotice imap: unexpected argument '%s'\n", argv[1]);
    rc = CN_EXIT_USAGE;
  } else if ((rc = cn_cli_setup (&cli, TRUE)) == 0) {
    rc = run (&im);
  }
  actions_clear (&im);
  g_ptr_array_unref (im.accounts);
  g_free (im.url);
  g_free (im.user);
  g_free (im.password_command);
  g_free (im.state_opt);
  g_free (im.state_path);
  cn_cli_clear (&cli);
  return rc;
}
