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
 *   T1  the plain-text report (no colour) holds no C0 control character
 *       but '\n' and '\t', and no DEL (no terminal escapes from the mail)
 *   T2  … and no C1 control character (U+0080..U+009F; U+009B is CSI)
 *   T3  … and is valid UTF-8 without bidi controls (U+202A..U+202E,
 *       U+2066..U+2069, U+200E, U+200F, U+061C)
 *   H1  the header block is "" or an X-Certnotice-Verdict field naming a
 *       verdict and an X-Certnotice field: printable ASCII, every line ends
 *       in "\n", folded lines start with a tab and are not blank
 *   H2  no header line is longer than 998 octets (RFC 5322 2.1.1)
 *   S1  cn_splice_header_end() agrees with a reference, and
 *       cn_splice (input, headers) is, byte for byte, the input's
 *       header section without its X-Certnotice* fields, then the headers in
 *       the mail's line ending, then the rest of the input unchanged
 *   S2  splicing is idempotent: splice (splice (x, h), h) == splice (x, h)
 *   S3  adding the fields does not change how the mail reads: spliced with
 *       the header block and spliced with "" (old fields removed only) give
 *       as many records, each with the same subject, body (but for white
 *       space around it) and From domains — the fields went into the header
 *       section as GMime sees it.  Only the message's own record is
 *       compared: GMime 3.2 may lose an embedded message's header depending
 *       on its offset (fuzz/known/).  (Removing old fields may change the
 *       reading: "X-Certnotice: x\nB\n\nbody" is a message, "B\n\nbody" is
 *       none.)
 *   B1  an input starting with "From " is also read as an mbox file
 *       (cn_source_read), each message judged and reported
 */
#include "fuzz-report.h"

#include "source.h"

static CnRuleSet *rules;
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

/* ---- S1, S2, S3: splicing --------------------------------------------- */

/* The character that ends lines (docs/VIOLATIONS.md, "Line ends"): CR in
 * old Mac mail, which has CRs and no LF in its first 8 KiB; else LF. */
static char
ref_line_sep (const char *d, gsize len)
{
  gsize n = MIN (len, 8192);
  return memchr (d, '\r', n) && !memchr (d, '\n', n) ? '\r' : '\n';
}

static gboolean ref_is_ours (const char *line, gsize n);

/* The header section as filter.h documents it: after an mbox "From " line,
 * up to the first line that is empty but for its line end; the line end is
 * that of the first line after the "From " line ("\r\n" or "\n"), or "\r"
 * in bare-CR mail.  *OURS_FIRST says whether that first line is an
 * X-Certnotice field: its line end is then not a good guess (S2), and
 * either answer is accepted, so that fixing that does not break S1. */
static gsize
ref_header_end (const char *d, gsize len, const char **eol, gboolean *ours_first)
{
  *ours_first = FALSE;
  char sep = ref_line_sep (d, len);
  gsize i = 0;
  if (len >= 5 && memcmp (d, "From ", 5) == 0) {
    while (i < len && d[i] != sep)
      i++;
    i = i < len ? i + 1 : len;
  }
  *eol = sep == '\r' ? "\r" : "\n";
  gboolean first = TRUE;
  while (i < len) {
    gsize e = i;
    while (e < len && d[e] != sep)
      e++;
    gboolean has_sep = e < len;
    gsize content_end = e;
    if (sep == '\n' && content_end > i && d[content_end - 1] == '\r')
      content_end--;
    if (first) {
      if (sep == '\n' && has_sep && e > i && d[e - 1] == '\r')
        *eol = "\r\n";
      *ours_first = ref_is_ours (d + i, e - i);
      first = FALSE;
    }
    if (content_end == i)
      return i;
    i = has_sep ? e + 1 : len;
  }
  return len;
}

/* A field of ours: its name (what precedes the first ':', with no white
 * space in it) begins with X-Certnotice. */
static gboolean
ref_is_ours (const char *line, gsize n)
{
  static const char prefix[] = "x-certnotice";
  if (n < sizeof prefix - 1 || g_ascii_strncasecmp (line, prefix, sizeof prefix - 1) != 0)
    return FALSE;
  for (gsize i = sizeof prefix - 1; i < n; i++) {
    if (line[i] == ':')
      return TRUE;
    if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')
      return FALSE;
  }
  return FALSE;
}

/* What cn_splice (D, LEN, HEADERS) must give, in line end EOL (NULL:
 * the reference's own guess); *REMOVED is the count of X-Certnotice* bytes
 * dropped. */
