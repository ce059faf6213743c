/* state.h — what the IMAP poller remembers between runs.
 *
 * One key file: per mailbox its UIDVALIDITY and the highest UID looked at,
 * the messages at or below it whose handling is not complete (which of
 * their actions are done, how often they were tried, the record they were
 * judged to), plus the Message-IDs already reported (bounded), so that a
 * UIDVALIDITY change rescans without notifying twice.  Saved as
 * FILE.new → fsync → rename → fsync of the directory (as isync does): a
 * crash leaves the old state or the new one, never a torn file.
 */
#pragma once

#include "certnotice.h"

G_BEGIN_DECLS

#define CN_STATE_MAX_IDS 5000   /* Message-IDs remembered for dedupe */

/* The actions of an [action VERDICT] group, in the order they run. */
typedef enum {
  CN_ACT_KEYWORD = 1 << 0,
  CN_ACT_HOOK = 1 << 1,
  CN_ACT_WEBHOOK = 1 << 2,
  CN_ACT_COPY = 1 << 3,
  CN_ACT_MOVE = 1 << 4,
} CnActionBit;

#define CN_ACT_ALL 0x1f

/* A message at or below last_uid whose handling is not complete. */
typedef struct {
  guint32 uid;
  guint tries;           /* attempts begun (counted before each one)      */
  gint64 next_try;       /* Unix time before which it is not tried again  */
  gboolean failed;       /* given up after the last attempt: not retried  */
  guint done;            /* CnActionBit: actions completed                */
  char *verdict;         /* as judged (cn_verdict_name), or NULL: not yet */
  char *record;          /* the JSON record as judged, or NULL            */
  char *summary;         /* "sakura renewal-failed example.com → …"        */
  char *message_id;      /* or NULL                                        */
  char *error;           /* the last failure, or NULL                      */
} CnMsgState;

typedef struct {
  guint32 uidvalidity;
  guint32 last_uid;      /* every UID ≤ this is done or in msgs */
  GHashTable *msgs;      /* UID → CnMsgState * (owned)           */
} CnBoxState;

typedef struct {
  char *path;
  GHashTable *boxes;     /* "account/mailbox" → CnBoxState *            */
  GQueue ids;            /* reported Message-IDs, oldest first (char *) */
  GHashTable *id_set;    /* the same, for lookup (borrowed keys)         */
} CnState;

/* Load PATH; a missing file is an empty state.  NULL + ERROR when the file
 * exists but cannot be read or parsed (CN_ERROR_CONFIG). */
CnState *cn_state_load (const char *path, GError **error);
gboolean cn_state_save (CnState *st, GError **error);
void cn_state_free (CnState *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnState, cn_state_free)

/* The state of BOX, created (zeroed) when new.  Owned by ST. */
CnBoxState *cn_state_box (CnState *st, const char *box);

/* The names of the mailboxes in ST, sorted (a new vector of borrowed
 * strings: g_free it only). */
const char **cn_state_box_names (const CnState *st);

/* The record of UID in B: created (zeroed) when new, or NULL when absent
 * (lookup).  Owned by B. */
CnMsgState *cn_state_msg (CnBoxState *b, guint32 uid);
CnMsgState *cn_state_msg_lookup (const CnBoxState *b, guint32 uid);
void cn_state_msg_remove (CnBoxState *b, guint32 uid);

/* The records of B, by UID (a new array of borrowed pointers). */
GPtrArray *cn_state_msgs_sorted (const CnBoxState *b);

/* Set *FIELD (one of a CnMsgState's strings) to a copy of VALUE made
 * valid UTF-8 (the state file is UTF-8 text), or NULL. */
void cn_state_msg_set (char **field, const char *value);

gboolean cn_state_seen_id (const CnState *st, const char *message_id);
void cn_state_add_id (CnState *st, const char *message_id);

/* The default path: $XDG_STATE_HOME/certnotice/imap.state (new string). */
char *cn_state_default_path (void);

G_END_DECLS
