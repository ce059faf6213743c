/* test-ledger.c — the case state machine (case.c) and the ledger file
 * (ledger.c) on real SQLite files in a temporary directory: opening,
 * permissions, schema versions, broken files, recording and deduplication,
 * live checks, events announced exactly once, forget and retention.  The
 * whole path through the binary (TLS servers, procmail, IMAP) is ledger.sh. */
#include "ledger.h"
#include "rules.h"

#include <sqlite3.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sys/stat.h>

/* ---- fixtures ---- */

static CnRuleSet *rules;
static const CnRule *sakura;

static GDateTime *
day (int d)   /* 2024-06-01 + D days, 10:00 UTC */
{
  g_autoptr (GDateTime) base = g_date_time_new_utc (2024, 6, 1, 10, 0, 0);
  return g_date_time_add_days (base, d);
}

static GDate *
date (int d)
{
  g_autoptr (GDateTime) t = day (d);
  return g_date_new_dmy ((GDateDay) g_date_time_get_day_of_month (t), (GDateMonth) g_date_time_get_month (t),
                         (GDateYear) g_date_time_get_year (t));
}

/* A live check whose one address served a certificate valid until day
 * NOT_AFTER (trusted and covering the name unless told), settled at NOW. */
static CnLive *
live (const char *domain, int not_after, gboolean trusted, gboolean name_ok, GDateTime *now)
{
  CnLive *l = cn_live_new (domain, 443);
  CnEndpoint *e = cn_endpoint_new ("192.0.2.1");
  e->have_cert = TRUE;
  e->not_after = day (not_after);
  e->not_before = day (not_after - 90);
  e->trusted = trusted;
  e->name_ok = name_ok;
  g_ptr_array_add (l->endpoints, e);
  cn_live_settle (l, now, 14);
  return l;
}

static CnLive *
unreachable (const char *domain, GDateTime *now)
{
  CnLive *l = cn_live_new (domain, 443);
  CnEndpoint *e = cn_endpoint_new ("192.0.2.1");
  e->error = g_strdup ("Connection refused");
  g_ptr_array_add (l->endpoints, e);
  cn_live_settle (l, now, 14);
  return l;
}

/* A judged notice (and its mail, kept alive in MAILS) as the pipeline
 * leaves it. */
typedef struct {
  GPtrArray *mails;      /* CnMail *    */
  GPtrArray *notices;    /* CnNotice *  */
  GPtrArray *lives;      /* CnLive *    */
} Batch;

static void
batch_init (Batch *b)
{
  b->notices = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_notice_free);
  b->mails = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_mail_free);
  b->lives = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_live_free);
}

static void
batch_clear (Batch *b)
{
  g_ptr_array_unref (b->notices);   /* notices borrow mails and lives */
  g_ptr_array_unref (b->mails);
  g_ptr_array_unref (b->lives);
}

static CnNotice *
notice (Batch *b, const char *message_id, const char *domain, int claim, CnVerdict verdict, CnLive *l)
{
  CnMail *m = cn_mail_new ();
  m->source = g_strdup ("test");
  m->message_id = g_strdup (message_id);
  g_free (m->subject);
  m->subject = g_strdup ("SSL");
  m->from_addr = g_strdup ("support@sakura.ad.jp");
  m->date = day (-1);
  g_ptr_array_add (b->mails, m);
  CnNotice *n = cn_notice_new (m);
  n->rule = sakura;
  n->kind = sakura->kinds->pdata[0];
  n->domain = g_strdup (domain);
  if (domain)
    g_ptr_array_add (n->domains, g_strdup (domain));
  n->expires = claim == G_MININT ? NULL : date (claim);
  n->verdict = verdict;
  n->live = l;
  if (l) {
    g_ptr_array_add (n->lives, l);
    g_ptr_array_add (b->lives, l);
  }
  g_ptr_array_add (b->notices, n);
  return n;
}

static char *
tmpdir (void)
{
  g_autoptr (GError) e = NULL;
  char *dir = g_dir_make_tmp ("test-ledger-XXXXXX", &e);
  g_assert_no_error (e);
  return dir;
}

static void
rmtree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d))) {
    g_autofree char *p = g_build_filename (dir, name, NULL);
    if (g_file_test (p, G_FILE_TEST_IS_DIR))
      rmtree (p);
    else
      g_unlink (p);
  }
  g_rmdir (dir);
}

