/* fuzz-mail.c — libFuzzer target: one mail through the whole read path.
 *
 *   bytes → cn_source_from_bytes → cn_batch_add → cn_batch_verify → cn_output_json / text
 *         → cn_splice_verdict_headers → cn_splice
 *
 * with the shipped rules ($CERTNOTICE_RULES, else the source tree's rules/),
 * --no-verify and a fixed clock.  Besides "no sanitizer report, no GLib
 * critical", these properties are checked; each can be switched off by
 * naming it in $CN_FUZZ_SKIP (comma-separated), e.g. to keep fuzzing past a
 * known finding:
 *
 *   M1  every text field of every record is valid UTF-8
 *   J1  every notice's JSON (cn_json_to_string) is valid UTF-8 with no raw
 *       control character, and parses back
 *   J2  the JSON line cn_output_write writes (directly, for a notice
 *       without a live check) is the record cn_output_json builds
 *   T1  the plain-text report (no colour) holds no C0 control character
 *       but '\n' and '\t', and no DEL (no terminal escapes from the mail)
 *   T2  … and no C1 control character (U+0080..U+009F; U+009B is CSI)
 *   T3  … and is valid UTF-8 without bidi controls (U+202A..U+202E,
 *       U+2066..U+2069, U+200E, U+200F, U+061C)
 *   H1  the header block is "" or an X-Certnotice-Verdict field naming a
 *       verdict and an X-Certnotice field: printable ASCII, every line ends
 *       in "\n", folded lines start with a tab and are not blank
 *   H2  no header line is longer than 998 octets (RFC 5322 2.1.1)
 *   S1  cn_splice (input, headers) is the input with the header block
 *       inserted once ("\n" or "\r\n" line ends) after an mbox From_ line
 *       and before any field, and whole lines removed, each a field of ours
 *       (X-Certnotice[-*] as any reader names it) or its continuation, none
 *       after procmail's header section of the output ends
 *   S2  splicing is idempotent: splice (splice (x, h), h) == splice (x, h)
 *   S4  in the header section of the output as procmail reads it and as
 *       GMime, Dovecot and maildrop read it, the fields of ours are exactly
 *       the header block's (one X-Certnotice-Verdict, first), or none
 *       (checked for the judged block, "", and a fixed block on any input)
 *   S3  adding the fields does not change how the mail reads: spliced with
 *       the header block and spliced with "" (old fields removed only;
 *       skipped when that is no mail at all for GMime; only for mail
 *       within 4000 bytes, see fuzz/known/) give
 *       as many records, each with the same subject, body (but for white
 *       space around it) and From domains — the fields went into the header
 *       section as GMime sees it.  Only the message's own record is
 *       compared: GMime 3.2 may lose an embedded message's header depending
 *       on its offset (fuzz/known/).  (Removing old fields may change the
 *       reading: "X-Certnotice: x\nB\n\nbody" is a message, "B\n\nbody" is
 *       none.)
 *   B1  an input starting with "From " is also read as an mbox file
 *       (cn_source_read), each message judged and reported
 *   P1  the prefilter (prefilter.h) rules a mail out only when the full
 *       path finds in it no notice, no reason and no error
 *   P2  when the prefilter's header reading is sure of the subject, it is
 *       the subject the full path reads
 *   P3  when cn_prefilter_may_embed() sees no attached message, the full
 *       path finds none
 *   P4  the fast paths give what the full path gives, JSON and text: the
 *       record read from the header block of a mail the prefilter rules
 *       out (and that record is the full path's field for field, but for
 *       warnings only the rest of the mail can give), and the records of a
 *       mail read with its text skimmed
 *   P5  when the prefilter is sure of the subjects of the messages attached
 *       to a mail (cn_prefilter_attached_subjects), every message the full
 *       path finds attached has one of them
 */
#include "fuzz-report.h"

#include "prefilter.h"
#include "source.h"
#include "tests/record-text.h"

