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
  char errbuf[CURL_ERROR_SIZE];
} CnImapConn;

/* Connect to A's server and log in (TLS required unless A allows
 * plaintext), then read its capabilities.  TIMEOUT bounds each step. */
gboolean cn_imap_conn_open (CnImapConn *c, const CnAccount *a, const CnOptions *opts, GError **error);

void cn_imap_conn_close (CnImapConn *c);

/* Send "TAG COMMAND" and collect the untagged responses into OUT (may be
 * NULL; CnImapResponse *) until the tagged one; FALSE unless it is OK.
 * *STATUS_CODE gets the tagged response's code ("TRYCREATE", …) when asked
 * for.  Errors name the command's verb only, never its arguments. */
gboolean cn_imap_command (CnImapConn *c, GPtrArray *out, char **status_code, GError **error,
                          const char *fmt, ...) G_GNUC_PRINTF (5, 6);

/* COPY or MOVE UID to FOLDER (server syntax), creating FOLDER when the
 * server answers TRYCREATE. */
gboolean cn_imap_copy_or_move (CnImapConn *c, guint32 uid, const char *folder, gboolean move,
                               GError **error);

G_END_DECLS
