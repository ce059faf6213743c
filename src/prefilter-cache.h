/* prefilter-cache.h — the prefilter's set (prefilter.h) remembered between
 * runs, so that `filter` need not load the rules for mail that is not a
 * notice (prefilter-cache.c says how it is kept right). */
#pragma once

#include "cli.h"
#include "prefilter.h"

G_BEGIN_DECLS

/* What the cache of CLI's set-up (its config read, its rules to be loaded)
 * must match: this executable, PCRE2, the config file, and every file the
 * rule loader would read.  NULL when a rules directory cannot be read.
 * Caller frees. */
char *cn_prefilter_cache_key (const CnCli *cli);

/* The prefilter set cached for KEY, or NULL (no cache, stale, damaged). */
CnPrefilterSet *cn_prefilter_cache_load (const char *key);

/* After CLI->rules was loaded without error: cache its prefilter set for
 * KEY (taken before loading), unless a file changed meanwhile or the cache
 * is fresh already.  Failing to write is not an error. */
void cn_prefilter_cache_save (const char *key, const CnCli *cli);

G_END_DECLS
