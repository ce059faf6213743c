/* ledger.c — the ledger file (ledger.h): SQLite in WAL mode, one schema
 * versioned with PRAGMA user_version and migrated forward, transactions
 * short enough for fifty mail filters writing at once; errors that say how
 * to recover; forgetting, retention, and the events' claims.  What notices
 * and checks do to the cases is ledger-cases.c.
 *
 * Every write is one BEGIN IMMEDIATE transaction: the write lock is taken
 * up front, so a writer waits (busy_timeout) instead of failing half-way,
 * and a state change and the event that announces it commit together.
 * Readers (cases) never wait for writers in WAL mode.  Times are Unix
 * seconds (the --now clock); claims on events use the real clock, since
 * they are about processes, not about the case's timeline.
 */
#include "ledger-sql.h"

#include <errno.h>
#include <fcntl.h>
#include "i18n.h"
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define APPLICATION_ID 0x636e6c67   /* "cnlg": a certnotice ledger */
#define EX_CANTCREAT 73
#define EX_IOERR 74

G_DEFINE_QUARK (certnotice-ledger-error, cn_ledger_error)

int
cn_ledger_exit_status (const GError *error)
{
  if (error->domain != CN_LEDGER_ERROR)
    return CN_EXIT_SOFTWARE;
  switch ((CnLedgerErrorCode) error->code) {
  case CN_LEDGER_ERROR_MISSING: return CN_EXIT_NOINPUT;
  case CN_LEDGER_ERROR_BUSY: return CN_EXIT_TEMPFAIL;
  case CN_LEDGER_ERROR_CORRUPT: return CN_EXIT_DATAERR;
  case CN_LEDGER_ERROR_NEWER: return CN_EXIT_CONFIG;
  case CN_LEDGER_ERROR_ACCESS: return EX_CANTCREAT;
  case CN_LEDGER_ERROR_IO: return EX_IOERR;
  case CN_LEDGER_ERROR_INTERNAL: break;
  }
  return CN_EXIT_SOFTWARE;
}

/* ---- errors: say what is wrong and what to do ----
 *
 * They are shown (cases and recheck, filter's and imap's logs), never kept:
 * translated where they are made (certnotice.h).  What SQLite says stays as
 * it is. */

static gboolean
fail_rc (const char *path, int rc, const char *detail, int busy_ms, GError **error)
{
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_BUSY,
                 _("ledger %s is busy: another certnotice process held it for more than %d ms; "
                   "try again"), path, busy_ms);
    break;
  case SQLITE_NOTADB:
  case SQLITE_CORRUPT:
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_CORRUPT,
                 _("ledger %s is damaged or is not a certnotice ledger (%s). To recover, move it "
                   "aside (mv %s %s.broken): a new ledger starts with the next notice recorded, and "
                   "`sqlite3 %s.broken .recover` may save what it held"), path, detail, path, path, path);
    break;
  case SQLITE_READONLY:
  case SQLITE_CANTOPEN:
  case SQLITE_PERM:
  case SQLITE_AUTH:
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_ACCESS,
                 _("ledger %s cannot be written (%s): make it and its directory yours and "
                   "writable (chmod u+rw; the directory u+rwx), or give another file with --db "
                   "or [certnotice] db"), path, detail);
    break;
  case SQLITE_IOERR:
  case SQLITE_FULL:
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_IO,
                 _("ledger %s: %s (is the disk full or failing?)"), path, detail);
    break;
  default:
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_INTERNAL, _("ledger %s: %s"), path, detail);
  }
  return FALSE;
}

gboolean
ldb_fail (CnLedger *l, int rc, GError **error)
{
  return fail_rc (l->path, rc, sqlite3_errmsg (l->db), l->busy_ms, error);
}

/* ---- statements ---- */

sqlite3_stmt *
ldb_prep (CnLedger *l, const char *sql, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (l->db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK) {
    ldb_fail (l, rc, error);
    return NULL;
  }
  return st;
}

