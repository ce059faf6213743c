/* cmd-cases.c — `certnotice cases`: the certificate cases of the ledger at a
 * glance (text, JSON Lines, Prometheus); `cases forget DOMAIN`; and
 * `certnotice recheck`: check every open case live again, resolve or
 * escalate it, announce what changed.  The ledger itself is ledger.c,
 * what a case is and how it moves is case.c. */
#include "cli.h"
#include "json.h"
#include "ledger.h"
#include "match.h"

#include "i18n.h"
#include <string.h>
#include <unistd.h>

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_PROMETHEUS } CasesFormat;

/* --format: text, json, and (PROM) prometheus.  The shared --format knows
 * text and json only: take prometheus out before cn_cli_setup sees it. */
static gboolean
take_format (CnCli *cli, gboolean prom, CasesFormat *out)
{
  *out = FORMAT_TEXT;
  if (prom && g_strcmp0 (cli->format_name, "prometheus") == 0) {
    *out = FORMAT_PROMETHEUS;
    g_clear_pointer (&cli->format_name, g_free);
    return TRUE;
  }
  if (cli->format_name && strcmp (cli->format_name, "text") != 0 && strcmp (cli->format_name, "json") != 0) {
    if (prom)
      fprintf (stderr, _("certnotice: --format %s: use text, json or prometheus\n"), cli->format_name);
    else {
      g_autofree char *m = g_strdup_printf (_("--format %s: use text or json"), cli->format_name);
      fprintf (stderr, "certnotice: %s\n", m);
    }
    return FALSE;
  }
  if (g_strcmp0 (cli->format_name, "json") == 0)
    *out = FORMAT_JSON;
  return TRUE;
}

static int
ledger_fail (const char *cmd, const GError *e)
{
  fprintf (stderr, "certnotice %s: %s\n", cmd, e->message);
  return cn_ledger_exit_status (e);
}

/* Say so when recording into PATH would fail: `cases` is where a user
 * looks, filter and imap only log. */
static void
warn_unwritable (const CnLedger *l)
{
  const char *path = cn_ledger_path (l);
  g_autofree char *dir = g_path_get_dirname (path);
  if (cn_ledger_writable (l) && access (path, W_OK) == 0 && access (dir, W_OK | X_OK) == 0)
    return;
  fprintf (stderr, _("certnotice cases: warning: ledger %s cannot be written: filter, imap and "
                     "recheck cannot record in it.  Make it and its directory yours and writable "
                     "(chmod u+rw %s; chmod u+rwx %s), or give another file with --db or [certnotice] db\n"),
           path, path, dir);
}

/* ---- output ---- */

static char *
ymd (GDateTime *t)
{
  return t ? g_date_time_format (t, "%Y-%m-%d") : g_strdup ("-");
}

static void
print_json (const CnCase *c, GDateTime *now, gboolean with_previous)
{
  g_autoptr (JsonNode) node = cn_case_to_json (c, now);
  if (with_previous)
    json_object_set_string_member (json_node_get_object (node), "previous_state", cn_case_state_name (c->was));
  g_autofree char *line = cn_json_to_string (node);
  printf ("%s\n", line);
}

/* A case's state in the user's language (cn_case_state_name is the
 * English name JSON, Prometheus and the ledger keep). */
static const char *
state_word (CnCaseState s)
{
  switch (s) {
  /* TRANSLATORS: the state of a certificate case (`certnotice cases`) */
  case CN_CASE_OPEN: return C_("case", "open");
  case CN_CASE_ESCALATED: return C_("case", "escalated");
  case CN_CASE_RESOLVED: return C_("case", "resolved");
  case CN_CASE_NONE:
  case CN_CASE_STATE_COUNT: break;
  }
  return "?";
}

static const char *
state_colour (CnCaseState s)
{
  return s == CN_CASE_ESCALATED ? "\033[1;31m" : s == CN_CASE_OPEN ? "\033[33m" : "\033[32m";
}

/* Append TEXT in a column WIDTH terminal columns wide (RIGHT: aligned to
 * the right), then the two spaces between columns (LAST: nothing). */
static void
cell (GString *s, const char *text, int width, gboolean right, gboolean last)
{
  if (right)
    for (int w = cn_text_width (text); w < width; w++)
      g_string_append_c (s, ' ');
  if (right || last)
    g_string_append (s, text);
  else
    cn_text_pad (s, text, width);
  if (!last)
    g_string_append (s, "  ");
}