static CnRuleSet *rules;
static CnPrefilterSet *prefilter;
static CnOptions opts;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  cn_fuzz_setup ();
  cn_fuzz_read_skips ();
  const char *dir = cn_fuzz_rules_dir ();
  g_autoptr (GError) e = NULL;
  rules = cn_rules_load_dir (dir, TRUE, &e);
  if (rules == NULL) {
    fprintf (stderr, "fuzz-mail: cannot load the rules from %s (set CERTNOTICE_RULES): %s\n",
             dir, e->message);
    exit (1);
  }
  prefilter = cn_prefilter_set_new (rules);
  static char *trusted[] = { "mx.certnotice.test", NULL };
  opts.now = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  opts.no_verify = TRUE;
  opts.trusted_authserv = trusted;
  opts.timeout = 1;
  opts.parallel = 1;
  opts.warn_days = 14;
  return 0;
}

/* Judge and report every record of MAILS through the batch path the modes
 * use; returns the batch (its one message is messages->pdata[0]). */
static CnBatch *
judge_all (GPtrArray *mails)
{
  CnBatch *b = cn_batch_new (rules, &opts);
  b->trace = g_string_new (NULL);
  for (guint i = 0; i < mails->len; i++)
    cn_fuzz_check_mail (mails->pdata[i]);
  CnMessage *msg = cn_batch_add (b, mails);
  cn_batch_verify (b);
  for (guint i = 0; i < msg->notices->len; i++) {
    const CnNotice *n = msg->notices->pdata[i];
    CN_FUZZ_CHECK (n->verdict < CN_VERDICT_COUNT, "verdict %d out of range", (int) n->verdict);
    CN_FUZZ_CHECK ((n->rule == NULL) == (n->verdict == CN_VERDICT_NOT_A_NOTICE),
                   "verdict %s with rule %p", cn_verdict_name (n->verdict), (const void *) n->rule);
    cn_fuzz_check_json (n, opts.now);
    cn_fuzz_check_text (n, opts.now);
  }
  CN_FUZZ_CHECK ((msg->speaker == NULL) == (msg->verdict == CN_VERDICT_NOT_A_NOTICE),
                 "message verdict %s with speaker %p", cn_verdict_name (msg->verdict), (const void *) msg->speaker);
  g_string_free (g_steal_pointer (&b->trace), TRUE);
  return b;
}

/* ---- S1, S2, S4: splicing --------------------------------------------- *
 *
 * The references below are written from the delivery agents' sources and
 * docs/SECURITY.md, not from splice.c: a line is what ends in LF (or the
 * end); a field starts at a line that does not start with SP or TAB. */

/* A field of ours, as any reader may name it: the name (what precedes the
 * first ':' of the line) with CRs dropped, NUL read as a space, trailing
 * SP/TAB trimmed, is X-Certnotice or X-Certnotice-… (any case).  *VERDICT
 * says whether it is X-Certnotice-Verdict. */
static gboolean
ref_is_ours (const char *line, gsize n, gboolean *verdict)
{
  GString *name = g_string_new (NULL);
  gsize i = 0;
  for (; i < n && line[i] != ':' && line[i] != '\n'; i++)
    if (line[i] != '\r')
      g_string_append_c (name, line[i] ? line[i] : ' ');
  gboolean colon = i < n && line[i] == ':';
  while (name->len && (name->str[name->len - 1] == ' ' || name->str[name->len - 1] == '\t'))
    g_string_truncate (name, name->len - 1);
  g_autofree char *low = g_ascii_strdown (name->str, (gssize) name->len);
  g_string_free (name, TRUE);
  if (verdict)
    *verdict = colon && strcmp (low, "x-certnotice-verdict") == 0;
  return colon && (strcmp (low, "x-certnotice") == 0 || g_str_has_prefix (low, "x-certnotice-"));
}

