/* ledger.c — the ledger file (ledger.h): SQLite in WAL mode, one schema
 * versioned with PRAGMA user_version and migrated forward, transactions
 * short enough for fifty mail filters writing at once.
 *
 * Every write is one BEGIN IMMEDIATE transaction: the write lock is taken
 * up front, so a writer waits (busy_timeout) instead of failing half-way,
 * and a state change and the event that announces it commit together.
 * Readers (cases) never wait for writers in WAL mode.  Times are Unix
 * seconds (the --now clock); claims on events use the real clock, since
 * they are about processes, not about the case's timeline.
 */
#include "ledger.h"
#include "triage.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#define APPLICATION_ID 0x636e6c67   /* "cnlg": a certnotice ledger */

struct _CnLedger {
  sqlite3 *db;
  char *path;
  gboolean readonly;
  int busy_ms;
};

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
  case CN_LEDGER_ERROR_ACCESS: return 73;   /* EX_CANTCREAT */
  case CN_LEDGER_ERROR_IO: return 74;       /* EX_IOERR     */
  case CN_LEDGER_ERROR_INTERNAL: break;
  }
  return CN_EXIT_SOFTWARE;
}

/* ---- errors: say what is wrong and what to do ---- */

static gboolean
fail_rc (const char *path, int rc, const char *detail, int busy_ms, GError **error)
{
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_BUSY,
                 "ledger %s is busy: another certnotice process held it for more than %d ms; "
                 "try again", path, busy_ms);
    break;
  case SQLITE_NOTADB:
  case SQLITE_CORRUPT:
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_CORRUPT,
                 "ledger %s is damaged or is not a certnotice ledger (%s). To recover, move it "
                 "aside (mv %s %s.broken): a new ledger starts with the next notice recorded, and "
                 "`sqlite3 %s.broken .recover` may save what it held", path, detail, path, path, path);
    break;
  case SQLITE_READONLY:
  case SQLITE_CANTOPEN:
  case SQLITE_PERM:
  case SQLITE_AUTH:
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_ACCESS,
                 "ledger %s cannot be written (%s): make it and its directory yours and "
                 "writable (chmod u+rw; the directory u+rwx), or give another file with --db "
                 "or [certnotice] db", path, detail);
    break;
  case SQLITE_IOERR:
  case SQLITE_FULL:
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_IO,
                 "ledger %s: %s (is the disk full or failing?)", path, detail);
    break;
  default:
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_INTERNAL, "ledger %s: %s", path, detail);
  }
  return FALSE;
}

static gboolean
fail_db (CnLedger *l, int rc, GError **error)
{
  return fail_rc (l->path, rc, sqlite3_errmsg (l->db), l->busy_ms, error);
}

/* ---- statements ---- */

