/* ledger-sql.h — private to the ledger's files (ledger.c: the file, its
 * schema, forget, retention, events; ledger-cases.c: notices and cases):
 * the connection and the few statement helpers they share. */
#pragma once

#include <sqlite3.h>
#include "ledger.h"

G_BEGIN_DECLS

struct _CnLedger {
  sqlite3 *db;
  char *path;
  gboolean readonly;   /* opened read-only (the file or directory is not ours to write) */
  int busy_ms;
  guint announce;      /* event kinds (1 << CnCaseEvent) with something to run */
  gboolean expired;    /* retention ran on this opening (cn_ledger_hook) */
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* FALSE + ERROR for the result code RC of L's last call. */
G_GNUC_INTERNAL gboolean ldb_fail (CnLedger *l, int rc, GError **error);
/* A prepared statement (caller finalizes), or NULL + ERROR. */
G_GNUC_INTERNAL sqlite3_stmt *ldb_prep (CnLedger *l, const char *sql, GError **error);
G_GNUC_INTERNAL gboolean ldb_exec (CnLedger *l, const char *sql, GError **error);
/* Step ST to its end (no rows wanted). */
G_GNUC_INTERNAL gboolean ldb_run (CnLedger *l, sqlite3_stmt *st, GError **error);
/* BEGIN IMMEDIATE (the write lock, waiting up to busy_ms); END commits when
 * OK, else rolls back and returns FALSE. */
G_GNUC_INTERNAL gboolean ldb_begin (CnLedger *l, GError **error);
G_GNUC_INTERNAL gboolean ldb_end (CnLedger *l, gboolean ok, GError **error);
/* NULL binds SQL NULL; times are Unix seconds, dates YYYY-MM-DD text. */
G_GNUC_INTERNAL void ldb_bind_text (sqlite3_stmt *st, int i, const char *v);
G_GNUC_INTERNAL void ldb_bind_time (sqlite3_stmt *st, int i, GDateTime *t);
G_GNUC_INTERNAL void ldb_bind_date (sqlite3_stmt *st, int i, const GDate *d);
/* New values, NULL for SQL NULL (or an unreadable date). */
G_GNUC_INTERNAL char *ldb_col_text (sqlite3_stmt *st, int i);
G_GNUC_INTERNAL GDateTime *ldb_col_time (sqlite3_stmt *st, int i);
G_GNUC_INTERNAL GDate *ldb_col_date (sqlite3_stmt *st, int i);

G_END_DECLS
