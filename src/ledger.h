/* ledger.h — the memory of certnotice: every judged notice, and the cases
 * they make (one per certificate: domain and port), in a SQLite file shared
 * by every mode (default $XDG_STATE_HOME/certnotice/cases.db).
 *
 *   filter, imap, parse --record ── cn_ledger_hook ──→ notices → cases
 *   cases, recheck ─────────────── cn_ledger_cases / cn_ledger_apply_checks
 *   a case's state change ──→ an event, announced once ([action case-EVENT])
 *
 * ledger.c owns the file (schema, migrations, transactions, events),
 * ledger-cases.c what notices and checks do to its cases; case.c owns what
 * a case is: its state machine, its JSON, and announcing its events.
 *
 * A case is OPEN from its first notice, ESCALATED when it gets worse (the
 * site serves an expired, untrusted or wrong-name certificate), RESOLVED
 * when a live check sees a trusted certificate for the name lasting well
 * beyond the claimed expiry (cn_renewed_beyond, the test triage uses).
 * Suspicious mail is recorded but never opens or moves a case.
 */
#pragma once

#include "config.h"
#include "tlscheck.h"

G_BEGIN_DECLS

/* ---- errors: what is wrong with the file, and how to recover ---- */

#define CN_LEDGER_ERROR (cn_ledger_error_quark ())
GQuark cn_ledger_error_quark (void);

typedef enum {
  CN_LEDGER_ERROR_MISSING,   /* no ledger at that path yet                  */
  CN_LEDGER_ERROR_BUSY,      /* another process held it past the timeout    */
  CN_LEDGER_ERROR_CORRUPT,   /* damaged, or not a certnotice ledger         */
  CN_LEDGER_ERROR_NEWER,     /* written by a newer certnotice               */
  CN_LEDGER_ERROR_ACCESS,    /* cannot be created, opened or written        */
  CN_LEDGER_ERROR_IO,        /* an I/O error, a full disk                   */
  CN_LEDGER_ERROR_INTERNAL,
} CnLedgerErrorCode;

/* The exit status for a ledger error (certnotice(1), EXIT STATUS):
 * 65 corrupt, 73 access, 74 I/O, 75 busy, 78 newer, 70 otherwise. */
int cn_ledger_exit_status (const GError *error);

/* ---- cases ---- */

typedef enum {
  CN_CASE_NONE = 0,          /* no case (yet): the start of the machine     */
  CN_CASE_OPEN,
  CN_CASE_ESCALATED,
  CN_CASE_RESOLVED,
  CN_CASE_STATE_COUNT
} CnCaseState;

/* "none", "open", "escalated", "resolved" (the names stored and printed). */
const char *cn_case_state_name (CnCaseState s);
gboolean cn_case_state_from_name (const char *name, CnCaseState *out);

/* A row of the cases table.  Times are UTC; NULL when not (yet) known. */
typedef struct {
  gint64 id;
  char *domain;
  int port;
  char *provider;            /* rule id of the latest notice              */
  char *kind;                /* its notice kind                           */
  CnCaseState state;
  CnCaseState was;           /* the state before this process changed it  */
  GDateTime *opened;
  GDateTime *updated;        /* last change of state                      */
  GDateTime *resolved;
  GDate *expires_claimed;    /* the latest notice's claimed expiry        */
  CnVerdict verdict;         /* the latest notice's verdict               */
  guint notices;             /* how many notices (mails) it holds         */
  GDateTime *last_notice;
  /* the latest live check (of a notice, or by recheck) */
  GDateTime *checked;
  CnLiveStatus live_status;
  GDateTime *not_after;      /* earliest notAfter served, NULL if none    */
} CnCase;

CnCase *cn_case_new (void);
void cn_case_free (CnCase *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnCase, cn_case_free)

/* What one notice or one live check says about a certificate. */
typedef struct {
  CnVerdict verdict;         /* the notice's; UNVERIFIED for a recheck     */
  gboolean checked;          /* a live check ran                           */
  CnLiveStatus status;       /* its result                                 */
  GDateTime *not_after;      /* earliest notAfter served, or NULL          */
} CnCaseInput;

