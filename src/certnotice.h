/* certnotice.h — the records that flow through the pipeline.
 *
 *   read (mime.c, text.c) → match (match.c, rules.c) → authn (authn.c)
 *        → verify (tlscheck.c) → triage (triage.c) → report (output.c)
 *
 * Every struct has exactly one _free function; use g_autoptr() for locals.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define CN_ERROR (cn_error_quark ())
GQuark cn_error_quark (void);

typedef enum {
  CN_ERROR_USAGE,     /* bad command line or option value      → EX_USAGE 64   */
  CN_ERROR_INPUT,     /* unreadable input file                 → EX_NOINPUT 66 */
  CN_ERROR_RULES,     /* a rule file is invalid                → EX_CONFIG 78  */
  CN_ERROR_CONFIG,    /* the config file is invalid            → EX_CONFIG 78  */
  CN_ERROR_LIMIT,     /* a hard limit was reached while reading                */
  CN_ERROR_INTERNAL,  /* anything else                         → EX_SOFTWARE 70 */
} CnErrorCode;

/* Messages only shown to people are translated where they are made (_()).
 * A message that may also be kept — the IMAP state, --status JSON — is set
 * with cn_set_error: the GError's message is English (what is kept), and
 * cn_error_local() is the same in the user's language (what is shown). */
