/* curlx.h — libcurl, loaded on first use.
 *
 * Most runs never touch the network (parse --no-verify, filter --no-verify,
 * rules): linking libcurl would make each of them load its 25 dependent
 * libraries at start-up (about 3 ms of the 5 ms a procmail filter may take
 * per mail).  So libcurl is dlopen()ed by the first live check or IMAP
 * session, and called through this table.
 */
#pragma once

#include <curl/curl.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  CURLcode (*global_init) (long flags);
  CURL *(*easy_init) (void);
  CURLcode (*easy_setopt) (CURL *c, CURLoption opt, ...);
  CURLcode (*easy_getinfo) (CURL *c, CURLINFO info, ...);
  CURLcode (*easy_perform) (CURL *c);
  CURLcode (*easy_send) (CURL *c, const void *buf, size_t len, size_t *n);
  CURLcode (*easy_recv) (CURL *c, void *buf, size_t len, size_t *n);
  void (*easy_cleanup) (CURL *c);
  const char *(*easy_strerror) (CURLcode rc);
  CURLM *(*multi_init) (void);
  CURLMcode (*multi_add_handle) (CURLM *m, CURL *c);
  CURLMcode (*multi_remove_handle) (CURLM *m, CURL *c);
  CURLMcode (*multi_perform) (CURLM *m, int *running);
  CURLMcode (*multi_poll) (CURLM *m, struct curl_waitfd fds[], unsigned int n, int ms, int *ret);
  CURLMsg *(*multi_info_read) (CURLM *m, int *left);
  CURLMcode (*multi_cleanup) (CURLM *m);
  struct curl_slist *(*slist_append) (struct curl_slist *l, const char *s);
  void (*slist_free_all) (struct curl_slist *l);
} CnCurl;

/* The loaded library (initialised with curl_global_init), or NULL with
 * *error set to why it could not be loaded.  Loaded once per process. */
const CnCurl *cn_curl (const char **error);

G_END_DECLS
