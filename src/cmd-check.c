/* cmd-check.c — `certnotice check DOMAIN[:PORT]…`: the live check without a mail. */
#include "cli.h"
#include "json.h"
#include "match.h"
#include "tlscheck.h"

#include "i18n.h"
#include <stdlib.h>
#include <string.h>

/* "example.com", "example.com:8443", "[2001:db8::1]:443" is not a name: only
 * host names are checked (the certificate is judged against the name). */
static gboolean
parse_target (const char *arg, char **domain, int *port)
{
  g_autofree char *s = g_strstrip (g_strdup (arg));
  *port = 443;
  char *colon = strrchr (s, ':');
  if (colon) {
    char *end = NULL;
    long p = strtol (colon + 1, &end, 10);
    if (end == colon + 1 || *end || p < 1 || p > 65535)
      return FALSE;
    *port = (int) p;
    *colon = '\0';
  }
  *domain = cn_normalize_domain (s);
  return *domain != NULL;
}

static void
write_prometheus (GPtrArray *lives, GDateTime *now)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_string_append (s, "# HELP certnotice_cert_days_left Whole days until the served certificate expires (earliest of all addresses).\n"
                      "# TYPE certnotice_cert_days_left gauge\n");
  for (guint i = 0; i < lives->len; i++) {
    CnLive *l = lives->pdata[i];
    gint64 d = cn_live_days_left (l, now);
    if (d == G_MININT64)
      continue;
    g_string_append (s, "certnotice_cert_days_left{domain=\"");
    cn_output_prometheus_label (s, l->domain);
    g_string_append_printf (s, "\",port=\"%d\"} %" G_GINT64_FORMAT "\n", l->port, d);
  }
  g_string_append (s, "# HELP certnotice_cert_not_after_timestamp_seconds notAfter of the worst address's certificate.\n"
                      "# TYPE certnotice_cert_not_after_timestamp_seconds gauge\n");
  for (guint i = 0; i < lives->len; i++) {
    CnLive *l = lives->pdata[i];
    if (l->worst == NULL || !l->worst->have_cert)
      continue;
    g_string_append (s, "certnotice_cert_not_after_timestamp_seconds{domain=\"");
    cn_output_prometheus_label (s, l->domain);
    g_string_append_printf (s, "\",port=\"%d\"} %" G_GINT64_FORMAT "\n", l->port,
                            g_date_time_to_unix (l->worst->not_after));
  }
  g_string_append (s, "# HELP certnotice_cert_status 1 for the status of the check (ok, expiring, expired, untrusted, name-mismatch, unreachable, timeout).\n"
                      "# TYPE certnotice_cert_status gauge\n");
  for (guint i = 0; i < lives->len; i++) {
    CnLive *l = lives->pdata[i];
    for (int st = 0; st < CN_LIVE_COUNT; st++) {
      g_string_append (s, "certnotice_cert_status{domain=\"");
      cn_output_prometheus_label (s, l->domain);
      g_string_append_printf (s, "\",port=\"%d\",status=\"%s\"} %d\n", l->port,
                              cn_live_status_name (st), l->status == (CnLiveStatus) st);
    }
  }
  fputs (s->str, stdout);
}

int
cn_cmd_check (int argc, char **argv)
{
  CnCli cli = { 0 };
  char *from = NULL;
  int warn_days = 14;
  g_autoptr (GOptionContext) ctx = g_option_context_new (N_("DOMAIN[:PORT]… — check served certificates"));
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, N_("Read domains from FILE, one per line (# comments)"), "FILE" },
    { "warn-days", 0, 0, G_OPTION_ARG_INT, &warn_days, N_("Exit 1 when a certificate expires within N days (default 14)"), "N" },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (ctx, entries, NULL);
  cn_cli_add_options (ctx, &cli, TRUE);
  g_option_context_set_description (ctx, N_("--format also takes prometheus (node exporter textfile collector)."));
  g_autoptr (GPtrArray) lives = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_live_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  gboolean prometheus = FALSE;
  int rc = 0;

  g_autoptr (GError) e = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &e)) {
    fprintf (stderr, "certnotice: %s\n", e->message);
    rc = CN_EXIT_USAGE;
    goto out;
  }
  if (g_strcmp0 (cli.format_name, "prometheus") == 0) {
    prometheus = TRUE;
    g_clear_pointer (&cli.format_name, g_free);
  }
  if ((rc = cn_cli_setup (&cli, FALSE)))
    goto out;
  if (warn_days < 0 || warn_days > 3650) {
    fprintf (stderr, _("certnotice: --warn-days %d: give 0 to 3650\n"), warn_days);
    rc = CN_EXIT_USAGE;
    goto out;
  }
  cli.opts.warn_days = warn_days;
  if (cli.opts.no_verify) {
    fprintf (stderr, _("certnotice check: --no-verify leaves nothing to do\n"));
    rc = CN_EXIT_USAGE;
    goto out;
  }
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, g_strdup (argv[i]));
  if (from) {
    g_autofree char *data = NULL;
    if (!g_file_get_contents (from, &data, NULL, &e)) {
      fprintf (stderr, _("certnotice: --from %s: %s\n"), from, e->message);
      rc = CN_EXIT_NOINPUT;
      goto out;
    }
    g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
    for (char **l = lines; *l; l++) {
      char *hash = strchr (*l, '#');
      if (hash)
        *hash = '\0';
      g_strstrip (*l);
      if (**l)
        g_ptr_array_add (args, g_strdup (*l));
    }
  }
  if (args->len == 0) {
    fprintf (stderr, _("certnotice check: no DOMAIN given\n"));
    rc = CN_EXIT_USAGE;
    goto out;
  }
  for (guint i = 0; i < args->len; i++) {
    char *domain = NULL;
    int port = 443;
    if (!parse_target (args->pdata[i], &domain, &port)) {
      fprintf (stderr, _("certnotice check: '%s' is not DOMAIN[:PORT]\n"), (char *) args->pdata[i]);
      rc = CN_EXIT_USAGE;
      goto out;
    }
    char *key = g_strdup_printf ("%s:%d", domain, port);
    if (g_hash_table_add (seen, key))
      g_ptr_array_add (lives, cn_live_new (domain, port));
    g_free (domain);
  }

  cn_tlscheck_run (lives, &cli.opts);

  gboolean attention = FALSE;
  for (guint i = 0; i < lives->len; i++) {
    CnLive *l = lives->pdata[i];
    attention |= l->status != CN_LIVE_OK;
    if (prometheus)
      continue;
    if (cli.format == CN_FORMAT_JSON) {
      g_autoptr (JsonNode) node = cn_live_to_json (l, cli.opts.now);
      JsonObject *o = json_node_get_object (node);
      json_object_set_string_member (o, "domain", l->domain);
      json_object_set_int_member (o, "port", l->port);
      g_autofree char *line = cn_json_to_string (node);
      printf ("%s\n", line);
    } else {
      g_autoptr (GString) s = g_string_new (NULL);
      g_string_append_printf (s, "%s:%d\n", l->domain, l->port);
      cn_output_text_live (s, l, cli.opts.now);
      fputs (s->str, stdout);
    }
  }
  if (prometheus)
    write_prometheus (lives, cli.opts.now);
  rc = attention ? CN_EXIT_ATTENTION : CN_EXIT_OK;
out:
  g_free (from);
  cn_cli_clear (&cli);
  return rc;
}
