/* cli.c — options shared by every command; `parse` and `rules`. */
#include "cli.h"
#include "source.h"
#include "tlscheck.h"

#include <string.h>
#include <unistd.h>

void
cn_cli_add_options (GOptionContext *ctx, CnCli *cli, gboolean live_options)
{
  cli->opts.timeout = 10;
  cli->opts.parallel = 32;
  cli->opts.warn_days = 14;
  GOptionEntry common[] = {
    { "rules", 0, 0, G_OPTION_ARG_FILENAME, &cli->rules_dir, "Rules directory (default: installed, else ./rules)", "DIR" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &cli->format_name, "Output format: text or json", "FORMAT" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &cli->now_str, "Fix the clock (ISO 8601)", "TIME" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &cli->config_file, "Config file (default: $XDG_CONFIG_HOME/certnotice/config)", "FILE" },
    { "trust-authserv", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->trust, "Trust Authentication-Results from this authserv-id (repeatable)", "ID" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose, "Say which patterns matched and what decoding had to forgive", NULL },
    G_OPTION_ENTRY_NULL
  };
  GOptionEntry live[] = {
    { "no-verify", 0, 0, G_OPTION_ARG_NONE, &cli->opts.no_verify, "Do not check certificates live", NULL },
    { "connect-to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->opts.connect_to, "Connect to CONNECT-TO-HOST:CONNECT-TO-PORT instead (curl syntax; repeatable)", "HOST:PORT:CHOST:CPORT" },
    { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &cli->opts.cacert, "Trust these CA certificates (PEM)", "FILE" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &cli->opts.timeout, "Seconds per live check (default 10)", "SECONDS" },
    { "parallel", 0, 0, G_OPTION_ARG_INT, &cli->opts.parallel, "Checks at once (default 32)", "N" },
    { "allow-private", 0, 0, G_OPTION_ARG_NONE, &cli->opts.allow_private, "Allow checks of loopback and private addresses", NULL },
    { "check-suspicious", 0, 0, G_OPTION_ARG_NONE, &cli->opts.check_suspicious, "Also contact domains named by suspicious mail", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (ctx, common, NULL);
  if (live_options)
    g_option_context_add_main_entries (ctx, live, NULL);
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

static int
read_config (CnCli *cli)
{
  g_autofree char *path = cli->config_file
    ? g_strdup (cli->config_file)
    : g_build_filename (g_get_user_config_dir (), "certnotice", "config", NULL);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) e = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &e)) {
    if (cli->config_file == NULL && g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return 0;
    fprintf (stderr, "certnotice: config %s: %s\n", path, e->message);
    return cli->config_file && g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOENT)
           ? CN_EXIT_NOINPUT : CN_EXIT_CONFIG;
  }
  g_auto (GStrv) keys = g_key_file_get_keys (kf, "certnotice", NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    if (strcmp (*k, "trusted_authserv_ids") && strcmp (*k, "rules_dir")) {
      fprintf (stderr, "certnotice: config %s: [certnotice]: unknown key '%s'\n", path, *k);
      return CN_EXIT_CONFIG;
    }
  }
  g_auto (GStrv) trusted = g_key_file_get_string_list (kf, "certnotice", "trusted_authserv_ids", NULL, NULL);
  if (trusted) {
    /* command-line ids add to the config's */
    GStrvBuilder *sb = g_strv_builder_new ();
    g_strv_builder_addv (sb, (const char **) trusted);
    if (cli->trust)
      g_strv_builder_addv (sb, (const char **) cli->trust);
    g_strfreev (cli->trust);
    cli->trust = g_strv_builder_end (sb);
    g_strv_builder_unref (sb);
  }
  if (cli->rules_dir == NULL) {
    cli->rules_dir = g_key_file_get_string (kf, "certnotice", "rules_dir", NULL);
  }
  cli->config = g_steal_pointer (&kf);
  cli->config_path = g_steal_pointer (&path);
  return 0;
}

int
cn_cli_fail (const GError *error)
{
  fprintf (stderr, "certnotice: %s\n", error->message);
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

int
cn_cli_setup (CnCli *cli, gboolean need_rules)
{
  int rc = read_config (cli);
  if (rc)
    return rc;
  cli->opts.trusted_authserv = cli->trust;
  if (!cn_format_from_name (cli->format_name ? cli->format_name : "text", &cli->format)) {
    fprintf (stderr, "certnotice: --format %s: use text or json\n", cli->format_name);
    return CN_EXIT_USAGE;
  }
  if (cli->now_str) {
    cli->opts.now = parse_now (cli->now_str);
    if (cli->opts.now == NULL) {
      fprintf (stderr, "certnotice: --now %s: not an ISO 8601 date/time\n", cli->now_str);
      return CN_EXIT_USAGE;
    }
  } else {
    cli->opts.now = g_date_time_new_now_utc ();
  }
  if (cli->opts.timeout <= 0 || cli->opts.timeout > 3600) {
    fprintf (stderr, "certnotice: --timeout %g: give 0 < SECONDS <= 3600\n", cli->opts.timeout);
    return CN_EXIT_USAGE;
  }
  if (cli->opts.parallel < 1 || cli->opts.parallel > 1024) {
    fprintf (stderr, "certnotice: --parallel %d: give 1 to 1024\n", cli->opts.parallel);
    return CN_EXIT_USAGE;
  }
  for (char **c = cli->opts.connect_to; c && *c; c++) {
    g_autoptr (GError) e = NULL;
    if (!cn_tlscheck_valid_connect_to (*c, &e))
      return cn_cli_fail (e);
  }
  if (cli->opts.cacert && !g_file_test (cli->opts.cacert, G_FILE_TEST_IS_REGULAR)) {
    fprintf (stderr, "certnotice: --cacert %s: no such file\n", cli->opts.cacert);
    return CN_EXIT_NOINPUT;
  }
  const char *nc = g_getenv ("NO_COLOR");
  cli->colour = isatty (STDOUT_FILENO) && (nc == NULL || *nc == '\0');
  if (need_rules) {
    g_autofree char *dir = cn_rules_resolve_dir (cli->rules_dir);
    g_autoptr (GError) e = NULL;
    cli->rules = cn_rules_load_dir (dir, FALSE, &e);
    if (cli->rules == NULL)
      return cn_cli_fail (e);
    if (!cn_cli_apply_provider_config (cli, &e))
      return cn_cli_fail (e);
  }
  return 0;
}

gboolean
cn_cli_apply_provider_config (CnCli *cli, GError **error)
{
  if (cli->config == NULL)
    return TRUE;
  /* [provider ID] sender_domains = …: more genuine senders for a shipped
   * rule (a cPanel host's own server names, say) without editing it */
  g_auto (GStrv) groups = g_key_file_get_groups (cli->config, NULL);
  for (char **g = groups; *g; g++) {
    if (!g_str_has_prefix (*g, "provider "))
      continue;
    const char *id = *g + strlen ("provider ");
    CnRule *rule = NULL;
    for (guint i = 0; i < cli->rules->rules->len; i++)
      if (strcmp (((CnRule *) cli->rules->rules->pdata[i])->id, id) == 0)
        rule = cli->rules->rules->pdata[i];
    if (rule == NULL) {
      g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "config %s: [%s]: no such provider in the rules",
                   cli->config_path, *g);
      return FALSE;
    }
    g_auto (GStrv) keys = g_key_file_get_keys (cli->config, *g, NULL, NULL);
    for (char **k = keys; k && *k; k++)
      if (strcmp (*k, "sender_domains") != 0) {
        g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "config %s: [%s]: unknown key '%s'",
                     cli->config_path, *g, *k);
        return FALSE;
      }
    g_auto (GStrv) extra = g_key_file_get_string_list (cli->config, *g, "sender_domains", NULL, NULL);
    GStrvBuilder *b = g_strv_builder_new ();
    g_strv_builder_addv (b, (const char **) rule->sender_domains);
    for (char **d = extra; d && *d; d++) {
      g_strstrip (*d);
      if (**d) {
        g_autofree char *low = g_ascii_strdown (*d, -1);
        g_strv_builder_add (b, low);
      }
    }
    g_strfreev (rule->sender_domains);
    rule->sender_domains = g_strv_builder_end (b);
    g_strv_builder_unref (b);
  }
  return TRUE;
}