static sqlite3_stmt *
prep (CnLedger *l, const char *sql, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (l->db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK) {
    fail_db (l, rc, error);
    return NULL;
  }
  return st;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static gboolean
exec (CnLedger *l, const char *sql, GError **error)
{
  int rc = sqlite3_exec (l->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK || fail_db (l, rc, error);
}

/* Step ST to its end (no rows wanted). */
static gboolean
run (CnLedger *l, sqlite3_stmt *st, GError **error)
{
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    ;
  return rc == SQLITE_DONE || fail_db (l, rc, error);
}

static void
bind_text (sqlite3_stmt *st, int i, const char *v)
{
  if (v)
    sqlite3_bind_text (st, i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (st, i);
}

static void
bind_time (sqlite3_stmt *st, int i, GDateTime *t)
{
  if (t)
    sqlite3_bind_int64 (st, i, g_date_time_to_unix (t));
  else
    sqlite3_bind_null (st, i);
}

static void
bind_date (sqlite3_stmt *st, int i, const GDate *d)
{
  if (d == NULL) {
    sqlite3_bind_null (st, i);
    return;
  }
  char buf[16];
  g_snprintf (buf, sizeof buf, "%04d-%02d-%02d", g_date_get_year (d), g_date_get_month (d), g_date_get_day (d));
  sqlite3_bind_text (st, i, buf, -1, SQLITE_TRANSIENT);
}

static char *
col_text (sqlite3_stmt *st, int i)
{
  const unsigned char *v = sqlite3_column_text (st, i);
  return v ? g_strdup ((const char *) v) : NULL;
}

static GDateTime *
col_time (sqlite3_stmt *st, int i)
{
  if (sqlite3_column_type (st, i) == SQLITE_NULL)
    return NULL;
  return g_date_time_new_from_unix_utc (sqlite3_column_int64 (st, i));
}

static GDate *
col_date (sqlite3_stmt *st, int i)
{
  const char *v = (const char *) sqlite3_column_text (st, i);
  int y, m, d;
  if (v == NULL || sscanf (v, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_date_new_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

static gboolean
begin (CnLedger *l, GError **error)
{
  if (l->readonly) {
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_ACCESS,
                 "ledger %s is read-only here: make it and its directory yours and writable "
                 "(chmod u+rw; the directory u+rwx), or give another file with --db", l->path);
    return FALSE;
  }
  return exec (l, "BEGIN IMMEDIATE", error);
}

/* COMMIT when OK, else ROLLBACK; returns whether all went well. */
static gboolean
end (CnLedger *l, gboolean ok, GError **error)
{
  if (ok)
    return exec (l, "COMMIT", error);
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
  g_autoptr (sqlite3_stmt) st = prep (l, sql, error);
  if (st == NULL)
    return FALSE;
  int rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    return fail_db (l, rc, error);
  *out = sqlite3_column_int64 (st, 0);
  return TRUE;
}

/* Refuse what we cannot read; FALSE + ERROR. */
static gboolean
check_version (CnLedger *l, gint64 version, gint64 app, GError **error)
{
  if (app != 0 && app != APPLICATION_ID)
    return fail_rc (l->path, SQLITE_NOTADB, "a SQLite file of another application", l->busy_ms, error);
  if (version > CN_LEDGER_SCHEMA) {
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_NEWER,
                 "ledger %s was written by a newer certnotice (schema %" G_GINT64_FORMAT
                 "; this one knows up to %d): upgrade certnotice, or give another file with --db",
                 l->path, version, CN_LEDGER_SCHEMA);
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
                 "ledger %s has schema %" G_GINT64_FORMAT " and needs an upgrade to %d, but cannot be "
                 "written here: make it and its directory writable (chmod u+rw; the directory u+rwx)",
                 l->path, version, CN_LEDGER_SCHEMA);
    return FALSE;
  }
  if (!begin (l, error))
    return FALSE;
  /* another process may have done it while we waited for the lock */
  gboolean ok = pragma_int (l, "user_version", &version, error) &&
                pragma_int (l, "application_id", &app, error) && check_version (l, version, app, error);
  if (ok && version == 0) {
    /* a new file, or someone else's database that happens to be version 0 */
    g_autoptr (sqlite3_stmt) st = prep (l, "SELECT count(*) FROM sqlite_master", error);
    ok = st && sqlite3_step (st) == SQLITE_ROW;
    if (ok && sqlite3_column_int64 (st, 0) > 0)
      ok = fail_rc (l->path, SQLITE_NOTADB, "it holds tables of another application", l->busy_ms, error);
  }
  for (gint64 v = version; ok && v < CN_LEDGER_SCHEMA; v++)
    ok = exec (l, migrations[v], error);
  if (ok) {
    g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d",
                                            CN_LEDGER_SCHEMA, APPLICATION_ID);
    ok = exec (l, sql, error);
  }
  return end (l, ok, error);
}

/* ---- opening ---- */

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
    g_autofree char *why = g_strdup_printf ("cannot create directory %s: %s", dir, g_strerror (e));
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

/* Settings of every connection, then the schema. */
static gboolean
setup (CnLedger *l, GError **error)
{
  sqlite3_extended_result_codes (l->db, 1);
  sqlite3_busy_timeout (l->db, l->busy_ms);
  l->readonly = sqlite3_db_readonly (l->db, "main") == 1;
  if (!l->readonly) {
    /* WAL: readers never wait for writers; NORMAL: no fsync per commit (a
     * power cut may lose the last notices, never the file) */
    g_autoptr (sqlite3_stmt) st = prep (l, "PRAGMA journal_mode = WAL", error);
    if (st == NULL)
      return FALSE;
    int rc = sqlite3_step (st);
    if (rc != SQLITE_ROW)
      return fail_db (l, rc, error);
  }
  return exec (l, "PRAGMA synchronous = NORMAL", error) && migrate (l, error);
}

CnLedger *
cn_ledger_open (const char *path, gboolean create, int busy_ms, GError **error)
{
  if (!create && !g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_set_error (error, CN_LEDGER_ERROR, CN_LEDGER_ERROR_MISSING,
                 "no ledger at %s yet: filter and imap start it with the first notice they "
                 "judge (parse with --record)", path);
    return NULL;
  }
  if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
    fail_rc (path, SQLITE_CANTOPEN, "it is a directory", 0, error);
    return NULL;
  }
  if (create && !create_file (path, error))
    return NULL;
  g_autoptr (CnLedger) l = g_new0 (CnLedger, 1);
  l->path = g_strdup (path);
  l->busy_ms = busy_ms;
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
cn_ledger_set_busy_timeout (CnLedger *l, int busy_ms)
{
  l->busy_ms = busy_ms;
  sqlite3_busy_timeout (l->db, busy_ms);
}

/* ---- cases ---- */

#define CASE_COLUMNS "id, domain, port, provider, kind, state, opened, updated, resolved, " \
                     "expires_claimed, verdict, notices, last_notice, checked, live_status, not_after"

static CnCase *
row_to_case (sqlite3_stmt *st)
{
  CnCase *c = cn_case_new ();
  c->id = sqlite3_column_int64 (st, 0);
  c->domain = col_text (st, 1);
  c->port = sqlite3_column_int (st, 2);
  c->provider = col_text (st, 3);
  c->kind = col_text (st, 4);
  cn_case_state_from_name ((const char *) sqlite3_column_text (st, 5), &c->state);
  c->was = c->state;
  c->opened = col_time (st, 6);
  c->updated = col_time (st, 7);
  c->resolved = col_time (st, 8);
  c->expires_claimed = col_date (st, 9);
  if (!cn_verdict_from_name ((const char *) sqlite3_column_text (st, 10), &c->verdict))
    c->verdict = CN_VERDICT_UNVERIFIED;
  c->notices = (guint) sqlite3_column_int64 (st, 11);
  c->last_notice = col_time (st, 12);
  c->checked = col_time (st, 13);
  const char *ls = (const char *) sqlite3_column_text (st, 14);
  c->live_status = CN_LIVE_UNREACHABLE;
  for (int s = 0; ls && s < CN_LIVE_COUNT; s++)
    if (strcmp (ls, cn_live_status_name (s)) == 0)
      c->live_status = s;
  c->not_after = col_time (st, 15);
  return c;
}

/* The one case of WHERE (bound to DOMAIN and PORT), or NULL (check ERROR). */
static CnCase *
load_case (CnLedger *l, const char *where, const char *domain, int port, gint64 id, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT " CASE_COLUMNS " FROM cases WHERE %s LIMIT 1", where);
  g_autoptr (sqlite3_stmt) st = prep (l, sql, error);
  if (st == NULL)
    return NULL;
  if (domain) {
    bind_text (st, 1, domain);
    sqlite3_bind_int (st, 2, port);
  } else {
    sqlite3_bind_int64 (st, 1, id);
  }
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    return row_to_case (st);
  if (rc != SQLITE_DONE)
    fail_db (l, rc, error);
  return NULL;
}

/* INSERT (C->id 0) or UPDATE C. */
static gboolean
save_case (CnLedger *l, CnCase *c, GError **error)
{
  const char *sql = c->id == 0
    ? "INSERT INTO cases (domain, port, provider, kind, state, opened, updated, resolved, "
      "expires_claimed, verdict, notices, last_notice, checked, live_status, not_after) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    : "UPDATE cases SET domain = ?1, port = ?2, provider = ?3, kind = ?4, state = ?5, opened = ?6, "
      "updated = ?7, resolved = ?8, expires_claimed = ?9, verdict = ?10, notices = ?11, "
      "last_notice = ?12, checked = ?13, live_status = ?14, not_after = ?15 WHERE id = ?16";
  g_autoptr (sqlite3_stmt) st = prep (l, sql, error);
  if (st == NULL)
    return FALSE;
  bind_text (st, 1, c->domain);
  sqlite3_bind_int (st, 2, c->port);
  bind_text (st, 3, c->provider);
  bind_text (st, 4, c->kind);
  bind_text (st, 5, cn_case_state_name (c->state));
  bind_time (st, 6, c->opened);
  bind_time (st, 7, c->updated);
  bind_time (st, 8, c->resolved);
  bind_date (st, 9, c->expires_claimed);
  bind_text (st, 10, cn_verdict_name (c->verdict));
  sqlite3_bind_int64 (st, 11, c->notices);
  bind_time (st, 12, c->last_notice);
  bind_time (st, 13, c->checked);
  bind_text (st, 14, c->checked ? cn_live_status_name (c->live_status) : NULL);
  bind_time (st, 15, c->not_after);
  if (c->id)
    sqlite3_bind_int64 (st, 16, c->id);
  if (!run (l, st, error))
    return FALSE;
  if (c->id == 0)
    c->id = sqlite3_last_insert_rowid (l->db);
  return TRUE;
}

/* Move C to NEXT at NOW; save it; add an event row for each milestone
 * passed (the payload is the case as it now stands), ids to EVENTS. */
static gboolean
transition (CnLedger *l, CnCase *c, CnCaseState next, GDateTime *now, GArray *events, GError **error)
{
  guint evs = cn_case_events (c->state, next);
  if (next != c->state) {
    c->state = next;
    g_clear_pointer (&c->updated, g_date_time_unref);
    c->updated = g_date_time_ref (now);
    if (next == CN_CASE_RESOLVED) {
      g_clear_pointer (&c->resolved, g_date_time_unref);
      c->resolved = g_date_time_ref (now);
    }
  }
  if (!save_case (l, c, error))
    return FALSE;
  for (int e = 0; e < CN_CASE_EVENT_COUNT; e++) {
    if (!(evs & (1u << e)))
      continue;
    g_autoptr (JsonNode) node = cn_case_to_json (c, now);
    JsonObject *o = json_node_get_object (node);
    g_autofree char *name = g_strdup_printf ("case-%s", cn_case_event_name (e));
    json_object_set_string_member (o, "event", name);
    json_object_set_string_member (o, "previous_state", cn_case_state_name (c->was));
    g_autofree char *payload = json_to_string (node, FALSE);
    g_autoptr (sqlite3_stmt) st = prep (l, "INSERT INTO events (case_id, domain, event, at, payload) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5)", error);
    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, c->id);
    bind_text (st, 2, c->domain);
    bind_text (st, 3, cn_case_event_name (e));
    bind_time (st, 4, now);
    bind_text (st, 5, payload);
    if (!run (l, st, error))
      return FALSE;
    if (events) {
      gint64 id = sqlite3_last_insert_rowid (l->db);
      g_array_append_val (events, id);
    }
  }
  return TRUE;
}

static void
case_take_live (CnCase *c, const CnCaseInput *in, GDateTime *now)
{
  if (!in->checked)
    return;
  g_clear_pointer (&c->checked, g_date_time_unref);
  c->checked = g_date_time_ref (now);
  c->live_status = in->status;
  /* a failed check does not unlearn the certificate seen before */
  if (in->not_after || (in->status != CN_LIVE_UNREACHABLE && in->status != CN_LIVE_TIMEOUT)) {
    g_clear_pointer (&c->not_after, g_date_time_unref);
    c->not_after = in->not_after ? g_date_time_ref (in->not_after) : NULL;
  }
}

static void
case_take_notice (CnCase *c, const CnNotice *n, GDateTime *now)
{
  c->notices++;
  g_clear_pointer (&c->last_notice, g_date_time_unref);
  c->last_notice = g_date_time_ref (now);
  g_free (c->provider);
  c->provider = g_strdup (n->rule->id);
  g_free (c->kind);
  c->kind = g_strdup (n->kind ? n->kind->id : "");
  c->verdict = n->verdict;
  if (n->expires) {
    g_clear_pointer (&c->expires_claimed, g_date_free);
    c->expires_claimed = g_date_copy (n->expires);
  }
}

/* ---- recording notices ---- */

/* The names a notice is about, primary first (borrowed).  CnNotice is
 * gaining a `domains` array; until then its one domain. */
static GPtrArray *
notice_names (const CnNotice *n)
{
  GPtrArray *names = g_ptr_array_new ();
  g_ptr_array_add (names, n->domain);   /* NULL: a notice that named none */
  return names;
}

/* What makes two sightings of a notice the same mail: its Message-ID, else
 * a hash of the headers and claims that matter; with the provider and kind,
 * and whether it was suspicious (a forged Message-ID must not hide a
 * genuine notice). */
static char *
dedupe_key (const CnNotice *n)
{
  const CnMail *m = n->mail;
  const char *kind = n->kind ? n->kind->id : "";
  const char *sus = n->verdict == CN_VERDICT_SUSPICIOUS ? "!" : "";
  if (m->message_id && *m->message_id)
    return g_strdup_printf ("mid:%s%s/%s/%s", sus, n->rule->id, kind, m->message_id);
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *date = m->date ? cn_iso8601 (m->date) : g_strdup ("");
  char exp[16] = "";
  if (n->expires)
    g_date_strftime (exp, sizeof exp, "%Y-%m-%d", n->expires);
  g_autofree char *days = g_strdup_printf ("%" G_GINT64_FORMAT, n->days);
  const char *parts[] = { m->from_addr, date, m->subject, n->account, days, exp };
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++) {
    g_checksum_update (sum, (const guchar *) (parts[i] ? parts[i] : ""), -1);
    g_checksum_update (sum, (const guchar *) "\n", 1);
  }
  return g_strdup_printf ("hdr:%s%s/%s/%s", sus, n->rule->id, kind, g_checksum_get_string (sum));
}

