/* rules.h — load and validate provider rules (the *.rules files of a
 * directory, and the generic detector's generic.detector; certnotice-rules(5)). */
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
#define CN_DOMAINS_MAX     100            /* host names kept per notice     */

typedef enum {
  CN_FIELD_DOMAIN,
  CN_FIELD_DAYS,
  CN_FIELD_EXPIRES,
  CN_FIELD_ACCOUNT,
  CN_FIELD_COUNT
} CnField;

const char *cn_field_name (CnField f);

/* The named group of the `domains` extractor: every match, every name. */
#define CN_DOMAINS_GROUP "domains"
#define CN_GROUP_DOMAINS (1u << CN_FIELD_COUNT)   /* its bit in CnPattern.groups */

typedef struct {
  char *key;          /* "body", "domain", …                        */
  char *text;         /* the pattern as written                     */
  guint line;         /* where it was written                       */
  pcre2_code *code;
  guint32 groups;     /* bit (1 << CnField) for each named group it has,
                         CN_GROUP_DOMAINS for (?<domains>…)           */
} CnPattern;

struct _CnNoticeKind {
  char *id;                 /* "renewal-failed"                       */
  guint line;               /* of its [notice …] group                */
  char *description;        /* or NULL                                */
  CnPattern *subject, *body, *text, *not_subject, *not_body;  /* text: subject + "\n" + body */
  CnPattern *names;         /* must match the text unless the sender is
                               genuine; NULL = the provider's         */
  CnPattern *field[CN_FIELD_COUNT];  /* extra extractors, or NULL     */
  CnPattern *domains;       /* (?<domains>…), run over every match    */
  char **remediation;       /* NULL = the provider's                  */
  const CnRule *rule;       /* back pointer                           */
};

struct _CnRule {
  char *file;
  const char *layer;        /* "shipped", "user", "replaced", or NULL  */
  char *id;
  char *name;
  char **sender_domains;    /* never NULL; empty for the generic one and
                               for a provider whose mail is local (the
                               user's own hosts) until the config adds some */
  char *support_url;
  char **remediation;
  CnPattern *names;         /* how a mail names the provider, or NULL */
  GPtrArray *kinds;         /* CnNoticeKind *, in file order          */
  gboolean generic;         /* the generic detector's pseudo-rule:
                               no sender is genuine, none is foreign  */
};

typedef struct _CnGeneric CnGeneric;   /* generic.h */

typedef struct {
  GPtrArray *rules;         /* CnRule *, by file name                 */
  CnGeneric *generic;       /* the last layer's generic.detector, or NULL */
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit_stack;   /* NULL until cn_rules_jit()      */
  gboolean jit;
  guint messages;               /* cn_rules_count_message()       */
} CnRuleSet;

/* The name of the generic detector's file inside a rules directory: the
 * last layer that has one gives the set's generic detector. */
#define CN_GENERIC_FILE "generic.detector"

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

/* An empty set: no rules, no detector, the match limits (LIMITS in
 * certnotice-rules(5)) that every pattern runs with. */
CnRuleSet *cn_rules_new (void);

void cn_rules_free (CnRuleSet *set);

/* Patterns are compiled for PCRE2's interpreter when loaded, which is all
 * one mail needs; JIT-compiling them (tens of microseconds each) pays off
 * only over many mails.  This JIT-compiles, once, the patterns of SET that
 * run on every mail (subject, body, text, names, the generic evidence);
 * matching is then faster and otherwise the same — but for the limits
 * (certnotice-rules(5), LIMITS), which count differently. */
void cn_rules_jit (CnRuleSet *set);

/* JIT-compiling the shipped rules costs what matching ~60 notices or ~120
 * other mails saves (measured with bench/parse.sh's corpus): a batch mode
 * counts each message it has judged, and SET is JIT-compiled after
 * CN_JIT_AFTER of them.  The count does not depend on what the prefilter
 * rules out, so neither do the results. */
#define CN_JIT_AFTER 100
void cn_rules_count_message (CnRuleSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnRuleSet, cn_rules_free)

/* Free a kind (every member may be NULL). */
void cn_kind_free (CnNoticeKind *k);
/* Free what a rule holds and zero it (for a rule that is part of another
 * record, as the generic detector's is). */
void cn_rule_clear (CnRule *r);

/* The remediation steps that apply to KIND (its own, else its provider's). */
char **cn_kind_remediation (const CnNoticeKind *kind);

/* The names pattern that applies to KIND (its own, else its provider's), or
 * NULL when the provider's mail need not name it. */
const CnPattern *cn_kind_names (const CnNoticeKind *kind);

/* ---- the key-file loader, shared by rules.c and generic.c ----
 * A CnLoader reads one file: it checks size, UTF-8, the line syntax and the
 * keys allowed in each group, remembers where each key was, and collects
 * every problem as "FILE:LINE: message". */
typedef struct _CnLoader CnLoader;

/* Which groups and keys a file may have.  A group is matched by its exact
 * name, or by a prefix that ends in a space ("notice ").  A key given as
 * "key*" may have a locale suffix (remediation[ja]).  Pattern keys are taken
 * as written (no key-file escapes); other text keys are checked for
 * backslashes GLib would mishandle. */
typedef struct {
  const char *group;
  const char *const *keys;
  const char *const *pattern_keys;
} CnGroupSchema;

/* A loader for PATH checked against SCHEMA (ended by a { NULL } entry);
 * problems are appended to ERRORS.  Free with cn_loader_free(). */
CnLoader *cn_loader_new (const char *path, const CnGroupSchema *schema, GString *errors);
void cn_loader_free (CnLoader *ld);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnLoader, cn_loader_free)
/* Read the file into KF: FALSE (with problems recorded) when it cannot be
 * read, is not valid UTF-8, is too large or malformed, or a text value has a
 * backslash GLib would mishandle.  Groups and keys SCHEMA does not allow are
 * recorded as problems but the file is still read, so that every problem of
 * it is listed: check cn_loader_failed() at the end. */
gboolean cn_loader_read (CnLoader *ld, GKeyFile *kf);
/* Whether any problem was recorded since cn_loader_new(). */
gboolean cn_loader_failed (const CnLoader *ld);
const char *cn_loader_file (const CnLoader *ld);

void cn_loader_problem (CnLoader *ld, guint line, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
guint cn_loader_line (CnLoader *ld, const char *group, const char *key);
/* A compiled pattern, or NULL when the key is absent or the pattern bad (a
 * problem is recorded).  ALLOWED: the named groups it may have (bits as in
 * CnPattern.groups). */
CnPattern *cn_loader_pattern (CnLoader *ld, GKeyFile *kf, const char *group, const char *key,
                              guint32 allowed);
void cn_pattern_free (CnPattern *p);
/* A ';'-separated list, trimmed, empty items dropped; LOCALE may be NULL. */
char **cn_loader_strings (CnLoader *ld, GKeyFile *kf, const char *group, const char *key,
                          const char *locale);
char *cn_loader_string (CnLoader *ld, GKeyFile *kf, const char *group, const char *key,
                        gboolean required);
/* An integer in [MIN, MAX]; DEF when absent. */
int cn_loader_int (CnLoader *ld, GKeyFile *kf, const char *group, const char *key, int min,
                   int max, int def);
/* lowercase letters, digits, '-' and '_', starting with a letter */
gboolean cn_loader_valid_id (const char *s);

/* Describe a rule for -v / `rules list` (a new string). */
char *cn_rule_describe (const CnRule *rule, gboolean verbose);

G_END_DECLS