void
cn_cli_clear (CnCli *cli)
{
  g_clear_pointer (&cli->rules, cn_rules_free);
  g_clear_pointer (&cli->config, g_key_file_unref);
  g_clear_pointer (&cli->config_path, g_free);
  g_clear_pointer (&cli->opts.now, g_date_time_unref);
  g_free (cli->rules_dir);
  g_free (cli->format_name);
  g_free (cli->now_str);
  g_free (cli->config_file);
  g_strfreev (cli->trust);
  g_strfreev (cli->opts.connect_to);
  g_free (cli->opts.cacert);
}

static gboolean
parse_options (GOptionContext *ctx, int *argc, char ***argv, int *rc)
{
  g_autoptr (GError) e = NULL;
  if (!g_option_context_parse (ctx, argc, argv, &e)) {
    fprintf (stderr, "certnotice: %s\n", e->message);
    *rc = CN_EXIT_USAGE;
    return FALSE;
  }
  return TRUE;
}

/* ---- parse ---- */

typedef struct {
  CnCli *cli;
  CnBatch *batch;
  gboolean attention;
} ParseRun;

static void
report (ParseRun *run)
{
  CnBatch *b = run->batch;
  cn_batch_verify (b);
  for (guint i = 0; i < b->notices->len; i++) {
    CnNotice *n = b->notices->pdata[i];
    cn_output_write (stdout, run->cli->format, n, run->cli->opts.now, run->cli->colour,
                     run->cli->verbose);
    run->attention |= cn_verdict_needs_attention (n->verdict);
  }
  if (b->trace) {
    fputs (b->trace->str, stderr);
    g_string_truncate (b->trace, 0);
  }
  fflush (stdout);
  cn_batch_clear (b);
}

