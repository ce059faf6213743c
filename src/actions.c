/* actions.c — what certnotice runs for the user when a verdict calls for it:
 * a hook command (the JSON record on its stdin) and a webhook (the record
 * POSTed).  Used by every mode that acts; nothing from a mail is ever put
 * on a command line. */
#include "actions.h"
#include "curlx.h"
#include "fdio.h"

#include <errno.h>
#include "i18n.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child, before exec: a process group of its own, so that a
 * timeout kills whatever the hook started too. */
static void
hook_child_setup (gpointer data)
{
  (void) data;
  setpgid (0, 0);
}

/* Kill the hook's process group and reap the hook. */
static void
kill_hook (GPid pid)
{
  kill (-pid, SIGKILL);
  kill (pid, SIGKILL);   /* in case setpgid had not run yet */
  int status;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
}

gboolean
cn_action_run_hook (char **argv, const char *json, double timeout, GError **error)
{
  GPid pid;
  int in_fd = -1;
  /* the time limit covers everything: writing the record as well (a hook
   * that never reads must not hold us past it) */
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  if (!g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                                 hook_child_setup, NULL, &pid, &in_fd, NULL, NULL, error))
    return FALSE;
  signal (SIGPIPE, SIG_IGN);
  fcntl (in_fd, F_SETFL, fcntl (in_fd, F_GETFL) | O_NONBLOCK);
  gsize len = strlen (json), done = 0;
  int status = 0;
  for (;;) {
    pid_t r = waitpid (pid, &status, WNOHANG);
    if (r == pid)
      break;
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    if (left <= 0) {
      if (in_fd >= 0)
        close (in_fd);
      kill_hook (pid);
      g_spawn_close_pid (pid);
      cn_set_error (error, CN_ERROR_INTERNAL, N_("hook %s: timed out after %gs (killed)"), argv[0], timeout);
      return FALSE;
    }
    if (in_fd >= 0) {
      /* feed the record while there is room; a hook may ignore its input */
      ssize_t w = write (in_fd, json + done, len - done);
      if (w > 0)
        done += (gsize) w;
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || done == len) {
        close (in_fd);
        in_fd = -1;
        continue;
      }
      struct pollfd pf = { in_fd, POLLOUT, 0 };
      poll (&pf, 1, (int) MIN (left, 20));
    } else {
      g_usleep (MIN (left, 20) * 1000);
    }
  }
  if (in_fd >= 0)
    close (in_fd);
  g_spawn_close_pid (pid);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0) {
    cn_set_error (error, CN_ERROR_INTERNAL, N_("hook %s: exit status %d"), argv[0],
                  WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
    return FALSE;
  }
  return TRUE;
}

/* URL without what must not be logged: its user, password, path and query
 * (a webhook's path often is its secret).  Caller frees. */
char *
cn_action_url_for_log (const char *url)
{
  g_autoptr (GUri) u = g_uri_parse (url, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, NULL);
  if (u == NULL || g_uri_get_host (u) == NULL)
    return g_strdup ("(an unparsable URL)");
  const char *host = g_uri_get_host (u);
  int port = g_uri_get_port (u);
  gboolean v6 = strchr (host, ':') != NULL;
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "%s://%s%s%s", g_uri_get_scheme (u), v6 ? "[" : "", host, v6 ? "]" : "");
  if (port > 0)
    g_string_append_printf (s, ":%d", port);
  return g_string_free (s, FALSE);
}

gboolean
cn_action_post_webhook (const char *url, const char *json, const CnOptions *opts, GError **error)
{
  const char *why = NULL;
  const CnCurl *cc = cn_curl (&why);
  if (cc == NULL) {
    cn_set_error (error, CN_ERROR_INTERNAL, N_("webhook: libcurl: %s"), why);
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
    g_autofree char *where = cn_action_url_for_log (url);
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "webhook %s: %s", where,
                 *errbuf ? errbuf : cc->easy_strerror (rc));
    return FALSE;
  }
  return TRUE;
}