static gsize
ref_line_end (const char *d, gsize len, gsize i)
{
  const char *nl = memchr (d + i, '\n', len - i);
  return nl ? (gsize) (nl - d) + 1 : len;
}

/* procmail 3.22 (mailfold.c readmail): leading LFs skipped, then strchr for
 * LF: the header ends after the first LF that is followed by another; a NUL
 * met first makes all of the mail its header.  [*START, return) */
static gsize
ref_procmail_header (const char *d, gsize len, gsize *start)
{
  gsize i = 0;
  while (i < len && d[i] == '\n')
    i++;
  *start = i;
  for (gsize p = i; p < len; p++) {
    if (d[p] == '\0')
      return len;
    if (d[p] == '\n' && p + 1 < len && d[p + 1] == '\n')
      return p + 1;
    if (d[p] == '\n' && p + 1 < len && d[p + 1] == '\0')
      return len;
  }
  return len;
}

/* GMime, Dovecot, maildrop's rfc2045 and reformail: after an mbox From_
 * line, up to the first line that is empty or only CR LF. */
static gsize
ref_common_header (const char *d, gsize len, gsize *start)
{
  gsize i = 0;
  if (len >= 5 && memcmp (d, "From ", 5) == 0)
    i = ref_line_end (d, len, 0);
  *start = i;
  while (i < len) {
    gsize e = ref_line_end (d, len, i);
    if ((e - i == 1 && d[i] == '\n') || (e - i == 2 && d[i] == '\r' && d[i + 1] == '\n'))
      return i;
    i = e;
  }
  return len;
}

/* The fields of ours in [START, END) of D: how many, how many verdicts,
 * and the offset of the first. */
static void
ref_count_ours (const char *d, gsize start, gsize end, guint *ours, guint *verdicts, gsize *first)
{
  *ours = *verdicts = 0;
  *first = G_MAXSIZE;
  for (gsize i = start; i < end;) {
    gsize e = ref_line_end (d, end, i);
    gboolean v = FALSE;
    if (d[i] != ' ' && d[i] != '\t' && ref_is_ours (d + i, e - i, &v)) {
      if (*first == G_MAXSIZE)
        *first = i;
      (*ours)++;
      *verdicts += v;
    }
    i = e;
  }
}

/* S4: in every reader's header section of OUT, the fields of ours are
 * exactly those of HEADERS (a verdict and its details, first), or none. */
static void
check_readers (const char *out, gsize olen, const char *headers)
{
  gboolean have = *headers != '\0';
  struct {
    const char *who;
    gsize (*section) (const char *, gsize, gsize *);
  } readers[] = { { "procmail", ref_procmail_header }, { "GMime/Dovecot/maildrop", ref_common_header } };
  for (gsize r = 0; r < G_N_ELEMENTS (readers); r++) {
    gsize start = 0, end = readers[r].section (out, olen, &start);
    guint ours = 0, verdicts = 0;
    gsize first = 0;
    ref_count_ours (out, start, end, &ours, &verdicts, &first);
    if (ours != (have ? 2u : 0u) || verdicts != (have ? 1u : 0u) ||
        (have && strncmp (out + first, "X-Certnotice-Verdict: ", 22) != 0)) {
      g_autofree char *esc = cn_fuzz_escape (out, MIN (olen, 600));
      CN_FUZZ_CHECK (FALSE, "S4: %s reads %u fields of ours (%u verdicts) in its header section [%zu, %zu), "
                     "want %u (%u); output: \"%s\"", readers[r].who, ours, verdicts, (size_t) start, (size_t) end,
                     have ? 2u : 0u, have ? 1u : 0u, esc);
    }
  }
}

static gsize
first_difference (const guint8 *a, gsize alen, const guint8 *b, gsize blen)
{
  gsize i = 0;
  while (i < alen && i < blen && a[i] == b[i])
    i++;
  return i;
}

/* Whether OUT at O holds BLOCK ("\n" lines) in line end "\n" or "\r\n",
 * maybe after one line end when the line before lacks one; its length. */