enum { COL_DOMAIN, COL_STATE, COL_PROVIDER, COL_OPENED, COL_CLAIMED, COL_NOT_AFTER, COL_LEFT, COL_CHECKED,
       COL_NOTICES, COL_COUNT };

static void
print_table (GPtrArray *cases, GDateTime *now, gboolean colour)
{
  /* TRANSLATORS: the column headers of `certnotice cases` (capitals where
   * the script has them; the columns are as wide as the widest of header
   * and values) */
  const char *head[COL_COUNT] = { _("DOMAIN"), _("STATE"), _("PROVIDER"), _("OPENED"), _("CLAIMED"),
                                  _("NOT AFTER"), _("LEFT"), _("CHECKED"), _("NOTICES") };
  /* each row's cells: made safe (the names came from mails) and in the
   * user's language; then every column as wide as its widest cell */
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  int width[COL_COUNT];
  for (int k = 0; k < COL_COUNT; k++)
    width[k] = cn_text_width (head[k]);
  for (guint i = 0; i < cases->len; i++) {
    const CnCase *c = cases->pdata[i];
    g_autoptr (GString) tmp = g_string_new (NULL);
    char **row = g_new0 (char *, COL_COUNT + 1);
    const char *safe = cn_safe (tmp, c->domain);
    row[COL_DOMAIN] = c->port == 443 ? g_strdup (safe) : g_strdup_printf ("%s:%d", safe, c->port);
    row[COL_STATE] = g_strdup (state_word (c->state));
    row[COL_PROVIDER] = g_strdup (cn_safe (tmp, c->provider));
    row[COL_OPENED] = ymd (c->opened);
    row[COL_CLAIMED] = g_strdup ("-");
    if (c->expires_claimed) {
      char claimed[16];
      g_date_strftime (claimed, sizeof claimed, "%Y-%m-%d", c->expires_claimed);
      g_free (row[COL_CLAIMED]);
      row[COL_CLAIMED] = g_strdup (claimed);
    }
    row[COL_NOT_AFTER] = ymd (c->not_after);
    gboolean known;
    gint64 left = cn_case_days_left (c, now, &known);
    row[COL_LEFT] = known ? g_strdup_printf ("%" G_GINT64_FORMAT, left) : g_strdup ("?");
    /* TRANSLATORS: in the CHECKED column: the case was never checked live */
    row[COL_CHECKED] = c->checked ? g_date_time_format (c->checked, "%Y-%m-%d %H:%M") : g_strdup (_("never"));
    row[COL_NOTICES] = g_strdup_printf ("%u", c->notices);
    for (int k = 0; k < COL_COUNT; k++)
      width[k] = MAX (width[k], cn_text_width (row[k]));
    g_ptr_array_add (rows, row);
  }
  width[COL_DOMAIN] = MIN (width[COL_DOMAIN], 48);     /* a longer name sticks out */
  width[COL_PROVIDER] = MIN (width[COL_PROVIDER], 24);
  const gboolean right[COL_COUNT] = { [COL_LEFT] = TRUE, [COL_NOTICES] = TRUE };
  g_autoptr (GString) s = g_string_new (NULL);
  for (int k = 0; k < COL_COUNT; k++)
    cell (s, head[k], width[k], right[k], k == COL_COUNT - 1);
  g_string_append_c (s, '\n');
  for (guint i = 0; i < rows->len; i++) {
    char **row = rows->pdata[i];
    CnCaseState st = ((const CnCase *) cases->pdata[i])->state;
    for (int k = 0; k < COL_COUNT; k++) {
      if (k == COL_STATE && colour) {
        /* the colour around the word, not around its padding */
        g_string_append_printf (s, "%s%s\033[0m", state_colour (st), row[k]);
        for (int w = cn_text_width (row[k]); w < width[k]; w++)
          g_string_append_c (s, ' ');
        g_string_append (s, "  ");
      } else {
        cell (s, row[k], width[k], right[k], k == COL_COUNT - 1);
      }
    }
    g_string_append_c (s, '\n');
  }
  fputs (s->str, stdout);
}

