/* rules.h — load and validate provider rules (the *.rules files of a
 * directory; certnotice-rules(5)). */
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "certnotice.h"

G_BEGIN_DECLS

#define CN_RULE_FILE_MAX   (256u << 10)   /* bytes per rule file            */
#define CN_PATTERN_MAX     4096           /* bytes per pattern              */
#define CN_MATCH_LIMIT     5000000        /* pcre2_set_match_limit          */
#define CN_DEPTH_LIMIT     5000           /* pcre2_set_depth_limit          */
#define CN_HEAP_LIMIT      (16u << 10)    /* pcre2_set_heap_limit, KiB      */
#define CN_JIT_STACK_MAX   (1u << 20)     /* bytes                          */

typedef enum {
  CN_FIELD_DOMAIN,
  CN_FIELD_DAYS,
  CN_FIELD_EXPIRES,
  CN_FIELD_ACCOUNT,
  CN_FIELD_COUNT
} CnField;

const char *cn_field_name (CnField f);

typedef struct {
  char *key;          /* "body", "domain", …                        */
  char *text;         /* the pattern as written                     */
  guint line;         /* where it was written                       */
  pcre2_code *code;
  guint32 groups;     /* bit (1 << CnField) for each named group it has */
} CnPattern;

struct _CnNoticeKind {
  char *id;                 /* "renewal-failed"                       */
  guint line;               /* of its [notice …] group                */
  char *description;        /* or NULL                                */
  CnPattern *subject, *body, *text, *not_subject, *not_body;  /* text: subject + "\n" + body */
  CnPattern *field[CN_FIELD_COUNT];  /* extra extractors, or NULL     */
  char **remediation;       /* NULL = the provider's                  */
  const CnRule *rule;       /* back pointer                           */
};

struct _CnRule {
  char *file;
  const char *layer;        /* "shipped", "user", "replaced", or NULL  */
  char *id;
  char *name;
  char **sender_domains;
  char *support_url;
  char **remediation;
  GPtrArray *kinds;         /* CnNoticeKind *, in file order          */
};

typedef struct {
  GPtrArray *rules;         /* CnRule *, by file name                 */
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit_stack;
} CnRuleSet;

/* Where rules come from (certnotice-rules(5), FILES): REPLACE (--rules,
 * else $CERTNOTICE_RULES, else the config's rules_dir) alone when given;
 * else the shipped rules (the source tree's for a binary run from its build
 * tree, else the installed directory), then the user's
 * $XDG_CONFIG_HOME/certnotice/rules/ when it exists: a file there of the
 * same name as a shipped one replaces it, a new name adds a provider. */
typedef struct {
  char *dirs[3];            /* NULL-terminated                          */
  const char *labels[3];    /* "shipped", "user", "replaced"            */
} CnRuleLayers;
CnRuleLayers *cn_rules_layers (const char *replace);
void cn_rule_layers_free (CnRuleLayers *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnRuleLayers, cn_rule_layers_free)

/* Load the *.rules files of DIRS (NULL-terminated; a file name met again in
 * a later directory replaces the earlier file), in file name order, each
 * rule remembering the label of its directory (LABELS may be NULL).  On
 * failure returns NULL and sets ERROR (CN_ERROR_RULES) to "FILE:LINE: what
 * is wrong"; with ALL_ERRORS every problem of every file is reported, one
 * per line. */
CnRuleSet *cn_rules_load_layers (char *const *dirs, const char *const *labels, gboolean all_errors,
                                 GError **error);

/* cn_rules_load_layers (cn_rules_layers (REPLACE)). */
CnRuleSet *cn_rules_load (const char *replace, gboolean all_errors, GError **error);

/* Load every *.rules file of DIR alone. */
CnRuleSet *cn_rules_load_dir (const char *dir, gboolean all_errors, GError **error);

/* Load one file into a set of its own (for `rules test FILE`). */
CnRuleSet *cn_rules_load_file (const char *path, GError **error);

void cn_rules_free (CnRuleSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnRuleSet, cn_rules_free)

/* The remediation steps that apply to KIND (its own, else its provider's). */
char **cn_kind_remediation (const CnNoticeKind *kind);

/* Describe a rule for -v / `rules list` (a new string). */
char *cn_rule_describe (const CnRule *rule, gboolean verbose);

G_END_DECLS
