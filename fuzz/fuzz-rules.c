/* fuzz-rules.c — libFuzzer target: the rule-file loader and the generic
 * detector's loader, and what loaded rules then do to mail.
 *
 * The input is written to a file under /dev/shm.  An input with a line
 * "[detector]" is a generic detector's file (generic.detector), loaded with
 * cn_generic_load(); any other is a provider's rule file, loaded with
 * cn_rules_load_file() (the loaders read files only; src/ keeps its API).
 * Checked:
 *   R1  exactly one of "a rule set" and "an error" comes back; the error is
 *       CN_ERROR_RULES, valid UTF-8 and not empty (a detector: a detector
 *       xor problems, each line FILE:…, valid UTF-8)
 *   R2  a loaded rule set holds what the rest of certnotice relies on: one
 *       rule with a provider id of [a-z][a-z0-9_-]*, a name, a support URL,
 *       a list of sender domains (empty for a provider whose mail is local),
 *       remediation steps, and at least one notice kind, each with a subject
 *       or body pattern and a back pointer
 *   R3  cn_rule_describe() works on it (cn_generic_describe() on a detector)
 *   G1  a loaded detector holds what the rest relies on: the pseudo-rule
 *       "generic" (generic, no sender), its kinds in both languages, 1 to 200
 *       pieces of evidence with patterns and non-zero weights, threshold <=
 *       medium <= high, a default kind
 * and then every sample mail of the source tree (read once, at start-up) is
 * judged with the checks of fuzz-report.h (J1 H1 H2; not T1 T2: rule files
 * are the administrator's, and their text may hold anything): a loaded
 * provider rule together with the shipped generic.detector (so that a mail
 * the rule does not take goes on to the generic detector, as it does in
 * certnotice), a loaded detector behind a rule that takes nothing (so that it
 * scores every sample).
 */
#include "fuzz-report.h"

#include "generic.h"
#include "source.h"

#ifndef CN_FUZZ_SOURCE_SAMPLES
#define CN_FUZZ_SOURCE_SAMPLES "samples"
#endif

static CnOptions opts;
static GPtrArray *samples;   /* GBytes *, one per sample file */
static CnGeneric *shipped_generic;   /* the source tree's generic.detector, or NULL */
static CnRuleSet *no_rule;           /* one provider whose kind takes no mail */

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
load_samples (const char *dir)
{
  samples = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GDir) top = g_dir_open (dir, 0, NULL);
  if (top == NULL)
    return;
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *sub;
  while ((sub = g_dir_read_name (top))) {
    g_autofree char *subdir = g_build_filename (dir, sub, NULL);
    g_autoptr (GDir) d = g_dir_open (subdir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name (d)))
      if (g_str_has_suffix (name, ".eml"))
        g_ptr_array_add (files, g_build_filename (subdir, name, NULL));
  }
  for (guint i = 0; i < files->len; i++) {
    g_autofree char *data = NULL;
    gsize len = 0;
    if (g_file_get_contents (files->pdata[i], &data, &len, NULL))
      g_ptr_array_add (samples, g_bytes_new_take (g_steal_pointer (&data), len));
  }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  cn_fuzz_setup ();
  cn_fuzz_read_skips ();
  g_autoptr (GStrvBuilder) sb = g_strv_builder_new ();
  if (cn_fuzz_skips)
    g_strv_builder_addv (sb, (const char **) cn_fuzz_skips);
  g_strv_builder_add (sb, "T1");
  g_strv_builder_add (sb, "T2");
  g_strfreev (cn_fuzz_skips);
  cn_fuzz_skips = g_strv_builder_end (sb);
  /* the shipped generic detector, behind every fuzzed provider rule */
  g_autofree char *gpath = g_build_filename (cn_fuzz_rules_dir (), CN_GENERIC_FILE, NULL);
  g_autoptr (GString) gerr = g_string_new (NULL);
  shipped_generic = cn_generic_load (gpath, gerr);
  if (shipped_generic == NULL)
    fprintf (stderr, "fuzz-rules: %s: %s: provider rules judge without the generic detector\n", gpath,
             gerr->len ? gerr->str : "not loaded");
  /* a rule set whose one kind takes nothing, for fuzzed detectors to stand behind */
  g_autoptr (GError) e = NULL;
  g_autofree char *tmpdir = g_dir_make_tmp ("certnotice-fuzz-XXXXXX", &e);
  CN_FUZZ_CHECK (tmpdir != NULL, "no temporary directory: %s", e ? e->message : "?");
  g_autofree char *nopath = g_build_filename (tmpdir, "none.rules", NULL);
  CN_FUZZ_CHECK (g_file_set_contents (nopath,
                                      "[provider]\nid = none\nname = None\nsender_domains = none.example;\n"
                                      "support_url = https://none.example/\nremediation = a;\n\n"
                                      "[notice never]\nsubject = (*FAIL)\n", -1, &e),
                 "cannot write %s", nopath);
  no_rule = cn_rules_load_file (nopath, &e);
  CN_FUZZ_CHECK (no_rule != NULL, "the rule that takes nothing: %s", e ? e->message : "?");
  (void) remove (nopath);
  (void) remove (tmpdir);
  const char *dir = g_getenv ("CN_FUZZ_SAMPLES");
  load_samples (dir && *dir ? dir : CN_FUZZ_SOURCE_SAMPLES);
  if (samples->len == 0)
    fprintf (stderr, "fuzz-rules: no sample mail found (set CN_FUZZ_SAMPLES): loaded rules judge nothing\n");
  static char *trusted[] = { "mx.certnotice.test", NULL };
  opts.now = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  opts.no_verify = TRUE;
  opts.trusted_authserv = trusted;
  opts.timeout = 1;
  opts.parallel = 1;
  opts.warn_days = 14;
  return 0;
}

