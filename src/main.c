/* main.c — command line: certnotice parse | check | rules. */
#include "buildinfo.h"
#include "cli.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

/* Where the message catalogs are: $CERTNOTICE_LOCALEDIR, else build/po when
 * this binary runs from its meson build tree (as the shipped rules are
 * found: rules.c), else the installed locale directory.  Caller frees. */
static char *
locale_dir (void)
{
  const char *env = g_getenv ("CERTNOTICE_LOCALEDIR");
  if (env && *env)
    return g_strdup (env);
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe && g_str_has_prefix (exe, CERTNOTICE_BUILD_ROOT "/"))
    return g_strdup (CERTNOTICE_BUILD_ROOT "/po");
  return g_strdup (CERTNOTICE_LOCALEDIR);
}

static void
usage (FILE *out)
{
  /* TRANSLATORS: keep the command names and options as they are; align the
   * descriptions in one column */
  fputs (_("usage: certnotice COMMAND [OPTION…] [ARG…]\n"
         "\n"
         "commands:\n"
         "  parse PATH…         judge saved mail: .eml, mbox, Maildir, or - for stdin\n"
         "  filter              one mail on stdin → the same mail with verdict headers\n"
         "  imap                poll IMAP mailboxes (--url or [account] in the config)\n"
         "  check DOMAIN[:PORT]… check certificates without a mail (--from FILE)\n"
         "  rules check [DIR]   validate rule files\n"
         "  rules list          list providers and their notice kinds\n"
         "  rules test FILE     show which rule matches a mail and what it captured\n"
         "  version             print the version\n"
         "\n"
         "'certnotice COMMAND --help' lists a command's options; see certnotice(1).\n"), out);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_autofree char *locales = locale_dir ();
  bindtextdomain (GETTEXT_PACKAGE, locales);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  if (argc < 2) {
    usage (stderr);
    return CN_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp (cmd, "parse"))
    return cn_cmd_parse (argc - 1, argv + 1);
  if (!strcmp (cmd, "filter"))
    return cn_cmd_filter (argc - 1, argv + 1);
  if (!strcmp (cmd, "imap"))
    return cn_cmd_imap (argc - 1, argv + 1);
  if (!strcmp (cmd, "check"))
    return cn_cmd_check (argc - 1, argv + 1);
  if (!strcmp (cmd, "rules"))
    return cn_cmd_rules (argc - 1, argv + 1);
  if (!strcmp (cmd, "version") || !strcmp (cmd, "--version")) {
    printf ("certnotice %s\n", CERTNOTICE_VERSION);
    return CN_EXIT_OK;
  }
  if (!strcmp (cmd, "help") || !strcmp (cmd, "--help") || !strcmp (cmd, "-h")) {
    usage (stdout);
    return CN_EXIT_OK;
  }
  fprintf (stderr, _("certnotice: unknown command '%s'\n"), cmd);
  usage (stderr);
  return CN_EXIT_USAGE;
}
