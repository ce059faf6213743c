/* config.h — the one owner of the config file
 * ($XDG_CONFIG_HOME/certnotice/config, a GLib key file; certnotice(1),
 * docs/examples/config.example).
 *
 * The file is read whole into a CnConfig, every group and key validated,
 * errors naming FILE:LINE.  A reload builds a complete new CnConfig and the
 * caller swaps it in only when it loaded: a broken file never leaves a
 * half-read configuration behind.
 */
#pragma once

#include "rules.h"

G_BEGIN_DECLS

/* What to do with a message of one verdict ([action VERDICT]). */
typedef struct {
  char *keyword;        /* IMAP: STORE +FLAGS                       */
  char *copy_to;        /* IMAP: COPY to this mailbox ('/' separated) */
  char *move_to;        /* IMAP: MOVE                                */
  char **command;       /* argv; the JSON record on stdin            */
  char *webhook;        /* POST the JSON record                      */
  guint line;           /* of the group header, for messages         */
} CnAction;

/* An IMAP account ([account NAME], or --url on the command line). */
typedef struct {
  char *name;
  char *host;
  int port;
  gboolean tls;         /* imaps://                                  */
  char *user;
  char *password_command;
  char **mailboxes;     /* the URL's mailbox, unless `mailboxes` is set */
  gboolean mailboxes_from_config;
  char *cacert;         /* trust for this IMAP server only           */
  gboolean allow_plaintext;
} CnAccount;

void cn_account_free (CnAccount *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnAccount, cn_account_free)

/* Fill A's host, port, tls, user (if unset) and mailboxes (if unset) from
 * "imaps://[USER@]HOST[:PORT]/MAILBOX[,MAILBOX…]" (default INBOX).  When
 * A's mailboxes are set already (the config's `mailboxes`), the URL may
 * name none or one of them, nothing else.  FALSE + ERROR (CN_ERROR_USAGE)
 * for anything else, a bad mailbox name, or a password in the URL. */
gboolean cn_account_set_url (CnAccount *a, const char *url, GError **error);

/* What happens to a case of the ledger (ledger.h) that can run an action
 * ([action case-EVENT]: command and webhook). */
typedef enum {
  CN_CASE_EVENT_OPENED,     /* a notice opened a case                     */
  CN_CASE_EVENT_ESCALATED,  /* it got worse: expired, or no valid certificate */
  CN_CASE_EVENT_RESOLVED,   /* a trusted certificate well past the claim  */
  CN_CASE_EVENT_COUNT
} CnCaseEvent;

/* "opened", "escalated", "resolved". */
const char *cn_case_event_name (CnCaseEvent e);
gboolean cn_case_event_from_name (const char *name, CnCaseEvent *out);

/* How long a resolved case is kept ([certnotice] keep_resolved_days). */
#define CN_KEEP_RESOLVED_DAYS_DEFAULT 90

typedef struct {
  char *path;                 /* the file, whether or not it exists     */
  gboolean exists;
  /* [certnotice] */
  char **trusted_authserv;    /* NULL-terminated, never NULL            */
  char **trusted_forwarders;  /* addresses or domains (lowercase), or NULL:
                                 whose attached notices are their own    */
  char *rules_dir;            /* or NULL                                */
  char *cacert;               /* live checks' CA file (as --cacert), or NULL */
  char *db;                   /* the ledger, "~/" expanded, or NULL     */
  int keep_resolved_days;     /* CN_KEEP_RESOLVED_DAYS_DEFAULT if unset */
  char *judge_socket;         /* the judge's socket (judge.h), "~/" expanded,
                                 "none", or NULL: the default            */
  /* [provider ID] sender_domains: id → char ** (more genuine senders)   */
  GHashTable *provider_senders;
  GHashTable *provider_lines;  /* id → line of its group                */
  /* [imap] */
  int interval;               /* seconds; 0 = not set                   */
  char *state;                /* or NULL                                */
  gboolean no_verify;         /* as --no-verify, for the IMAP mode      */
  int attempts;               /* tries per message before it is given up (default 5) */
  int retry_delay;            /* seconds before the 2nd try, doubled after each (default 60) */
  /* [account NAME], in file order */
  GPtrArray *accounts;        /* CnAccount *                            */
  /* [action VERDICT] */
  CnAction actions[CN_VERDICT_COUNT];
  /* [action case-EVENT]: only command and webhook are set */
  CnAction case_actions[CN_CASE_EVENT_COUNT];
} CnConfig;

/* The default path: $XDG_CONFIG_HOME/certnotice/config (a new string). */
char *cn_config_default_path (void);

/* Read PATH (NULL: the default path).  A missing file is an empty config
 * unless EXPLICIT (the user named it: CN_ERROR_INPUT).  Anything wrong in the
 * file — syntax, an unknown group or key, a bad value — fails with
 * CN_ERROR_CONFIG and a message "config FILE:LINE: …". */
CnConfig *cn_config_load (const char *path, gboolean explicit, GError **error);

void cn_config_free (CnConfig *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnConfig, cn_config_free)

/* FALSE + ERROR (CN_ERROR_CONFIG) when A polls a mailbox that an action
 * of C copies or moves to (mail would be judged again where it was put). */
gboolean cn_config_check_targets (const CnConfig *c, const CnAccount *a, GError **error);

/* Add the config's [provider ID] sender_domains to RULES; FALSE + ERROR
 * (CN_ERROR_CONFIG, naming FILE:LINE) when ID is no provider of RULES. */
gboolean cn_config_apply_providers (const CnConfig *c, CnRuleSet *rules, GError **error);

G_END_DECLS
