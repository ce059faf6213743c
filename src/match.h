/* match.h — apply the rules to a mail; extract and normalise the claim. */
#pragma once

#include "rules.h"

G_BEGIN_DECLS

typedef enum {
  CN_MATCH_NO = 0,
  CN_MATCH_YES = 1,
  CN_MATCH_ERROR = 2,   /* a limit was hit; treated as no match, with a reason */
} CnMatch;

/* Run P over TEXT.  On YES, each named group that matched and whose slot in
 * CAPS is still NULL is stored there (a new string; the caller frees).
 * On ERROR, *why is set to a new string. */
CnMatch cn_pattern_exec (const CnRuleSet *set, const CnPattern *p, const char *text,
                         char *caps[CN_FIELD_COUNT], char **why);

/* Find the first provider kind whose patterns match N->mail and fill N's
 * rule, kind, domain, account, days and expires.  With TRACE, every pattern
 * tried is described there (for -v and `rules test`). */
CnMatch cn_match_notice (const CnRuleSet *set, CnNotice *n, GString *trace);

/* "example.COM." → "example.com"; IDN → punycode.  NULL if not a host name. */
char *cn_normalize_domain (const char *s);

/* A date written as 2021/08/15, 2020年4月28日, 2019-04-18, 2021.01.31 …
 * Returns a new GDate or NULL. */
GDate *cn_parse_date (const char *s);

G_END_DECLS
