/* paths.h — where certnotice's own files are: installed, or, for a binary
 * run from its meson build tree, the build and source trees (so an
 * uninstalled build works from any directory). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The shipped rules directory (new string). */
char *cn_paths_rules (void);

/* The module certnotice-core.so (a static string). */
const char *cn_paths_module (void);

/* The full program certnotice-full, which the front becomes for what it
 * does not run itself (module.h): next to the module, so the build tree's
 * for a binary run from its build tree, else the installed one (new
 * string). */
char *cn_paths_full (void);

/* The message catalogs: $CERTNOTICE_LOCALEDIR, else the build tree's po/
 * or the installed locale directory (new string). */
char *cn_paths_locale (void);

G_END_DECLS
