/* state.h — what the IMAP poller remembers between runs.
 *
 * One key file: per mailbox its UIDVALIDITY and the highest UID whose
 * handling is complete, plus the Message-IDs already reported (bounded), so
 * that a UIDVALIDITY change rescans without notifying twice.  Saved as
 * FILE.new → fsync → rename → fsync of the directory (as isync does): a
 * crash leaves the old state or the new one, never a torn file.
 */
#pragma once

#include "certnotice.h"

G_BEGIN_DECLS

#define CN_STATE_MAX_IDS 5000   /* Message-IDs remembered for dedupe */

typedef struct {
  guint32 uidvalidity;
  guint32 last_uid;      /* every UID ≤ this one is done */
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

gboolean cn_state_seen_id (const CnState *st, const char *message_id);
void cn_state_add_id (CnState *st, const char *message_id);

/* The default path: $XDG_STATE_HOME/certnotice/imap.state (new string). */
char *cn_state_default_path (void);

G_END_DECLS