static CnCase *
find_case (CnLedger *l, const char *domain, GDateTime *now)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) cases = cn_ledger_cases (l, TRUE, now, &e);
  g_assert_no_error (e);
  for (guint i = 0; i < cases->len; i++) {
    CnCase *c = cases->pdata[i];
    if (g_strcmp0 (c->domain, domain) == 0)
      return g_ptr_array_steal_index (cases, i);
  }
  return NULL;
}

/* ---- the state machine ---- */

typedef struct {
  CnCaseState from;
  int claim;              /* days from day 0, or G_MININT: none          */
  CnVerdict verdict;
  gboolean checked;
  int not_after;          /* days from day 0                              */
  gboolean trusted, name_ok;
  CnCaseState want;
  const char *why;
} Step;

static void
test_step (void)
{
  const int none = G_MININT;
  const Step steps[] = {
    { CN_CASE_NONE, 10, CN_VERDICT_ACTION_REQUIRED, TRUE, 10, TRUE, TRUE, CN_CASE_OPEN, "expiring as claimed: opens" },
    { CN_CASE_NONE, 10, CN_VERDICT_UNVERIFIED, FALSE, 0, 0, 0, CN_CASE_OPEN, "unchecked: opens" },
    { CN_CASE_NONE, 10, CN_VERDICT_SUSPICIOUS, TRUE, 10, TRUE, TRUE, CN_CASE_NONE, "suspicious never opens" },
    { CN_CASE_NONE, 10, CN_VERDICT_RENEWED, TRUE, 90, TRUE, TRUE, CN_CASE_NONE, "already renewed: no case" },
    { CN_CASE_NONE, none, CN_VERDICT_RENEWED, TRUE, 31, TRUE, TRUE, CN_CASE_NONE, "no claim, 31 days left: stale" },
    { CN_CASE_NONE, none, CN_VERDICT_ACTION_REQUIRED, TRUE, 30, TRUE, TRUE, CN_CASE_OPEN, "no claim, 30 days left: opens" },
    { CN_CASE_NONE, 10, CN_VERDICT_EXPIRED, TRUE, -2, TRUE, TRUE, CN_CASE_ESCALATED, "expired on arrival" },
    { CN_CASE_NONE, 10, CN_VERDICT_ACTION_REQUIRED, TRUE, 10, FALSE, TRUE, CN_CASE_ESCALATED, "untrusted on arrival" },
    { CN_CASE_OPEN, 10, CN_VERDICT_UNVERIFIED, TRUE, 10, TRUE, TRUE, CN_CASE_OPEN, "still the same certificate" },
    { CN_CASE_OPEN, 10, CN_VERDICT_UNVERIFIED, TRUE, 12, TRUE, TRUE, CN_CASE_OPEN, "2 days past the claim: tolerance" },
    { CN_CASE_OPEN, 10, CN_VERDICT_UNVERIFIED, TRUE, 13, TRUE, TRUE, CN_CASE_RESOLVED, "3 days past the claim: renewed" },
    { CN_CASE_OPEN, 10, CN_VERDICT_UNVERIFIED, TRUE, 90, FALSE, TRUE, CN_CASE_ESCALATED, "renewed but untrusted" },
    { CN_CASE_OPEN, 10, CN_VERDICT_UNVERIFIED, TRUE, 90, TRUE, FALSE, CN_CASE_ESCALATED, "a certificate for another name" },
    { CN_CASE_OPEN, 10, CN_VERDICT_UNVERIFIED, TRUE, -1, TRUE, TRUE, CN_CASE_ESCALATED, "expired" },
    { CN_CASE_OPEN, 10, CN_VERDICT_EXPIRED, FALSE, 0, 0, 0, CN_CASE_ESCALATED, "a notice says expired" },
    { CN_CASE_OPEN, 10, CN_VERDICT_SUSPICIOUS, TRUE, -1, TRUE, TRUE, CN_CASE_OPEN, "a suspicious mail moves nothing" },
    { CN_CASE_ESCALATED, 10, CN_VERDICT_UNVERIFIED, TRUE, 10, TRUE, TRUE, CN_CASE_ESCALATED, "escalated stays until renewed" },
    { CN_CASE_ESCALATED, 10, CN_VERDICT_UNVERIFIED, TRUE, 90, TRUE, TRUE, CN_CASE_RESOLVED, "escalated, then renewed" },
    { CN_CASE_RESOLVED, 10, CN_VERDICT_EXPIRED, TRUE, -1, TRUE, TRUE, CN_CASE_RESOLVED, "resolved is final" },
    { CN_CASE_OPEN, none, CN_VERDICT_UNVERIFIED, TRUE, 31, TRUE, TRUE, CN_CASE_RESOLVED, "no claim: renewed at 31 days" },
  };
  g_autoptr (GDateTime) now = day (0);
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++) {
    const Step *s = &steps[i];
    g_test_message ("%s", s->why);
    g_autoptr (CnLive) l = s->checked ? live ("x.example", s->not_after, s->trusted, s->name_ok, now) : NULL;
    CnCaseInput in;
    cn_case_input_from_live (&in, s->verdict, l);
    g_autoptr (GDate) claim = s->claim == none ? NULL : date (s->claim);
    g_assert_cmpstr (cn_case_state_name (cn_case_step (s->from, claim, &in, now)), ==, cn_case_state_name (s->want));
  }
  /* a failed check is no news, whatever the state */
  g_autoptr (CnLive) down = unreachable ("x.example", now);
  CnCaseInput in;
  cn_case_input_from_live (&in, CN_VERDICT_UNVERIFIED, down);
  g_autoptr (GDate) claim = date (10);
  g_assert_cmpint (cn_case_step (CN_CASE_OPEN, claim, &in, now), ==, CN_CASE_OPEN);
  g_assert_cmpint (cn_case_step (CN_CASE_ESCALATED, claim, &in, now), ==, CN_CASE_ESCALATED);
  g_assert_cmpint (cn_case_step (CN_CASE_NONE, claim, &in, now), ==, CN_CASE_OPEN);
}

