/* filter-options.c — the command line of `certnotice filter`, read the
 * same way by the filter itself (cmd-filter.c) and by a judge that serves
 * it (cmd-serve.c, judge.h), so that a mail is judged with the same
 * options wherever it is judged. */
#include "filter.h"

#include "i18n.h"
#include <string.h>

/* Whether parsing ARGV uses the locale, which the front sets on first need
 * only (i18n.h): --help (GOption prints it in the user's language), or a
 * byte beyond ASCII (GOption converts a string option from the locale's
 * charset). */
static gboolean
needs_locale (int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (g_str_has_prefix (a, "--help") ||
        (a[0] == '-' && a[1] != '-' && (strchr (a, 'h') || strchr (a, '?'))))
      return TRUE;
    for (const char *c = a; *c; c++)
      if ((guchar) *c >= 0x80)
        return TRUE;
  }
  return FALSE;
}

gboolean
cn_filter_parse_options (int argc, char **argv, CnCli *cli, CnFilterOptions *fo, char **error)
{
  gboolean lazy = cn_i18n_lazy () && !needs_locale (argc, argv);
  if (!lazy)
    cn_i18n_ensure ();
  fo->tempfail = FALSE;
  fo->max_size_mb = 10;
  fo->max_memory = 0;
  fo->db = NULL;
  /* --tempfail must hold even when the rest of the command line is bad */
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--tempfail") == 0)
      fo->tempfail = TRUE;

  g_autoptr (GOptionContext) ctx = g_option_context_new (N_("— one mail on stdin, the same mail with verdict headers on stdout"));
  GOptionEntry entries[] = {
    { "tempfail", 0, 0, G_OPTION_ARG_NONE, &fo->tempfail, N_("On internal failure exit 75 with no output (the MTA retries) instead of passing the mail through"), NULL },
    { "max-size", 0, 0, G_OPTION_ARG_DOUBLE, &fo->max_size_mb, N_("Pass larger mail through unjudged (MB, default 10)"), "MB" },
    { "max-memory", 0, 0, G_OPTION_ARG_INT64, &fo->max_memory, N_("Address-space limit of the judging process (bytes; default none)"), "BYTES" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &fo->db, N_("Record notices in this ledger (default: [certnotice] db, else $XDG_STATE_HOME/certnotice/cases.db)"), "FILE" },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (ctx, entries, NULL);
  cn_cli_add_options (ctx, cli, TRUE);
  /* a copy of the vector: parsing reorders and shortens it, and the caller
   * may still need it as it came (to hand it on to a judge) */
  g_autofree char **v = g_memdup2 (argv, ((gsize) argc + 1) * sizeof *argv);
  int n = argc;
  char **pv = v;
  g_autoptr (GError) e = NULL;
  gboolean ok = g_option_context_parse (ctx, &n, &pv, &e);
  fo->budget = cli->opts.timeout;
  /* the live check gets most of the budget; the rest is for everything
   * else (a budget out of range stays as given: cn_cli_setup_options says
   * so) */
  if (fo->budget > 0 && fo->budget <= 3600)
    cli->opts.timeout = MAX (0.2, fo->budget * 0.75 - 0.3);
  if (!ok && lazy) {
    /* GOption's words too in the user's language: again, the locale set */
    cn_i18n_ensure ();
    cn_filter_reset (cli, fo);
    return cn_filter_parse_options (argc, argv, cli, fo, error);
  }
  if (!ok) {
    *error = g_strdup_printf (_("usage: %s"), e->message);
    return FALSE;
  }
  if (n > 1) {
    *error = g_strdup_printf (_("usage: unexpected argument '%s'"), pv[1]);
    return FALSE;
  }
  return TRUE;
}

void
cn_filter_options_clear (CnFilterOptions *fo)
{
  g_clear_pointer (&fo->db, g_free);
}

void
cn_filter_reset (CnCli *cli, CnFilterOptions *fo)
{
  cn_cli_clear (cli);
  *cli = (CnCli) { 0 };
  cn_filter_options_clear (fo);
  *fo = (CnFilterOptions) { 0 };
}
