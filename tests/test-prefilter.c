/* test-prefilter.c — the prefilter (prefilter.h) never changes a result.
 *
 *   /prefilter/subject/…   its header reading gives GMime's subject, or
 *                          says it is unsure (crafted header blocks)
 *   /prefilter/embed/…     an attached message it does not see is one GMime
 *                          does not find either
 *   /prefilter/decide/…    kinds without a subject pattern, patterns that
 *                          give up: MAYBE
 *   /prefilter/attached/…  a mail with messages attached: NO only when the
 *                          subject of each one GMime may find is ruled out
 *                          (crafted bounces and forwards, every shape the
 *                          reading is unsure of); an attached notice stays
 *                          found; one that says nothing gets no record
 *   /prefilter/same/…      for crafted mail, every sample and every mail of
 *                          the corpus (../shared/corpus, or $CORPUS_DIR):
 *                          reading with the prefilter gives byte-identical
 *                          JSON and text to reading every message whole;
 *                          and for a single message the prefilter rules
 *                          out, the full path finds no notice, no reason
 *                          and no error.  The last case checks that the
 *                          corpus mostly took the fast path (the test is
 *                          not vacuous).  Every record made on the way
 *                          is written by cn_output_write as cn_output_json
 *                          builds it.
 */
#include "pipeline.h"
#include "json.h"
#include "output.h"
#include "prefilter.h"
#include "source.h"
#include "test-notice.h"
#include "tests/record-text.h"

#include <glib/gstdio.h>
#include <string.h>

static CnRuleSet *rules;
static CnPrefilterSet *prefilter;
static CnOptions opts;

/* ---- the header reading ---- */

typedef struct {
  const char *name;
  const char *mail;
  const char *subject;    /* what the prefilter reads, NULL: unsure */
} SubjectCase;

static const SubjectCase subject_cases[] = {
  { "plain", "From: a@b.example\nSubject: Hello there\n\nbody\n", "Hello there" },
  { "crlf", "From: a@b.example\r\nSubject: Hello\r\n\r\nbody\r\n", "Hello" },
  { "folded", "Subject: one\n two\n\tthree\nX: y\n\nb\n", "one two three" },
  { "encoded", "Subject: =?UTF-8?B?44GT44KT44Gr44Gh44Gv?= =?UTF-8?Q?_world?=\n\nb\n", "こんにちは world" },
  { "iso-2022-jp", "Subject: =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=\n\nb\n", "こんにちは" },
  { "fullwidth nfkc", "Subject: =?UTF-8?B?77yh77yi77yj77yR77yS?=\n\nb\n", "ABC12" },
  { "blank before colon", "Subject : spaced\n\nb\n", "spaced" },
  { "lowercase name", "subject: lower\n\nb\n", "lower" },
  { "first empty", "Subject:\nSubject: second\n\nb\n", "second" },
  { "first wins", "Subject: first\nSubject: second\n\nb\n", "first" },
  { "no subject", "From: a@b.example\n\nb\n", "" },
  { "mbox from line", "From a@b Mon Jan  1 00:00:00 2024\nSubject: after\n\nb\n", "after" },
  { "from field first", "From : a@b.example\n continued: x\nSubject: s\n\nb\n", "s" },
  { "bad line dropped", "From: a@b.example\nbad line here\n continued\nSubject: kept\n\nb\n", "kept" },
  { "bad name dropped", "X-A: 1\nX Bad: 2\nSubject: kept\n\nb\n", "kept" },
  { "8-bit name", "X-\xc3\xa9: 1\nSubject: kept\n\nb\n", "kept" },
  { "subject in body", "X: 1\n\nSubject: not this\n", "" },
  { "empty line with CR", "Subject: a\n\r\nSubject: b\n", "a" },
  { "header only, no end", "Subject: a\n", NULL },
  { "no line end", "Subject: a", NULL },
  { "bare CR", "Subject: a\rb\n\nc\n", NULL },
  { "NUL", "Subject: a\0b\n\nc\n", NULL },
  { "leading continuation", " Subject: a\n\nb\n", NULL },
  { "first line bad", "not a header\nSubject: a\n\nb\n", NULL },
  { "munged from line", ">From a@b\nSubject: a\n\nb\n", NULL },
  { "empty", "", NULL },
};

/* The subject the full path reads from MAIL. */
static char *
gmime_subject (const char *mail, gsize len)
{
  g_autoptr (GPtrArray) mails = cn_mime_read (mail, len, "t", 0);
  const CnMail *m = mails->pdata[0];
  return g_strdup (m->subject);
}

static gsize
case_len (const SubjectCase *c)
{
  /* the NUL case has one inside */
  return strcmp (c->name, "NUL") == 0 ? 15 : strlen (c->mail);
}

static void
test_subject (gconstpointer data)
{
  const SubjectCase *c = data;
  gsize len = case_len (c);
  g_autofree char *got = cn_prefilter_subject (c->mail, len);
  g_assert_cmpstr (got, ==, c->subject);
  if (got) {
    g_autofree char *gm = gmime_subject (c->mail, len);
    g_assert_cmpstr (got, ==, gm);
  }
}