gboolean
ldb_exec (CnLedger *l, const char *sql, GError **error)
{
  int rc = sqlite3_exec (l->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK || ldb_fail (l, rc, error);
}

/* Step ST to its ldb_end (no rows wanted). */
gboolean
ldb_run (CnLedger *l, sqlite3_stmt *st, GError **error)
{
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    ;
  return rc == SQLITE_DONE || ldb_fail (l, rc, error);
}

void
ldb_bind_text (sqlite3_stmt *st, int i, const char *v)
{
  if (v)
    sqlite3_bind_text (st, i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (st, i);
}

void
ldb_bind_time (sqlite3_stmt *st, int i, GDateTime *t)
{
  if (t)
    sqlite3_bind_int64 (st, i, g_date_time_to_unix (t));
  else
    sqlite3_bind_null (st, i);
}

void
ldb_bind_date (sqlite3_stmt *st, int i, const GDate *d)
{
  if (d == NULL) {
    sqlite3_bind_null (st, i);
    return;
  }
  char buf[16];
  g_snprintf (buf, sizeof buf, "%04d-%02d-%02d", g_date_get_year (d), g_date_get_month (d), g_date_get_day (d));
  sqlite3_bind_text (st, i, buf, -1, SQLITE_TRANSIENT);
}

char *
ldb_col_text (sqlite3_stmt *st, int i)
{
  const unsigned char *v = sqlite3_column_text (st, i);
  return v ? g_strdup ((const char *) v) : NULL;
}

GDateTime *
ldb_col_time (sqlite3_stmt *st, int i)
{
  if (sqlite3_column_type (st, i) == SQLITE_NULL)
    return NULL;
  return g_date_time_new_from_unix_utc (sqlite3_column_int64 (st, i));
}

GDate *
ldb_col_date (sqlite3_stmt *st, int i)
{
  const char *v = (const char *) sqlite3_column_text (st, i);
  int y, m, d;
  if (v == NULL || sscanf (v, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_date_new_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

gboolean
ldb_begin (CnLedger *l, GError **error)
{
  if (l->readonly) {
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_ACCESS,
                 _("ledger %s is read-only here: make it and its directory yours and writable "
                   "(chmod u+rw; the directory u+rwx), or give another file with --db"), l->path);
    return FALSE;
  }
  return ldb_exec (l, "BEGIN IMMEDIATE", error);
}

/* COMMIT when OK, else ROLLBACK; returns whether all went well. */
gboolean
ldb_end (CnLedger *l, gboolean ok, GError **error)
{
  if (ok)
    return ldb_exec (l, "COMMIT", error);
  sqlite3_exec (l->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gint64
real_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- schema ---- */

/* migrations[v] takes a ledger from version v to v + 1.  Never edit a step
 * once released: add the next one and raise CN_LEDGER_SCHEMA. */
static const char *const migrations[CN_LEDGER_SCHEMA] = {
  /* 0 → 1: the first schema */
  "CREATE TABLE cases ("
  "  id INTEGER PRIMARY KEY,"
  "  domain TEXT NOT NULL,"
  "  port INTEGER NOT NULL,"
  "  provider TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('open', 'escalated', 'resolved')),"
  "  opened INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  resolved INTEGER,"
  "  expires_claimed TEXT,"
  "  verdict TEXT NOT NULL,"
  "  notices INTEGER NOT NULL DEFAULT 0,"
  "  last_notice INTEGER,"
  "  checked INTEGER,"
  "  live_status TEXT,"
  "  not_after INTEGER);"
  /* one open or escalated case per certificate, whatever races */
  "CREATE UNIQUE INDEX cases_active ON cases (domain, port) WHERE state <> 'resolved';"
  "CREATE INDEX cases_state ON cases (state, resolved);"
  "CREATE INDEX cases_domain ON cases (domain, port, resolved);"
  "CREATE TABLE notices ("
  "  id INTEGER PRIMARY KEY,"
  "  dedupe TEXT NOT NULL,"          /* mid:… (Message-ID) or hdr:… (hash) */
  "  domain TEXT NOT NULL,"          /* '' when the notice named none      */
  "  port INTEGER NOT NULL,"
  "  case_id INTEGER,"
  "  via TEXT NOT NULL,"
  "  source TEXT,"
  "  part TEXT,"
  "  message_id TEXT,"
  "  mail_date INTEGER,"
  "  provider TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  account TEXT,"
  "  days_claimed INTEGER,"
  "  expires_claimed TEXT,"
  "  authentic INTEGER,"
  "  verdict TEXT NOT NULL,"
  "  live_status TEXT,"
  "  not_after INTEGER,"
  "  trusted INTEGER,"
  "  name_ok INTEGER,"
  "  recorded INTEGER NOT NULL,"
  "  UNIQUE (dedupe, domain, port));"
  "CREATE INDEX notices_case ON notices (case_id);"
  "CREATE INDEX notices_loose ON notices (recorded) WHERE case_id IS NULL;"
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  case_id INTEGER NOT NULL,"
  "  domain TEXT NOT NULL,"
  "  event TEXT NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  claimed INTEGER,"               /* real time a process took it        */
  "  announced INTEGER,"             /* real time it was done (or given up) */
  "  tries INTEGER NOT NULL DEFAULT 0,"
  "  error TEXT);"
  "CREATE INDEX events_pending ON events (id) WHERE announced IS NULL;"
  "CREATE INDEX events_case ON events (case_id);"
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);",
};

static gboolean
pragma_int (CnLedger *l, const char *name, gint64 *out, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA %s", name);
  g_autoptr (sqlite3_stmt) st = ldb_prep (l, sql, error);
  if (st == NULL)
    return FALSE;
  int rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    return ldb_fail (l, rc, error);
  *out = sqlite3_column_int64 (st, 0);
  return TRUE;
}

/* Refuse what we cannot read; FALSE + ERROR. */
static gboolean
check_version (CnLedger *l, gint64 version, gint64 app, GError **error)
{
  if (app != 0 && app != APPLICATION_ID)
    return fail_rc (l->path, SQLITE_NOTADB, _("a SQLite file of another application"), l->busy_ms, error);
  if (version > CN_LEDGER_SCHEMA) {
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_NEWER,
                 /* user_version is a 32-bit number */
                 _("ledger %s was written by a newer certnotice (schema %d; this one knows up to "
                   "%d): upgrade certnotice, or give another file with --db"),
                 l->path, (int) version, CN_LEDGER_SCHEMA);
    return FALSE;
  }
  return TRUE;
}

/* Bring the schema to CN_LEDGER_SCHEMA (in one transaction: a crash leaves
 * the old version or the new one). */
static gboolean
migrate (CnLedger *l, GError **error)
{
  gint64 version = 0, app = 0;
  if (!pragma_int (l, "user_version", &version, error) || !pragma_int (l, "application_id", &app, error) ||
      !check_version (l, version, app, error))
    return FALSE;
  if (version == CN_LEDGER_SCHEMA)
    return TRUE;
  if (l->readonly) {
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_ACCESS,
                 _("ledger %s has schema %d and needs an upgrade to %d, but cannot be written "
                   "here: make it and its directory writable (chmod u+rw; the directory u+rwx)"),
                 l->path, (int) version, CN_LEDGER_SCHEMA);
    return FALSE;
  }
  if (!ldb_begin (l, error))
    return FALSE;
  /* another process may have done it while we waited for the lock */
  gboolean ok = pragma_int (l, "user_version", &version, error) &&
                pragma_int (l, "application_id", &app, error) && check_version (l, version, app, error);
  if (ok && version == 0) {
    /* a new file, or someone else's database that happens to be version 0 */
    g_autoptr (sqlite3_stmt) st = ldb_prep (l, "SELECT count(*) FROM sqlite_master", error);
    ok = st && sqlite3_step (st) == SQLITE_ROW;
    if (ok && sqlite3_column_int64 (st, 0) > 0)
      ok = fail_rc (l->path, SQLITE_NOTADB, _("it holds tables of another application"), l->busy_ms, error);
  }
  for (gint64 v = version; ok && v < CN_LEDGER_SCHEMA; v++)
    ok = ldb_exec (l, migrations[v], error);
  if (ok) {
    g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d",
                                            CN_LEDGER_SCHEMA, APPLICATION_ID);
    ok = ldb_exec (l, sql, error);
  }
  return ldb_end (l, ok, error);
}

/* ---- opening ---- */

/* The WAL's length (in pages of 4 KiB) at which a commit folds it back:
 * small, since every process that opens the ledger first reads it whole. */
#define CN_LEDGER_WAL_PAGES 64


char *
cn_ledger_default_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "certnotice", "cases.db", NULL);
}