static void
test_events (void)
{
  const guint O = 1u << CN_CASE_EVENT_OPENED, E = 1u << CN_CASE_EVENT_ESCALATED, R = 1u << CN_CASE_EVENT_RESOLVED;
  g_assert_cmpuint (cn_case_events (CN_CASE_NONE, CN_CASE_NONE), ==, 0);
  g_assert_cmpuint (cn_case_events (CN_CASE_NONE, CN_CASE_OPEN), ==, O);
  g_assert_cmpuint (cn_case_events (CN_CASE_NONE, CN_CASE_ESCALATED), ==, O | E);
  g_assert_cmpuint (cn_case_events (CN_CASE_OPEN, CN_CASE_OPEN), ==, 0);
  g_assert_cmpuint (cn_case_events (CN_CASE_OPEN, CN_CASE_ESCALATED), ==, E);
  g_assert_cmpuint (cn_case_events (CN_CASE_OPEN, CN_CASE_RESOLVED), ==, R);
  g_assert_cmpuint (cn_case_events (CN_CASE_ESCALATED, CN_CASE_ESCALATED), ==, 0);
  g_assert_cmpuint (cn_case_events (CN_CASE_ESCALATED, CN_CASE_RESOLVED), ==, R);
  for (int s = 0; s < CN_CASE_STATE_COUNT; s++) {
    CnCaseState back;
    g_assert_true (cn_case_state_from_name (cn_case_state_name (s), &back));
    g_assert_cmpint (back, ==, s);
  }
}

static void
test_days_left (void)
{
  g_autoptr (GDateTime) now = day (0);
  g_autoptr (CnCase) c = cn_case_new ();
  gboolean known;
  cn_case_days_left (c, now, &known);
  g_assert_false (known);
  c->expires_claimed = date (10);
  g_assert_cmpint (cn_case_days_left (c, now, &known), ==, 10);
  g_assert_true (known);
  c->not_after = g_date_time_add_hours (now, 24 * 5 + 12);   /* the live date wins */
  g_assert_cmpint (cn_case_days_left (c, now, &known), ==, 5);
  g_date_time_unref (c->not_after);
  c->not_after = g_date_time_add_hours (now, -3);
  g_assert_cmpint (cn_case_days_left (c, now, &known), ==, -1);
}

/* ---- the file ---- */