/* Fill IN from LIVE (may be NULL: not checked); borrows LIVE's dates. */
void cn_case_input_from_live (CnCaseInput *in, CnVerdict verdict, const CnLive *live);

/* The state machine: where a case in STATE (NONE: no case yet) goes on IN,
 * given the CLAIMED expiry (NULL if unknown) and NOW.  NONE stays NONE for
 * suspicious mail and for a notice already renewed (nothing is at risk);
 * RESOLVED is final (a later notice about a new certificate opens a new
 * case).  Failed checks (unreachable, timeout) change nothing. */
CnCaseState cn_case_step (CnCaseState state, const GDate *claimed, const CnCaseInput *in, GDateTime *now);

/* The events of the change FROM → TO, as bits (1 << CnCaseEvent): a case
 * that opens already escalated passes both milestones. */
guint cn_case_events (CnCaseState from, CnCaseState to);

/* Whole days left at NOW: to the live notAfter if known, else to the claimed
 * expiry; *KNOWN is FALSE (and 0 returned) when neither is. */
gint64 cn_case_days_left (const CnCase *c, GDateTime *now, gboolean *known);

/* The JSON object of C (caller unrefs): domain, port, provider, kind,
 * state, opened, updated, resolved, expires_claimed, not_after, days_left,
 * live_status, last_checked, notices, last_notice, verdict. */
JsonNode *cn_case_to_json (const CnCase *c, GDateTime *now);

/* ---- the ledger file ---- */

typedef struct _CnLedger CnLedger;

/* $XDG_STATE_HOME/certnotice/cases.db (a new string). */
char *cn_ledger_default_path (void);
/* GIVEN (--db), else CONFIG's db, else the default (a new string). */
char *cn_ledger_resolve_path (const char *given, const CnConfig *config);

/* Open the ledger at PATH.  CREATE makes the file (mode 0600, its directory
 * 0700) and the schema when missing; else a missing file is
 * CN_LEDGER_ERROR_MISSING.  An older schema is migrated forward; a newer
 * one, a damaged file or one that is no ledger fail with an error saying
 * how to recover.  Without CREATE, a file we may not write is opened read
 * only (cn_ledger_writable).  BUSY_MS bounds every wait for another
 * process's lock. */
CnLedger *cn_ledger_open (const char *path, gboolean create, int busy_ms, GError **error);
void cn_ledger_close (CnLedger *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnLedger, cn_ledger_close)

const char *cn_ledger_path (const CnLedger *l);
gboolean cn_ledger_writable (const CnLedger *l);
void cn_ledger_set_busy_timeout (CnLedger *l, int busy_ms);
/* TRUE the first time it is asked of L: retention runs once per opening. */
gboolean cn_ledger_retention_turn (CnLedger *l);
/* The event kinds (bits 1 << CnCaseEvent) that have an action to run (all,
 * until set): an event of another kind is written as announced at once,
 * since there is nothing to run for it, now or later. */
void cn_ledger_set_announce (CnLedger *l, guint events);

/* The schema version this certnotice writes (PRAGMA user_version). */
#define CN_LEDGER_SCHEMA 1

typedef struct {
  guint recorded;            /* notices new to the ledger                  */
  guint duplicates;          /* seen before (the same mail again)          */
} CnRecordStats;

/* Record NOTICES (CnNotice *; those without a rule are skipped) judged by
 * mode VIA ("filter", "imap", "parse") at NOW, in one transaction: each
 * name a notice is about opens or updates its own case, with the live
 * check of that name (CnNotice.lives).  Suspicious notices, and attached
 * ones that are evidence only, are recorded but touch no case.  The same
 * mail seen twice (its Message-ID, else a hash of its headers, with
 * provider, kind and domain) is one notice.  The ids of the events this
 * made are appended to EVENTS (gint64; may be NULL). */
gboolean cn_ledger_record (CnLedger *l, GPtrArray *notices, const char *via, GDateTime *now,
                           GArray *events, CnRecordStats *stats, GError **error);

/* The cases, open and escalated ones (with ALL, resolved ones too), most
 * urgent first: escalated, then open by days left, then resolved, newest
 * first.  A new array of CnCase *. */
GPtrArray *cn_ledger_cases (CnLedger *l, gboolean all, GDateTime *now, GError **error);