static void
test_subject_many_fields (void)
{
  g_autoptr (GString) s = g_string_new (NULL);
  for (int i = 0; i <= CN_MAX_HEADERS; i++)
    g_string_append_printf (s, "X-%d: v\n", i);
  g_string_append (s, "Subject: late\n\nb\n");
  g_autofree char *got = cn_prefilter_subject (s->str, s->len);
  g_assert_null (got);
}

/* A line whose colon is past the 4000th byte GMime cannot scan past:
 * mime.c's parse copy cuts it, and GMime drops what is left (no colon). */
static void
test_subject_far_colon (void)
{
  g_autoptr (GString) s = g_string_new ("From: a@b.example\nSubject");
  for (int i = 0; i < 4100; i++)
    g_string_append_c (s, ' ');
  g_string_append (s, ": first\n continued\nSubject: second\n\nb\n");
  g_autofree char *got = cn_prefilter_subject (s->str, s->len);
  g_autofree char *gm = gmime_subject (s->str, s->len);
  g_assert_cmpstr (gm, ==, "second");
  g_assert_cmpstr (got, ==, gm);
}

static void
test_subject_long (void)
{
  g_autoptr (GString) s = g_string_new ("Subject: ");
  for (guint i = 0; i < CN_MAX_HEADER_BYTES / 10; i++)
    g_string_append (s, "aaaa bbbb ");
  g_string_append (s, "\n\nb\n");
  g_autofree char *got = cn_prefilter_subject (s->str, s->len);
  g_assert_null (got);
}

/* ---- attached messages ---- */

typedef struct {
  const char *name;
  const char *mail;
  gboolean may_embed;
} EmbedCase;

#define MP(ct, part) "From: a@b.example\nSubject: x\nContent-Type: " ct "\n\n--B\n" part "\n--B--\n"
#define INNER "Subject: inner\nFrom: c@d.example\n\ninner body\n"

static const EmbedCase embed_cases[] = {
  { "none", "Subject: x\n\nplain text mentions message/rfc822x only\n", FALSE },
  { "rfc822", MP ("multipart/mixed; boundary=B", "Content-Type: message/rfc822\n\n" INNER), TRUE },
  { "case and space", MP ("multipart/mixed; boundary=B", "Content-Type: Message / RFC822\n\n" INNER), TRUE },
  { "folded", MP ("multipart/mixed; boundary=B", "Content-Type: message/\n rfc822\n\n" INNER), TRUE },
  { "comment", MP ("multipart/mixed; boundary=B", "Content-Type: message(x)/rfc822\n\n" INNER), TRUE },
  { "rfc2822", MP ("multipart/mixed; boundary=B", "Content-Type: message/rfc2822\n\n" INNER), TRUE },
  { "global", MP ("multipart/mixed; boundary=B", "Content-Type: message/global\n\n" INNER), TRUE },
  { "news", MP ("multipart/mixed; boundary=B", "Content-Type: message/news\n\n" INNER), TRUE },
  { "top level", "Subject: x\nContent-Type: message/rfc822\n\n" INNER, TRUE },
  { "digest", MP ("multipart/digest; boundary=B", "\n" INNER), TRUE },
  { "global-headers", MP ("multipart/report; boundary=B", "Content-Type: message/global-headers\n\n" INNER), FALSE },
  { "delivery-status", MP ("multipart/report; boundary=B", "Content-Type: message/delivery-status\n\nX: y\n"), FALSE },
  { "rfc822-headers", MP ("multipart/report; boundary=B", "Content-Type: text/rfc822-headers\n\n" INNER), FALSE },
  { "partial", MP ("multipart/mixed; boundary=B", "Content-Type: message/partial\n\n" INNER), FALSE },
};

static void
test_embed (gconstpointer data)
{
  const EmbedCase *c = data;
  gsize len = strlen (c->mail);
  g_assert_cmpint (cn_prefilter_may_embed (c->mail, len), ==, c->may_embed);
  /* GMime finds an attached message only where the scan saw one */
  g_autoptr (GPtrArray) mails = cn_mime_read (c->mail, len, "t", 0);
  if (!c->may_embed)
    g_assert_cmpuint (mails->len, ==, 1);
  else
    g_assert_cmpuint (mails->len, ==, 2);
}

/* A large mail: mime.c may cut a long field in its parse copy, so a subtype
 * that merely starts like one counts there. */
static void
test_embed_large (void)
{
  g_autoptr (GString) s = g_string_new ("Subject: x\n\nmessage/rfc822x\n");
  while (s->len < CN_MAX_HEADER_BYTES)
    g_string_append (s, "padding padding padding padding\n");
  g_assert_true (cn_prefilter_may_embed (s->str, s->len));
}

/* ---- the decision ---- */

