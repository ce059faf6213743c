/* cmd-rules.c — `certnotice rules check|list|test`: the rule files seen by
 * their author. */
#include "cli.h"
#include "generic.h"
#include "source.h"

#include "i18n.h"
#include <string.h>

static gboolean
collect_message (GPtrArray *mails, gpointer data)
{
  GPtrArray *all = data;
  while (mails->len > 0)
    g_ptr_array_add (all, g_ptr_array_steal_index (mails, 0));
  return TRUE;
}

/* check [DIR]: DIR alone, else the rules this command would use (the
 * shipped and the user's, or the replacement), every problem listed */
static int
rules_check (CnCli *cli, const char *dir_arg)
{
  g_autoptr (CnRuleLayers) l = cn_rules_layers (dir_arg ? dir_arg : cli->rules_dir ? cli->rules_dir
                                                                   : cli->config->rules_dir);
  g_autoptr (GError) e = NULL;
  g_autoptr (CnRuleSet) set = cn_rules_load_layers (l->dirs, l->labels, TRUE, &e);
  if (set == NULL) {
    fprintf (stderr, "%s\n", e->message);
    return CN_EXIT_CONFIG;
  }
  guint kinds = 0;
  for (guint i = 0; i < set->rules->len; i++)
    kinds += ((CnRule *) set->rules->pdata[i])->kinds->len;
  g_autofree char *dirs = g_strjoinv (" + ", l->dirs);
  printf (_("%s: %u providers, %u notice kinds: ok\n"), dirs, set->rules->len, kinds);
  if (set->generic)
    printf (_("%s: generic detector, %u pieces of evidence: ok\n"), set->generic->file,
            set->generic->evidence->len);
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
      g_autoptr (GString) t1 = g_string_new (NULL);
      g_autoptr (GString) t2 = g_string_new (NULL);
      g_autoptr (GString) t3 = g_string_new (NULL);
      /* everything taken from the mail goes through cn_safe() */
      printf ("%s%s%s\n", cn_safe (t1, m->source), m->part ? " part " : "", m->part ? cn_safe (t2, m->part) : "");
      printf ("  subject: %s\n  from:    %s\n", cn_safe (t1, m->subject),
              m->from_addr ? cn_safe (t3, m->from_addr) : "(none)");
      if (cli->verbose) {
        /* the text the body patterns see: decoded, NFKC, quotes removed */
        g_auto (GStrv) lines = g_strsplit (m->body, "\n", -1);
        g_autofree char *indented = g_strjoinv ("\n  | ", lines);
        printf ("  body (as matched):\n  | %s\n", cn_safe_lines (t1, indented));
      }
      g_autoptr (CnNotice) n = cn_judge (cli->rules, m, &cli->opts, trace);
      cn_triage (n, &cli->opts);
      cn_safe_fputs (trace->str, stdout);
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
  g_autoptr (GOptionContext) ctx = g_option_context_new (N_("check [DIR] | list | test FILE… — rule files"));
  cn_cli_add_options (ctx, &cli, FALSE);
  int rc = 0;
  const char *sub = NULL;
  if (!cn_cli_parse_options (ctx, &argc, &argv, &rc))
    goto out;
  sub = argc > 1 ? argv[1] : NULL;
  if (sub == NULL || (strcmp (sub, "check") && strcmp (sub, "list") && strcmp (sub, "test"))) {
    fprintf (stderr, _("certnotice rules: use check [DIR], list, or test FILE…\n"));
    rc = CN_EXIT_USAGE;
    goto out;
  }
  if (!strcmp (sub, "test") && argc < 3) {
    fprintf (stderr, _("certnotice rules test: no FILE given\n"));
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
    if (cli.rules->generic) {
      g_autofree char *d = cn_generic_describe (cli.rules->generic, cli.verbose);
      fputs (d, stdout);
    }
  } else {
    rc = rules_test (&cli, argc - 2, argv + 2);
  }
out:
  cn_cli_clear (&cli);
  return rc;
}
