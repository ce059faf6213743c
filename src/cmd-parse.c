/* cmd-parse.c — `certnotice parse PATH…`: judge saved mail and print a
 * result per message. */
#include "cli.h"
#include "source.h"

#include <string.h>

typedef struct {
  CnCli *cli;
  CnBatch *batch;
  guint messages;                     /* read                               */
  guint notices;                      /* messages a notice speaks for       */
  guint by_verdict[CN_VERDICT_COUNT]; /* of those messages                  */
  guint errors;                       /* messages that could not be judged  */
  gboolean attention;
} ParseRun;

static void
report (ParseRun *run)
{
  CnBatch *b = run->batch;
  cn_batch_verify (b);
  for (guint i = 0; i < b->messages->len; i++) {
    CnMessage *msg = b->messages->pdata[i];
    for (guint k = 0; k < msg->notices->len; k++)
      cn_output_write (stdout, run->cli->format, msg->notices->pdata[k], run->cli->opts.now,
                       run->cli->colour, run->cli->verbose);
    run->messages++;
    if (msg->error)
      run->errors++;
    if (msg->speaker) {
      run->notices++;
      run->by_verdict[msg->verdict]++;
    }
    run->attention |= msg->act && cn_verdict_needs_attention (msg->verdict);
  }
  if (b->trace) {
    fputs (b->trace->str, stderr);
    g_string_truncate (b->trace, 0);
  }
  fflush (stdout);
  cn_batch_clear (b);
}

/* The last line of text output: what went in and what came out. */
static void
summary (const ParseRun *run)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_string_append_printf (s, "%u message%s, %u notice%s", run->messages, run->messages == 1 ? "" : "s",
                          run->notices, run->notices == 1 ? "" : "s");
  const char *sep = ": ";
  for (int v = CN_VERDICT_COUNT - 1; v > CN_VERDICT_NOT_A_NOTICE; v--) {
    if (run->by_verdict[v] == 0)
      continue;
    g_string_append_printf (s, "%s%u %s", sep, run->by_verdict[v], cn_verdict_name ((CnVerdict) v));
    sep = ", ";
  }
  if (run->errors)
    g_string_append_printf (s, "; %u could not be judged", run->errors);
  printf ("%s\n", s->str);
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
  if (cli->format == CN_FORMAT_TEXT)
    summary (&run);
  if (batch->trace)
    g_string_free (g_steal_pointer (&batch->trace), TRUE);
  /* a mail that could not be judged may hide a notice: that is worse
   * than a notice that needs attention */
  return input_rc ? input_rc : run.errors ? CN_EXIT_SOFTWARE : run.attention ? CN_EXIT_ATTENTION : CN_EXIT_OK;
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