static gboolean
valid_id (const char *s)
{
  if (s == NULL || !g_ascii_islower (*s))
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_islower (*s) && !g_ascii_isdigit (*s) && *s != '-' && *s != '_')
      return FALSE;
  return TRUE;
}

static void
check_set (const CnRuleSet *set)
{
  CN_FUZZ_CHECK (set->rules->len == 1, "R2: %u rules from one file", set->rules->len);
  const CnRule *r = set->rules->pdata[0];
  CN_FUZZ_CHECK (valid_id (r->id), "R2: provider id \"%s\"", r->id ? r->id : "(null)");
  CN_FUZZ_CHECK (r->name && *r->name, "R2: no provider name");
  CN_FUZZ_CHECK (r->support_url && *r->support_url, "R2: no support URL");
  CN_FUZZ_CHECK (r->sender_domains != NULL, "R2: no list of sender domains");
  for (char **d = r->sender_domains; *d; d++)
    CN_FUZZ_CHECK (**d && strchr (*d, '.'), "R2: sender domain \"%s\"", *d);
  CN_FUZZ_CHECK (r->remediation && r->remediation[0], "R2: no remediation");
  CN_FUZZ_CHECK (r->kinds->len > 0, "R2: no notice kind");
  for (guint k = 0; k < r->kinds->len; k++) {
    const CnNoticeKind *kind = r->kinds->pdata[k];
    CN_FUZZ_CHECK (kind->rule == r, "R2: kind %u has a wrong back pointer", k);
    CN_FUZZ_CHECK (kind->id && *kind->id, "R2: kind %u has no id", k);
    CN_FUZZ_CHECK (kind->subject || kind->body || kind->text, "R2: kind %s has no subject, body or text pattern", kind->id);
    for (int f = 0; f < CN_FIELD_COUNT; f++)
      CN_FUZZ_CHECK (kind->field[f] == NULL || (kind->field[f]->groups & (1u << f)),
                     "R2: kind %s: extractor %s without its group", kind->id, cn_field_name ((CnField) f));
  }
  g_autofree char *d1 = cn_rule_describe (r, TRUE);
  g_autofree char *d2 = cn_rule_describe (r, FALSE);
  CN_FUZZ_CHECK (d1 && d2 && g_utf8_validate (d1, -1, NULL), "R3: cn_rule_describe");
}

static void
check_detector (const CnGeneric *g)
{
  const CnRule *r = &g->rule;
  CN_FUZZ_CHECK (r->generic && g_strcmp0 (r->id, "generic") == 0, "G1: pseudo-rule id \"%s\"",
                 r->id ? r->id : "(null)");
  CN_FUZZ_CHECK (r->sender_domains && r->sender_domains[0] == NULL, "G1: the detector has a sender");
  CN_FUZZ_CHECK (r->remediation && r->remediation[0], "G1: no remediation");
  CN_FUZZ_CHECK (r->kinds->len > 0 && g->kinds_ja->len == r->kinds->len, "G1: %u kinds, %u Japanese",
                 r->kinds->len, g->kinds_ja->len);
  for (guint k = 0; k < r->kinds->len; k++) {
    const CnNoticeKind *kind = r->kinds->pdata[k];
    CN_FUZZ_CHECK (kind->rule == r && kind->id && *kind->id, "G1: kind %u", k);
    CN_FUZZ_CHECK (cn_kind_remediation (kind) && cn_kind_remediation (kind)[0], "G1: kind %s has no steps",
                   kind->id);
  }
  CN_FUZZ_CHECK (g->default_kind != NULL, "G1: no default kind");
  CN_FUZZ_CHECK (g->evidence->len >= 1 && g->evidence->len <= 200, "G1: %u pieces of evidence",
                 g->evidence->len);
  for (guint i = 0; i < g->evidence->len; i++) {
    const CnEvidence *ev = g->evidence->pdata[i];
    CN_FUZZ_CHECK (ev->pattern && ev->weight != 0 && ev->id && ev->description, "G1: evidence %u", i);
  }
  CN_FUZZ_CHECK (g->threshold >= 1 && g->threshold <= g->medium && g->medium <= g->high,
                 "G1: threshold %d, medium %d, high %d", g->threshold, g->medium, g->high);
  g_autofree char *d1 = cn_generic_describe (g, TRUE);
  g_autofree char *d2 = cn_generic_describe (g, FALSE);
  CN_FUZZ_CHECK (d1 && d2 && g_utf8_validate (d1, -1, NULL), "R3: cn_generic_describe");
}

