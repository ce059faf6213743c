/* cli.c — what every command shares: its options, the config, the clock,
 * the rules, and how a failure becomes an exit status. */
#include "cli.h"
#include "prefilter-cache.h"
#include "tlscheck.h"

#include "i18n.h"

#include <string.h>
#include <unistd.h>

void
cn_cli_add_options (GOptionContext *ctx, CnCli *cli, gboolean live_options)
{
  cli->opts.timeout = 10;
  cli->opts.parallel = 32;
  cli->opts.warn_days = 14;
  GOptionEntry common[] = {
    { "rules", 0, 0, G_OPTION_ARG_FILENAME, &cli->rules_dir, N_("Use only the rules in DIR (default: the shipped rules, then ~/.config/certnotice/rules)"), "DIR" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &cli->format_name, N_("Output format: text or json"), "FORMAT" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &cli->now_str, N_("Fix the clock (ISO 8601)"), "TIME" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &cli->config_file, N_("Config file (default: $XDG_CONFIG_HOME/certnotice/config)"), "FILE" },
    { "trust-authserv", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->trust, N_("Trust Authentication-Results from this authserv-id (repeatable)"), "ID" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose, N_("More detail: every message in full, decoding warnings, which patterns matched"), NULL },
    G_OPTION_ENTRY_NULL
  };
  GOptionEntry live[] = {
    { "no-verify", 0, 0, G_OPTION_ARG_NONE, &cli->opts.no_verify, N_("Do not check certificates live"), NULL },
    { "connect-to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->opts.connect_to, N_("Connect to CONNECT-TO-HOST:CONNECT-TO-PORT instead (curl syntax; repeatable)"), "HOST:PORT:CHOST:CPORT" },
    { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &cli->opts.cacert, N_("Trust these CA certificates (PEM)"), "FILE" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &cli->opts.timeout, N_("Seconds per live check (default 10)"), "SECONDS" },
    { "parallel", 0, 0, G_OPTION_ARG_INT, &cli->opts.parallel, N_("Checks at once (default 32)"), "N" },
    { "allow-private", 0, 0, G_OPTION_ARG_NONE, &cli->opts.allow_private, N_("Allow checks of loopback and private addresses"), NULL },
    { "check-suspicious", 0, 0, G_OPTION_ARG_NONE, &cli->opts.check_suspicious, N_("Also contact domains named by suspicious mail"), NULL },
    G_OPTION_ENTRY_NULL
  };
  /* --help in the user's language: the context's summary and parameter
   * string, and every entry of the main group (entries a command adds later
   * with a NULL domain use the default domain, set to ours in main.c) */
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, common, GETTEXT_PACKAGE);
  if (live_options)
    g_option_context_add_main_entries (ctx, live, GETTEXT_PACKAGE);
}

/* --format's value (declared in output.h; here because the command line is
 * read in the certnotice executable itself, which does not load json-glib). */
gboolean
cn_format_from_name (const char *name, CnFormat *out)
{
  if (g_strcmp0 (name, "text") == 0)
    *out = CN_FORMAT_TEXT;
  else if (g_strcmp0 (name, "json") == 0)
    *out = CN_FORMAT_JSON;
  else
    return FALSE;
  return TRUE;
}

static GDateTime *
parse_now (const char *s)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  if (strlen (s) == 10) {   /* a plain date: midnight UTC */
    g_autofree char *full = g_strdup_printf ("%sT00:00:00Z", s);
    return g_date_time_new_from_iso8601 (full, utc);
  }
  return g_date_time_new_from_iso8601 (s, utc);
}

int
cn_cli_fail (const GError *error)
{
  fprintf (stderr, "certnotice: %s\n", cn_error_local (error));
  if (error->domain == CN_ERROR) {
    switch (error->code) {
    case CN_ERROR_USAGE: return CN_EXIT_USAGE;
    case CN_ERROR_INPUT: return CN_EXIT_NOINPUT;
    case CN_ERROR_RULES:
    case CN_ERROR_CONFIG: return CN_EXIT_CONFIG;
    default: return CN_EXIT_SOFTWARE;
    }
  }
  if (error->domain == G_OPTION_ERROR)
    return CN_EXIT_USAGE;
  return CN_EXIT_SOFTWARE;
}

/* The authserv-ids to trust: the config's, then those given with
 * --trust-authserv.  A new vector. */
static char **
trusted_ids (const CnConfig *config, char **given)
{
  GStrvBuilder *b = g_strv_builder_new ();
  g_strv_builder_addv (b, (const char **) config->trusted_authserv);
  if (given)
    g_strv_builder_addv (b, (const char **) given);
  char **v = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return v;
}

/* Rules for CONFIG: the --rules directory, else the config's rules_dir, else
 * the shipped and the user's (cn_rules_layers); with the config's provider
 * additions applied. */
static CnRuleSet *
load_rules (const CnCli *cli, const CnConfig *config, GError **error)
{
  g_autoptr (CnRuleSet) rules = cn_rules_load (cli->rules_dir ? cli->rules_dir : config->rules_dir, FALSE, error);
  if (rules == NULL || !cn_config_apply_providers (config, rules, error))
    return NULL;
  return g_steal_pointer (&rules);
}