static CnRuleSet *
rules_from (const char *text)
{
  g_autofree char *dir = g_dir_make_tmp ("prefilter-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.rules", NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_autoptr (GError) e = NULL;
  CnRuleSet *set = cn_rules_load_dir (dir, TRUE, &e);
  g_assert_no_error (e);
  g_unlink (path);
  g_rmdir (dir);
  return set;
}

#define PROVIDER "[provider]\nid = t\nname = T\nsender_domains = t.example;\nsupport_url = https://t.example/\n" \
                 "remediation = Fix it;\n\n"

static void
test_decide_subject (void)
{
  g_autoptr (CnRuleSet) rs = rules_from (PROVIDER "[notice x]\nsubject = certificate trouble\nbody = renew\n");
  g_autoptr (CnPrefilterSet) set = cn_prefilter_set_new (rs);
  g_assert_cmpint (cn_prefilter_decide (set, "certificate trouble ahead", FALSE), ==, CN_PREFILTER_MAYBE);
  g_assert_cmpint (cn_prefilter_decide (set, "lunch on friday", FALSE), ==, CN_PREFILTER_NO);
  g_assert_cmpint (cn_prefilter_decide (set, "lunch on friday", TRUE), ==, CN_PREFILTER_MAYBE);
}

static void
test_decide_no_subject_pattern (void)
{
  g_autoptr (CnRuleSet) rs = rules_from (PROVIDER "[notice x]\nsubject = certificate trouble\n\n"
                                         "[notice y]\nbody = certificate trouble\n");
  g_autoptr (CnPrefilterSet) set = cn_prefilter_set_new (rs);
  g_assert_cmpint (cn_prefilter_decide (set, "lunch on friday", FALSE), ==, CN_PREFILTER_MAYBE);
}

static void
test_decide_gives_up (void)
{
  /* exponential backtracking: the match limit ends it, an error */
  g_autoptr (CnRuleSet) rs = rules_from (PROVIDER "[notice x]\nsubject = ^(a|a)*$\n");
  g_autoptr (CnPrefilterSet) set = cn_prefilter_set_new (rs);
  g_autoptr (GString) s = g_string_new (NULL);
  for (int i = 0; i < 40; i++)
    g_string_append_c (s, 'a');
  g_string_append_c (s, 'b');
  g_assert_cmpint (cn_prefilter_decide (set, s->str, FALSE), ==, CN_PREFILTER_MAYBE);
}

/* ---- the same results ---- */

static gboolean
add_message (GPtrArray *mails, gpointer data)
{
  cn_batch_add (data, mails);
  return TRUE;
}

/* The JSON line parse writes for N (cn_output_write) is the record
 * cn_output_json builds, as cn_json_to_string writes it. */
static void
assert_json_line (const CnNotice *n)
{
  g_autoptr (JsonNode) node = cn_output_json (n, opts.now);
  g_autofree char *built = cn_json_to_string (node);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  g_assert_nonnull (f);
  cn_output_write (f, CN_FORMAT_JSON, n, opts.now, FALSE, FALSE);
  g_assert_cmpint (fclose (f), ==, 0);
  g_autofree char *written = buf;
  g_assert_true (len > 0 && written[len - 1] == '\n');
  written[len - 1] = '\0';
  g_assert_cmpstr (written, ==, built);
}

/* JSON and text of every message of B, as parse writes them. */
static char *
report (CnBatch *b)
{
  cn_batch_verify (b);
  GString *s = g_string_new (NULL);
  CnTextStyle style = { .now = opts.now, .provider_width = cn_output_provider_width (rules) };
  for (guint i = 0; i < b->messages->len; i++) {
    const CnMessage *msg = b->messages->pdata[i];
    for (guint k = 0; k < msg->notices->len; k++) {
      g_autoptr (JsonNode) node = cn_output_json (msg->notices->pdata[k], opts.now);
      g_autofree char *line = json_to_string (node, FALSE);
      g_string_append_printf (s, "%s\n", line);
      assert_json_line (msg->notices->pdata[k]);
    }
    cn_output_text_message (s, msg, &style);
  }
  return g_string_free (s, FALSE);
}

static char *
read_path (const char *path, const CnPrefilterSet *pf)
{
  g_autoptr (CnBatch) b = cn_batch_new (rules, &opts);
  g_autoptr (GError) e = NULL;
  g_assert_true (cn_source_read_prefiltered (path, pf, add_message, b, &e));
  g_assert_no_error (e);
  return report (b);
}

/* MAILS (taken) judged alone. */
static char *
report_mails (GPtrArray *mails)
{
  g_autoptr (CnBatch) b = cn_batch_new (rules, &opts);
  cn_batch_add (b, mails);   /* takes a reference */
  g_ptr_array_unref (mails);
  return report (b);
}

/* The record of MAIL (LEN bytes) the prefilter rules out, read from its
 * header block (ending at END), is the full path's, field for field (but
 * for the warnings only the text can give). */
static void
assert_same_record (const char *mail, gsize len, gsize end)
{
  g_autoptr (GPtrArray) fast = cn_mime_read_header (mail, end, "t", 0);
  g_autoptr (GPtrArray) full = cn_mime_read (mail, len, "t", 0);
  g_assert_cmpuint (fast->len, ==, 1);
  g_autofree char *a = record_text (fast->pdata[0]);
  g_autofree char *b = record_text (full->pdata[0]);
  g_assert_cmpstr (a, ==, b);
  g_assert_true (copy_warnings_among (fast->pdata[0], full->pdata[0]));
}

/* The full path finds nothing in MAIL: no notice, no reason, no error. */
static void
assert_nothing (const char *mail, gsize len)
{
  g_autoptr (GPtrArray) mails = cn_source_from_bytes (mail, len, "t");
  g_autoptr (CnBatch) b = cn_batch_new (rules, &opts);
  CnMessage *msg = cn_batch_add (b, mails);
  cn_batch_verify (b);
  g_assert_cmpint (msg->verdict, ==, CN_VERDICT_NOT_A_NOTICE);
  g_assert_null (msg->speaker);
  g_assert_null (msg->error);
  for (guint i = 0; i < msg->notices->len; i++) {
    const CnNotice *n = msg->notices->pdata[i];
    g_assert_null (n->rule);
    g_assert_cmpuint (n->reasons->len, ==, 0);
    g_assert_null (n->internal_error);
  }
}

static guint files_ruled_out, files_single, files_attached;

/* Every message GMime finds attached to the one in MAIL has a subject the
 * prefilter read, when it is sure of them. */
static void
assert_attached_subjects (const char *mail, gsize len)
{
  g_autoptr (GPtrArray) subjects = cn_prefilter_attached_subjects (mail, len);
  if (subjects == NULL)
    return;
  g_autoptr (GPtrArray) mails = cn_mime_read (mail, len, "t", 0);
  files_attached += mails->len > 1;
  for (guint i = 1; i < mails->len; i++) {
    const CnMail *m = mails->pdata[i];
    gboolean read = FALSE;
    for (guint k = 0; k < subjects->len && !read; k++)
      read = strcmp (subjects->pdata[k], m->subject) == 0;
    if (!read)
      g_error ("part %s: the subject \"%s\" is not one the prefilter read (%u)", m->part, m->subject,
               subjects->len);
  }
}

static void
test_same_file (gconstpointer data)
{
  const char *path = data;
  g_autofree char *fast = read_path (path, prefilter);
  g_autofree char *full = read_path (path, NULL);
  g_assert_cmpstr (fast, ==, full);

  /* a single message (not an mbox) the prefilter rules out */
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  if (len >= 5 && memcmp (bytes, "From ", 5) == 0)
    return;
  files_single++;
  assert_attached_subjects (bytes, len);
  gsize end = 0;
  if (cn_prefilter_mail (prefilter, bytes, len, &end) != CN_PREFILTER_NO)
    return;
  files_ruled_out++;
  assert_nothing (bytes, len);
  assert_same_record (bytes, len, end);
}

/* Crafted messages the prefilter rules out, read from their header block:
 * the fields a record takes, in the shapes that are easy to get wrong. */
static const char *const crafted[] = {
  "X-Only: nothing a record takes\n\nbody\n",
  "From: first@a.example\nFrom: second@b.example\nSubject: two senders\n\nb\n",
  "Date: Mon, 1 Jan 2024 10:00:00 +0900\nDate: Tue, 2 Jan 2024 11:00:00 +0100\nSubject: two dates\n\nb\n",
  "Date: not a date\nSubject: bad date\n\nb\n",
  "Message-ID: <one@x.example>\nMessage-Id: <two@x.example>\nSubject: two ids\n\nb\n",
  "Message-ID: =?UTF-8?B?PGVuY0B4LmV4YW1wbGU+?=\nSubject: encoded id\n\nb\n",
  ("Received: from a by b; Mon, 1 Jan 2024 10:00:00 +0000\nReceived: from c by d; Sun, 31 Dec 2023 10:00:00 +0000\n"
   "Subject: two hops\n\nb\n"),
  "Authentication-Results: mx.certnotice.test; dkim=pass header.d=a.example\nSubject: auth\n\nb\n",
  "From: =?UTF-8?B?5bGx55Sw?= <yamada@example.jp>\nSubject: display name\n\nb\n",
  "From: Group: a@b.example, c@d.example;\nSubject: group\n\nb\n",
  "From a@b Mon Jan  1 00:00:00 2024\nFrom: a@b.example\nSubject: mbox line\n\nb\n",
  "From: a@b.example\nbad line here\nSubject : spaced\nDate : Mon, 1 Jan 2024 10:00:00 +0000\n\nb\n",
  "From: a@b.example\r\nSubject: crlf\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nb\r\n",
  "Subject: folded\n over lines\nFrom: a@b.example (comment)\n\tmore\n\nb\n",
  "Content-Type: text/plain; charset=iso-2022-jp\nSubject: =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=\n\nb\n",
  "Subject: \xff\xfe invalid UTF-8\nFrom: \xe5\xb1\xb1 <a@b.example>\n\nb\n",
  "From : a@b.example\nSubject: a From field first\n\nb\n",
  "From: (unclosed comment a@b.example\nFrom: c@d.example\nSubject: broken From\n\nb\n",
  "From: a@b.example, ,, \"Q\" <c@d.example>\nFrom: undisclosed-recipients:;\nSubject: lists\n\nb\n",
  "From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>\nSubject: encoded name\n\nb\n",
  "Date: Mon, 1 Jan 2024 10:00:00 +0900\nDate: garbage\nSubject: last date unreadable\n\nb\n",
  "Date: =?UTF-8?Q?Mon=2C_1_Jan_2024_10=3A00=3A00_+0900?=\nSubject: encoded date\n\nb\n",
  "Date:\n Mon, 1 Jan 2024\n 10:00:00 +0900\nSubject: folded date\n\nb\n",
  "Message-Id: <a@x.example>\nMessage-Id:\nSubject: last id empty\n\nb\n",
  "Message-Id: no angle brackets@x.example\nSubject: bare id\n\nb\n",
  "Received: from a by b\nReceived: from c by d; garbage\nReceived: from e by f; Mon, 1 Jan 2024 10:00:00 +0000\n"
  "Subject: first Received without a date\n\nb\n",
  "Subject:   \nSubject: =?UTF-8?B?\?=\nSubject: third\n\nb\n",
  "Authentication-Results: a; dkim=pass\nX: y\nAuthentication-Results: b; \xff spf=fail\nSubject: two auth\n\nb\n",
};

/* Crafted messages with a header field over CN_MAX_HEADER_BYTES, which
 * mime.c cuts in its parse copy: between lines, inside a line, between
 * the CR and the LF of a line end. */
static char *
long_field_mail (guint which, guint pad)
{
  const char *eol = which == 2 ? "\r\n" : "\n";
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "Subject: long fields%s", eol);
  const char *name = which == 0 ? "From" : which == 1 ? "Received" : "Authentication-Results";
  /* PAD moves the cut through a line and its line end */
  g_string_append_printf (s, "%s: a@b.example (%.*s)", name, (int) pad, "........................");
  for (guint i = 0; s->len < CN_MAX_HEADER_BYTES + 2000; i++)
    g_string_append_printf (s, ",%s x%u@y%u.example", eol, i, i);
  if (which == 1)
    g_string_append_printf (s, "; Mon, 1 Jan 2024 10:00:00 +0000");
  g_string_append_printf (s, "%sDate: Mon, 1 Jan 2024 10:00:00 +0900%s%sbody%s", eol, eol, eol, eol);
  return g_string_free (s, FALSE);
}

