/* imap-conn.h — one IMAP connection: open (TLS, login), commands, close. */
#pragma once

#include "config.h"
#include "curlx.h"
#include "imapproto.h"

G_BEGIN_DECLS

typedef struct {
  const CnCurl *cc;
  CURL *easy;
  curl_socket_t sock;
  GString *in;
  guint tag;
  double timeout;
  gboolean has_move, has_uidplus;
  gboolean broken;        /* the connection failed: no command can follow */
  char delim;             /* hierarchy delimiter (LIST "" ""), or '\0'     */
  char *prefix;           /* personal namespace prefix (NAMESPACE), or NULL */
  char errbuf[CURL_ERROR_SIZE];
} CnImapConn;

/* A's login name and password, before any connection: the password is the
 * first line printed by A's password_command, else the ~/.netrc entry for
 * A's host (and A's user, when set; netrc's login otherwise).  FALSE +
 * ERROR (CN_ERROR_CONFIG) naming the ways to give one when there is none,
 * or with the password command's exit status and standard error when it
 * fails (never its output). */
gboolean cn_imap_credentials (const CnAccount *a, char **user, char **password, GError **error);

/* At start and on reload: FALSE + ERROR (as above) when A has no way to a
 * user name and password (the password command is not run here). */
gboolean cn_imap_credentials_known (const CnAccount *a, GError **error);

/* Connect to A's server and log in (TLS required unless A allows
 * plaintext), then read its capabilities, hierarchy delimiter and personal
 * namespace.  The timeout of OPTS bounds each step.  A certificate the
 * account does not trust fails with a message naming the `cacert` key. */
gboolean cn_imap_conn_open (CnImapConn *c, const CnAccount *a, const CnOptions *opts, GError **error);

void cn_imap_conn_close (CnImapConn *c);

/* Send "TAG COMMAND" and collect the untagged responses into OUT (may be
 * NULL; CnImapResponse *) until the tagged one; FALSE unless it is OK.
 * *STATUS_CODE gets the tagged response's code ("TRYCREATE", …) when asked
 * for.  Errors name the command's verb only, never its arguments. */
gboolean cn_imap_command (CnImapConn *c, GPtrArray *out, char **status_code, GError **error,
                          const char *fmt, ...) G_GNUC_PRINTF (5, 6);

/* The server's name for the mailbox NAME ('/'-separated UTF-8, as in the
 * config): see cn_imap_mailbox_to_server().  New string, or NULL + ERROR. */
char *cn_imap_conn_mailbox (const CnImapConn *c, const char *name, GError **error);

/* COPY or MOVE UID to FOLDER (config syntax: '/'-separated UTF-8), creating
 * FOLDER (and its parents) when the server answers TRYCREATE. */
gboolean cn_imap_copy_or_move (CnImapConn *c, guint32 uid, const char *folder, gboolean move,
                               GError **error);

G_END_DECLS