/* Set ERROR (CN_ERROR, CODE) from FMT, a string marked with N_(). */
void cn_set_error (GError **error, CnErrorCode code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
/* Put FMT (marked with N_()) before ERROR's message, in both languages. */
void cn_prefix_error (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* ERROR's message in the user's language (see cn_set_error), else its
 * message.  Borrowed from ERROR. */
const char *cn_error_local (const GError *error);

/* sysexits(3) values, spelled out so we need not depend on <sysexits.h>. */
enum {
  CN_EXIT_OK = 0,
  CN_EXIT_ATTENTION = 1,
  CN_EXIT_USAGE = 64,
  CN_EXIT_DATAERR = 65,
  CN_EXIT_NOINPUT = 66,
  CN_EXIT_SOFTWARE = 70,
  CN_EXIT_TEMPFAIL = 75,
  CN_EXIT_CONFIG = 78,
};

/* fdm-style tri-state for checks that can also fail. */
typedef enum {
  CN_FALSE = 0,
  CN_TRUE = 1,
  CN_UNKNOWN = 2,
} CnTristate;

/* ---- verdicts: one table of names shared by output, filter and imap ---- */
typedef enum {
  CN_VERDICT_NOT_A_NOTICE = 0,
  CN_VERDICT_UNVERIFIED,
  CN_VERDICT_RENEWED,
  CN_VERDICT_ACTION_REQUIRED,
  CN_VERDICT_EXPIRED,
  CN_VERDICT_SUSPICIOUS,
  CN_VERDICT_COUNT
} CnVerdict;

const char *cn_verdict_name (CnVerdict v);
gboolean cn_verdict_from_name (const char *name, CnVerdict *out);
/* How pressing V is: suspicious > expired > action-required > unverified >
 * renewed > not-a-notice.  The most pressing of several speaks. */
int cn_verdict_rank (CnVerdict v);
/* TRUE for the verdicts that make the exit status 1. */
gboolean cn_verdict_needs_attention (CnVerdict v);

/* ---- Mail: what matching needs, already decoded (built by mime.c) ---- */
typedef struct _CnMail CnMail;
struct _CnMail {
  char *source;           /* path given by the user (or mailbox/UID)        */
  char *part;             /* MIME part path of an embedded message, or NULL */
  guint index;            /* 1-based message number inside an mbox, or 0    */
  char *message_id;       /* without angle brackets, or NULL                */
  char *subject;          /* decoded UTF-8, NFKC, or ""                     */
  char *from_addr;        /* addr-spec of the first From mailbox, or NULL   */
  char *from_domain;      /* the first of from_domains, or NULL             */
  GPtrArray *from_domains;/* every domain written in the From headers, as
                             written (ASCII letters lowercased; mime.c)     */
  char *from_display;     /* display name, decoded, or NULL                 */
  GDateTime *date;        /* Date: header, or NULL                          */
  GDateTime *received;    /* newest Received: time, or NULL                 */
  GPtrArray *auth_results;/* raw Authentication-Results values (char *),
                             in header order, topmost first               */
  char *body;             /* decoded text of all text parts, NFKC,
                             quoted reply lines removed                      */
  gboolean embedded;      /* came from a message/rfc822 part                */
  gboolean ruled_out;     /* the prefilter ruled its subject out (mime.c,
                             prefilter.h): judging it finds nothing       */
  GPtrArray *warnings;    /* leniencies applied while decoding (char *)      */
  char *internal_error;   /* decoding failed for want of resources, or NULL */
};
CnMail *cn_mail_new (void);
void cn_mail_free (CnMail *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnMail, cn_mail_free)

/* ---- how sure we are that a mail is a certificate notice ---- */
typedef enum {
  CN_CONFIDENCE_NONE = 0,      /* not a notice                               */
  CN_CONFIDENCE_LOW,           /* the generic detector's bands (generic.c)   */
  CN_CONFIDENCE_MEDIUM,
  CN_CONFIDENCE_HIGH,          /* also every rule match                      */
} CnConfidence;
/* "low", "medium", "high"; NULL for NONE. */
const char *cn_confidence_name (CnConfidence c);

/* ---- Notice: the claim a mail makes (built by match.c + authn.c) ---- */
typedef struct _CnRule CnRule;         /* rules.h */
typedef struct _CnNoticeKind CnNoticeKind;

typedef struct _CnLive CnLive;         /* tlscheck.h; NULL until checked */

typedef struct {
  const CnMail *mail;          /* borrowed                                     */
  const CnRule *rule;          /* borrowed from the rule set; NULL = no match  */
  const CnNoticeKind *kind;    /* borrowed                                     */
  char *domain;                /* ASCII (punycode), lowercase, or NULL: the
                                  primary name, domains[0]                     */
  GPtrArray *domains;          /* char *: every name the notice is about, as
                                  domain, unique, primary first, at most
                                  CN_DOMAINS_MAX (rules.h)                     */
  CnConfidence confidence;
  char *account;               /* or NULL                                      */
  gint64 days;                 /* -1 when not stated                           */
  GDate *expires;              /* claimed expiry, or NULL                      */
  gboolean expires_stated;     /* the date was in the mail, not computed       */
  CnTristate authentic;
  CnVerdict verdict;
  GPtrArray *reasons;          /* char *, human-readable, English (JSON,
                                  headers)                                     */
  GHashTable *reasons_local;   /* a reason → the same in the user's language,
                                  for text output; NULL until a reason has a
                                  translation (cn_notice_add_reason)          */
  const CnLive *live;          /* borrowed: the check that decided the verdict,
                                  or NULL                                      */
  GPtrArray *lives;            /* const CnLive * (borrowed), one per name
                                  checked, in the order of domains            */
  gboolean attached;           /* an attached message whose forwarder is not
                                  trusted: evidence, reported, never checked
                                  or acted on                                  */
  char *internal_error;        /* judging failed for want of resources, or NULL */
} CnNotice;
CnNotice *cn_notice_new (const CnMail *mail);
void cn_notice_free (CnNotice *n);
/* Add a reason (English, from FMT); when the catalog translates FMT (mark
 * it with N_()), the same in the user's language goes to reasons_local. */
void cn_notice_add_reason (CnNotice *n, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* REASON (one of N's reasons) in the user's language, else as it is. */
const char *cn_notice_reason_local (const CnNotice *n, const char *reason);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnNotice, cn_notice_free)

/* ---- Message: one mail as delivered, with the mails attached to it ---- */
typedef struct {
  GPtrArray *mails;            /* CnMail *, owned: the message, then each
                                  message/rfc822 inside it, depth-first        */
  GPtrArray *notices;          /* CnNotice *, owned: one per mail, same order */
  /* set by cn_message_decide (triage.c), the one place that decides what a
   * message's verdict is: */
  CnVerdict verdict;
  const CnNotice *speaker;     /* the notice behind the verdict, or NULL      */
  gboolean act;                /* actions may run for it (not evidence only)  */
  const char *error;           /* the first internal error, or NULL: the
                                  verdict cannot be trusted                   */
} CnMessage;
CnMessage *cn_message_new (GPtrArray *mails);
void cn_message_free (CnMessage *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnMessage, cn_message_free)

/* ---- options shared by every mode ---- */
typedef struct {
  GDateTime *now;              /* --now, or the real clock                 */
  gboolean no_verify;
  char **trusted_authserv;     /* authserv-ids whose "pass" counts         */
  char **trusted_forwarders;   /* addresses or domains whose attached
                                  notices count as their own               */
  /* live-check options (tlscheck.c) */
  char **connect_to;
  char *cacert;
  double timeout;
  int parallel;
  gboolean allow_private;
  gboolean check_suspicious;
  int warn_days;               /* live status 'expiring' below this      */
} CnOptions;

/* ISO 8601 with the original offset ("2024-05-01T10:15:00+09:00"); NULL
 * for NULL.  Caller frees. */
char *cn_iso8601 (GDateTime *dt);

G_END_DECLS