static void
test_same_crafted (gconstpointer data)
{
  const char *mail = data;
  gsize len = strlen (mail), end = 0;
  g_assert_cmpint (cn_prefilter_mail (prefilter, mail, len, &end), ==, CN_PREFILTER_NO);
  g_autofree char *fast = report_mails (cn_mime_read_header (mail, end, "t", 0));
  g_autofree char *full = report_mails (cn_mime_read (mail, len, "t", 0));
  g_assert_cmpstr (fast, ==, full);
  assert_nothing (mail, len);
  assert_same_record (mail, len, end);
}

/* ---- attached messages ---- */

/* A mail with attached messages: "@INNER@" is where the attached message
 * goes (an ordinary mail, or a notice), "@INNER64@" the same in base64. */
typedef struct {
  const char *name;
  const char *mail;
  CnPrefilter ordinary;   /* the answer with an ordinary mail attached    */
  CnPrefilter notice;     /* the answer with a notice attached            */
  guint attached;         /* the attached messages GMime finds (with the
                             ordinary mail)                              */
  gboolean found;         /* … and the full path finds the notice         */
} AttachedCase;

#define BOUNCE(part) \
  "From: MAILER-DAEMON@mx.example\nTo: a@b.example\nSubject: Undelivered Mail Returned to Sender\n" \
  "Date: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <bounce@mx.example>\nMIME-Version: 1.0\n" \
  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n" \
  "This is a MIME-encapsulated message.\n\n--B\nContent-Type: text/plain\n\nI could not deliver it.\n\n" \
  "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n" \
  "--B\n" part "\n--B--\n"
