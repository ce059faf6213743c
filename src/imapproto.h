/* imapproto.h — IMAP4rev1 response parsing (RFC 3501), pure functions.
 *
 * No I/O here: imap-conn.c feeds bytes from the server; the fuzzer feeds anything.
 * Responses come from a server that may be hostile or broken: every size and
 * depth is bounded and every malformed response is an error, never a crash.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CN_IMAP_MAX_LITERAL   (64u << 20)  /* bytes of one literal        */
#define CN_IMAP_MAX_LINE      (1u << 20)   /* bytes of one line           */
#define CN_IMAP_MAX_DEPTH     32           /* nesting of parenthesised lists */
#define CN_IMAP_MAX_ITEMS     200000       /* items in one response        */

/* The length of the first complete response in BUF — its lines, the literals
 * they announce, and the final CRLF — or 0 when more bytes are needed, or -1
 * when it cannot be a valid response (a line or literal over the limits, a
 * malformed literal announcement). */
gssize cn_imap_response_length (const char *buf, gsize len);

typedef enum {
  CN_IMAP_ATOM,      /* includes numbers, NIL, flags, BODY[...] section names */
  CN_IMAP_STRING,    /* quoted string or literal: bytes in str/len            */
  CN_IMAP_LIST,      /* ( … )                                                 */
} CnImapType;

typedef struct _CnImapItem CnImapItem;
struct _CnImapItem {
  CnImapType type;
  char *str;         /* ATOM, STRING: NUL-terminated (strings may hold NULs) */
  gsize len;
  GPtrArray *list;   /* LIST: CnImapItem *                                   */
};

typedef struct {
  char *tag;         /* "*", "+", or the command tag                    */
  char *status;      /* OK, NO, BAD, BYE, PREAUTH, or NULL              */
  char *code;        /* the [RESPONSE-CODE …] without brackets, or NULL */
  char *text;        /* the human text after status and code            */
  guint32 number;    /* "* 12 FETCH …", "* 3 EXISTS": the number        */
  char *name;        /* FETCH, SEARCH, EXISTS, CAPABILITY, FLAGS, …     */
  GPtrArray *items;  /* what follows the name (CnImapItem *)            */
} CnImapResponse;

/* Parse one complete response (as delimited by cn_imap_response_length).
 * NULL + ERROR when malformed. */
CnImapResponse *cn_imap_parse (const char *buf, gsize len, GError **error);
void cn_imap_response_free (CnImapResponse *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnImapResponse, cn_imap_response_free)

/* In a FETCH response, the value following attribute NAME (case-insensitive;
 * a NAME ending in '[' matches any section, e.g. "BODY["), or NULL. */
const CnImapItem *cn_imap_fetch_attr (const CnImapResponse *r, const char *name);

/* Parse a decimal number (a UID, a count): FALSE unless all digits and it
 * fits in 32 bits. */
gboolean cn_imap_number (const char *s, guint32 *out);

/* A quoted IMAP string for S (mailbox names, keywords): new string. */
char *cn_imap_quote (const char *s);

/* ---- mailbox names ----
 * In the config and on the command line a mailbox is written in UTF-8 with
 * '/' between the levels of its hierarchy ("Certnotice/suspicious"),
 * whatever the server uses.  The server's name is made with its hierarchy
 * delimiter (from LIST "" "") and its personal namespace prefix (NAMESPACE),
 * in modified UTF-7 (RFC 3501 5.1.3). */

/* Modified UTF-7 for the UTF-8 string S (new string); NULL when S is not
 * valid UTF-8. */
char *cn_imap_utf7_encode (const char *s);

/* UTF-8 for the modified UTF-7 string S (new string); NULL when S is not
 * valid modified UTF-7. */
char *cn_imap_utf7_decode (const char *s);

/* FALSE + ERROR (CN_ERROR_CONFIG) unless NAME is a usable mailbox name: not
 * empty, no empty level ("a//b", "/a", "a/"), no control characters,
 * valid UTF-8. */
gboolean cn_imap_mailbox_valid (const char *name, GError **error);

/* The server's name for the mailbox NAME ('/'-separated UTF-8): its levels
 * joined with DELIM ('\0': the server has no hierarchy), PREFIX (the
 * personal namespace, server form, may be NULL or "") put in front unless
 * NAME is INBOX or already starts with it, in modified UTF-7.  NULL + ERROR
 * when NAME is not valid, or a level holds DELIM, or NAME has levels and
 * the server has no hierarchy. */
char *cn_imap_mailbox_to_server (const char *name, char delim, const char *prefix, GError **error);

G_END_DECLS