char *
cn_ledger_resolve_path (const char *given, const CnConfig *config)
{
  if (given)
    return g_strdup (given);
  if (config && config->db)
    return g_strdup (config->db);
  return cn_ledger_default_path ();
}

/* Create PATH (0600) and its directory (0700) unless they exist. */
static gboolean
create_file (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) < 0) {
    int e = errno;
    g_autofree char *why = g_strdup_printf (_("cannot create directory %s: %s"), dir, g_strerror (e));
    return fail_rc (path, SQLITE_CANTOPEN, why, 0, error);
  }
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    int e = errno;
    return fail_rc (path, SQLITE_CANTOPEN, g_strerror (e), 0, error);
  }
  close (fd);
  return TRUE;
}

/* After each commit, with the WAL's length in pages: fold it back into
 * the file and truncate it once it is CN_LEDGER_WAL_PAGES long.
 *
 * SQLite's own automatic checkpoint does not do for processes that live
 * for one transaction (a filter per mail): the first process to open the
 * file after the others closed it rebuilds the WAL's index from the whole
 * WAL, and forgets what was checkpointed; the WAL is reused from its start
 * only by a second transaction of the process that checkpointed.  So the
 * WAL grew by every notice for good (18 MB after 1,500 filter runs) and
 * each run read all of it (11 ms → 26 ms).  A TRUNCATE checkpoint leaves
 * an empty WAL.  It does not wait: with a reader or a writer about it
 * fails at once (SQLITE_BUSY), and the next commit tries again. */