static void
print_prometheus (GPtrArray *cases, const guint counts[CN_CASE_STATE_COUNT], GDateTime *now)
{
  g_autoptr (GString) s = g_string_new (
    "# HELP certnotice_case_days_left Days until the certificate of an open or escalated case expires "
    "(the live notAfter, else the claimed expiry).\n"
    "# TYPE certnotice_case_days_left gauge\n");
  for (guint i = 0; i < cases->len; i++) {
    const CnCase *c = cases->pdata[i];
    gboolean known;
    gint64 left = cn_case_days_left (c, now, &known);
    if (!known || c->state == CN_CASE_RESOLVED)
      continue;
    g_string_append (s, "certnotice_case_days_left{domain=\"");
    cn_output_prometheus_label (s, c->domain);
    g_string_append_printf (s, "\",port=\"%d\",provider=\"", c->port);
    cn_output_prometheus_label (s, c->provider);
    g_string_append_printf (s, "\",state=\"%s\"} %" G_GINT64_FORMAT "\n", cn_case_state_name (c->state), left);
  }
  g_string_append (s, "# HELP certnotice_cases Cases in the ledger by state.\n"
                      "# TYPE certnotice_cases gauge\n");
  for (int st = CN_CASE_OPEN; st < CN_CASE_STATE_COUNT; st++)
    g_string_append_printf (s, "certnotice_cases{state=\"%s\"} %u\n", cn_case_state_name (st), counts[st]);
  fputs (s->str, stdout);
}

/* ---- cases ---- */

static int
cases_forget (CnCli *cli, const char *db, int argc, char **argv)
{
  if (argc < 1) {
    fprintf (stderr, _("certnotice cases forget: no DOMAIN given\n"));
    return CN_EXIT_USAGE;
  }
  g_autofree char *path = cn_ledger_resolve_path (db, cli->config);
  g_autoptr (GError) e = NULL;
  g_autoptr (CnLedger) l = cn_ledger_open (path, FALSE, 10000, &e);
  if (l == NULL)
    return ledger_fail ("cases forget", e);
  int rc = CN_EXIT_OK;
  for (int i = 0; i < argc; i++) {
    g_autofree char *arg = g_strdup (argv[i]);
    int port = 0;
    char *colon = strrchr (arg, ':');
    if (colon) {
      char *end = NULL;
      long p = strtol (colon + 1, &end, 10);
      if (end == colon + 1 || *end || p < 1 || p > 65535) {
        fprintf (stderr, _("certnotice cases forget: '%s' is not DOMAIN[:PORT]\n"), argv[i]);
        return CN_EXIT_USAGE;
      }
      port = (int) p;
      *colon = '\0';
    }
    g_autofree char *domain = cn_normalize_domain (arg);
    if (domain == NULL) {
      fprintf (stderr, _("certnotice cases forget: '%s' is not DOMAIN[:PORT]\n"), argv[i]);
      return CN_EXIT_USAGE;
    }
    guint n = 0;
    if (!cn_ledger_forget (l, domain, port, &n, &e))
      return ledger_fail ("cases forget", e);
    if (n == 0) {
      fprintf (stderr, _("certnotice cases forget: no case of %s in %s\n"), argv[i], path);
      rc = CN_EXIT_ATTENTION;
    } else {
      printf (g_dngettext (GETTEXT_PACKAGE, "forgot %u case of %s (its mails stay known, so they do not open it again)\n",
                           "forgot %u cases of %s (their mails stay known, so they do not open them again)\n", n),
              n, argv[i]);
    }
  }
  return rc;
}

static int
run_cases (CnCli *cli, const char *db, gboolean all, CasesFormat fmt)
{
  g_autofree char *path = cn_ledger_resolve_path (db, cli->config);
  g_autoptr (GError) e = NULL;
  g_autoptr (CnLedger) l = cn_ledger_open (path, FALSE, 5000, &e);
  g_autoptr (GPtrArray) cases = NULL;
  guint counts[CN_CASE_STATE_COUNT] = { 0 };
  if (l == NULL && !g_error_matches (e, CN_LEDGER_ERROR, CN_LEDGER_ERROR_MISSING))
    return ledger_fail ("cases", e);
  if (l == NULL) {
    /* nothing recorded yet: no cases, said plainly */
    if (fmt == FORMAT_TEXT)
      fprintf (stderr, "certnotice cases: %s\n", e->message);
    cases = g_ptr_array_new ();
  } else {
    warn_unwritable (l);
    cases = cn_ledger_cases (l, all, cli->opts.now, &e);
    if (cases == NULL || !cn_ledger_count (l, counts, &e))
      return ledger_fail ("cases", e);
  }
  switch (fmt) {
  case FORMAT_PROMETHEUS:
    print_prometheus (cases, counts, cli->opts.now);
    break;
  case FORMAT_JSON:
    for (guint i = 0; i < cases->len; i++)
      print_json (cases->pdata[i], cli->opts.now, FALSE);
    break;
  case FORMAT_TEXT:
    if (cases->len)
      print_table (cases, cli->opts.now, cli->colour);
    else if (l)
      printf (all ? _("no cases in %s\n") : _("no open cases in %s\n"), path);
    if (!all && counts[CN_CASE_RESOLVED])
      printf (_("(%u resolved: --all shows them)\n"), counts[CN_CASE_RESOLVED]);
    break;
  }
  return counts[CN_CASE_OPEN] + counts[CN_CASE_ESCALATED] ? CN_EXIT_ATTENTION : CN_EXIT_OK;
}

