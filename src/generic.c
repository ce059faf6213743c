/* generic.c — the generic detector: certificate notices from hosts that have
 * no rule.
 *
 * It runs only when no rule matched.  Its vocabulary and weights are data
 * (generic.detector, read with the rules' loader): each [evidence ID] group
 * is a pattern over the subject, the body or both and a weight.  A mail is a
 * notice when every required group of evidence has a match and the weights of
 * the evidence that matched add up to the threshold.  Everything that counted
 * is listed in the notice's reasons, so a verdict can be explained. */
#include "generic.h"

#include "i18n.h"
#include <string.h>

static const char *const detector_keys[] = {
  "name", "description", "support_url", "remediation", "require", "subject_gate", "threshold", "medium",
  "high", "japanese", "default_kind", NULL
};
static const char *const detector_pattern_keys[] = { "japanese", NULL };
static const char *const evidence_keys[] = {
  "description", "pattern", "on", "weight", "group", "claims", NULL
};
static const char *const evidence_pattern_keys[] = { "pattern", NULL };
static const CnGroupSchema generic_schema[] = {
  { "detector", detector_keys, detector_pattern_keys },
  { "evidence ", evidence_keys, evidence_pattern_keys },
  { NULL, NULL, NULL },
};

#define CN_WEIGHT_MAX 100
#define CN_EVIDENCE_MAX 200

static const char *const on_names[] = { [CN_ON_SUBJECT] = "subject", [CN_ON_BODY] = "body",
                                        [CN_ON_TEXT] = "text" };

const char *
cn_confidence_name (CnConfidence c)
{
  switch (c) {
  case CN_CONFIDENCE_LOW:
    return "low";
  case CN_CONFIDENCE_MEDIUM:
    return "medium";
  case CN_CONFIDENCE_HIGH:
    return "high";
  case CN_CONFIDENCE_NONE:
  default:
    return NULL;
  }
}

/* ---- freeing ---- */

static void
evidence_free (CnEvidence *e)
{
  g_free (e->id);
  g_free (e->description);
  cn_pattern_free (e->pattern);
  g_free (e->group);
  g_free (e);
}

void
cn_generic_free (CnGeneric *g)
{
  if (g == NULL)
    return;
  g_free (g->file);
  g_strfreev (g->require);
  g_strfreev (g->subject_gate);
  cn_pattern_free (g->japanese);
  cn_rule_clear (&g->rule);
  if (g->kinds_ja)
    g_ptr_array_unref (g->kinds_ja);
  if (g->evidence)
    g_ptr_array_unref (g->evidence);
  g_free (g);
}

/* Whether E is subject evidence for a notice in GROUP: what the subject
 * gate runs. */
static gboolean
gate_evidence (const CnEvidence *e, const char *group)
{
  return e->on == CN_ON_SUBJECT && e->weight > 0 && g_strcmp0 (e->group, group) == 0;
}

/* ---- loading ---- */

/* The kind named ID (English steps), added on first use. */
static const CnNoticeKind *
kind_for (CnGeneric *g, const char *id, char **steps_ja)
{
  for (guint i = 0; i < g->rule.kinds->len; i++) {
    const CnNoticeKind *k = g->rule.kinds->pdata[i];
    if (strcmp (k->id, id) == 0)
      return k;
  }
  for (int lang = 0; lang < 2; lang++) {
    CnNoticeKind *k = g_new0 (CnNoticeKind, 1);   /* an id, a description, steps */
    k->id = g_strdup (id);
    k->description = g_strdup_printf ("a %s notice from a host without a rule", id);
    k->remediation = g_strdupv (lang ? steps_ja : g->rule.remediation);
    k->rule = &g->rule;
    g_ptr_array_add (lang ? g->kinds_ja : g->rule.kinds, k);
  }
  return g->rule.kinds->pdata[g->rule.kinds->len - 1];
}

