/* actions.h — hook commands and webhooks (config [action VERDICT]). */
#pragma once

#include "certnotice.h"

G_BEGIN_DECLS

/* Run ARGV with JSON on its stdin; FALSE + ERROR when it cannot start,
 * exits non-zero or outlives TIMEOUT seconds (then it is killed). */
gboolean cn_action_run_hook (char **argv, const char *json, double timeout, GError **error);

/* POST JSON to URL (http or https; OPTS' cacert and timeout apply). */
gboolean cn_action_post_webhook (const char *url, const char *json, const CnOptions *opts, GError **error);

G_END_DECLS
