/* cli.h — options shared by every command, and the commands. */
#pragma once

#include "config.h"
#include "output.h"
#include "pipeline.h"

G_BEGIN_DECLS

typedef struct {
  CnOptions opts;
  CnFormat format;
  gboolean verbose;
  gboolean colour;
  CnRuleSet *rules;
  CnConfig *config;       /* the config file as read (empty if none) */
  /* raw option values */
  char *rules_dir;
  char *format_name;
  char *now_str;
  char *config_file;
  char **trust;
  gboolean cacert_given;  /* --cacert on the command line (else the config's) */
} CnCli;

/* Add the shared options to CTX (they fill CLI). */
void cn_cli_add_options (GOptionContext *ctx, CnCli *cli, gboolean live_options);

/* After option parsing: read the config file, resolve --now and --format, and
 * load the rules when NEED_RULES.  On failure prints one line naming the cause
 * and returns the exit status to use (64 or 78); 0 on success. */
int cn_cli_setup (CnCli *cli, gboolean need_rules);

/* The two halves of cn_cli_setup(), which print nothing (FALSE and ERROR;
 * cn_cli_fail() prints it and gives the exit status): everything but the
 * rules (the config, --now, --format, the live-check options) …  */
gboolean cn_cli_setup_options (CnCli *cli, GError **error);
/* … and the rules, whose prefilter set is then cached for the next run
 * (prefilter-cache.h). */
gboolean cn_cli_load_rules (CnCli *cli, GError **error);

void cn_cli_clear (CnCli *cli);

/* Read the config and the rules again (SIGHUP): a complete new config and
 * rule set are swapped in only when both load and CHECK (may be NULL: what
 * the mode needs of a config) accepts the config; else FALSE + ERROR and the
 * old ones stay. */
typedef gboolean (*CnConfigCheck) (const CnConfig *config, gpointer data, GError **error);
gboolean cn_cli_reload (CnCli *cli, CnConfigCheck check, gpointer data, GError **error);

/* Parse the command line; on failure print why, set *RC (64), FALSE. */
gboolean cn_cli_parse_options (GOptionContext *ctx, int *argc, char ***argv, int *rc);

/* Print "certnotice: MESSAGE" for ERROR and return its exit status. */
int cn_cli_fail (const GError *error);

int cn_cmd_parse (int argc, char **argv);
int cn_cmd_rules (int argc, char **argv);
int cn_cmd_check (int argc, char **argv);
int cn_cmd_filter (int argc, char **argv);
int cn_cmd_imap (int argc, char **argv);
int cn_cmd_cases (int argc, char **argv);
int cn_cmd_recheck (int argc, char **argv);
int cn_cmd_serve (int argc, char **argv);

G_END_DECLS