static CnEvidence *
load_evidence (CnLoader *ld, GKeyFile *kf, const char *group, CnGeneric *g, char **steps_ja)
{
  CnEvidence *e = g_new0 (CnEvidence, 1);
  e->id = g_strstrip (g_strdup (group + strlen ("evidence ")));
  e->line = cn_loader_line (ld, group, NULL);
  if (!cn_loader_valid_id (e->id))
    cn_loader_problem (ld, e->line, _("[%s]: an evidence id is lowercase letters, digits and '-'"), group);
  e->description = cn_loader_string (ld, kf, group, "description", TRUE);
  e->weight = cn_loader_int (ld, kf, group, "weight", -CN_WEIGHT_MAX, CN_WEIGHT_MAX, 0);
  if (e->weight == 0)
    cn_loader_problem (ld, e->line, _("[%s]: needs a weight (a whole number, not 0)"), group);
  /* only evidence for a notice may say what the notice is */
  guint32 caps = e->weight > 0 ? (1u << CN_FIELD_DOMAIN) | (1u << CN_FIELD_DAYS) | (1u << CN_FIELD_EXPIRES) : 0;
  e->pattern = cn_loader_pattern (ld, kf, group, "pattern", caps);
  if (!g_key_file_has_key (kf, group, "pattern", NULL))
    cn_loader_problem (ld, e->line, _("[%s]: missing pattern"), group);
  g_autofree char *on = cn_loader_string (ld, kf, group, "on", TRUE);
  gboolean known = FALSE;
  for (int i = 0; on && i < (int) G_N_ELEMENTS (on_names); i++)
    if (strcmp (on, on_names[i]) == 0) {
      e->on = (CnOn) i;
      known = TRUE;
    }
  if (on && *on && !known)
    cn_loader_problem (ld, cn_loader_line (ld, group, "on"), _("[%s] on: '%s'; use subject, body or text"), group, on);
  e->group = cn_loader_string (ld, kf, group, "group", FALSE);
  if (e->group && !cn_loader_valid_id (e->group))
    cn_loader_problem (ld, cn_loader_line (ld, group, "group"), _("[%s] group: '%s' is not an id"), group, e->group);
  g_autofree char *claims = cn_loader_string (ld, kf, group, "claims", FALSE);
  if (claims && !cn_loader_valid_id (claims))
    cn_loader_problem (ld, cn_loader_line (ld, group, "claims"), _("[%s] claims: '%s' is not a notice kind"), group, claims);
  else if (claims && e->weight < 0)
    cn_loader_problem (ld, cn_loader_line (ld, group, "claims"), _("[%s] claims: evidence against a notice claims nothing"), group);
  else if (claims)
    e->claims = kind_for (g, claims, steps_ja);
  return e;
}

static void
load_detector (CnLoader *ld, GKeyFile *kf, CnGeneric *g, char ***steps_ja)
{
  const char *d = "detector";
  if (!g_key_file_has_group (kf, d)) {
    cn_loader_problem (ld, 0, _("missing [detector] group"));
    return;
  }
  g->rule.name = cn_loader_string (ld, kf, d, "name", TRUE);
  g->rule.support_url = cn_loader_string (ld, kf, d, "support_url", TRUE);
  /* the untranslated steps whatever the user's locale, and the Japanese ones */
  g->rule.remediation = cn_loader_strings (ld, kf, d, "remediation", "C");
  if (g->rule.remediation == NULL || g->rule.remediation[0] == NULL)
    cn_loader_problem (ld, cn_loader_line (ld, d, NULL), _("[detector]: missing remediation"));
  /* remediation[ja], else the default steps */
  *steps_ja = cn_loader_strings (ld, kf, d, "remediation", "ja");
  g->threshold = cn_loader_int (ld, kf, d, "threshold", 1, 10 * CN_WEIGHT_MAX, 0);
  g->medium = cn_loader_int (ld, kf, d, "medium", 1, 10 * CN_WEIGHT_MAX, G_MAXINT);
  g->high = cn_loader_int (ld, kf, d, "high", 1, 10 * CN_WEIGHT_MAX, G_MAXINT);
  if (g->threshold == 0)
    cn_loader_problem (ld, cn_loader_line (ld, d, NULL), _("[detector]: missing threshold"));
  else if (g->medium < g->threshold || g->high < g->medium)
    cn_loader_problem (ld, cn_loader_line (ld, d, NULL), _("[detector]: needs threshold <= medium <= high"));
  g->require = cn_loader_strings (ld, kf, d, "require", NULL);
  g->subject_gate = cn_loader_strings (ld, kf, d, "subject_gate", NULL);
  g->japanese = cn_loader_pattern (ld, kf, d, "japanese", 0);
  g_autofree char *def = cn_loader_string (ld, kf, d, "default_kind", TRUE);
  if (def && *def && !cn_loader_valid_id (def))
    cn_loader_problem (ld, cn_loader_line (ld, d, "default_kind"), _("default_kind: '%s' is not a notice kind"), def);
  else if (def && *def)
    g->default_kind = kind_for (g, def, *steps_ja);
}

