/* test-notice.h — what the GTest programs ask of a judged notice (static:
 * each test program is one file that includes this). */
#pragma once

#include "rules.h"

#include <string.h>

/* Whether one of N's (English) reasons contains PART. */
static inline gboolean
has_reason (const CnNotice *n, const char *part)
{
  for (guint i = 0; i < n->reasons->len; i++)
    if (strstr (n->reasons->pdata[i], part))
      return TRUE;
  return FALSE;
}

/* The shipped rules and the options samples/gen-samples.py's oracle assumes
 * (--no-verify, the trusted authserv-id mx.certnotice.test, the clock at
 * 2024-01-01): every test comparing against the samples' expectations
 * judges with these.  The caller frees *RULES and OPTS->now. */
static inline void
oracle_setup (CnRuleSet **rules, CnOptions *opts)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "rules", NULL);
  *rules = cn_rules_load_dir (dir, TRUE, &e);
  g_assert_no_error (e);
  static char *trusted[] = { "mx.certnotice.test", NULL };
  opts->no_verify = TRUE;
  opts->trusted_authserv = trusted;
  opts->now = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  opts->timeout = 10;
  opts->parallel = 1;
}