static gboolean
on_message (GPtrArray *mails, gpointer data)
{
  ParseRun *run = data;
  cn_batch_add (run->batch, mails);
  /* without live checks nothing is gained by waiting: stream the results */
  if (run->cli->opts.no_verify)
    report (run);
  return TRUE;
}

static int
run_parse (CnCli *cli, int argc, char **argv)
{
  g_autoptr (CnBatch) batch = cn_batch_new (cli->rules, &cli->opts);
  if (cli->verbose)
    batch->trace = g_string_new (NULL);
  ParseRun run = { .cli = cli, .batch = batch };
  int input_rc = 0;
  for (int i = 1; i < argc; i++) {
    g_autoptr (GError) e = NULL;
    if (!cn_source_read (argv[i], on_message, &run, &e))
      input_rc = cn_cli_fail (e);
  }
  report (&run);
  if (batch->trace)
    g_string_free (g_steal_pointer (&batch->trace), TRUE);
  return input_rc ? input_rc : run.attention ? CN_EXIT_ATTENTION : CN_EXIT_OK;
}

int
cn_cmd_parse (int argc, char **argv)
{
  CnCli cli = { 0 };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("PATH… — judge saved mail");
  g_option_context_set_summary (ctx, "Each PATH is a message file, an mbox, a Maildir, or - (stdin).");
  cn_cli_add_options (ctx, &cli, TRUE);
  int rc = 0;
  if (!parse_options (ctx, &argc, &argv, &rc))
    ;
  else if (argc < 2) {
    fprintf (stderr, "certnotice parse: no PATH given (use - for standard input)\n");
    rc = CN_EXIT_USAGE;
  } else if ((rc = cn_cli_setup (&cli, TRUE)) == 0) {
    rc = run_parse (&cli, argc, argv);
  }
  cn_cli_clear (&cli);
  return rc;
}

/* ---- rules ---- */

static gboolean
collect_message (GPtrArray *mails, gpointer data)
{
  GPtrArray *all = data;
  while (mails->len > 0)
    g_ptr_array_add (all, g_ptr_array_steal_index (mails, 0));
  return TRUE;
}