CnGeneric *
cn_generic_load (const char *path, GString *errors)
{
  g_autoptr (CnLoader) ld = cn_loader_new (path, generic_schema, errors);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  if (!cn_loader_read (ld, kf))
    return NULL;
  CnGeneric *g = g_new0 (CnGeneric, 1);
  g->file = g_strdup (path);
  g->rule.file = g_strdup (path);
  g->rule.id = g_strdup ("generic");
  g->rule.sender_domains = g_new0 (char *, 1);
  g->rule.generic = TRUE;
  g->rule.kinds = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_kind_free);
  g->kinds_ja = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_kind_free);
  g->evidence = g_ptr_array_new_with_free_func ((GDestroyNotify) evidence_free);

  g_auto (GStrv) steps_ja = NULL;
  load_detector (ld, kf, g, &steps_ja);
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  for (char **gr = groups; *gr; gr++)
    if (g_str_has_prefix (*gr, "evidence "))
      g_ptr_array_add (g->evidence, load_evidence (ld, kf, *gr, g, steps_ja));
  if (g->evidence->len == 0 || g->evidence->len > CN_EVIDENCE_MAX)
    cn_loader_problem (ld, 0, _("needs 1 to %d [evidence ID] groups"), CN_EVIDENCE_MAX);
  for (char **r = g->require; r && *r; r++) {
    gboolean used = FALSE;
    for (guint i = 0; i < g->evidence->len; i++)
      used |= g_strcmp0 (((CnEvidence *) g->evidence->pdata[i])->group, *r) == 0;
    if (!used)
      cn_loader_problem (ld, cn_loader_line (ld, "detector", "require"),
                         _("require: no evidence is in group '%s'"), *r);
  }
  for (char **r = g->subject_gate; r && *r; r++) {
    gboolean used = FALSE;
    for (guint i = 0; i < g->evidence->len; i++)
      used |= gate_evidence (g->evidence->pdata[i], *r);
    if (!used)
      cn_loader_problem (ld, cn_loader_line (ld, "detector", "subject_gate"),
                         _("subject_gate: no evidence of group '%s' looks at the subject with a positive weight"), *r);
  }
  if (cn_loader_failed (ld))
    g_clear_pointer (&g, cn_generic_free);
  return g;
}

/* ---- detecting ---- */

typedef struct {
  const CnRuleSet *set;
  const CnGeneric *g;
  CnNotice *n;
  GString *trace;
  char *text;                 /* subject "\n" body, made on first use    */
  gboolean *hit;              /* per evidence (file order)               */
  char *caps[CN_FIELD_COUNT]; /* the first capture of each field         */
  int score;
} Scorer;

static const char *
target (Scorer *sc, CnOn on)
{
  const CnMail *m = sc->n->mail;
  if (on == CN_ON_SUBJECT)
    return m->subject;
  if (on == CN_ON_BODY)
    return m->body;
  if (sc->text == NULL)
    sc->text = g_strconcat (m->subject, "\n", m->body, NULL);
  return sc->text;
}

static void
look (Scorer *sc, guint i)
{
  const CnEvidence *e = sc->g->evidence->pdata[i];
  CnPatternFailure fail = { 0 };
  char *local[CN_FIELD_COUNT] = { 0 };
  CnMatch r = cn_pattern_exec (sc->set, e->pattern, target (sc, e->on), local, &fail);
  sc->hit[i] = r == CN_MATCH_YES;
  if (sc->hit[i])
    sc->score += e->weight;
  if (sc->trace) {
    g_string_append_printf (sc->trace, "    %+4d %-22s %-5s on %s (line %u): %s\n", e->weight, e->id,
                            r == CN_MATCH_YES ? "match" : r == CN_MATCH_NO ? "no" : "ERROR",
                            on_names[e->on], e->pattern->line, e->description);
    for (int f = 0; f < CN_FIELD_COUNT; f++)
      if (local[f])
        g_string_append_printf (sc->trace, "           %s = \"%s\"\n", cn_field_name (f), local[f]);
  }
  for (int f = 0; f < CN_FIELD_COUNT; f++) {
    if (sc->caps[f] == NULL)
      sc->caps[f] = local[f];
    else
      g_free (local[f]);
  }
  if (r == CN_MATCH_ERROR)
    cn_pattern_failure_note (sc->n, &fail);
}

