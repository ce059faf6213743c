/* tlscheck.h — the live certificate check (tlscheck.c) and its record (live.c). */
#pragma once

#include <json-glib/json-glib.h>
#include "certnotice.h"

G_BEGIN_DECLS

/* Reach (docs/certnotice.1, THE LIVE CHECK): public addresses contacted per
 * name, and resolver threads in the whole process. */
#define CN_MAX_ADDRESSES_PER_NAME 4
#define CN_RESOLVER_THREADS 8

typedef enum {
  CN_LIVE_OK = 0,
  CN_LIVE_EXPIRING,       /* valid and trusted, but within the warning window  */
  CN_LIVE_EXPIRED,
  CN_LIVE_UNTRUSTED,
  CN_LIVE_NAME_MISMATCH,
  CN_LIVE_UNREACHABLE,
  CN_LIVE_TIMEOUT,
  CN_LIVE_COUNT
} CnLiveStatus;

const char *cn_live_status_name (CnLiveStatus s);

/* What one address served. */
typedef struct {
  char *address;          /* "192.0.2.1" or "2001:db8::1"                  */
  CnLiveStatus status;
  gboolean have_cert;
  GDateTime *not_after;   /* UTC                                          */
  GDateTime *not_before;
  char *issuer;
  char *subject;
  char **names;           /* subjectAltName DNS names                      */
  gboolean trusted;       /* chain verifies against the CA store          */
  gboolean name_ok;       /* the certificate covers the name              */
  char *error;            /* for unreachable/timeout/untrusted, or NULL    */
} CnEndpoint;

struct _CnLive {
  char *domain;           /* as asked (ASCII)                              */
  int port;
  CnLiveStatus status;    /* the worst endpoint decides                    */
  const CnEndpoint *worst;/* borrowed from endpoints; NULL if none         */
  GPtrArray *endpoints;   /* CnEndpoint *                                  */
  char *error;            /* resolution failure, or NULL                   */
};

CnLive *cn_live_new (const char *domain, int port);
void cn_live_free (CnLive *live);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CnLive, cn_live_free)
CnEndpoint *cn_endpoint_new (const char *address);
void cn_endpoint_free (CnEndpoint *e);

/* Check every CnLive of LIVES (unfilled, from cn_live_new) in parallel:
 * resolve (CN_RESOLVER_THREADS at once), handshake with each address to try
 * (at most CN_MAX_ADDRESSES_PER_NAME public ones per name, opts->parallel
 * at once), read the leaf certificate, then cn_live_settle() each.  The
 * whole run ends within opts->timeout (and a little): whatever is not done
 * by then is reported as a timeout. */
void cn_tlscheck_run (GPtrArray *lives, const CnOptions *opts);

/* Where HOST:PORT is to be reached: the first --connect-to entry that
 * matches (empty HOST or PORT match any; an empty CONNECT-TO-HOST or -PORT
 * keeps the original).  Returns TRUE when an entry matched (the user mapped
 * the name explicitly); *TO_HOST is new ("[v6]" brackets removed). */
gboolean cn_tlscheck_map_target (const CnOptions *opts, const char *host, int port,
                                 char **to_host, int *to_port);

/* Whether the numeric address IP is loopback, private, link-local,
 * documentation, multicast or otherwise not public (unparsable: TRUE). */
gboolean cn_tlscheck_address_is_private (const char *ip);

/* The order in which the resolved ADDRS of a name (numeric, the resolver's
 * order, NULL-terminated) are listed — the families taking turns, IPv6
 * first — as indices into ADDRS, and in *CONTACT (a gboolean per index
 * listed) whether each is contacted: public ones (any, with
 * CONTACT_PRIVATE), at most CN_MAX_ADDRESSES_PER_NAME.  Caller frees both. */
GArray *cn_tlscheck_address_plan (char **addrs, gboolean contact_private, GArray **contact);

/* Parse a --connect-to value (curl syntax); FALSE with ERROR if malformed. */
gboolean cn_tlscheck_valid_connect_to (const char *spec, GError **error);

/* Set each endpoint's status from its fields and LIVE's overall status
 * (the worst) given NOW and the expiring window WARN_DAYS. */
void cn_live_settle (CnLive *live, GDateTime *now, int warn_days);

/* Whole days from NOW until the worst endpoint's notAfter (negative when
 * past), or G_MININT64 when no certificate was read. */
gint64 cn_live_days_left (const CnLive *live, GDateTime *now);

/* JSON object (caller unrefs); the text for people is output.c's
 * cn_output_text_live(). */
JsonNode *cn_live_to_json (const CnLive *live, GDateTime *now);

G_END_DECLS