/* Insert the notice row; *FRESH is FALSE when it was there already. */
static gboolean
insert_notice (CnLedger *l, const CnNotice *n, const char *name, const CnCaseInput *in,
               const char *via, GDateTime *now, gint64 *id, gboolean *fresh, GError **error)
{
  g_autoptr (sqlite3_stmt) st = prep (l,
    "INSERT OR IGNORE INTO notices (dedupe, domain, port, via, source, part, message_id, mail_date, "
    "provider, kind, account, days_claimed, expires_claimed, authentic, verdict, live_status, "
    "not_after, trusted, name_ok, recorded) VALUES (?1, ?2, 443, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)", error);
  if (st == NULL)
    return FALSE;
  const CnMail *m = n->mail;
  g_autofree char *key = dedupe_key (n);
  const CnEndpoint *w = in->checked && n->live && n->live->worst && n->live->worst->have_cert
                        ? n->live->worst : NULL;
  bind_text (st, 1, key);
  bind_text (st, 2, name ? name : "");
  bind_text (st, 3, via);
  bind_text (st, 4, m->source);
  bind_text (st, 5, m->part);
  bind_text (st, 6, m->message_id);
  bind_time (st, 7, m->date);
  bind_text (st, 8, n->rule->id);
  bind_text (st, 9, n->kind ? n->kind->id : "");
  bind_text (st, 10, n->account);
  if (n->days >= 0)
    sqlite3_bind_int64 (st, 11, n->days);
  bind_date (st, 12, n->expires);
  if (n->authentic != CN_UNKNOWN)
    sqlite3_bind_int (st, 13, n->authentic == CN_TRUE);
  bind_text (st, 14, cn_verdict_name (n->verdict));
  bind_text (st, 15, in->checked ? cn_live_status_name (in->status) : NULL);
  bind_time (st, 16, in->not_after);
  if (w) {
    sqlite3_bind_int (st, 17, w->trusted);
    sqlite3_bind_int (st, 18, w->name_ok);
  }
  bind_time (st, 19, now);
  if (!run (l, st, error))
    return FALSE;
  *fresh = sqlite3_changes (l->db) == 1;
  *id = *fresh ? sqlite3_last_insert_rowid (l->db) : 0;
  return TRUE;
}