#define FORWARD(part) \
  "From: a@b.example\nTo: c@d.example\nSubject: Fwd: see attached\nMIME-Version: 1.0\n" \
  "Content-Type: multipart/mixed; boundary=\"F\"\n\n--F\nContent-Type: text/plain\n\nsee attached\n\n" \
  "--F\n" part "\n--F--\n"

static const AttachedCase attached_cases[] = {
#define NO CN_PREFILTER_NO
#define MAYBE CN_PREFILTER_MAYBE
  { "bounce", BOUNCE ("Content-Type: message/rfc822\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "forward", FORWARD ("Content-Type: message/rfc822; name=\"orig.eml\"\n"
                        "Content-Disposition: attachment; filename=\"orig.eml\"\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "top level", "From: a@b.example\nSubject: wrapped\nContent-Type: message/rfc822\n\n@INNER@", NO, MAYBE, 1, TRUE },
  { "folded type", BOUNCE ("Content-Type: message/\n rfc822\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "folded before type", BOUNCE ("Content-Type:\n\tmessage/rfc822;\n\tname=x\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "comments", BOUNCE ("Content-Type: (a) message (b) / (c) rfc822 (d)\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "case", BOUNCE ("content-TYPE : Message/RFC822\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "rfc2822", BOUNCE ("Content-Type: message/rfc2822\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "global", BOUNCE ("Content-Type: message/global\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "news", BOUNCE ("Content-Type: message/news\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "7bit", BOUNCE ("Content-Type: message/rfc822\nContent-Transfer-Encoding: 7bit\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "invalid line before type", BOUNCE ("X bad line\nContent-Type: message/rfc822\n\n@INNER@"), NO, MAYBE, 1, TRUE },
  { "two types", BOUNCE ("Content-Type: message/rfc822\nContent-Type: message/rfc822; x=y\n\n@INNER@"), NO, MAYBE,
    1, TRUE },
  { "forward of a forward", FORWARD ("Content-Type: message/rfc822\n\n" FORWARD ("Content-Type: message/rfc822\n\n"
                                                                                 "@INNER@")), NO, MAYBE, 2, TRUE },
  /* the attached message has no header (no subject): INNER is its text */
  { "empty header block", BOUNCE ("Content-Type: message/rfc822\n\n\n@INNER@"), NO, NO, 1, FALSE },
  /* a type GMime does not read: what follows is no attached message */
  { "type in a parameter", BOUNCE ("Content-Type: text/plain; x=\"message/rfc822\"\n\n@INNER@"), NO, MAYBE, 0,
    FALSE },
  { "type in another field", BOUNCE ("Content-Type: text/plain\nX-Type: message/rfc822\n\n@INNER@"), NO, NO, 0,
    FALSE },
  { "type in text", BOUNCE ("Content-Type: text/plain\n\n> Content-Type: message/rfc822\n@INNER@"), NO, NO, 0, FALSE },
  /* unsure */
  { "base64", BOUNCE ("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n@INNER64@"), MAYBE, MAYBE,
    0, FALSE },
  { "quoted-printable", BOUNCE ("Content-Type: message/rfc822\nContent-Transfer-Encoding: quoted-printable\n\n"
                                "@INNER@"), MAYBE, MAYBE, 0, FALSE },
  { "digest", "From: a@b.example\nSubject: digest\nContent-Type: multipart/digest; boundary=D\n\n--D\n\n@INNER@\n--D--\n",
    MAYBE, MAYBE, 1, TRUE },
  { "invalid line after type", BOUNCE ("Content-Type: message/rfc822\nX bad line\n\n@INNER@"), MAYBE, MAYBE, 1,
    TRUE },
  { "boundary after part header", BOUNCE ("Content-Type: message/rfc822\n--B\nContent-Type: message/rfc822\n\n"
                                          "@INNER@"), MAYBE, MAYBE, 1, TRUE },
  { "boundary in attached header", BOUNCE ("Content-Type: message/rfc822\n\nX-A: 1\n--B\n@INNER@"), MAYBE, MAYBE, 1,
    FALSE },
  { "from line before attached", BOUNCE ("Content-Type: message/rfc822\n\nFrom x@y Mon Jan  1 00:00:00 2024\n"
                                         "@INNER@"), MAYBE, MAYBE, 1, TRUE },
  { "attached header without end", "From: a@b.example\nSubject: x\nContent-Type: message/rfc822\n\nSubject: lunch\n"
    "X-Inner: @INNER64@", MAYBE, MAYBE, 1, FALSE },
#undef NO
#undef MAYBE
};

/* The attached messages: an ordinary mail, and a notice (a sample). */
static const char ordinary_mail[] =
  "From: Carol <carol@d.example>\nTo: a@b.example\nSubject: =?UTF-8?B?44Op44Oz44OB?= on friday\n"
  "Date: Sun, 31 Dec 2023 09:00:00 +0900\nMessage-ID: <lunch@d.example>\n\nSee you there.\n";
static char *notice_mail;

static char *
replace (const char *s, const char *what, const char *with)
{
  g_auto (GStrv) pieces = g_strsplit (s, what, -1);
  return g_strjoinv (with, pieces);
}

/* CASE's mail with INNER attached; in CR LF when CRLF. */
static char *
attached_mail (const AttachedCase *c, const char *inner, gboolean crlf)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) inner, strlen (inner));
  g_autofree char *a = replace (c->mail, "@INNER64@", b64);
  char *mail = replace (a, "@INNER@", inner);
  if (!crlf)
    return mail;
  g_autofree char *lf = mail;
  return replace (lf, "\n", "\r\n");
}

/* Whether the full path's records of MAIL, read alone, include an attached
 * notice. */
static gboolean
finds_attached_notice (const char *mail, gsize len)
{
  g_autoptr (GPtrArray) mails = cn_source_from_bytes (mail, len, "t");
  g_autoptr (CnBatch) b = cn_batch_new (rules, &opts);
  CnMessage *msg = cn_batch_add (b, mails);
  for (guint i = 1; i < msg->notices->len; i++)
    if (((const CnNotice *) msg->notices->pdata[i])->rule)
      return TRUE;
  return FALSE;
}

static void
check_attached (const AttachedCase *c, gboolean notice, gboolean crlf)
{
  g_autofree char *mail = attached_mail (c, notice ? notice_mail : ordinary_mail, crlf);
  gsize len = strlen (mail), end = 0;
  CnPrefilter got = cn_prefilter_mail (prefilter, mail, len, &end);
  g_assert_cmpint (got, ==, notice ? c->notice : c->ordinary);
  /* an attached notice the full path finds is never ruled out */
  g_assert_true (!c->found || c->notice == CN_PREFILTER_MAYBE);
  if (notice)
    g_assert_cmpint (finds_attached_notice (mail, len), ==, c->found);
  /* the fast path gives what the full path gives */
  g_autofree char *fast = report_mails (got == CN_PREFILTER_NO ? cn_mime_read_header (mail, end, "t", 0)
                                                               : cn_mime_read_skimming (mail, len, "t", 0, prefilter));
  g_autofree char *full = report_mails (cn_mime_read (mail, len, "t", 0));
  g_assert_cmpstr (fast, ==, full);
  if (got == CN_PREFILTER_NO) {
    assert_nothing (mail, len);
    assert_same_record (mail, len, end);
  }
  assert_attached_subjects (mail, len);
  /* an ordinary attached message says nothing: one record, the mail's */
  if (!notice) {
    g_autoptr (GPtrArray) mails = cn_mime_read (mail, len, "t", 0);
    g_assert_cmpuint (mails->len, ==, 1 + c->attached);
    g_autoptr (CnBatch) b = cn_batch_new (rules, &opts);
    CnMessage *msg = cn_batch_add (b, mails);
    g_assert_cmpuint (msg->notices->len, ==, 1);
    g_assert_cmpuint (msg->mails->len, ==, 1);
  }
}

static void
test_attached (gconstpointer data)
{
  for (int crlf = 0; crlf < 2; crlf++)
    for (int notice = 0; notice < 2; notice++)
      check_attached (data, notice, crlf);
}

/* A large mail (mime.c tames long header fields of such in its parse copy)
 * with an ordinary mail attached is ruled out; a long field in the header
 * block of the attached message's type is not read with certainty. */
static void
test_attached_large (void)
{
  g_autoptr (GString) body = g_string_new (NULL);
  while (body->len < 2 * CN_MAX_HEADER_BYTES)
    g_string_append (body, "padding padding padding padding\n");
  g_autofree char *mail = g_strdup_printf (FORWARD ("Content-Type: text/plain\n\n%s\n--F\n"
                                                    "Content-Type: message/rfc822\n\n%s"), body->str, ordinary_mail);
  gsize len = strlen (mail), end = 0;
  g_assert_cmpint (cn_prefilter_mail (prefilter, mail, len, &end), ==, CN_PREFILTER_NO);
  g_autofree char *fast = report_mails (cn_mime_read_header (mail, end, "t", 0));
  g_autofree char *full = report_mails (cn_mime_read (mail, len, "t", 0));
  g_assert_cmpstr (fast, ==, full);

  g_autoptr (GString) field = g_string_new ("X-Long: a");
  while (field->len <= CN_MAX_HEADER_BYTES)
    g_string_append (field, "\n padding padding padding padding");
  g_autofree char *longer = g_strdup_printf (FORWARD ("Content-Type: message/rfc822\n%s\n\n%s"), field->str,
                                             ordinary_mail);
  g_assert_cmpint (cn_prefilter_mail (prefilter, longer, strlen (longer), NULL), ==, CN_PREFILTER_MAYBE);
}

/* Many types in one line, one field, one header block: each is read once
 * (a mail of them is ruled out, or not, as one of them would be). */
static void
test_attached_many (void)
{
  g_autoptr (GString) line = g_string_new ("From: a@b.example\nSubject: x\n\nX-Types: ");
  for (int i = 0; i < 100000; i++)
    g_string_append (line, "message/rfc822 ");
  g_string_append_printf (line, "\n\n%s", ordinary_mail);
  g_assert_cmpint (cn_prefilter_mail (prefilter, line->str, line->len, NULL), ==, CN_PREFILTER_NO);

  g_autoptr (GString) folded = g_string_new ("From: a@b.example\nSubject: x\n\nX-Types: message/rfc822");
  for (int i = 0; i < 100000; i++)
    g_string_append (folded, i % 2 ? " message/rfc822" : "\n message/rfc822");
  g_string_append_printf (folded, "\n\n%s", ordinary_mail);
  g_assert_cmpint (cn_prefilter_mail (prefilter, folded->str, folded->len, NULL), ==, CN_PREFILTER_NO);

  /* the same in a part's Content-Type: read once, and unsure (too long) */
  g_autoptr (GString) part = g_string_new ("From: a@b.example\nSubject: x\nContent-Type: multipart/mixed; boundary=B\n\n"
                                           "--B\nContent-Type: message/rfc822");
  for (int i = 0; i < 100000; i++)
    g_string_append (part, "\n message/rfc822");
  g_string_append_printf (part, "\n\n%s\n--B--\n", ordinary_mail);
  g_assert_cmpint (cn_prefilter_mail (prefilter, part->str, part->len, NULL), ==, CN_PREFILTER_MAYBE);

  g_autoptr (GString) parts = g_string_new ("From: a@b.example\nSubject: x\nContent-Type: multipart/mixed; boundary=B\n\n");
  for (int i = 0; i < 20000; i++)
    g_string_append_printf (parts, "--B\nContent-Type: message/rfc822\n\n%s\n", ordinary_mail);
  g_string_append (parts, "--B--\n");
  g_assert_cmpint (cn_prefilter_mail (prefilter, parts->str, parts->len, NULL), ==, CN_PREFILTER_NO);
  g_autoptr (GPtrArray) subjects = cn_prefilter_attached_subjects (parts->str, parts->len);
  g_assert_cmpuint (subjects->len, ==, 20000);
}

/* A notice forwarded as an attachment (samples/sakura/forwarded-rfc822) is read
 * whole, and found. */
static void
test_attached_forwarded_sample (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "samples", "sakura", "forwarded-rfc822.eml", NULL);
  g_autofree char *mail = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &mail, &len, NULL));
  g_assert_cmpint (cn_prefilter_mail (prefilter, mail, len, NULL), ==, CN_PREFILTER_MAYBE);
  g_assert_true (finds_attached_notice (mail, len));
}

