/* i18n.h — the process's locale and its messages' language: every source
 * file takes _() from here instead of <glib/gi18n-lib.h> directly.
 *
 * The full program sets its locale at start.  The front (module.h) does not:
 * setlocale(LC_ALL, "") is a quarter of what it spends on a mail that is
 * not a notice (under C.UTF-8, which is not in the locale archive, a dozen
 * files opened one by one), and such a mail is never told anything.  So the
 * front's locale is set on first need: by _() (every message of ours is
 * translated), by g_strerror() (glibc words it in the locale it has when
 * GLib first asks, and GLib keeps that), by g_print()/g_printerr() (they
 * convert to the locale's charset), and before whatever GLib would word
 * itself (option parsing and config errors: see cn_i18n_lazy()). */
#pragma once

#include <glib.h>
#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

/* At start: NOW sets the locale and binds the text domain at once (the full
 * program); otherwise on first need (the front). */
void cn_i18n_init (gboolean now);

/* Sets the locale from the environment and binds the text domain, once. */
void cn_i18n_ensure (void);

/* Whether the locale is still to be set: a step that may fail with a
 * message GLib words itself (GOption, GKeyFile) is then redone after
 * cn_i18n_ensure(), so that the message is in the user's language. */
gboolean cn_i18n_lazy (void);

/* g_dgettext (GETTEXT_PACKAGE, MSGID) once the locale is set. */
const char *cn_i18n_gettext (const char *msgid) G_GNUC_FORMAT (1);

/* g_strerror (ERRNUM) once the locale is set. */
const char *cn_i18n_strerror (int errnum);

#undef _
#define _(String) cn_i18n_gettext (String)
#undef C_
#define C_(Context, String) (cn_i18n_ensure (), g_dpgettext (GETTEXT_PACKAGE, Context "\004" String, sizeof (Context)))
#define g_strerror(errnum) cn_i18n_strerror (errnum)
#define g_dngettext(Domain, Msgid, Plural, N) (cn_i18n_ensure (), (g_dngettext) (Domain, Msgid, Plural, N))

G_END_DECLS
