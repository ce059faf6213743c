/* source.h — where mail comes from: .eml, mbox, Maildir, stdin. */
#pragma once

#include "mime.h"
#include "prefilter.h"

G_BEGIN_DECLS

/* Called once per message with its records (the message, then each embedded
 * message/rfc822), in a GPtrArray that FN may steal from or keep a reference
 * to.  Return FALSE to stop reading. */
typedef gboolean (*CnMessageFunc) (GPtrArray *mails, gpointer data);

/* Read PATH: "-" (stdin), a Maildir (new/ then cur/), an mbox (starts with
 * "From ", after an optional UTF-8 byte order mark), or one message.  FN is
 * called once per message, whatever the message holds: malformed mail still
 * yields records.  Fails (CN_ERROR_INPUT) only when PATH cannot be read. */
gboolean cn_source_read (const char *path, CnMessageFunc fn, gpointer data, GError **error);

/* The same, but a message the prefilter (prefilter.h) rules out with
 * PREFILTER (NULL: none; made from the rules that judge the records) is read
 * from its header block alone (cn_mime_read_header): the same record and
 * the same verdict, without the warnings only its body could give (shown
 * with -v). */
gboolean cn_source_read_prefiltered (const char *path, const CnPrefilterSet *prefilter, CnMessageFunc fn,
                                     gpointer data, GError **error);

/* Records for one message held in memory (filter mode, IMAP): the one read
 * path, cn_mime_read().  DATA is borrowed for the call; returns a new array
 * of CnMail (caller unrefs). */
GPtrArray *cn_source_from_bytes (const char *data, gsize len, const char *source);

G_END_DECLS
