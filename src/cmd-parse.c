/* cmd-parse.c — `certnotice parse PATH…`: judge saved mail and print a
 * result per message. */
#include "cli.h"
#include "source.h"

#include <string.h>

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
  if (!cn_cli_parse_options (ctx, &argc, &argv, &rc))
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