static gboolean
in_required (const CnGeneric *g, const char *group)
{
  return group && g->require && g_strv_contains ((const char *const *) g->require, group);
}

/* Look at the evidence: each required group in turn (stop at the first with
 * no match), then the rest (stop when the threshold is out of reach).
 * Returns whether the mail is a notice. */
static gboolean
score (Scorer *sc)
{
  const CnGeneric *g = sc->g;
  for (char **r = g->require; r && *r; r++) {
    gboolean any = FALSE;
    for (guint i = 0; i < g->evidence->len; i++) {
      const CnEvidence *e = g->evidence->pdata[i];
      if (g_strcmp0 (e->group, *r) == 0) {
        look (sc, i);
        any |= sc->hit[i] && e->weight > 0;
      }
    }
    if (!any) {
      if (sc->trace)
        g_string_append_printf (sc->trace, "    no evidence of group '%s': not a notice\n", *r);
      return FALSE;
    }
  }
  int left = 0;   /* what the evidence not yet looked at could still add */
  for (guint i = 0; i < g->evidence->len; i++) {
    const CnEvidence *e = g->evidence->pdata[i];
    if (!in_required (g, e->group) && e->weight > 0)
      left += e->weight;
  }
  for (guint i = 0; i < g->evidence->len; i++) {
    const CnEvidence *e = g->evidence->pdata[i];
    if (in_required (g, e->group))
      continue;
    if (sc->score + left < g->threshold) {
      if (sc->trace)
        g_string_append_printf (sc->trace, "    score %d, at most %d more: below %d, not a notice\n",
                                sc->score, left, g->threshold);
      return FALSE;
    }
    look (sc, i);
    if (e->weight > 0)
      left -= e->weight;
  }
  if (sc->trace)
    g_string_append_printf (sc->trace, "    score %d (a notice from %d)\n", sc->score, g->threshold);
  return sc->score >= g->threshold;
}

/* "cert-subject +3, domain +3, reply -20" for the evidence that matched. */
static char *
contributions (const Scorer *sc)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < sc->g->evidence->len; i++) {
    const CnEvidence *e = sc->g->evidence->pdata[i];
    if (sc->hit[i])
      g_string_append_printf (s, "%s%s %+d", s->len ? ", " : "", e->id, e->weight);
  }
  return g_string_free (s, FALSE);
}

static gboolean
is_japanese (Scorer *sc)
{
  const CnPattern *p = sc->g->japanese;
  const CnMail *m = sc->n->mail;
  return p && (cn_pattern_exec (sc->set, p, m->subject, NULL, NULL) == CN_MATCH_YES ||
               cn_pattern_exec (sc->set, p, m->body, NULL, NULL) == CN_MATCH_YES);
}

gboolean
cn_generic_gate_patterns (const CnGeneric *g, GPtrArray *out)
{
  if (g->subject_gate == NULL)
    return FALSE;
  for (guint i = 0; i < g->evidence->len; i++) {
    const CnEvidence *e = g->evidence->pdata[i];
    for (char **r = g->subject_gate; *r; r++)
      if (gate_evidence (e, *r)) {
        g_ptr_array_add (out, e->pattern);
        break;
      }
  }
  return TRUE;
}

CnMatch
cn_generic_gate (const CnRuleSet *set, const char *subject)
{
  const CnGeneric *g = set->generic;
  if (g == NULL)
    return CN_MATCH_NO;
  g_autoptr (GPtrArray) gate = g_ptr_array_new ();
  if (!cn_generic_gate_patterns (g, gate))
    return CN_MATCH_YES;
  gboolean error = FALSE;
  for (guint i = 0; i < gate->len; i++) {
    CnMatch m = cn_pattern_exec (set, gate->pdata[i], subject, NULL, NULL);
    if (m == CN_MATCH_YES)
      return CN_MATCH_YES;
    error |= m == CN_MATCH_ERROR;
  }
  return error ? CN_MATCH_ERROR : CN_MATCH_NO;
}