/* How many cases are in each state (COUNTS indexed by CnCaseState). */
gboolean cn_ledger_count (CnLedger *l, guint counts[CN_CASE_STATE_COUNT], GError **error);

/* Apply live checks: LIVES[i] (settled) is a check of CASES[i]'s
 * certificate.  In one transaction each case is read again (another process
 * may have moved it), stepped and saved; CASES[i] is replaced by the saved
 * row (its `was` the state before).  Event ids are appended to EVENTS. */
gboolean cn_ledger_apply_checks (CnLedger *l, GPtrArray *cases, GPtrArray *lives, GDateTime *now,
                                 GArray *events, GError **error);

/* Forget every case of DOMAIN (PORT 0: any port) and its events; its
 * notices are kept (without a case) so the same mails are still known.
 * *FORGOTTEN is the number of cases. */
gboolean cn_ledger_forget (CnLedger *l, const char *domain, int port, guint *forgotten, GError **error);

/* Delete resolved cases (and their notices and events) resolved more than
 * KEEP_DAYS days before NOW, and notices without a case recorded that
 * long ago.  With DAILY, only when the last sweep is a day old.
 * *REMOVED (may be NULL) is the number of cases. */
gboolean cn_ledger_expire (CnLedger *l, int keep_days, GDateTime *now, gboolean daily,
                           guint *removed, GError **error);

/* ---- events: each announced once ---- */

typedef struct {
  gint64 id;
  gint64 case_id;
  CnCaseEvent event;
  char *domain;
  char *payload;             /* the JSON announced (one line)              */
  guint tries;               /* failed attempts so far                     */
} CnLedgerEvent;
void cn_ledger_event_free (CnLedgerEvent *e);

/* A claim older than this is taken to belong to a process that died. */
#define CN_LEDGER_CLAIM_STALE_SECONDS 900
/* An event whose actions failed this often is given up (and kept). */
#define CN_LEDGER_EVENT_TRIES 5

/* Take the events of IDS (NULL: every one not yet announced) that nobody
 * else has taken: in one transaction, so two processes never take the same
 * one.  A new array of CnLedgerEvent *. */
GPtrArray *cn_ledger_claim_events (CnLedger *l, GArray *ids, GError **error);

/* Settle a claimed event: announced (FAILURE NULL), or failed (released
 * for the next try, FAILURE kept; given up after CN_LEDGER_EVENT_TRIES). */
gboolean cn_ledger_event_done (CnLedger *l, const CnLedgerEvent *e, const char *failure, GError **error);

/* Give a claimed event back untried (no time was left to announce it). */
gboolean cn_ledger_event_release (CnLedger *l, const CnLedgerEvent *e, GError **error);

/* ---- what the modes call ---- */

/* The event kinds CONFIG has an [action case-EVENT] for (bits 1 << CnCaseEvent). */
guint cn_case_actions (const CnConfig *config);

/* Announce the events of IDS (NULL: all pending) with CONFIG's
 * [action case-EVENT] command and webhook.  Actions that fail are reported
 * on stderr ("certnotice VIA: …") and tried again later.  DEADLINE
 * (monotonic µs, 0 = none) bounds them: what cannot start in time is left
 * for the next `recheck`.  *FAILED (may be NULL) counts failures. */
void cn_case_announce (CnLedger *l, const CnConfig *config, const CnOptions *opts, GArray *ids,
                       const char *via, gint64 deadline, guint *failed);

/* Record the notices of MESSAGES (CnMessage *, judged and verified by a
 * mode; those that could not be judged are left out) in the ledger at PATH
 * (NULL: the config's or the default), then announce the case changes they
 * made and apply retention.  Opens nothing when no notice has a rule.  KEEP (may be
 * NULL: open and close here) holds the open ledger from one call to the
 * next; the caller closes it.  DEADLINE (monotonic µs, 0 = none) bounds the
 * whole: every wait for the database and every action.  FALSE + ERROR when
 * nothing could be recorded; the caller decides (filter and imap log it
 * and go on). */
gboolean cn_ledger_hook (CnLedger **keep, const char *path, const CnConfig *config, const CnOptions *opts,
                         GPtrArray *messages, const char *via, gint64 deadline, GError **error);

G_END_DECLS