static void
test_same_long_fields (void)
{
  for (guint which = 0; which < 3; which++)
    for (guint pad = 0; pad < 24; pad++) {
      g_autofree char *mail = long_field_mail (which, pad);
      test_same_crafted (mail);
    }
}

/* The corpus, if there is one, mostly took the fast path. */
static void
test_same_used (void)
{
  if (files_single < 100) {
    g_test_skip ("fewer than 100 single-message files (no corpus?)");
    return;
  }
  g_test_message ("%u of %u single-message files ruled out; in %u, the subjects of the messages attached were "
                  "read", files_ruled_out, files_single, files_attached);
  g_assert_cmpuint (files_ruled_out * 2, >, files_single);
  g_assert_cmpuint (files_attached, >, 0);
}

/* ---- the files ---- */

/* Mail files under DIR, as tests/corpus.sh selects them: not hidden, not
 * documentation, starting with "From " or a header field name and ':'. */
static void
find_mail (const char *dir, GPtrArray *out)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d))) {
    if (name[0] == '.' || strstr (name, "LICENSE") || strstr (name, "LICENCE") ||
        g_str_has_prefix (name, "COPYING") || g_str_has_prefix (name, "README") || g_str_has_suffix (name, ".md") ||
        g_str_has_suffix (name, ".json") || g_str_has_suffix (name, ".py"))
      continue;
    g_autofree char *path = g_build_filename (dir, name, NULL);
    if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
      find_mail (path, out);
      continue;
    }
    if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
      continue;
    char head[1024];
    FILE *f = fopen (path, "rb");
    gsize n = f ? fread (head, 1, sizeof head, f) : 0;
    if (f)
      fclose (f);
    gsize i = 0;
    while (i < n && head[i] > ' ' && head[i] < 0x7f && head[i] != ':')
      i++;
    if ((n >= 5 && memcmp (head, "From ", 5) == 0) || (i > 0 && i < n && head[i] == ':'))
      g_ptr_array_add (out, g_steal_pointer (&path));
  }
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* "/prefilter/same/LABEL/<path under TOP>", test-path safe */
static char *
test_name (const char *label, const char *top, const char *path)
{
  GString *s = g_string_new ("/prefilter/same/");
  g_string_append (s, label);
  g_string_append_c (s, '/');
  for (const char *p = path + strlen (top) + 1; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || strchr ("/-_.", *p) ? *p : '_');
  return g_string_free (s, FALSE);
}