static void
judge_samples (const CnRuleSet *set)
{
  for (guint s = 0; s < samples->len; s++) {
    /* read again each time: the batch drops a mail's text once judged */
    gsize len = 0;
    const char *data = g_bytes_get_data (samples->pdata[s], &len);
    g_autoptr (GPtrArray) mails = cn_source_from_bytes (data, len, "sample");
    g_autoptr (CnBatch) batch = cn_batch_new (set, &opts);
    CnMessage *msg = cn_batch_add (batch, mails);
    cn_batch_verify (batch);
    for (guint i = 0; i < msg->notices->len; i++) {
      cn_fuzz_check_json (msg->notices->pdata[i], opts.now);
      cn_fuzz_check_text (msg->notices->pdata[i], opts.now);
    }
    g_autofree char *headers = cn_splice_verdict_headers (msg, opts.now);
    cn_fuzz_check_header_block (headers);
  }
}

/* Whether a line of DATA ends in a backslash (before trailing blanks).
 * GLib 2.74's g_key_file_parse_value_as_string() sets a GError over another
 * for a value with an invalid escape and a trailing backslash ("\q\"):
 * a GLib warning and a leaked GError, fixed upstream (the '\0' case now
 * clears the error first).  Such input is skipped unless
 * CN_FUZZ_KEYFILE_BACKSLASH=1. */
static gboolean
has_trailing_backslash (const uint8_t *data, size_t size)
{
  for (size_t i = 0; i < size; i++) {
    if (data[i] != '\\')
      continue;
    size_t j = i + 1;
    while (j < size && (data[j] == ' ' || data[j] == '\t' || data[j] == '\r'))
      j++;
    if (j == size || data[j] == '\n')
      return TRUE;
  }
  return FALSE;
}

/* Whether DATA has a line "[detector]" (blanks around it allowed). */
static gboolean
is_detector (const uint8_t *data, size_t size)
{
  static const char group[] = "[detector]";
  size_t i = 0;
  while (i < size) {
    size_t j = i;
    while (j < size && (data[j] == ' ' || data[j] == '\t'))
      j++;
    if (size - j >= sizeof group - 1 && memcmp (data + j, group, sizeof group - 1) == 0) {
      size_t k = j + sizeof group - 1;
      while (k < size && (data[k] == ' ' || data[k] == '\t' || data[k] == '\r'))
        k++;
      if (k == size || data[k] == '\n')
        return TRUE;
    }
    while (i < size && data[i] != '\n')
      i++;
    i++;
  }
  return FALSE;
}

static void
fuzz_detector (const char *path)
{
  g_autoptr (GString) errors = g_string_new (NULL);
  CnGeneric *g = cn_generic_load (path, errors);
  CN_FUZZ_CHECK ((g == NULL) == (errors->len > 0), "R1: detector %p, %zu bytes of problems", (void *) g,
                 errors->len);
  if (g == NULL) {
    CN_FUZZ_CHECK (g_utf8_validate (errors->str, -1, NULL), "R1: problems \"%s\"", errors->str);
    g_auto (GStrv) lines = g_strsplit (errors->str, "\n", -1);
    for (char **l = lines; *l; l++)
      CN_FUZZ_CHECK (**l == '\0' || g_str_has_prefix (*l, path), "R1: problem without its file: \"%s\"", *l);
    return;
  }
  check_detector (g);
  no_rule->generic = g;
  judge_samples (no_rule);
  no_rule->generic = NULL;
  cn_generic_free (g);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static int keep_backslash = -1;
  if (keep_backslash < 0)
    keep_backslash = g_strcmp0 (g_getenv ("CN_FUZZ_KEYFILE_BACKSLASH"), "1") == 0;
  if (!keep_backslash && has_trailing_backslash (data, size))
    return 0;
  const char *path = cn_fuzz_write_tmp (data, size, ".rules");
  if (is_detector (data, size)) {
    fuzz_detector (path);
    return 0;
  }
  g_autoptr (GError) e = NULL;
  g_autoptr (CnRuleSet) set = cn_rules_load_file (path, &e);
  CN_FUZZ_CHECK ((set == NULL) != (e == NULL), "R1: set %p, error %p", (void *) set, (void *) e);
  if (set == NULL) {
    CN_FUZZ_CHECK (g_error_matches (e, CN_ERROR, CN_ERROR_RULES), "R1: error domain %s code %d",
                   g_quark_to_string (e->domain), e->code);
    CN_FUZZ_CHECK (*e->message && g_utf8_validate (e->message, -1, NULL), "R1: error message \"%s\"",
                   e->message);
    return 0;
  }
  check_set (set);
  set->generic = shipped_generic;   /* borrowed: taken back before the set is freed */
  judge_samples (set);
  set->generic = NULL;
  return 0;
}