static gboolean
link_notice (CnLedger *l, gint64 notice, gint64 case_id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = prep (l, "UPDATE notices SET case_id = ?1 WHERE id = ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, case_id);
  sqlite3_bind_int64 (st, 2, notice);
  return run (l, st, error);
}

/* A late notice about the certificate resolved case R saw replaced: its
 * claimed expiry is well before the renewed notAfter, or (no claim) the
 * mail was written before the case was resolved. */
static gboolean
predates (const CnNotice *n, const CnCase *r)
{
  if (n->expires && r->not_after)
    return cn_renewed_beyond (n->expires, r->not_after, 0);
  return n->mail->date && r->resolved && g_date_time_compare (n->mail->date, r->resolved) < 0;
}

static gboolean
record_name (CnLedger *l, const CnNotice *n, const char *name, gboolean primary, const char *via,
             GDateTime *now, GArray *events, CnRecordStats *stats, GError **error)
{
  CnCaseInput in;
  /* the live check is of the primary name */
  cn_case_input_from_live (&in, n->verdict, primary && n->live && g_strcmp0 (n->live->domain, name) == 0
                                            ? n->live : NULL);
  gint64 nid = 0;
  gboolean fresh = FALSE;
  if (!insert_notice (l, n, name, &in, via, now, &nid, &fresh, error))
    return FALSE;
  if (fresh)
    stats->recorded++;
  else
    stats->duplicates++;
  if (name == NULL || n->verdict == CN_VERDICT_SUSPICIOUS || n->verdict == CN_VERDICT_NOT_A_NOTICE)
    return TRUE;   /* recorded; never a case */

  GError *e = NULL;
  g_autoptr (CnCase) c = load_case (l, "domain = ?1 AND port = ?2 AND state <> 'resolved'", name, 443, 0, &e);
  if (e) {
    g_propagate_error (error, e);
    return FALSE;
  }
  if (c) {
    /* the same mail again adds no notice, but its live check is news */
    if (fresh)
      case_take_notice (c, n, now);
    case_take_live (c, &in, now);
    CnCaseState next = cn_case_step (c->state, c->expires_claimed, &in, now);
    return transition (l, c, next, now, events, error) && (!fresh || link_notice (l, nid, c->id, error));
  }
  if (!fresh)
    return TRUE;   /* seen before, and its case is closed (or it never had one) */
  g_autoptr (CnCase) r = load_case (l, "domain = ?1 AND port = ?2 AND state = 'resolved' "
                                       "ORDER BY resolved DESC", name, 443, 0, &e);
  if (e) {
    g_propagate_error (error, e);
    return FALSE;
  }
  if (r && predates (n, r)) {
    /* counted with the case it belongs to; nothing reopens */
    r->notices++;
    g_clear_pointer (&r->last_notice, g_date_time_unref);
    r->last_notice = g_date_time_ref (now);
    return save_case (l, r, error) && link_notice (l, nid, r->id, error);
  }
  CnCaseState next = cn_case_step (CN_CASE_NONE, n->expires, &in, now);
  if (next == CN_CASE_NONE)
    return TRUE;   /* already renewed: nothing at risk, no case */
  c = cn_case_new ();
  c->domain = g_strdup (name);
  c->port = 443;
  c->opened = g_date_time_ref (now);
  c->updated = g_date_time_ref (now);
  case_take_notice (c, n, now);
  case_take_live (c, &in, now);
  return transition (l, c, next, now, events, error) && link_notice (l, nid, c->id, error);
}

gboolean
cn_ledger_record (CnLedger *l, GPtrArray *notices, const char *via, GDateTime *now, GArray *events,
                  CnRecordStats *stats, GError **error)
{
  CnRecordStats dummy = { 0 };
  if (stats == NULL)
    stats = &dummy;
  if (!begin (l, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < notices->len; i++) {
    const CnNotice *n = notices->pdata[i];
    if (n->rule == NULL)
      continue;
    g_autoptr (GPtrArray) names = notice_names (n);
    for (guint k = 0; ok && k < names->len; k++)
      ok = record_name (l, n, names->pdata[k], k == 0, via, now, events, stats, error);
  }
  if (!ok && events)
    g_array_set_size (events, 0);   /* rolled back: no such events */
  return end (l, ok, error);
}

/* ---- reading ---- */

static gint
case_order (gconstpointer a, gconstpointer b, gpointer now)
{
  const CnCase *x = *(CnCase *const *) a, *y = *(CnCase *const *) b;
  static const int rank[CN_CASE_STATE_COUNT] = { [CN_CASE_ESCALATED] = 0, [CN_CASE_OPEN] = 1,
                                                 [CN_CASE_RESOLVED] = 2, [CN_CASE_NONE] = 3 };
  if (rank[x->state] != rank[y->state])
    return rank[x->state] - rank[y->state];
  if (x->state == CN_CASE_RESOLVED && x->resolved && y->resolved) {
    gint c = g_date_time_compare (y->resolved, x->resolved);
    if (c)
      return c;
  } else if (x->state != CN_CASE_RESOLVED) {
    gboolean kx, ky;
    gint64 dx = cn_case_days_left (x, now, &kx), dy = cn_case_days_left (y, now, &ky);
    if (kx != ky)
      return kx ? -1 : 1;
    if (dx != dy)
      return dx < dy ? -1 : 1;
  }
  gint c = g_strcmp0 (x->domain, y->domain);
  return c ? c : x->port - y->port;
}

GPtrArray *
cn_ledger_cases (CnLedger *l, gboolean all, GDateTime *now, GError **error)
{
  const char *sql = all ? "SELECT " CASE_COLUMNS " FROM cases"
                        : "SELECT " CASE_COLUMNS " FROM cases WHERE state IN ('open', 'escalated')";
  g_autoptr (sqlite3_stmt) st = prep (l, sql, error);
  if (st == NULL)
    return NULL;
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_case_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (cases, row_to_case (st));
  if (rc != SQLITE_DONE) {
    fail_db (l, rc, error);
    return NULL;
  }
  g_ptr_array_sort_with_data (cases, case_order, now);
  return g_steal_pointer (&cases);
}

gboolean
cn_ledger_count (CnLedger *l, guint counts[CN_CASE_STATE_COUNT], GError **error)
{
  memset (counts, 0, sizeof (guint) * CN_CASE_STATE_COUNT);
  g_autoptr (sqlite3_stmt) st = prep (l, "SELECT state, count(*) FROM cases GROUP BY state", error);
  if (st == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    CnCaseState s;
    if (cn_case_state_from_name ((const char *) sqlite3_column_text (st, 0), &s))
      counts[s] = (guint) sqlite3_column_int64 (st, 1);
  }
  return rc == SQLITE_DONE || fail_db (l, rc, error);
}

/* ---- recheck, forget, retention ---- */

gboolean
cn_ledger_apply_checks (CnLedger *l, GPtrArray *cases, GPtrArray *lives, GDateTime *now, GArray *events,
                        GError **error)
{
  g_return_val_if_fail (cases->len == lives->len, FALSE);
  if (!begin (l, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < cases->len; i++) {
    CnCase *old = cases->pdata[i];
    GError *e = NULL;
    CnCase *c = load_case (l, "id = ?1", NULL, 0, old->id, &e);
    if (e) {
      g_propagate_error (error, e);
      ok = FALSE;
      break;
    }
    if (c == NULL)
      continue;    /* forgotten meanwhile */
    c->was = old->state;
    if (c->state != CN_CASE_RESOLVED) {
      CnCaseInput in;
      cn_case_input_from_live (&in, CN_VERDICT_UNVERIFIED, lives->pdata[i]);
      case_take_live (c, &in, now);
      ok = transition (l, c, cn_case_step (c->state, c->expires_claimed, &in, now), now, events, error);
    }
    g_ptr_array_index (cases, i) = c;
    cn_case_free (old);
  }
  if (!ok && events)
    g_array_set_size (events, 0);
  return end (l, ok, error);
}

gboolean
cn_ledger_forget (CnLedger *l, const char *domain, int port, guint *forgotten, GError **error)
{
  static const char *const steps[] = {
    "DELETE FROM events WHERE case_id IN (SELECT id FROM cases WHERE domain = ?1 AND (?2 = 0 OR port = ?2))",
    "UPDATE notices SET case_id = NULL WHERE case_id IN "
    "(SELECT id FROM cases WHERE domain = ?1 AND (?2 = 0 OR port = ?2))",
    "DELETE FROM cases WHERE domain = ?1 AND (?2 = 0 OR port = ?2)",
  };
  *forgotten = 0;
  if (!begin (l, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < G_N_ELEMENTS (steps); i++) {
    g_autoptr (sqlite3_stmt) st = prep (l, steps[i], error);
    ok = st != NULL;
    if (ok) {
      bind_text (st, 1, domain);
      sqlite3_bind_int (st, 2, port);
      ok = run (l, st, error);
    }
  }
  if (ok)
    *forgotten = (guint) sqlite3_changes (l->db);
  return end (l, ok, error);
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
  if (!begin (l, error))
    return FALSE;
  gboolean ok = TRUE;
  if (daily) {
    gboolean recent = FALSE;
    {
      g_autoptr (sqlite3_stmt) st = prep (l, "SELECT value FROM meta WHERE key = 'last_expire'", error);
      ok = st != NULL;
      if (ok && sqlite3_step (st) == SQLITE_ROW) {
        gint64 last = sqlite3_column_int64 (st, 0);
        recent = t - last >= 0 && t - last < 86400;
      }
    }
    if (!ok || recent)
      return end (l, ok, error);
  }
  for (guint i = 0; ok && i < G_N_ELEMENTS (steps); i++) {
    g_autoptr (sqlite3_stmt) st = prep (l, steps[i], error);
    ok = st != NULL;
    if (ok) {
      sqlite3_bind_int64 (st, 1, cutoff);
      ok = run (l, st, error);
    }
    if (ok && i == 2 && removed)
      *removed = (guint) sqlite3_changes (l->db);
  }
  if (ok) {
    g_autoptr (sqlite3_stmt) st = prep (l, "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_expire', ?1)", error);
    ok = st != NULL;
    if (ok) {
      sqlite3_bind_int64 (st, 1, t);
      ok = run (l, st, error);
    }
  }
  return end (l, ok, error);
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
  if (!begin (l, error))
    return NULL;
  const char *sql = ids
    ? "SELECT id, case_id, event, domain, payload, tries FROM events WHERE id = ?2 AND announced IS NULL "
      "AND (claimed IS NULL OR claimed < ?1)"
    : "SELECT id, case_id, event, domain, payload, tries FROM events WHERE announced IS NULL "
      "AND (claimed IS NULL OR claimed < ?1) ORDER BY id";
  g_autoptr (sqlite3_stmt) st = prep (l, sql, error);
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
      e->domain = col_text (st, 3);
      e->payload = col_text (st, 4);
      e->tries = (guint) sqlite3_column_int (st, 5);
      g_ptr_array_add (out, e);
    }
    ok = rc == SQLITE_DONE || fail_db (l, rc, error);
  }
  g_autoptr (sqlite3_stmt) up = ok ? prep (l, "UPDATE events SET claimed = ?1 WHERE id = ?2", error) : NULL;
  ok = ok && up;
  for (guint i = 0; ok && i < out->len; i++) {
    sqlite3_reset (up);
    sqlite3_bind_int64 (up, 1, t);
    sqlite3_bind_int64 (up, 2, ((CnLedgerEvent *) out->pdata[i])->id);
    ok = run (l, up, error);
  }
  if (!end (l, ok, error))
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
  if (!begin (l, error))
    return FALSE;
  g_autoptr (sqlite3_stmt) st = prep (l, sql, error);
  gboolean ok = st != NULL;
  if (ok) {
    sqlite3_bind_int64 (st, 1, real_now ());
    sqlite3_bind_int64 (st, 2, e->id);
    bind_text (st, 3, failure);
    ok = run (l, st, error);
  }
  return end (l, ok, error);
}

gboolean
cn_ledger_event_release (CnLedger *l, const CnLedgerEvent *e, GError **error)
{
  if (!begin (l, error))
    return FALSE;
  g_autoptr (sqlite3_stmt) st = prep (l, "UPDATE events SET claimed = NULL WHERE id = ?1", error);
  gboolean ok = st != NULL;
  if (ok) {
    sqlite3_bind_int64 (st, 1, e->id);
    ok = run (l, st, error);
  }
  return end (l, ok, error);
}