static gsize
block_at (const char *out, gsize olen, gsize o, const char *block)
{
  for (int crlf = 0; crlf < 2; crlf++) {
    for (int pre = 0; pre < 2; pre++) {
      gsize k = o;
      if (pre) {
        if (o == 0 || out[o - 1] == '\n')
          continue;
        if (crlf && olen - k >= 2 && out[k] == '\r' && out[k + 1] == '\n')
          k += 2;
        else if (!crlf && k < olen && out[k] == '\n')
          k += 1;
        else
          continue;
      }
      const char *p = block;
      for (; *p && k < olen; p++) {
        if (*p == '\n' && crlf) {
          if (out[k] != '\r')
            break;
          k++;
          if (k >= olen)
            break;
        }
        if (out[k] != *p)
          break;
        k++;
      }
      if (*p == '\0')
        return k - o;
    }
  }
  return 0;
}

/* S1: OUT is IN with HEADERS inserted once (in "\n" or "\r\n" line ends),
 * at a line start after an mbox From_ line and before any field, and with
 * whole lines removed, each a field of ours or a continuation of one, none
 * of them after procmail's header section of OUT ends. */
static void
check_shape (const char *in, gsize len, const char *out, gsize olen, const char *headers)
{
  gsize i = 0, o = 0;
  gboolean placed = *headers == '\0', dropping = FALSE, removed = FALSE;
  gsize last_gap = 0;   /* OUT offset of the last removed line's gap */
  if (len >= 5 && memcmp (in, "From ", 5) == 0) {
    gsize e = ref_line_end (in, len, 0);
    CN_FUZZ_CHECK (olen >= e && memcmp (out, in, e) == 0, "S1: the From_ line is not kept first");
    i = o = e;
  }
  for (;;) {
    if (!placed) {
      gsize bl = block_at (out, olen, o, headers);
      if (bl) {
        o += bl;
        placed = TRUE;
        continue;
      }
    }
    if (i >= len)
      break;
    gsize e = ref_line_end (in, len, i), n = e - i;
    gboolean cont = in[i] == ' ' || in[i] == '\t';
    if (olen - o >= n && memcmp (out + o, in + i, n) == 0) {
      if (!cont) {
        CN_FUZZ_CHECK (placed, "S1: input line at %zu is kept before our fields", (size_t) i);
        dropping = FALSE;
      }
      o += n;
      i = e;
      continue;
    }
    gboolean ours = !cont && ref_is_ours (in + i, n, NULL);
    if (!(ours || (cont && dropping))) {
      g_autofree char *line = cn_fuzz_escape (in + i, MIN (n, 200));
      g_autofree char *at = cn_fuzz_escape (out + o, MIN (olen - o, 200));
      CN_FUZZ_CHECK (FALSE, "S1: input line at %zu \"%s\" is neither kept nor a field of ours; output there: \"%s\"",
                     (size_t) i, line, at);
    }
    dropping = TRUE;
    removed = TRUE;
    last_gap = o;
    i = e;
  }
  CN_FUZZ_CHECK (placed, "S1: our fields are not where they belong in the output");
  CN_FUZZ_CHECK (o == olen, "S1: %zu bytes of output left over at %zu", (size_t) (olen - o), (size_t) o);
  if (removed) {
    gsize start = 0, end = ref_procmail_header (out, olen, &start);
    CN_FUZZ_CHECK (last_gap <= end, "S1: a line was removed at output offset %zu, after procmail's header "
                   "section ends (%zu)", (size_t) last_gap, (size_t) end);
  }
}