CnMatch
cn_generic_detect (const CnRuleSet *set, CnNotice *n, GString *trace)
{
  const CnGeneric *g = set->generic;
  if (g == NULL)
    return CN_MATCH_NO;
  /* a gate that gives up keeps nothing out: the scoring says why */
  if (cn_generic_gate (set, n->mail->subject) == CN_MATCH_NO) {
    if (trace) {
      g_autofree char *groups = g_strjoinv (", ", g->subject_gate);
      g_string_append_printf (trace, "  generic (%s): no evidence of %s on the subject: not looked at\n", g->file,
                              groups);
    }
    return CN_MATCH_NO;
  }
  Scorer sc = { .set = set, .g = g, .n = n, .trace = trace };
  sc.hit = g_new0 (gboolean, g->evidence->len);
  if (trace) {
    g_autofree char *req = g->require ? g_strjoinv (", ", g->require) : g_strdup ("nothing");
    g_string_append_printf (trace, "  generic (%s): a notice from score %d, with evidence of each of: %s\n",
                            g->file, g->threshold, req);
  }
  gboolean notice = score (&sc);
  if (notice) {
    /* the kind: what the first matching evidence (in file order) claims */
    const CnNoticeKind *kind = g->default_kind;
    for (guint i = 0; i < g->evidence->len; i++) {
      const CnEvidence *e = g->evidence->pdata[i];
      if (sc.hit[i] && e->claims) {
        kind = e->claims;
        break;
      }
    }
    if (is_japanese (&sc))
      for (guint i = 0; i < g->rule.kinds->len; i++)
        if (g->rule.kinds->pdata[i] == kind)
          kind = g->kinds_ja->pdata[i];
    n->confidence = sc.score >= g->high ? CN_CONFIDENCE_HIGH
                  : sc.score >= g->medium ? CN_CONFIDENCE_MEDIUM : CN_CONFIDENCE_LOW;
    g_autofree char *why = contributions (&sc);
    /* one sentence per band: the confidence is a word of the sentence */
    /* TRANSLATORS: "…scored 7 (a notice from 5, …): cert-subject +3, domain +3"; the
     * evidence ids after the colon come from rules/generic.detector and stay as they are */
    const char *fmt = n->confidence == CN_CONFIDENCE_HIGH
                        ? N_("no rule matched; the generic detector scored %d (a notice from %d, high "
                             "confidence): %s")
                    : n->confidence == CN_CONFIDENCE_MEDIUM
                        ? N_("no rule matched; the generic detector scored %d (a notice from %d, medium "
                             "confidence): %s")
                        : N_("no rule matched; the generic detector scored %d (a notice from %d, low "
                             "confidence): %s");
    cn_notice_add_reason (n, fmt, sc.score, g->threshold, why);
    cn_match_fill (n, kind, sc.caps, NULL);
    if (trace)
      g_string_append_printf (trace, "    a notice: %s, %s confidence\n", kind->id,
                              cn_confidence_name (n->confidence));
  }
  for (int f = 0; f < CN_FIELD_COUNT; f++)
    g_free (sc.caps[f]);
  g_free (sc.hit);
  g_free (sc.text);
  return notice ? CN_MATCH_YES : CN_MATCH_NO;
}

/* ---- describing ---- */

char *
cn_generic_describe (const CnGeneric *g, gboolean verbose)
{
  GString *s = g_string_new (NULL);
  g_autofree char *req = g->require ? g_strjoinv (", ", g->require) : g_strdup ("nothing");
  g_string_append_printf (s, "%s\t%s\tfrom any sender (never authentic)\t(%s)\n", g->rule.id, g->rule.name,
                          g->file);
  g_string_append_printf (s, "  a notice from score %d (medium confidence from %d, high from %d), with evidence of each of: %s\n",
                          g->threshold, g->medium, g->high, req);
  if (g->subject_gate) {
    g_autofree char *gate = g_strjoinv (" or ", g->subject_gate);
    g_string_append_printf (s, "  looks only at mail whose subject has evidence of %s\n", gate);
  }
  for (guint i = 0; i < g->rule.kinds->len; i++) {
    const CnNoticeKind *k = g->rule.kinds->pdata[i];
    g_string_append_printf (s, "  %s%s\n", k->id, k == g->default_kind ? " (when nothing else is claimed)" : "");
  }
  for (guint i = 0; i < g->evidence->len; i++) {
    const CnEvidence *e = g->evidence->pdata[i];
    g_string_append_printf (s, "    %+4d %-22s on %-7s %s", e->weight, e->id, on_names[e->on], e->description);
    if (e->group)
      g_string_append_printf (s, " [%s]", e->group);
    if (e->claims)
      g_string_append_printf (s, " → %s", e->claims->id);
    g_string_append_c (s, '\n');
    if (verbose)
      g_string_append_printf (s, "         pattern %s  (line %u)\n", e->pattern->text, e->pattern->line);
  }
  return g_string_free (s, FALSE);
}
