/* actions.c — what certnotice runs for the user when a verdict calls for it:
 * a hook command (the JSON record on its stdin) and a webhook (the record
 * POSTed).  Used by every mode that acts; nothing from a mail is ever put
 * on a command line. */
#include "actions.h"
#include "curlx.h"
#include "fdio.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

gboolean
cn_action_run_hook (char **argv, const char *json, double timeout, GError **error)
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

gboolean
cn_action_post_webhook (const char *url, const char *json, const CnOptions *opts, GError **error)
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