static void
add_files (const char *label, const char *top)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);   /* kept: the tests use them */
  find_mail (top, files);
  g_ptr_array_sort (files, compare_paths);
  for (guint i = 0; i < files->len; i++) {
    g_autofree char *name = test_name (label, top, files->pdata[i]);
    g_test_add_data_func (name, files->pdata[i], test_same_file);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cn_mime_init ();

  oracle_setup (&rules, &opts);
  prefilter = cn_prefilter_set_new (rules);

  for (guint i = 0; i < G_N_ELEMENTS (subject_cases); i++) {
    g_autofree char *name = g_strdup_printf ("/prefilter/subject/%s", subject_cases[i].name);
    g_test_add_data_func (name, &subject_cases[i], test_subject);
  }
  g_test_add_func ("/prefilter/subject/too-many-fields", test_subject_many_fields);
  g_test_add_func ("/prefilter/subject/too-long", test_subject_long);
  g_test_add_func ("/prefilter/subject/far-colon", test_subject_far_colon);
  for (guint i = 0; i < G_N_ELEMENTS (embed_cases); i++) {
    g_autofree char *name = g_strdup_printf ("/prefilter/embed/%s", embed_cases[i].name);
    g_test_add_data_func (name, &embed_cases[i], test_embed);
  }
  g_test_add_func ("/prefilter/embed/large", test_embed_large);
  g_test_add_func ("/prefilter/decide/subject", test_decide_subject);
  g_test_add_func ("/prefilter/decide/no-subject-pattern", test_decide_no_subject_pattern);
  g_test_add_func ("/prefilter/decide/gives-up", test_decide_gives_up);
  g_autofree char *notice_path = g_test_build_filename (G_TEST_DIST, "samples", "letsencrypt",
                                                        "expiry-2016-one-day-rfc822.eml", NULL);
  g_assert_true (g_file_get_contents (notice_path, &notice_mail, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (attached_cases); i++) {
    g_autofree char *name = g_strdup_printf ("/prefilter/attached/%s", attached_cases[i].name);
    for (char *c = name; *c; c++)
      if (*c == ' ')
        *c = '-';
    g_test_add_data_func (name, &attached_cases[i], test_attached);
  }
  g_test_add_func ("/prefilter/attached/large", test_attached_large);
  g_test_add_func ("/prefilter/attached/many", test_attached_many);
  g_test_add_func ("/prefilter/attached/forwarded-sample", test_attached_forwarded_sample);
  for (guint i = 0; i < G_N_ELEMENTS (crafted); i++) {
    g_autofree char *name = g_strdup_printf ("/prefilter/same/crafted/%u", i + 1);
    g_test_add_data_func (name, crafted[i], test_same_crafted);
  }
  g_test_add_func ("/prefilter/same/crafted/long-fields", test_same_long_fields);
  g_autofree char *samples = g_test_build_filename (G_TEST_DIST, "samples", NULL);
  add_files ("samples", samples);
  const char *env = g_getenv ("CORPUS_DIR");
  g_autofree char *corpus = env && *env ? g_strdup (env) : g_test_build_filename (G_TEST_DIST, "..", "shared", "corpus", NULL);
  if (g_file_test (corpus, G_FILE_TEST_IS_DIR))
    add_files ("corpus", corpus);
  g_test_add_func ("/prefilter/summary/fast-path-used", test_same_used);
  return g_test_run ();
}