static int
on_commit (void *data, sqlite3 *db, const char *name, int pages)
{
  CnLedger *l = data;
  if (pages >= CN_LEDGER_WAL_PAGES) {
    sqlite3_busy_timeout (db, 0);
    (void) sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_busy_timeout (db, l->busy_ms);
  }
  return SQLITE_OK;
}

/* Settings of every connection, then the schema. */
static gboolean
setup (CnLedger *l, GError **error)
{
  sqlite3_extended_result_codes (l->db, 1);
  sqlite3_busy_timeout (l->db, l->busy_ms);
  /* a filter lives for one mail: no checkpoint (and fsync) as it closes;
   * the WAL is folded back by on_commit() (instead of SQLite's automatic
   * checkpoint) */
  sqlite3_db_config (l->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  sqlite3_wal_hook (l->db, on_commit, l);
  l->readonly = sqlite3_db_readonly (l->db, "main") == 1;
  if (!l->readonly) {
    /* WAL: readers never wait for writers; NORMAL: no fsync per commit (a
     * power cut may lose the last notices, never the file) */
    g_autoptr (sqlite3_stmt) st = ldb_prep (l, "PRAGMA journal_mode = WAL", error);
    if (st == NULL)
      return FALSE;
    int rc = sqlite3_step (st);
    if (rc != SQLITE_ROW)
      return ldb_fail (l, rc, error);
  }
  return ldb_exec (l, "PRAGMA synchronous = NORMAL", error) && migrate (l, error);
}

CnLedger *
cn_ledger_open (const char *path, gboolean create, int busy_ms, GError **error)
{
  if (!create && !g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_MISSING,
                 _("no ledger at %s yet: filter and imap start it with the first notice they "
                   "judge (parse with --record)"), path);
    return NULL;
  }
  if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
    fail_rc (path, SQLITE_CANTOPEN, _("it is a directory"), 0, error);
    return NULL;
  }
  if (create && !create_file (path, error))
    return NULL;
  g_autoptr (CnLedger) l = g_new0 (CnLedger, 1);
  l->path = g_strdup (path);
  l->busy_ms = busy_ms;
  l->announce = (1u << CN_CASE_EVENT_COUNT) - 1;
  int rc = sqlite3_open_v2 (path, &l->db, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK && !create) {
    /* e.g. a file we may read but not write: `cases` still shows it */
    sqlite3_close (l->db);
    l->db = NULL;
    rc = sqlite3_open_v2 (path, &l->db, SQLITE_OPEN_READONLY, NULL);
  }
  if (rc != SQLITE_OK) {
    fail_rc (path, rc, l->db ? sqlite3_errmsg (l->db) : sqlite3_errstr (rc), busy_ms, error);
    return NULL;
  }
  GError *e = NULL;
  if (setup (l, &e))
    return g_steal_pointer (&l);
  if (create || !l->readonly || !g_error_matches (e, CN_LEDGER_ERROR, CN_LEDGER_ERROR_ACCESS)) {
    g_propagate_error (error, e);
    return NULL;
  }
  /* WAL needs its -shm file even to read; where that cannot be made (a
   * directory we may not write), read the file as it stands */
  g_clear_error (&e);
  sqlite3_close (l->db);
  l->db = NULL;
  g_autofree char *esc = g_uri_escape_string (path, "/", FALSE);
  g_autofree char *uri = g_strdup_printf ("file:%s?immutable=1", esc);
  rc = sqlite3_open_v2 (uri, &l->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc != SQLITE_OK) {
    fail_rc (path, rc, l->db ? sqlite3_errmsg (l->db) : sqlite3_errstr (rc), busy_ms, error);
    return NULL;
  }
  return setup (l, error) ? g_steal_pointer (&l) : NULL;
}