int
cn_cmd_cases (int argc, char **argv)
{
  CnCli cli = { 0 };
  gboolean all = FALSE;
  char *db = NULL;
  g_autoptr (GOptionContext) ctx = g_option_context_new (N_("[forget DOMAIN[:PORT]…] — the certificate cases of the ledger"));
  GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Resolved cases too"), NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The ledger (default: [certnotice] db, else $XDG_STATE_HOME/certnotice/cases.db)"), "FILE" },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (ctx, entries, NULL);
  cn_cli_add_options (ctx, &cli, FALSE);
  g_option_context_set_description (ctx, N_("--format takes text, json (JSON Lines) or prometheus (node exporter textfile collector).\n"
                                            "Exit status 1 when a case is open or escalated."));
  int rc = 0;
  CasesFormat fmt = FORMAT_TEXT;
  if (!cn_cli_parse_options (ctx, &argc, &argv, &rc))
    ;
  else if (!take_format (&cli, TRUE, &fmt))
    rc = CN_EXIT_USAGE;
  else if ((rc = cn_cli_setup (&cli, FALSE)))
    ;
  else if (argc > 1 && strcmp (argv[1], "forget") == 0)
    rc = cases_forget (&cli, db, argc - 2, argv + 2);
  else if (argc > 1) {
    fprintf (stderr, _("certnotice cases: unexpected argument '%s' (forget DOMAIN?)\n"), argv[1]);
    rc = CN_EXIT_USAGE;
  } else
    rc = run_cases (&cli, db, all, fmt);
  g_free (db);
  cn_cli_clear (&cli);
  return rc;
}

/* ---- recheck ---- */

static void
print_recheck_line (const CnCase *c, const CnLive *live, GDateTime *now)
{
  g_autoptr (GString) tmp = g_string_new (NULL);
  g_autoptr (GString) s = g_string_new (NULL);
  g_autofree char *name = g_strdup_printf ("%s:%d", cn_safe (tmp, c->domain), c->port);
  g_autofree char *move = c->was != c->state
    ? g_strdup_printf ("%s → %s", state_word (c->was), state_word (c->state))
    : g_strdup (state_word (c->state));
  cn_text_pad (s, name, 32);
  g_string_append_c (s, ' ');
  cn_text_pad (s, move, 22);
  g_string_append_c (s, ' ');
  g_string_append (s, cn_output_live_status_word (live->status));
  if (c->not_after && (live->status != CN_LIVE_UNREACHABLE && live->status != CN_LIVE_TIMEOUT)) {
    g_autofree char *na = g_date_time_format (c->not_after, "%Y-%m-%d");
    gboolean known;
    int d = (int) CLAMP (cn_case_days_left (c, now, &known), -999999, 999999);
    /* TRANSLATORS: after the live state in `certnotice recheck`: the date
     * the served certificate ends, and the days until then */
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, ", notAfter %s (%d day)", ", notAfter %s (%d days)", d),
                            na, d);
  }
  const char *err = live->error ? live->error : live->worst ? live->worst->error : NULL;
  if (err)
    g_string_append_printf (s, ": %s", err);
  printf ("%s\n", cn_safe (tmp, s->str));   /* the error text is the server's as much as ours */
}

