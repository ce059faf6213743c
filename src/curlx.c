/* curlx.c — libcurl, loaded on first use (see curlx.h). */
#include "curlx.h"

#include <dlfcn.h>

static CnCurl table;
static const char *load_error;

static gboolean
load (void)
{
  void *h = dlopen ("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    load_error = g_intern_string (dlerror ());
    return FALSE;
  }
#define SYM(field, name)                                  \
  do {                                                    \
    *(void **) (&table.field) = dlsym (h, name);          \
    if (table.field == NULL) {                            \
      load_error = g_intern_string ("libcurl.so.4 lacks " name); \
      return FALSE;                                       \
    }                                                     \
  } while (0)
  SYM (global_init, "curl_global_init");
  SYM (easy_init, "curl_easy_init");
  SYM (easy_setopt, "curl_easy_setopt");
  SYM (easy_getinfo, "curl_easy_getinfo");
  SYM (easy_perform, "curl_easy_perform");
  SYM (easy_send, "curl_easy_send");
  SYM (easy_recv, "curl_easy_recv");
  SYM (easy_cleanup, "curl_easy_cleanup");
  SYM (easy_strerror, "curl_easy_strerror");
  SYM (multi_init, "curl_multi_init");
  SYM (multi_add_handle, "curl_multi_add_handle");
  SYM (multi_remove_handle, "curl_multi_remove_handle");
  SYM (multi_perform, "curl_multi_perform");
  SYM (multi_poll, "curl_multi_poll");
  SYM (multi_info_read, "curl_multi_info_read");
  SYM (multi_cleanup, "curl_multi_cleanup");
  SYM (slist_append, "curl_slist_append");
  SYM (slist_free_all, "curl_slist_free_all");
#undef SYM
  if (table.global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    load_error = "curl_global_init failed";
    return FALSE;
  }
  /* the handle stays open for the life of the process */
  return TRUE;
}

const CnCurl *
cn_curl (const char **error)
{
  static gsize once = 0;
  static gboolean ok;
  if (g_once_init_enter (&once)) {
    ok = load ();
    g_once_init_leave (&once, 1);
  }
  if (!ok && error)
    *error = load_error;
  return ok ? &table : NULL;
}