gboolean
cn_cli_setup_options (CnCli *cli, GError **error)
{
  cli->config = cn_config_load (cli->config_file, cli->config_file != NULL, error);
  if (cli->config == NULL)
    return FALSE;
  cli->opts.trusted_authserv = trusted_ids (cli->config, cli->trust);
  cli->opts.trusted_forwarders = cli->config->trusted_forwarders;
  /* live checks' trust: --cacert, else [certnotice] cacert, else the system's */
  cli->cacert_given = cli->opts.cacert != NULL;
  if (!cli->cacert_given)
    cli->opts.cacert = g_strdup (cli->config->cacert);
  if (!cn_format_from_name (cli->format_name ? cli->format_name : "text", &cli->format)) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE, _("--format %s: use text or json"), cli->format_name);
    return FALSE;
  }
  if (cli->now_str) {
    cli->opts.now = parse_now (cli->now_str);
    if (cli->opts.now == NULL) {
      g_set_error (error, CN_ERROR, CN_ERROR_USAGE, _("--now %s: not an ISO 8601 date/time"), cli->now_str);
      return FALSE;
    }
  } else {
    cli->opts.now = g_date_time_new_now_utc ();
  }
  if (cli->opts.timeout <= 0 || cli->opts.timeout > 3600) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE, _("--timeout %g: give 0 < SECONDS <= 3600"), cli->opts.timeout);
    return FALSE;
  }
  if (cli->opts.parallel < 1 || cli->opts.parallel > 1024) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE, _("--parallel %d: give 1 to 1024"), cli->opts.parallel);
    return FALSE;
  }
  for (char **c = cli->opts.connect_to; c && *c; c++)
    if (!cn_tlscheck_valid_connect_to (*c, error))
      return FALSE;
  if (cli->opts.cacert && !g_file_test (cli->opts.cacert, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, CN_ERROR, CN_ERROR_INPUT, _("--cacert %s: no such file"), cli->opts.cacert);
    return FALSE;
  }
  const char *nc = g_getenv ("NO_COLOR");
  cli->colour = isatty (STDOUT_FILENO) && (nc == NULL || *nc == '\0');
  return TRUE;
}

gboolean
cn_cli_load_rules (CnCli *cli, GError **error)
{
  /* what the files were before they are read (prefilter-cache.c) */
  g_autofree char *key = cn_prefilter_cache_key (cli);
  cli->rules = load_rules (cli, cli->config, error);
  if (cli->rules == NULL)
    return FALSE;
  if (key)
    cn_prefilter_cache_save (key, cli);
  return TRUE;
}

int
cn_cli_setup (CnCli *cli, gboolean need_rules)
{
  g_autoptr (GError) e = NULL;
  if (!cn_cli_setup_options (cli, &e) || (need_rules && !cn_cli_load_rules (cli, &e)))
    return cn_cli_fail (e);
  return 0;
}

gboolean
cn_cli_reload (CnCli *cli, CnConfigCheck check, gpointer data, GError **error)
{
  g_autoptr (CnConfig) config = cn_config_load (cli->config_file, cli->config_file != NULL, error);
  if (config == NULL || (check && !check (config, data, error)))
    return FALSE;
  g_autoptr (CnRuleSet) rules = load_rules (cli, config, error);
  if (rules == NULL)
    return FALSE;
  /* everything loaded: swap it all in at once */
  cn_config_free (cli->config);
  cli->config = g_steal_pointer (&config);
  cn_rules_free (cli->rules);
  cli->rules = g_steal_pointer (&rules);
  g_strfreev (cli->opts.trusted_authserv);
  cli->opts.trusted_authserv = trusted_ids (cli->config, cli->trust);
  cli->opts.trusted_forwarders = cli->config->trusted_forwarders;
  if (!cli->cacert_given) {
    g_free (cli->opts.cacert);
    cli->opts.cacert = g_strdup (cli->config->cacert);
  }
  return TRUE;
}

void
cn_cli_clear (CnCli *cli)
{
  g_clear_pointer (&cli->rules, cn_rules_free);
  g_clear_pointer (&cli->config, cn_config_free);
  g_clear_pointer (&cli->opts.trusted_authserv, g_strfreev);
  g_clear_pointer (&cli->opts.now, g_date_time_unref);
  g_free (cli->rules_dir);
  g_free (cli->format_name);
  g_free (cli->now_str);
  g_free (cli->config_file);
  g_strfreev (cli->trust);
  g_strfreev (cli->opts.connect_to);
  g_free (cli->opts.cacert);
}

gboolean
cn_cli_parse_options (GOptionContext *ctx, int *argc, char ***argv, int *rc)
{
  g_autoptr (GError) e = NULL;
  if (!g_option_context_parse (ctx, argc, argv, &e)) {
    fprintf (stderr, "certnotice: %s\n", e->message);
    *rc = CN_EXIT_USAGE;
    return FALSE;
  }
  return TRUE;
}
