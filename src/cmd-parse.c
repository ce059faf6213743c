/* cmd-parse.c — `certnotice parse PATH…`: judge saved mail and print a
 * result per message. */
#include "cli.h"
#include "ledger.h"
#include "source.h"

#include "i18n.h"
#include <string.h>

typedef struct {
  CnCli *cli;
  CnBatch *batch;
  CnTextStyle style;
  GHashTable *named;                  /* the PATHs given (borrowed strings)  */
  CnTally tally;
  gboolean attention;
  gboolean record;     /* --record / --db: into the ledger */
  const char *db;
  CnLedger *ledger;    /* open from the first notice recorded on */
  int ledger_rc;       /* the exit status of a failed recording, or 0 */
} ParseRun;

/* Whether MSG gets a line of text.  Every notice does, and every message
 * that could not be judged; a message that is not a notice only when the
 * user named it (a file or -, not one of an mbox's or a Maildir's many
 * messages: those are counted in the summary) or asked for -v. */
static gboolean
listed (const ParseRun *run, const CnMessage *msg)
{
  const CnMail *m = msg->mails->pdata[0];
  return msg->speaker || msg->error || run->cli->verbose ||
         (m->index == 0 && g_hash_table_contains (run->named, m->source));
}

static void
report (ParseRun *run)
{
  CnBatch *b = run->batch;
  cn_batch_verify (b);
  g_autoptr (GString) text = g_string_new (NULL);
  for (guint i = 0; i < b->messages->len; i++) {
    CnMessage *msg = b->messages->pdata[i];
    if (run->cli->format == CN_FORMAT_JSON) {
      for (guint k = 0; k < msg->notices->len; k++)
        cn_output_write (stdout, CN_FORMAT_JSON, msg->notices->pdata[k], run->cli->opts.now, FALSE, FALSE);
      cn_tally_add (&run->tally, msg, TRUE);
    } else {
      gboolean show = listed (run, msg);
      g_string_truncate (text, 0);
      if (show)
        cn_output_text_message (text, msg, &run->style);
      fputs (text->str, stdout);
      cn_tally_add (&run->tally, msg, show);
    }
    run->attention |= msg->act && cn_verdict_needs_attention (msg->verdict);
  }
  if (b->trace) {
    cn_safe_fputs (b->trace->str, stderr);   /* it quotes the mail */
    g_string_truncate (b->trace, 0);
  }
  fflush (stdout);
  g_autoptr (GError) le = NULL;
  if (run->record && !run->ledger_rc &&
      !cn_ledger_hook (&run->ledger, run->db, run->cli->config, &run->cli->opts, b->messages, "parse", 0, &le)) {
    fprintf (stderr, _("certnotice parse: %s: not recorded\n"), le->message);
    run->ledger_rc = cn_ledger_exit_status (le);
  }
  cn_batch_clear (b);
}

static gboolean
on_message (GPtrArray *mails, gpointer data)
{
  ParseRun *run = data;
  cn_batch_add (run->batch, mails);
  cn_rules_count_message (run->cli->rules);
  /* without live checks nothing is gained by waiting: stream the results */
  if (run->cli->opts.no_verify)
    report (run);
  return TRUE;
}

static int
run_parse (CnCli *cli, int argc, char **argv, gboolean record, const char *db)
{
  g_autoptr (CnBatch) batch = cn_batch_new (cli->rules, &cli->opts);
  if (cli->verbose)
    batch->trace = g_string_new (NULL);
  ParseRun run = { .cli = cli, .batch = batch, .record = record || db, .db = db };
  run.style = (CnTextStyle) { .now = cli->opts.now, .colour = cli->colour, .verbose = cli->verbose,
                              .live_column = !cli->opts.no_verify,
                              .provider_width = cn_output_provider_width (cli->rules) };
  g_autoptr (GHashTable) named = g_hash_table_new (g_str_hash, g_str_equal);
  for (int i = 1; i < argc; i++)
    g_hash_table_add (named, argv[i]);
  run.named = named;
  int input_rc = 0;
  /* mail the prefilter rules out is read from its header block alone; -v
   * shows what only reading it whole can tell (decoding warnings) */
  g_autoptr (CnPrefilterSet) prefilter = cli->verbose ? NULL : cn_prefilter_set_new (cli->rules);
  for (int i = 1; i < argc; i++) {
    g_autoptr (GError) e = NULL;
    if (!cn_source_read_prefiltered (argv[i], prefilter, on_message, &run, &e))
      input_rc = cn_cli_fail (e);
  }
  report (&run);
  if (cli->format == CN_FORMAT_TEXT) {
    /* the last line: what went in and what came out */
    g_autofree char *sum = cn_output_summary (&run.tally);
    printf ("%s\n", sum);
  }
  if (batch->trace)
    g_string_free (g_steal_pointer (&batch->trace), TRUE);
  g_clear_pointer (&run.ledger, cn_ledger_close);
  /* a mail that could not be judged may hide a notice: that is worse
   * than a notice that needs attention */
  return input_rc ? input_rc : run.tally.errors ? CN_EXIT_SOFTWARE : run.ledger_rc ? run.ledger_rc
       : run.attention ? CN_EXIT_ATTENTION : CN_EXIT_OK;
}

int
cn_cmd_parse (int argc, char **argv)
{
  CnCli cli = { 0 };
  gboolean record = FALSE;
  g_autofree char *db = NULL;
  g_autoptr (GOptionContext) ctx = g_option_context_new (N_("PATH… — judge saved mail"));
  g_option_context_set_summary (ctx, N_("Each PATH is a message file, an mbox, a Maildir, or - (stdin).\n"
                                        "Text output: a line per message (in an mbox or a Maildir, only the\n"
                                        "notices); details and what to do under those that need attention\n"
                                        "(all with -v); a summary line at the end."));
  GOptionEntry entries[] = {
    { "record", 0, 0, G_OPTION_ARG_NONE, &record, N_("Record the notices in the ledger (certnotice cases)"), NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Record in this ledger (implies --record)"), "FILE" },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (ctx, entries, NULL);
  cn_cli_add_options (ctx, &cli, TRUE);
  int rc = 0;
  if (!cn_cli_parse_options (ctx, &argc, &argv, &rc))
    ;
  else if (argc < 2) {
    fprintf (stderr, _("certnotice parse: no PATH given (use - for standard input)\n"));
    rc = CN_EXIT_USAGE;
  } else if ((rc = cn_cli_setup (&cli, TRUE)) == 0) {
    rc = run_parse (&cli, argc, argv, record, db);
  }
  cn_cli_clear (&cli);
  return rc;
}