void
cn_ledger_close (CnLedger *l)
{
  if (l == NULL)
    return;
  sqlite3_close (l->db);
  g_free (l->path);
  g_free (l);
}

const char *
cn_ledger_path (const CnLedger *l)
{
  return l->path;
}

gboolean
cn_ledger_writable (const CnLedger *l)
{
  return !l->readonly;
}

void
cn_ledger_set_announce (CnLedger *l, guint events)
{
  l->announce = events;
}

void
cn_ledger_set_busy_timeout (CnLedger *l, int busy_ms)
{
  l->busy_ms = busy_ms;
  sqlite3_busy_timeout (l->db, busy_ms);
}

gboolean
cn_ledger_retention_turn (CnLedger *l)
{
  gboolean first = !l->expired;
  l->expired = TRUE;
  return first;
}

/* ---- forget, retention ---- */

gboolean
cn_ledger_forget (CnLedger *l, const char *domain, int port, guint *forgotten, GError **error)
{
  /* the cases of DOMAIN (?1), on PORT (?2) or on any port when 0 */
#define THE_CASES "domain = ?1 AND (?2 = 0 OR port = ?2)"
  static const char *const steps[] = {
    ("DELETE FROM events WHERE case_id IN (SELECT id FROM cases WHERE " THE_CASES ")"),
    ("UPDATE notices SET case_id = NULL WHERE case_id IN (SELECT id FROM cases WHERE " THE_CASES ")"),
    ("DELETE FROM cases WHERE " THE_CASES),
  };
#undef THE_CASES
  *forgotten = 0;
  if (!ldb_begin (l, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < G_N_ELEMENTS (steps); i++) {
    g_autoptr (sqlite3_stmt) st = ldb_prep (l, steps[i], error);
    ok = st != NULL;
    if (ok) {
      ldb_bind_text (st, 1, domain);
      sqlite3_bind_int (st, 2, port);
      ok = ldb_run (l, st, error);
    }
  }
  if (ok)
    *forgotten = (guint) sqlite3_changes (l->db);
  return ldb_end (l, ok, error);
}

gboolean
cn_ledger_expire (CnLedger *l, int keep_days, GDateTime *now, gboolean daily, guint *removed, GError **error)
{
  static const char *const steps[] = {
    "DELETE FROM events WHERE case_id IN (SELECT id FROM cases WHERE state = 'resolved' AND resolved < ?1)",
    "DELETE FROM notices WHERE case_id IN (SELECT id FROM cases WHERE state = 'resolved' AND resolved < ?1)",
    "DELETE FROM cases WHERE state = 'resolved' AND resolved < ?1",
    "DELETE FROM notices WHERE case_id IS NULL AND recorded < ?1",
    "DELETE FROM events WHERE announced IS NOT NULL AND at < ?1",
  };
  gint64 t = g_date_time_to_unix (now);
  gint64 cutoff = t - (gint64) keep_days * 86400;
  if (removed)
    *removed = 0;
  if (!ldb_begin (l, error))
    return FALSE;
  gboolean ok = TRUE;
  if (daily) {
    gboolean recent = FALSE;
    {
      g_autoptr (sqlite3_stmt) st = ldb_prep (l, "SELECT value FROM meta WHERE key = 'last_expire'", error);
      ok = st != NULL;
      if (ok && sqlite3_step (st) == SQLITE_ROW) {
        gint64 last = sqlite3_column_int64 (st, 0);
        recent = t - last >= 0 && t - last < 86400;
      }
    }
    if (!ok || recent)
      return ldb_end (l, ok, error);
  }
  for (guint i = 0; ok && i < G_N_ELEMENTS (steps); i++) {
    g_autoptr (sqlite3_stmt) st = ldb_prep (l, steps[i], error);
    ok = st != NULL;
    if (ok) {
      sqlite3_bind_int64 (st, 1, cutoff);
      ok = ldb_run (l, st, error);
    }
    if (ok && i == 2 && removed)
      *removed = (guint) sqlite3_changes (l->db);
  }
  if (ok) {
    g_autoptr (sqlite3_stmt) st = ldb_prep (l, "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_expire', ?1)", error);
    ok = st != NULL;
    if (ok) {
      sqlite3_bind_int64 (st, 1, t);
      ok = ldb_run (l, st, error);
    }
  }
  return ldb_end (l, ok, error);
}

/* ---- events ---- */

void
cn_ledger_event_free (CnLedgerEvent *e)
{
  if (e == NULL)
    return;
  g_free (e->domain);
  g_free (e->payload);
  g_free (e);
}

GPtrArray *
cn_ledger_claim_events (CnLedger *l, GArray *ids, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_ledger_event_free);
  gint64 t = real_now ();
  if (!ldb_begin (l, error))
    return NULL;
  const char *sql = ids
    ? "SELECT id, case_id, event, domain, payload, tries FROM events WHERE id = ?2 AND announced IS NULL "
      "AND (claimed IS NULL OR claimed < ?1)"
    : "SELECT id, case_id, event, domain, payload, tries FROM events WHERE announced IS NULL "
      "AND (claimed IS NULL OR claimed < ?1) ORDER BY id";
  g_autoptr (sqlite3_stmt) st = ldb_prep (l, sql, error);
  gboolean ok = st != NULL;
  for (guint i = 0; ok && i < (ids ? ids->len : 1); i++) {
    sqlite3_reset (st);
    sqlite3_bind_int64 (st, 1, t - CN_LEDGER_CLAIM_STALE_SECONDS);
    if (ids)
      sqlite3_bind_int64 (st, 2, g_array_index (ids, gint64, i));
    int rc;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
      CnLedgerEvent *e = g_new0 (CnLedgerEvent, 1);
      e->id = sqlite3_column_int64 (st, 0);
      e->case_id = sqlite3_column_int64 (st, 1);
      CnCaseEvent ev = CN_CASE_EVENT_OPENED;
      cn_case_event_from_name ((const char *) sqlite3_column_text (st, 2), &ev);
      e->event = ev;
      e->domain = ldb_col_text (st, 3);
      e->payload = ldb_col_text (st, 4);
      e->tries = (guint) sqlite3_column_int (st, 5);
      g_ptr_array_add (out, e);
    }
    ok = rc == SQLITE_DONE || ldb_fail (l, rc, error);
  }
  g_autoptr (sqlite3_stmt) up = ok ? ldb_prep (l, "UPDATE events SET claimed = ?1 WHERE id = ?2", error) : NULL;
  ok = ok && up;
  for (guint i = 0; ok && i < out->len; i++) {
    sqlite3_reset (up);
    sqlite3_bind_int64 (up, 1, t);
    sqlite3_bind_int64 (up, 2, ((CnLedgerEvent *) out->pdata[i])->id);
    ok = ldb_run (l, up, error);
  }
  if (!ldb_end (l, ok, error))
    return NULL;
  return g_steal_pointer (&out);
}

