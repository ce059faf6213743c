/* paths.c — where certnotice's own files are (paths.h). */
#include "paths.h"
#include "buildinfo.h"

/* Whether this executable runs from its meson build tree. */
static gboolean
in_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  return exe && g_str_has_prefix (exe, CERTNOTICE_BUILD_ROOT "/");
}

char *
cn_paths_rules (void)
{
  if (in_build_tree () && g_file_test (CERTNOTICE_SOURCE_RULES, G_FILE_TEST_IS_DIR))
    return g_strdup (CERTNOTICE_SOURCE_RULES);
  return g_strdup (CERTNOTICE_RULESDIR);
}

const char *
cn_paths_module (void)
{
  return in_build_tree () ? CERTNOTICE_BUILD_MODULE : CERTNOTICE_MODULE;
}

char *
cn_paths_full (void)
{
  g_autofree char *dir = g_path_get_dirname (cn_paths_module ());
  return g_build_filename (dir, "certnotice-full", NULL);
}

char *
cn_paths_locale (void)
{
  const char *env = g_getenv ("CERTNOTICE_LOCALEDIR");
  if (env && *env)
    return g_strdup (env);
  if (in_build_tree ())
    return g_strdup (CERTNOTICE_BUILD_ROOT "/po");
  return g_strdup (CERTNOTICE_LOCALEDIR);
}
