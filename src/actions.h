/* actions.h — hook commands and webhooks (config [action VERDICT]). */
#pragma once

#include "certnotice.h"

G_BEGIN_DECLS

/* Run ARGV in a process group of its own with JSON on its stdin; FALSE +
 * ERROR when it cannot start, exits non-zero or is not done TIMEOUT seconds
 * after it started — writing its stdin included — (then its whole process
 * group is killed). */
gboolean cn_action_run_hook (char **argv, const char *json, double timeout, GError **error);

/* POST JSON to URL (http or https; OPTS' cacert and timeout apply).  An
 * error names scheme://host[:port] only (cn_action_url_for_log). */
gboolean cn_action_post_webhook (const char *url, const char *json, const CnOptions *opts, GError **error);

/* URL as scheme://host[:port], without the user, password, path and query
 * that must not reach a log.  Caller frees. */
char *cn_action_url_for_log (const char *url);

G_END_DECLS