static void
test_open (void)
{
  g_autofree char *dir = tmpdir ();
  g_autofree char *path = g_build_filename (dir, "sub", "cases.db", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_null (cn_ledger_open (path, FALSE, 100, &e));
  g_assert_error (e, CN_LEDGER_ERROR, CN_LEDGER_ERROR_MISSING);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&e);

  mode_t old = umask (0);   /* the modes are ours, not the umask's */
  CnLedger *l = cn_ledger_open (path, TRUE, 100, &e);
  umask (old);
  g_assert_no_error (e);
  g_assert_true (cn_ledger_writable (l));
  cn_ledger_close (l);
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_autofree char *sub = g_path_get_dirname (path);
  g_assert_cmpint (g_stat (sub, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* reopened: same schema, nothing to migrate */
  l = cn_ledger_open (path, FALSE, 100, &e);
  g_assert_no_error (e);
  guint counts[CN_CASE_STATE_COUNT];
  g_assert_true (cn_ledger_count (l, counts, &e));
  g_assert_cmpuint (counts[CN_CASE_OPEN] + counts[CN_CASE_RESOLVED], ==, 0);
  cn_ledger_close (l);
  rmtree (dir);
}

static void
write_file (const char *path, const char *data, gssize len)
{
  g_autoptr (GError) e = NULL;
  g_assert_true (g_file_set_contents (path, data, len, &e));
}

static void
test_broken (void)
{
  g_autofree char *dir = tmpdir ();
  g_autoptr (GError) e = NULL;

  /* not a database at all */
  g_autofree char *junk = g_build_filename (dir, "junk.db", NULL);
  char bytes[8192];
  for (gsize i = 0; i < sizeof bytes; i++)
    bytes[i] = (char) (i * 7919 % 251);
  write_file (junk, bytes, sizeof bytes);
  g_assert_null (cn_ledger_open (junk, TRUE, 100, &e));
  g_assert_error (e, CN_LEDGER_ERROR, CN_LEDGER_ERROR_CORRUPT);
  g_assert_nonnull (strstr (e->message, "mv "));
  g_assert_cmpint (cn_ledger_exit_status (e), ==, 65);
  g_clear_error (&e);

  /* a newer schema: refused for reading and writing, untouched */
  g_autofree char *newer = g_build_filename (dir, "newer.db", NULL);
  CnLedger *l = cn_ledger_open (newer, TRUE, 100, &e);
  g_assert_no_error (e);
  cn_ledger_close (l);
  {
    sqlite3 *db;
    g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 7", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  g_assert_null (cn_ledger_open (newer, FALSE, 100, &e));
  g_assert_error (e, CN_LEDGER_ERROR, CN_LEDGER_ERROR_NEWER);
  g_assert_nonnull (strstr (e->message, "schema 7"));
  g_assert_cmpint (cn_ledger_exit_status (e), ==, 78);
  g_clear_error (&e);
  g_assert_null (cn_ledger_open (newer, TRUE, 100, &e));
  g_assert_error (e, CN_LEDGER_ERROR, CN_LEDGER_ERROR_NEWER);
  g_clear_error (&e);

  /* someone else's SQLite database */
  g_autofree char *foreign = g_build_filename (dir, "foreign.db", NULL);
  {
    sqlite3 *db;
    g_assert_cmpint (sqlite3_open (foreign, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE mine (x)", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  g_assert_null (cn_ledger_open (foreign, TRUE, 100, &e));
  g_assert_error (e, CN_LEDGER_ERROR, CN_LEDGER_ERROR_CORRUPT);
  g_assert_nonnull (strstr (e->message, "another application"));
  g_clear_error (&e);

  /* a directory where the file should be */
  g_autofree char *isdir = g_build_filename (dir, "dir.db", NULL);
  g_mkdir (isdir, 0700);
  g_assert_null (cn_ledger_open (isdir, TRUE, 100, &e));
  g_assert_error (e, CN_LEDGER_ERROR, CN_LEDGER_ERROR_ACCESS);
  g_assert_cmpint (cn_ledger_exit_status (e), ==, 73);
  rmtree (dir);
}

/* ---- recording ---- */

static CnLedger *
fresh_ledger (char **dir)
{
  *dir = tmpdir ();
  g_autofree char *path = g_build_filename (*dir, "cases.db", NULL);
  g_autoptr (GError) e = NULL;
  CnLedger *l = cn_ledger_open (path, TRUE, 1000, &e);
  g_assert_no_error (e);
  return l;
}

static void
test_record (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (CnLedger) l = fresh_ledger (&dir);
  g_autoptr (GDateTime) now = day (0);
  g_autoptr (GError) e = NULL;
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (gint64));
  Batch b;
  batch_init (&b);
  notice (&b, "a1@x", "a.example", 10, CN_VERDICT_ACTION_REQUIRED, live ("a.example", 10, TRUE, TRUE, now));
  notice (&b, "p1@x", "a.example", 10, CN_VERDICT_SUSPICIOUS, NULL);
  notice (&b, "f1@x", "fresh.example", 10, CN_VERDICT_RENEWED, live ("fresh.example", 80, TRUE, TRUE, now));
  notice (&b, "d1@x", "dead.example", 10, CN_VERDICT_EXPIRED, live ("dead.example", -3, TRUE, TRUE, now));
  notice (&b, "n1@x", NULL, G_MININT, CN_VERDICT_UNVERIFIED, NULL);
  CnRecordStats st = { 0 };
  g_assert_true (cn_ledger_record (l, b.notices, "parse", now, events, &st, &e));
  g_assert_no_error (e);
  g_assert_cmpuint (st.recorded, ==, 5);
  g_assert_cmpuint (st.duplicates, ==, 0);
  /* a.example opened; dead.example opened and escalated at once */
  g_assert_cmpuint (events->len, ==, 3);

  g_autoptr (CnCase) a = find_case (l, "a.example", now);
  g_assert_nonnull (a);
  g_assert_cmpint (a->state, ==, CN_CASE_OPEN);
  g_assert_cmpuint (a->notices, ==, 1);              /* not the suspicious one */
  g_assert_cmpint (a->live_status, ==, CN_LIVE_EXPIRING);
  g_autoptr (GDate) claimed = date (10);
  g_assert_cmpint (g_date_compare (a->expires_claimed, claimed), ==, 0);
  g_autoptr (CnCase) f = find_case (l, "fresh.example", now);
  g_assert_null (f);                                 /* already renewed */
  g_autoptr (CnCase) d = find_case (l, "dead.example", now);
  g_assert_cmpint (d->state, ==, CN_CASE_ESCALATED);

  /* the same mails again: duplicates, no event, no count */
  g_array_set_size (events, 0);
  memset (&st, 0, sizeof st);
  g_assert_true (cn_ledger_record (l, b.notices, "imap", now, events, &st, &e));
  g_assert_cmpuint (st.recorded, ==, 0);
  g_assert_cmpuint (st.duplicates, ==, 5);
  g_assert_cmpuint (events->len, ==, 0);
  g_autoptr (CnCase) a2 = find_case (l, "a.example", now);
  g_assert_cmpuint (a2->notices, ==, 1);
  batch_clear (&b);

  /* a reminder (another Message-ID) is counted; a mail without one is
   * known again by its headers */
  g_autoptr (GDateTime) later = day (3);
  batch_init (&b);
  notice (&b, "a2@x", "a.example", 10, CN_VERDICT_ACTION_REQUIRED, live ("a.example", 10, TRUE, TRUE, later));
  notice (&b, NULL, "b.example", 20, CN_VERDICT_UNVERIFIED, NULL);
  g_assert_true (cn_ledger_record (l, b.notices, "filter", later, events, &st, &e));
  g_assert_true (cn_ledger_record (l, b.notices, "imap", later, events, &st, &e));
  g_autoptr (CnCase) a3 = find_case (l, "a.example", later);
  g_assert_cmpuint (a3->notices, ==, 2);
  g_assert_cmpint (a3->state, ==, CN_CASE_OPEN);
  g_autoptr (CnCase) bb = find_case (l, "b.example", later);
  g_assert_cmpuint (bb->notices, ==, 1);
  batch_clear (&b);

  /* renewed, seen by the live check of a later notice: resolved */
  g_autoptr (GDateTime) renewed = day (5);
  batch_init (&b);
  notice (&b, "a3@x", "a.example", 10, CN_VERDICT_RENEWED, live ("a.example", 95, TRUE, TRUE, renewed));
  g_array_set_size (events, 0);
  g_assert_true (cn_ledger_record (l, b.notices, "imap", renewed, events, &st, &e));
  g_assert_cmpuint (events->len, ==, 1);
  g_autoptr (CnCase) a4 = find_case (l, "a.example", renewed);
  g_assert_cmpint (a4->state, ==, CN_CASE_RESOLVED);
  g_assert_cmpuint (a4->notices, ==, 3);
  g_assert_true (g_date_time_equal (a4->resolved, renewed));
  batch_clear (&b);

  /* next quarter: a notice about the new certificate opens a new case */
  g_autoptr (GDateTime) quarter = day (80);
  batch_init (&b);
  notice (&b, "a4@x", "a.example", 95, CN_VERDICT_ACTION_REQUIRED, live ("a.example", 95, TRUE, TRUE, quarter));
  g_assert_true (cn_ledger_record (l, b.notices, "imap", quarter, events, &st, &e));
  g_autoptr (GPtrArray) all = cn_ledger_cases (l, TRUE, quarter, &e);
  guint n_a = 0;
  for (guint i = 0; i < all->len; i++)
    n_a += g_strcmp0 (((CnCase *) all->pdata[i])->domain, "a.example") == 0;
  g_assert_cmpuint (n_a, ==, 2);
  /* the open one first: escalated dead.example, then a.example (15 days), b.example */
  g_assert_cmpstr (((CnCase *) all->pdata[0])->domain, ==, "dead.example");
  g_assert_cmpint (((CnCase *) all->pdata[all->len - 1])->state, ==, CN_CASE_RESOLVED);
  batch_clear (&b);
  rmtree (dir);
}

/* A notice about several names: each its own case, each with its own
 * live check.  An attached notice that is evidence only opens nothing. */
static void
test_names (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (CnLedger) l = fresh_ledger (&dir);
  g_autoptr (GDateTime) now = day (0);
  g_autoptr (GError) e = NULL;
  Batch b;
  batch_init (&b);
  CnNotice *n = notice (&b, "multi@x", "www.example", 10, CN_VERDICT_ACTION_REQUIRED,
                        live ("www.example", 10, TRUE, TRUE, now));
  g_ptr_array_add (n->domains, g_strdup ("shop.example"));
  CnLive *expired = live ("shop.example", -1, TRUE, TRUE, now);
  g_ptr_array_add (n->lives, expired);
  g_ptr_array_add (b.lives, expired);
  g_ptr_array_add (n->domains, g_strdup ("api.example"));   /* not checked (over the cap) */
  CnNotice *ev = notice (&b, "fwd@x", "evidence.example", 10, CN_VERDICT_UNVERIFIED, NULL);
  ev->attached = TRUE;
  CnRecordStats st = { 0 };
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_assert_true (cn_ledger_record (l, b.notices, "imap", now, events, &st, &e));
  g_assert_no_error (e);
  g_assert_cmpuint (st.recorded, ==, 4);     /* one row per name, and the evidence */
  g_autoptr (CnCase) www = find_case (l, "www.example", now);
  g_autoptr (CnCase) shop = find_case (l, "shop.example", now);
  g_autoptr (CnCase) api = find_case (l, "api.example", now);
  g_autoptr (CnCase) evidence = find_case (l, "evidence.example", now);
  g_assert_cmpint (www->state, ==, CN_CASE_OPEN);
  g_assert_cmpint (www->live_status, ==, CN_LIVE_EXPIRING);
  g_assert_cmpint (shop->state, ==, CN_CASE_ESCALATED);
  g_assert_cmpint (shop->live_status, ==, CN_LIVE_EXPIRED);
  g_assert_cmpint (api->state, ==, CN_CASE_OPEN);
  g_assert_null (api->checked);
  g_assert_null (evidence);
  g_assert_cmpuint (events->len, ==, 4);     /* 3 opened, 1 escalated */
  /* the same mail again: no name counts it twice */
  memset (&st, 0, sizeof st);
  g_assert_true (cn_ledger_record (l, b.notices, "filter", now, NULL, &st, &e));
  g_assert_cmpuint (st.duplicates, ==, 4);
  batch_clear (&b);
  rmtree (dir);
}

static void
test_checks (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (CnLedger) l = fresh_ledger (&dir);
  g_autoptr (GDateTime) t0 = day (0);
  g_autoptr (GError) e = NULL;
  Batch b;
  batch_init (&b);
  notice (&b, "r@x", "renew.example", 10, CN_VERDICT_UNVERIFIED, NULL);
  notice (&b, "x@x", "expire.example", 10, CN_VERDICT_UNVERIFIED, NULL);
  notice (&b, "d@x", "down.example", 10, CN_VERDICT_UNVERIFIED, NULL);
  g_assert_true (cn_ledger_record (l, b.notices, "filter", t0, NULL, NULL, &e));
  batch_clear (&b);

  g_autoptr (GDateTime) t1 = day (11);
  g_autoptr (GPtrArray) cases = cn_ledger_cases (l, FALSE, t1, &e);
  g_assert_cmpuint (cases->len, ==, 3);
  g_autoptr (GPtrArray) lives = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_live_free);
  for (guint i = 0; i < cases->len; i++) {
    const char *d = ((CnCase *) cases->pdata[i])->domain;
    g_ptr_array_add (lives, g_str_equal (d, "renew.example") ? live (d, 100, TRUE, TRUE, t1)
                           : g_str_equal (d, "expire.example") ? live (d, 10, TRUE, TRUE, t1)
                           : unreachable (d, t1));
  }
  /* meanwhile another process forgot one */
  guint forgotten = 0;
  g_assert_true (cn_ledger_forget (l, "down.example", 0, &forgotten, &e));
  g_assert_cmpuint (forgotten, ==, 1);
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_assert_true (cn_ledger_apply_checks (l, cases, lives, t1, events, &e));
  g_assert_no_error (e);
  g_assert_cmpuint (events->len, ==, 2);
  for (guint i = 0; i < cases->len; i++) {
    const CnCase *c = cases->pdata[i];
    if (g_str_equal (c->domain, "renew.example")) {
      g_assert_cmpint (c->was, ==, CN_CASE_OPEN);
      g_assert_cmpint (c->state, ==, CN_CASE_RESOLVED);
    } else if (g_str_equal (c->domain, "expire.example")) {
      g_assert_cmpint (c->state, ==, CN_CASE_ESCALATED);
      g_assert_cmpint (c->live_status, ==, CN_LIVE_EXPIRED);
      g_assert_true (g_date_time_equal (c->checked, t1));
    } else {
      /* the forgotten case is left as it was read */
      g_assert_cmpstr (c->domain, ==, "down.example");
      g_assert_cmpint (c->state, ==, c->was);
    }
  }
  guint counts[CN_CASE_STATE_COUNT];
  g_assert_true (cn_ledger_count (l, counts, &e));
  g_assert_cmpuint (counts[CN_CASE_OPEN], ==, 0);
  g_assert_cmpuint (counts[CN_CASE_ESCALATED], ==, 1);
  g_assert_cmpuint (counts[CN_CASE_RESOLVED], ==, 1);

  /* retention: the resolved case goes 30 days after it was resolved */
  guint removed = 99;
  g_autoptr (GDateTime) t2 = day (40);
  g_assert_true (cn_ledger_expire (l, 30, t2, TRUE, &removed, &e));
  g_assert_cmpuint (removed, ==, 0);
  g_autoptr (GDateTime) t3 = day (42);
  g_autoptr (GDateTime) t2b = g_date_time_add_hours (t2, 23);
  g_assert_true (cn_ledger_expire (l, 1, t2b, TRUE, &removed, &e));
  g_assert_cmpuint (removed, ==, 0);    /* daily: swept less than a day ago */
  g_assert_true (cn_ledger_expire (l, 30, t3, FALSE, &removed, &e));
  g_assert_cmpuint (removed, ==, 1);
  g_assert_true (cn_ledger_count (l, counts, &e));
  g_assert_cmpuint (counts[CN_CASE_RESOLVED], ==, 0);
  g_assert_cmpuint (counts[CN_CASE_ESCALATED], ==, 1);
  rmtree (dir);
}

/* Two processes (two connections here) take the pending events at once:
 * each event goes to exactly one of them. */
static void
test_claims (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (CnLedger) l = fresh_ledger (&dir);
  g_autofree char *path = g_build_filename (dir, "cases.db", NULL);
  g_autoptr (GError) e = NULL;
  g_autoptr (CnLedger) other = cn_ledger_open (path, FALSE, 1000, &e);
  g_assert_no_error (e);
  g_autoptr (GDateTime) now = day (0);
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (gint64));
  Batch b;
  batch_init (&b);
  for (int i = 0; i < 6; i++) {
    g_autofree char *mid = g_strdup_printf ("m%d@x", i);
    g_autofree char *dom = g_strdup_printf ("d%d.example", i);
    notice (&b, mid, dom, 10, CN_VERDICT_UNVERIFIED, NULL);
  }
  g_assert_true (cn_ledger_record (l, b.notices, "filter", now, events, NULL, &e));
  batch_clear (&b);
  g_assert_cmpuint (events->len, ==, 6);

  /* one takes the first three by id, the other everything pending */
  g_autoptr (GArray) some = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_vals (some, events->data, 3);
  g_autoptr (GPtrArray) mine = cn_ledger_claim_events (l, some, &e);
  g_autoptr (GPtrArray) theirs = cn_ledger_claim_events (other, NULL, &e);
  g_assert_no_error (e);
  g_assert_cmpuint (mine->len, ==, 3);
  g_assert_cmpuint (theirs->len, ==, 3);
  for (guint i = 0; i < theirs->len; i++)
    for (guint k = 0; k < mine->len; k++)
      g_assert_cmpint (((CnLedgerEvent *) theirs->pdata[i])->id, !=, ((CnLedgerEvent *) mine->pdata[k])->id);
  const CnLedgerEvent *ev = mine->pdata[0];
  g_assert_cmpint (ev->event, ==, CN_CASE_EVENT_OPENED);
  g_assert_nonnull (strstr (ev->payload, "\"event\":\"case-opened\""));
  g_assert_nonnull (strstr (ev->payload, "\"state\":\"open\""));
  g_autoptr (GPtrArray) none = cn_ledger_claim_events (l, NULL, &e);
  g_assert_cmpuint (none->len, ==, 0);

  /* announced ones are done; a failure is released for another try, and
   * given up after CN_LEDGER_EVENT_TRIES */
  for (guint i = 0; i < theirs->len; i++)
    g_assert_true (cn_ledger_event_done (other, theirs->pdata[i], NULL, &e));
  g_assert_true (cn_ledger_event_release (l, mine->pdata[1], &e));
  g_assert_true (cn_ledger_event_done (l, mine->pdata[2], NULL, &e));
  CnLedgerEvent *failing = mine->pdata[0];
  for (guint t = 0; t < CN_LEDGER_EVENT_TRIES; t++) {
    g_assert_true (cn_ledger_event_done (l, failing, "hook: exit status 1", &e));
    failing->tries++;
    g_autoptr (GPtrArray) again = cn_ledger_claim_events (other, NULL, &e);
    gboolean back = FALSE;
    for (guint i = 0; i < again->len; i++) {
      back |= ((CnLedgerEvent *) again->pdata[i])->id == failing->id;
      if (((CnLedgerEvent *) again->pdata[i])->id != failing->id)
        g_assert_true (cn_ledger_event_release (other, again->pdata[i], &e));
    }
    g_assert_cmpint (back, ==, t + 1 < CN_LEDGER_EVENT_TRIES);
  }
  g_autoptr (GPtrArray) left = cn_ledger_claim_events (l, NULL, &e);
  g_assert_cmpuint (left->len, ==, 1);    /* the released one, untried */
  g_assert_cmpint (((CnLedgerEvent *) left->pdata[0])->id, ==, ((CnLedgerEvent *) mine->pdata[1])->id);
  rmtree (dir);
}

/* An event kind without an action is written as announced: nothing waits
 * for a recheck that would have nothing to run. */
static void
test_nothing_to_run (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (CnLedger) l = fresh_ledger (&dir);
  g_autoptr (GDateTime) now = day (0);
  g_autoptr (GError) e = NULL;
  cn_ledger_set_announce (l, 1u << CN_CASE_EVENT_ESCALATED);
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (gint64));
  Batch b;
  batch_init (&b);
  notice (&b, "o@x", "open.example", 10, CN_VERDICT_UNVERIFIED, NULL);
  notice (&b, "d@x", "dead.example", 10, CN_VERDICT_EXPIRED, live ("dead.example", -2, TRUE, TRUE, now));
  g_assert_true (cn_ledger_record (l, b.notices, "filter", now, events, NULL, &e));
  batch_clear (&b);
  g_assert_cmpuint (events->len, ==, 1);     /* dead.example escalated; the openings need nothing */
  g_autoptr (GPtrArray) pending = cn_ledger_claim_events (l, NULL, &e);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpint (((CnLedgerEvent *) pending->pdata[0])->event, ==, CN_CASE_EVENT_ESCALATED);
  rmtree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "rules", NULL);
  g_autoptr (GError) e = NULL;
  rules = cn_rules_load_dir (dir, FALSE, &e);
  g_assert_no_error (e);
  for (guint i = 0; i < rules->rules->len; i++)
    if (g_str_equal (((CnRule *) rules->rules->pdata[i])->id, "sakura"))
      sakura = rules->rules->pdata[i];
  g_assert_nonnull (sakura);
  g_test_add_func ("/case/step", test_step);
  g_test_add_func ("/case/events", test_events);
  g_test_add_func ("/case/days-left", test_days_left);
  g_test_add_func ("/ledger/open", test_open);
  g_test_add_func ("/ledger/broken", test_broken);
  g_test_add_func ("/ledger/record", test_record);
  g_test_add_func ("/ledger/names", test_names);
  g_test_add_func ("/ledger/checks", test_checks);
  g_test_add_func ("/ledger/claims", test_claims);
  g_test_add_func ("/ledger/nothing-to-run", test_nothing_to_run);
  int rc = g_test_run ();
  cn_rules_free (rules);
  return rc;
}