static void
check_splice (const char *d, gsize len, const char *headers, GBytes **spliced)
{
  g_autoptr (GBytes) got = cn_splice (d, len, headers);
  gsize glen = 0;
  const char *g = g_bytes_get_data (got, &glen);
  if (g == NULL)
    g = "";   /* empty output: no NULL for memcmp */
  if (cn_fuzz_check_on ("S1"))
    check_shape (d, len, g, glen, headers);
  if (cn_fuzz_check_on ("S4"))
    check_readers (g, glen, headers);
  if (cn_fuzz_check_on ("S2")) {
    g_autoptr (GBytes) again = cn_splice (g, glen, headers);
    CN_FUZZ_CHECK (g_bytes_equal (got, again), "S2: splicing the spliced mail again changes it (%zu → %zu bytes)",
                   (size_t) glen, (size_t) g_bytes_get_size (again));
  }
  if (spliced)
    *spliced = g_steal_pointer (&got);
}

/* S3: STRIPPED (the input without X-Certnotice* fields) and SPLICED (the
 * same with our fields added) read the same. */
static void
check_same_reading (GBytes *stripped, GBytes *spliced)
{
  gsize len = 0;
  const char *d = g_bytes_get_data (stripped, &len);
  g_autoptr (GPtrArray) before = cn_source_from_bytes (d ? d : "", len, "fuzz");
  /* our fields go first: a mail whose first line GMime cannot take for a
   * field reads as none at all without them (cn_mime_unparsable) */
  const CnMail *b0 = before->pdata[0];
  if (b0->warnings->len > 0 && g_str_has_prefix (b0->warnings->pdata[0], "not a mail message"))
    return;
  d = g_bytes_get_data (spliced, &len);
  g_autoptr (GPtrArray) after = cn_source_from_bytes (d ? d : "", len, "fuzz");
  CN_FUZZ_CHECK (after->len == before->len, "S3: %u records before splicing, %u after", before->len,
                 after->len);
  /* the message itself only: GMime 3.2 may lose an embedded message's header
   * depending on where it falls in its 4 KiB buffer (fuzz/known/) */
  for (guint i = 0; i < MIN (before->len, 1); i++) {
    const CnMail *a = before->pdata[i], *b = after->pdata[i];
    CN_FUZZ_CHECK (strcmp (a->subject, b->subject) == 0, "S3: record %u: subject \"%.200s\" became \"%.200s\"",
                   i, a->subject, b->subject);
    /* white space around the body may come and go (GMime may find an empty
     * text part in one reading and none in the other) */
    g_autofree char *ab = g_strstrip (g_strdup (a->body));
    g_autofree char *bb = g_strstrip (g_strdup (b->body));
    if (strcmp (ab, bb) != 0) {
      gsize at = first_difference ((const guint8 *) ab, strlen (ab), (const guint8 *) bb, strlen (bb));
      CN_FUZZ_CHECK (FALSE, "S3: record %u: the body changed at byte %zu: \"%.120s\" became \"%.120s\"", i,
                     (size_t) at, ab + (at > 20 ? at - 20 : 0), bb + (at > 20 ? at - 20 : 0));
    }
    CN_FUZZ_CHECK (a->from_domains->len == b->from_domains->len, "S3: record %u: %u From domains became %u", i,
                   a->from_domains->len, b->from_domains->len);
    for (guint j = 0; j < a->from_domains->len; j++)
      CN_FUZZ_CHECK (strcmp (a->from_domains->pdata[j], b->from_domains->pdata[j]) == 0,
                     "S3: record %u: From domain %s became %s", i, (char *) a->from_domains->pdata[j],
                     (char *) b->from_domains->pdata[j]);
  }
}

/* ---- P1–P4: the prefilter ---------------------------------------------- */

/* MAILS (taken) judged alone: every notice's JSON, then the message's
 * text. */
