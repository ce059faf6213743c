/* i18n.c — the process's locale, set at start or on first need (i18n.h). */
#include "i18n.h"
#include "paths.h"

#include <errno.h>
#include <locale.h>

#undef g_strerror

static gboolean ready;

/* The front's g_print() and g_printerr() before the locale is set: set it,
 * hand the text back to GLib's own printing (cn_i18n_ensure() removed these
 * handlers), which converts it to the locale's charset. */
static void
print_lazy (const char *text)
{
  cn_i18n_ensure ();
  g_print ("%s", text);
}

static void
printerr_lazy (const char *text)
{
  cn_i18n_ensure ();
  g_printerr ("%s", text);
}

void
cn_i18n_ensure (void)
{
  if (ready)
    return;
  ready = TRUE;
  int saved = errno;
  g_set_print_handler (NULL);
  g_set_printerr_handler (NULL);
  setlocale (LC_ALL, "");
  g_autofree char *locales = cn_paths_locale ();
  bindtextdomain (GETTEXT_PACKAGE, locales);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  errno = saved;
}

void
cn_i18n_init (gboolean now)
{
  if (now) {
    cn_i18n_ensure ();
    return;
  }
  g_set_print_handler (print_lazy);
  g_set_printerr_handler (printerr_lazy);
}

gboolean
cn_i18n_lazy (void)
{
  return !ready;
}

const char *
cn_i18n_gettext (const char *msgid)
{
  cn_i18n_ensure ();
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

const char *
cn_i18n_strerror (int errnum)
{
  cn_i18n_ensure ();
  return g_strerror (errnum);
}