static int
rules_check (CnCli *cli, const char *dir_arg)
{
  g_autofree char *dir = cn_rules_resolve_dir (dir_arg ? dir_arg : cli->rules_dir);
  g_autoptr (GError) e = NULL;
  g_autoptr (CnRuleSet) set = cn_rules_load_dir (dir, TRUE, &e);
  if (set == NULL) {
    fprintf (stderr, "%s\n", e->message);
    return CN_EXIT_CONFIG;
  }
  guint kinds = 0;
  for (guint i = 0; i < set->rules->len; i++)
    kinds += ((CnRule *) set->rules->pdata[i])->kinds->len;
  printf ("%s: %u providers, %u notice kinds: ok\n", dir, set->rules->len, kinds);
  return CN_EXIT_OK;
}

/* test FILE…: show every pattern tried and what it captured */
static int
rules_test (CnCli *cli, int argc, char **argv)
{
  int rc = CN_EXIT_OK;
  cli->opts.no_verify = TRUE;
  for (int i = 0; i < argc; i++) {
    g_autoptr (GPtrArray) mails = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_mail_free);
    g_autoptr (GError) re = NULL;
    if (!cn_source_read (argv[i], collect_message, mails, &re)) {
      rc = cn_cli_fail (re);
      continue;
    }
    for (guint j = 0; j < mails->len; j++) {
      CnMail *m = mails->pdata[j];
      g_autoptr (GString) trace = g_string_new (NULL);
      printf ("%s%s%s\n  subject: %s\n  from:    %s\n", m->source, m->part ? " part " : "",
              m->part ? m->part : "", m->subject, m->from_addr ? m->from_addr : "(none)");
      if (cli->verbose) {
        /* the text the body patterns see: decoded, NFKC, quotes removed */
        g_auto (GStrv) lines = g_strsplit (m->body, "\n", -1);
        g_autofree char *indented = g_strjoinv ("\n  | ", lines);
        printf ("  body (as matched):\n  | %s\n", indented);
      }
      g_autoptr (CnNotice) n = cn_judge (cli->rules, m, &cli->opts, trace);
      cn_triage (n, &cli->opts);
      fputs (trace->str, stdout);
      printf ("  => %s%s%s\n", n->rule ? n->rule->id : "no rule matched", n->kind ? " / " : "",
              n->kind ? n->kind->id : "");
      cn_output_write (stdout, CN_FORMAT_JSON, n, cli->opts.now, FALSE, FALSE);
    }
  }
  return rc;
}

int
cn_cmd_rules (int argc, char **argv)
{
  CnCli cli = { 0 };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("check [DIR] | list | test FILE… — rule files");
  cn_cli_add_options (ctx, &cli, FALSE);
  int rc = 0;
  const char *sub = NULL;
  if (!parse_options (ctx, &argc, &argv, &rc))
    goto out;
  sub = argc > 1 ? argv[1] : NULL;
  if (sub == NULL || (strcmp (sub, "check") && strcmp (sub, "list") && strcmp (sub, "test"))) {
    fprintf (stderr, "certnotice rules: use check [DIR], list, or test FILE…\n");
    rc = CN_EXIT_USAGE;
    goto out;
  }
  if (!strcmp (sub, "test") && argc < 3) {
    fprintf (stderr, "certnotice rules test: no FILE given\n");
    rc = CN_EXIT_USAGE;
    goto out;
  }
  if ((rc = cn_cli_setup (&cli, strcmp (sub, "check") != 0)))
    goto out;
  if (!strcmp (sub, "check")) {
    rc = rules_check (&cli, argc > 2 ? argv[2] : NULL);
  } else if (!strcmp (sub, "list")) {
    for (guint i = 0; i < cli.rules->rules->len; i++) {
      g_autofree char *d = cn_rule_describe (cli.rules->rules->pdata[i], cli.verbose);
      fputs (d, stdout);
    }
  } else {
    rc = rules_test (&cli, argc - 2, argv + 2);
  }
out:
  cn_cli_clear (&cli);
  return rc;
}