gboolean
cn_ledger_event_done (CnLedger *l, const CnLedgerEvent *e, const char *failure, GError **error)
{
  const char *sql = failure == NULL
    ? "UPDATE events SET announced = ?1, claimed = NULL, error = NULL WHERE id = ?2"
    : e->tries + 1 >= CN_LEDGER_EVENT_TRIES
    ? "UPDATE events SET announced = ?1, claimed = NULL, tries = tries + 1, error = ?3 WHERE id = ?2"
    : "UPDATE events SET claimed = NULL, tries = tries + 1, error = ?3 WHERE id = ?2";
  if (!ldb_begin (l, error))
    return FALSE;
  g_autoptr (sqlite3_stmt) st = ldb_prep (l, sql, error);
  gboolean ok = st != NULL;
  if (ok) {
    sqlite3_bind_int64 (st, 1, real_now ());
    sqlite3_bind_int64 (st, 2, e->id);
    ldb_bind_text (st, 3, failure);
    ok = ldb_run (l, st, error);
  }
  return ldb_end (l, ok, error);
}

gboolean
cn_ledger_event_release (CnLedger *l, const CnLedgerEvent *e, GError **error)
{
  if (!ldb_begin (l, error))
    return FALSE;
  g_autoptr (sqlite3_stmt) st = ldb_prep (l, "UPDATE events SET claimed = NULL WHERE id = ?1", error);
  gboolean ok = st != NULL;
  if (ok) {
    sqlite3_bind_int64 (st, 1, e->id);
    ok = ldb_run (l, st, error);
  }
  return ldb_end (l, ok, error);
}