static int
run_recheck (CnCli *cli, const char *db, CasesFormat fmt)
{
  g_autofree char *path = cn_ledger_resolve_path (db, cli->config);
  g_autoptr (GError) e = NULL;
  g_autoptr (CnLedger) l = cn_ledger_open (path, FALSE, 10000, &e);
  if (l == NULL && g_error_matches (e, CN_LEDGER_ERROR, CN_LEDGER_ERROR_MISSING)) {
    fprintf (stderr, "certnotice recheck: %s\n", e->message);
    return CN_EXIT_OK;   /* nothing recorded: nothing to recheck */
  }
  if (l == NULL)
    return ledger_fail ("recheck", e);
  g_autoptr (GPtrArray) cases = cn_ledger_cases (l, FALSE, cli->opts.now, &e);
  if (cases == NULL)
    return ledger_fail ("recheck", e);
  /* every certificate at once: one libcurl multi handle, like `check` */
  g_autoptr (GPtrArray) lives = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_live_free);
  for (guint i = 0; i < cases->len; i++) {
    const CnCase *c = cases->pdata[i];
    g_ptr_array_add (lives, cn_live_new (c->domain, c->port));
  }
  if (lives->len)
    cn_tlscheck_run (lives, &cli->opts);
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (gint64));
  cn_ledger_set_announce (l, cn_case_actions (cli->config));
  if (!cn_ledger_apply_checks (l, cases, lives, cli->opts.now, events, &e))
    return ledger_fail ("recheck", e);
  guint moved[CN_CASE_STATE_COUNT] = { 0 }, open = 0;
  for (guint i = 0; i < cases->len; i++) {
    const CnCase *c = cases->pdata[i];
    if (fmt == FORMAT_JSON)
      print_json (c, cli->opts.now, TRUE);
    else
      print_recheck_line (c, lives->pdata[i], cli->opts.now);
    if (c->was != c->state)
      moved[c->state]++;
    open += c->state == CN_CASE_OPEN || c->state == CN_CASE_ESCALATED;
  }
  fflush (stdout);
  /* this run's changes, and any an earlier process could not announce */
  guint failed = 0;
  cn_case_announce (l, cli->config, &cli->opts, NULL, "recheck", 0, &failed);
  guint removed = 0;
  if (!cn_ledger_expire (l, cli->config->keep_resolved_days, cli->opts.now, FALSE, &removed, &e)) {
    fprintf (stderr, _("certnotice recheck: retention: %s\n"), e->message);
    g_clear_error (&e);
  }
  g_autofree char *checked = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u case checked", "%u cases checked",
                                                          cases->len), cases->len);
  fprintf (stderr, _("certnotice recheck: %s: %u resolved, %u escalated, %u still open"), checked,
           moved[CN_CASE_RESOLVED], moved[CN_CASE_ESCALATED], open);
  if (removed)
    fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "; %u resolved case past keep_resolved_days forgotten",
                                  "; %u resolved cases past keep_resolved_days forgotten", removed), removed);
  fputc ('\n', stderr);
  return failed ? CN_EXIT_TEMPFAIL : open ? CN_EXIT_ATTENTION : CN_EXIT_OK;
}

int
cn_cmd_recheck (int argc, char **argv)
{
  CnCli cli = { 0 };
  char *db = NULL;
  g_autoptr (GOptionContext) ctx = g_option_context_new (N_("— check every open case live again; resolve, escalate, announce"));
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The ledger (default: [certnotice] db, else $XDG_STATE_HOME/certnotice/cases.db)"), "FILE" },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (ctx, entries, NULL);
  cn_cli_add_options (ctx, &cli, TRUE);
  g_option_context_set_description (ctx, N_("Exit status 1 when a case is still open or escalated, 75 when an action failed "
                                            "(it is tried again at the next recheck)."));
  int rc = 0;
  CasesFormat fmt = FORMAT_TEXT;
  if (!cn_cli_parse_options (ctx, &argc, &argv, &rc))
    ;
  else if (!take_format (&cli, FALSE, &fmt))
    rc = CN_EXIT_USAGE;
  else if ((rc = cn_cli_setup (&cli, FALSE)))
    ;
  else if (argc > 1) {
    fprintf (stderr, _("certnotice recheck: unexpected argument '%s'\n"), argv[1]);
    rc = CN_EXIT_USAGE;
  } else if (cli.opts.no_verify) {
    fprintf (stderr, _("certnotice recheck: --no-verify leaves nothing to do\n"));
    rc = CN_EXIT_USAGE;
  } else
    rc = run_recheck (&cli, db, fmt);
  g_free (db);
  cn_cli_clear (&cli);
  return rc;
}