static char *
report_of (GPtrArray *mails)
{
  g_autoptr (CnBatch) b = cn_batch_new (rules, &opts);
  CnMessage *msg = cn_batch_add (b, mails);   /* takes a reference */
  g_ptr_array_unref (mails);
  cn_batch_verify (b);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < msg->notices->len; i++) {
    g_autoptr (JsonNode) node = cn_output_json (msg->notices->pdata[i], opts.now);
    g_autofree char *line = json_to_string (node, FALSE);
    g_string_append_printf (s, "%s\n", line);
  }
  CnTextStyle style = { .now = opts.now };
  cn_output_text_message (s, msg, &style);
  return g_string_free (s, FALSE);
}

static void
check_same_report (const char *what, GPtrArray *fast, GPtrArray *full)
{
  g_autofree char *a = report_of (fast);
  g_autofree char *b = report_of (full);
  if (strcmp (a, b) != 0) {
    gsize at = first_difference ((const guint8 *) a, strlen (a), (const guint8 *) b, strlen (b));
    CN_FUZZ_CHECK (FALSE, "P4: %s differs from the full path at byte %zu:\n  fast \"%.200s\"\n  full \"%.200s\"",
                   what, (size_t) at, a + (at > 40 ? at - 40 : 0), b + (at > 40 ? at - 40 : 0));
  }
}

/* P5: the subject of each of MAILS's attached messages (the full path's
 * records, before judging drops those that say nothing) is one the
 * prefilter read in D. */
static void
check_attached_subjects (const char *d, gsize len, GPtrArray *mails)
{
  g_autoptr (GPtrArray) subjects = cn_prefilter_attached_subjects (d, len);
  for (guint i = 1; subjects && i < mails->len; i++) {
    const CnMail *m = mails->pdata[i];
    gboolean read = FALSE;
    for (guint k = 0; k < subjects->len && !read; k++)
      read = strcmp (subjects->pdata[k], m->subject) == 0;
    CN_FUZZ_CHECK (read, "P5: part %s has the subject \"%.200s\", not one of the %u the prefilter read%s%.200s",
                   m->part, m->subject, subjects->len, subjects->len ? ", the first: " : "",
                   subjects->len ? (const char *) subjects->pdata[0] : "");
  }
}

/* P4: the record read from the header block (ending at END) of the mail D
 * the prefilter rules out is the full path's, field for field. */
static void
check_same_record (const char *d, gsize len, gsize end)
{
  g_autoptr (GPtrArray) fast = cn_mime_read_header (d, end, "fuzz", 0);
  g_autoptr (GPtrArray) full = cn_source_from_bytes (d, len, "fuzz");
  g_autofree char *a = record_text (fast->pdata[0]);
  g_autofree char *b = record_text (full->pdata[0]);
  if (strcmp (a, b) != 0) {
    gsize at = first_difference ((const guint8 *) a, strlen (a), (const guint8 *) b, strlen (b));
    CN_FUZZ_CHECK (FALSE, "P4: the header block's record differs from the full path's at byte %zu:\n  fast \"%.300s\"\n"
                   "  full \"%.300s\"", (size_t) at, a + (at > 40 ? at - 40 : 0), b + (at > 40 ? at - 40 : 0));
  }
  CN_FUZZ_CHECK (copy_warnings_among (fast->pdata[0], full->pdata[0]),
                 "P4: the header block's record warns of its parse copy, the full path's does not");
}

/* MSG: the full path's judgement of the input D (LEN bytes); ATTACHED: the
 * messages it found attached (before judging dropped any). */
