/* match.h — apply the rules to a mail; extract and normalise the claim. */
#pragma once

#include "rules.h"

G_BEGIN_DECLS

typedef enum {
  CN_MATCH_NO = 0,
  CN_MATCH_YES = 1,
  CN_MATCH_ERROR = 2,   /* a limit was hit; treated as no match, with a reason */
} CnMatch;

/* Matches of a `domains` extractor looked at per text (the rest are not). */
#define CN_DOMAINS_MATCHES_MAX 1000

/* Why a pattern gave up (CN_MATCH_ERROR). */
typedef struct {
  const CnPattern *pattern;
  int rc;                /* PCRE2's error code (a limit, or memory); 0 when
                            the pattern could not even start (no memory)   */
} CnPatternFailure;

/* Say in N's reasons that a pattern gave up, as F says (in English, and in
 * the user's language for text output); when it was for want of memory,
 * that is N's internal error too (the first one is kept). */
void cn_pattern_failure_note (CnNotice *n, const CnPatternFailure *f);

/* Run P over TEXT.  On YES, each named group that matched and whose slot in
 * CAPS is still NULL is stored there (a new string; the caller frees).
 * On ERROR, *FAIL (when not NULL) says why. */
CnMatch cn_pattern_exec (const CnRuleSet *set, const CnPattern *p, const char *text,
                         char *caps[CN_FIELD_COUNT], CnPatternFailure *fail);

/* Run P over all of TEXT, match after match (at most CN_DOMAINS_MATCHES_MAX);
 * every non-empty capture of the group NAME is appended to OUT (new strings,
 * OUT frees them).  YES when P matched at least once. */
CnMatch cn_pattern_exec_all (const CnRuleSet *set, const CnPattern *p, const char *text,
                             const char *name, GPtrArray *out, CnPatternFailure *fail);

/* Try the rules on N->mail (the sender's providers first, see
 * certnotice-rules(5)) and on the first kind that matches fill N's rule,
 * kind, domain(s), account, days and expires.  With TRACE, every pattern
 * tried is described there (for -v and `rules test`). */
CnMatch cn_match_notice (const CnRuleSet *set, CnNotice *n, GString *trace);

/* Fill N as a match of KIND: CAPS as captured (borrowed), NAMES the raw
 * captures of a (?<domains>…) group (char *, borrowed; may be NULL). */
void cn_match_fill (CnNotice *n, const CnNoticeKind *kind, char *caps[CN_FIELD_COUNT],
                    const GPtrArray *names);

/* "example.COM." → "example.com"; IDN → punycode.  NULL if not a host name. */
char *cn_normalize_domain (const char *s);

/* A date written as 2021/08/15, 2020年4月28日, 2019-04-18, 2021.01.31,
 * Nov 14, 2024 at 23:59:59 UTC, 31 Jul 18 06:24 +0000, 18 Sept 2019 …
 * Returns a new GDate or NULL. */
GDate *cn_parse_date (const char *s);

G_END_DECLS
