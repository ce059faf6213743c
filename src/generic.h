/* generic.h — the generic detector: certificate notices from hosts that have
 * no rule, recognised by a score over evidence kept as data
 * (rules/generic.detector; certnotice-rules(5), GENERIC DETECTOR). */
#pragma once

#include "match.h"

G_BEGIN_DECLS

/* Where an evidence pattern looks. */
typedef enum {
  CN_ON_SUBJECT,
  CN_ON_BODY,
  CN_ON_TEXT,      /* subject "\n" body */
} CnOn;

typedef struct {
  char *id;                 /* "cert-subject": the group is [evidence ID] */
  guint line;               /* of its group                                */
  char *description;
  CnPattern *pattern;       /* may capture domain, days, expires           */
  CnOn on;
  int weight;               /* added to the score when the pattern matches */
  char *group;              /* for [detector] require, or NULL             */
  const CnNoticeKind *claims; /* the kind it makes the notice, or NULL      */
} CnEvidence;

struct _CnGeneric {
  char *file;
  int threshold;            /* a notice from this score …                  */
  int medium, high;         /* … with medium / high confidence from these  */
  char **require;           /* groups that must each have a match          */
  char **subject_gate;      /* a mail is looked at only when the subject
                               evidence (on = subject, weight > 0) of one
                               of these groups matches its subject; NULL:
                               every mail no rule took                     */
  CnPattern *japanese;      /* the mail is Japanese: the Japanese steps    */
  CnRule rule;              /* the pseudo-rule notices point at: "generic" */
  GPtrArray *kinds_ja;      /* CnNoticeKind *, as rule.kinds with the Japanese steps */
  const CnNoticeKind *default_kind;
  GPtrArray *evidence;      /* CnEvidence *, in file order                 */
};

/* Load PATH with the rules' loader; NULL when invalid, with every problem
 * appended to ERRORS as "FILE:LINE: message\n". */
CnGeneric *cn_generic_load (const char *path, GString *errors);
void cn_generic_free (CnGeneric *g);

/* The subject gate on SUBJECT (a mail's, as CnMail.subject): YES when the
 * detector looks at a mail with that subject (also when it has no gate),
 * NO when it does not (the prefilter then need not either: prefilter.h),
 * ERROR when a gate pattern gave up and none matched (it looks).  NO
 * without a detector. */
CnMatch cn_generic_gate (const CnRuleSet *set, const char *subject);

/* The patterns the gate runs (const CnPattern *, borrowed from G) into
 * OUT; FALSE when G has no gate (it looks at every mail). */
gboolean cn_generic_gate_patterns (const CnGeneric *g, GPtrArray *out);

/* Score N->mail.  On YES N is filled like a rule match (its rule is
 * &set->generic->rule), with a confidence and a reason listing the score.
 * With TRACE, every piece of evidence looked at and its weight. */
CnMatch cn_generic_detect (const CnRuleSet *set, CnNotice *n, GString *trace);

/* For `rules list` (a new string). */
char *cn_generic_describe (const CnGeneric *g, gboolean verbose);

G_END_DECLS
