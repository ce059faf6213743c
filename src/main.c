/* main.c — command line: certnotice parse | filter | imap | check | cases |
 * recheck | rules. */
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

/* The commands and what they do, one line each (one string to translate
 * per command). */
static const struct {
  const char *synopsis;
  const char *what;
} commands[] = {
  { "parse PATH…", N_("judge saved mail: .eml, mbox, Maildir, or - for stdin") },
  { "filter", N_("one mail on stdin → the same mail with verdict headers") },
  { "imap", N_("poll IMAP mailboxes (--url or [account] in the config)") },
  { "check DOMAIN[:PORT]…", N_("check certificates without a mail (--from FILE)") },
  { "cases", N_("certificate cases of the ledger (--all: resolved too)") },
  { "cases forget DOMAIN", N_("drop a domain's cases from the ledger") },
  { "recheck", N_("check every open case live again; resolve or escalate it") },
  { "rules check [DIR]", N_("validate rule files") },
  { "rules list", N_("list providers and their notice kinds") },
  { "rules test FILE", N_("show which rule matches a mail and what it captured") },
  { "version", N_("print the version") },
};

static void
usage (FILE *out)
{
  g_autoptr (GString) s = g_string_new (_("usage: certnotice COMMAND [OPTION…] [ARG…]"));
  g_string_append_printf (s, "\n\n%s\n", _("commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
    g_string_append (s, "  ");
    cn_text_pad (s, commands[i].synopsis, 19);
    g_string_append_printf (s, " %s\n", _(commands[i].what));
  }
  g_string_append_printf (s, "\n%s\n", _("'certnotice COMMAND --help' lists a command's options; see certnotice(1)."));
  fputs (s->str, out);
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
  if (!strcmp (cmd, "cases"))
    return cn_cmd_cases (argc - 1, argv + 1);
  if (!strcmp (cmd, "recheck"))
    return cn_cmd_recheck (argc - 1, argv + 1);
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