static void
check_prefilter (const char *d, gsize len, const CnMessage *msg, guint attached)
{
  gsize end = 0;
  CnPrefilter pf = cn_prefilter_mail (prefilter, d, len, &end);
  if (cn_fuzz_check_on ("P1") && pf == CN_PREFILTER_NO) {
    CN_FUZZ_CHECK (msg->speaker == NULL && msg->error == NULL, "P1: ruled out, but the full path gives %s%s%s",
                   cn_verdict_name (msg->verdict), msg->error ? ", error: " : "", msg->error ? msg->error : "");
    for (guint i = 0; i < msg->notices->len; i++) {
      const CnNotice *n = msg->notices->pdata[i];
      CN_FUZZ_CHECK (n->rule == NULL && n->reasons->len == 0 && n->internal_error == NULL,
                     "P1: ruled out, but record %u has a %s notice, %u reasons (%s)", i,
                     n->rule ? n->rule->id : "(none)", n->reasons->len,
                     n->reasons->len ? (const char *) n->reasons->pdata[0] : "");
    }
  }
  if (cn_fuzz_check_on ("P2")) {
    g_autofree char *subject = cn_prefilter_subject (d, len);
    const CnMail *m = msg->mails->pdata[0];
    CN_FUZZ_CHECK (subject == NULL || strcmp (subject, m->subject) == 0,
                   "P2: the prefilter reads the subject \"%.200s\", the full path \"%.200s\"", subject, m->subject);
  }
  if (cn_fuzz_check_on ("P3") && !cn_prefilter_may_embed (d, len))
    CN_FUZZ_CHECK (attached == 0, "P3: no attached message seen, but the full path finds %u", attached);
  if (cn_fuzz_check_on ("P4")) {
    if (pf == CN_PREFILTER_NO) {
      check_same_report ("the header block's record", cn_mime_read_header (d, end, "fuzz", 0),
                         cn_source_from_bytes (d, len, "fuzz"));
      check_same_record (d, len, end);
    }
    check_same_report ("the skimmed reading", cn_mime_read_skimming (d, len, "fuzz", 0, prefilter),
                       cn_source_from_bytes (d, len, "fuzz"));
  }
}

/* ---- B1: the mbox reader ---------------------------------------------- */

static gboolean
on_mbox_message (GPtrArray *mails, gpointer data)
{
  guint *count = data;
  g_autoptr (CnBatch) batch = judge_all (mails);
  g_autofree char *headers = cn_splice_verdict_headers (batch->messages->pdata[0], opts.now);
  cn_fuzz_check_header_block (headers);
  return ++*count < 10000;
}

/* ---- the target -------------------------------------------------------- */

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = size ? (const char *) data : "";
  g_autoptr (GPtrArray) mails = cn_source_from_bytes (d, size, "fuzz");
  CN_FUZZ_CHECK (mails->len >= 1, "no record for a message");
  guint attached = mails->len - 1;
  if (cn_fuzz_check_on ("P5"))
    check_attached_subjects (d, size, mails);
  g_autoptr (CnBatch) batch = judge_all (mails);
  g_autofree char *headers = cn_splice_verdict_headers (batch->messages->pdata[0], opts.now);
  cn_fuzz_check_header_block (headers);
  check_prefilter (d, size, batch->messages->pdata[0], attached);

  g_autoptr (GBytes) spliced = NULL;
  check_splice (d, size, headers, &spliced);
  g_autoptr (GBytes) stripped = NULL;
  check_splice (d, size, "", &stripped);
  /* whatever the judgement, a block of ours spliced into this input */
  check_splice (d, size, "X-Certnotice-Verdict: suspicious\nX-Certnotice: provider=fuzz; reason=\"x\"\n", NULL);
  /* GMime 3.2 reads some malformed mail differently when a part's header
   * crosses its first 4 KiB buffer (fuzz/known/): S3 on mail below that */
  if (cn_fuzz_check_on ("S3") && *headers && g_bytes_get_size (spliced) <= 4000)
    check_same_reading (stripped, spliced);

  if (cn_fuzz_check_on ("B1") && size >= 5 && memcmp (d, "From ", 5) == 0) {
    const char *path = cn_fuzz_write_tmp (data, size, ".mbox");
    guint count = 0;
    g_autoptr (GError) e = NULL;
    CN_FUZZ_CHECK (cn_source_read (path, on_mbox_message, &count, &e), "B1: cn_source_read: %s",
                   e ? e->message : "?");
    CN_FUZZ_CHECK (count >= 1, "B1: no message read from an mbox");
  }
  return 0;
}