static GByteArray *
ref_splice (const char *d, gsize len, const char *headers, const char *eol, gsize *removed)
{
  const char *ref_eol;
  gboolean ours_first;
  gsize end = ref_header_end (d, len, &ref_eol, &ours_first);
  if (eol == NULL)
    eol = ref_eol;
  GByteArray *out = g_byte_array_new ();
  gboolean from_line = len >= 5 && memcmp (d, "From ", 5) == 0;
  gboolean dropping = FALSE;
  *removed = 0;
  char sep = ref_line_sep (d, len);
  for (gsize i = 0; i < end;) {
    gsize e = i;
    while (e < end && d[e] != sep)
      e++;
    e = e < end ? e + 1 : end;
    const char *line = d + i;
    gsize n = e - i;
    if (from_line && i == 0)
      dropping = FALSE;
    else if (line[0] != ' ' && line[0] != '\t')
      dropping = ref_is_ours (line, n);
    if (dropping)
      *removed += n;
    else
      g_byte_array_append (out, (const guint8 *) line, (guint) n);
    i = e;
  }
  if (headers && *headers) {
    if (out->len > 0 && out->data[out->len - 1] != (guint8) sep)
      g_byte_array_append (out, (const guint8 *) eol, (guint) strlen (eol));
    for (const char *p = headers; *p; p++) {
      if (*p == '\n')
        g_byte_array_append (out, (const guint8 *) eol, (guint) strlen (eol));
      else
        g_byte_array_append (out, (const guint8 *) p, 1);
    }
  }
  g_byte_array_append (out, (const guint8 *) d + end, (guint) (len - end));
  return out;
}

static gsize
first_difference (const guint8 *a, gsize alen, const guint8 *b, gsize blen)
{
  gsize i = 0;
  while (i < alen && i < blen && a[i] == b[i])
    i++;
  return i;
}

static void
check_splice (const char *d, gsize len, const char *headers, GBytes **spliced)
{
  g_autoptr (GBytes) got = cn_splice (d, len, headers);
  gsize glen = 0;
  const guint8 *g = g_bytes_get_data (got, &glen);
  if (g == NULL)
    g = (const guint8 *) "";   /* empty output: no NULL for memcmp */
  if (cn_fuzz_check_on ("S1")) {
    const char *eol = NULL, *ref_eol = NULL;
    gboolean ours_first = FALSE;
    gsize end = cn_splice_header_end (d, len, &eol);
    gsize ref_end = ref_header_end (d, len, &ref_eol, &ours_first);
    CN_FUZZ_CHECK (end == ref_end && (ours_first || strcmp (eol, ref_eol) == 0),
                   "S1: cn_splice_header_end = %zu (eol \"%s\"), expected %zu (eol \"%s\")", (size_t) end,
                   eol[0] == '\r' ? (eol[1] ? "\\r\\n" : "\\r") : "\\n", (size_t) ref_end,
                   ref_eol[0] == '\r' ? (ref_eol[1] ? "\\r\\n" : "\\r") : "\\n");
    gsize removed = 0;
    g_autoptr (GByteArray) want = ref_splice (d, len, headers, ours_first ? eol : NULL, &removed);
    gsize hlen = strlen (headers);
    /* the weak form first, then the exact one */
    CN_FUZZ_CHECK (glen + removed >= len, "S1: output of %zu bytes from %zu input bytes (%zu removed)",
                   (size_t) glen, (size_t) len, (size_t) removed);
    CN_FUZZ_CHECK (glen >= len - end && memcmp (g + glen - (len - end), d + end, len - end) == 0,
                   "S1: the %zu bytes after the header end (offset %zu) are not kept as they were",
                   (size_t) (len - end), (size_t) end);
    if (glen != want->len || (glen > 0 && memcmp (g, want->data, glen) != 0)) {
      gsize at = first_difference (g, glen, want->data, want->len);
      gsize from = at > 40 ? at - 40 : 0;
      g_autofree char *ge = cn_fuzz_escape ((const char *) g + from, MIN (glen - from, 120));
      g_autofree char *we = cn_fuzz_escape ((const char *) want->data + from, MIN (want->len - from, 120));
      CN_FUZZ_CHECK (FALSE, "S1: splice output (%zu bytes) differs from the expected (%zu bytes; "
                     "%zu header bytes added, %zu removed) at byte %zu:\n  got  \"%s\"\n  want \"%s\"",
                     (size_t) glen, (size_t) want->len, (size_t) hlen, (size_t) removed, (size_t) at, ge, we);
    }
  }
  if (cn_fuzz_check_on ("S2") && *headers) {
    g_autoptr (GBytes) again = cn_splice ((const char *) g, glen, headers);
    CN_FUZZ_CHECK (g_bytes_equal (got, again), "S2: splicing the spliced mail again changes it (%zu → %zu bytes)",
                   (size_t) glen, (size_t) g_bytes_get_size (again));
  }
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
  g_autoptr (CnBatch) batch = judge_all (mails);
  g_autofree char *headers = cn_splice_verdict_headers (batch->messages->pdata[0], opts.now);
  cn_fuzz_check_header_block (headers);

  g_autoptr (GBytes) spliced = NULL;
  check_splice (d, size, headers, &spliced);
  g_autoptr (GBytes) stripped = NULL;
  check_splice (d, size, "", &stripped);
  if (cn_fuzz_check_on ("S3") && *headers)
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
