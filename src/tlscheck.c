/* tlscheck.c — the live certificate check: resolve, handshake, read the leaf.
 *
 * Reach is bounded, since the names come from mail anyone can send: names
 * are resolved by a pool of at most CN_RESOLVER_THREADS threads shared by
 * the whole process, at most CN_MAX_ADDRESSES_PER_NAME public addresses of
 * a name are contacted (the families taking turns), non-public addresses
 * are not contacted at all (see the address policy), and one deadline,
 * opts->timeout after the run starts, bounds the whole run: resolution and
 * every handshake of every name.  N names cost about one timeout, not N.
 *
 * Every address gets its own TLS handshake through one libcurl multi handle
 * with CURLOPT_CONNECT_ONLY (nothing but the handshake is sent) and
 * CURLOPT_CERTINFO (the served chain), at most opts->parallel at once.
 *
 * Trust and name are reported separately.  The name is checked here against
 * the subjectAltName (host verification stays off).  Trust: libcurl loads
 * the CA store only when peer verification is on, and with it on a bad chain
 * aborts the handshake before the certificate can be read.  So the first
 * handshake verifies the peer: success means trusted and read at once (the
 * common case); a verification failure is followed by a second handshake
 * with verification off, within the same deadline, to read the certificate
 * anyway (expired, self-signed, unknown CA).
 */
#include "tlscheck.h"

#include "curlx.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

static const CnCurl *cc;   /* set by cn_tlscheck_run */

/* ---- address policy ----
 *
 * Public means globally reachable in IANA's special-purpose registries
 * (RFC 6890 and successors).  An IPv6 address that carries an IPv4 one
 * is judged by the IPv4 address it leads to (IPv4-mapped, NAT64 with the
 * well-known prefix, 6to4); forms that are deprecated, or whose mapping
 * only the local network knows, are refused outright (IPv4-compatible,
 * IPv4-translated, NAT64 local-use, Teredo). */

static gboolean
v4_private (const guint8 *a)
{
  return a[0] == 0 || a[0] == 10 || a[0] == 127 ||                   /* this network, private, loopback */
         (a[0] == 100 && (a[1] & 0xc0) == 64) ||                      /* 100.64/10 shared (CGN)          */
         (a[0] == 169 && a[1] == 254) || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
         (a[0] == 192 && a[1] == 168) ||
         (a[0] == 192 && a[1] == 0 && (a[2] == 0 || a[2] == 2)) ||   /* IETF assignments, TEST-NET-1    */
         (a[0] == 192 && a[1] == 88 && a[2] == 99) ||                 /* 6to4 relay anycast (deprecated) */
         (a[0] == 198 && (a[1] & 0xfe) == 18) ||                      /* benchmarking                    */
         (a[0] == 198 && a[1] == 51 && a[2] == 100) || (a[0] == 203 && a[1] == 0 && a[2] == 113) ||
         a[0] >= 224;                                                 /* multicast, reserved, broadcast  */
}

static gboolean
prefix (const guint8 *a, const guint8 *p, guint bits)
{
  guint bytes = bits / 8, rest = bits % 8;
  if (memcmp (a, p, bytes) != 0)
    return FALSE;
  return rest == 0 || ((a[bytes] ^ p[bytes]) & (0xff << (8 - rest))) == 0;
}

static gboolean
v6_private (const guint8 *a)
{
  static const guint8 compat[16] = { 0 };                                  /* ::/96 (and :: ::1) */
  static const guint8 mapped[16] = { [10] = 0xff, [11] = 0xff };           /* ::ffff:0:0/96      */
  static const guint8 translated[16] = { [8] = 0xff, [9] = 0xff };         /* ::ffff:0:0:0/96    */
  static const guint8 nat64[16] = { 0, 0x64, 0xff, 0x9b };                 /* 64:ff9b::/96       */
  static const guint8 nat64_local[16] = { 0, 0x64, 0xff, 0x9b, 0, 1 };     /* 64:ff9b:1::/48     */
  static const guint8 discard[16] = { 1 };                                 /* 100::/64           */
  static const guint8 teredo[16] = { 0x20, 0x01 };                         /* 2001::/32          */
  static const guint8 bench[16] = { 0x20, 0x01, 0, 2 };                    /* 2001:2::/48        */
  static const guint8 orchid[16] = { 0x20, 0x01, 0, 0x10 };                /* 2001:10::/28       */
  static const guint8 orchid2[16] = { 0x20, 0x01, 0, 0x20 };               /* 2001:20::/28       */
  static const guint8 doc[16] = { 0x20, 0x01, 0x0d, 0xb8 };                /* 2001:db8::/32      */
  static const guint8 doc2[16] = { 0x3f, 0xff };                           /* 3fff::/20          */
  static const guint8 sixtofour[16] = { 0x20, 0x02 };                      /* 2002::/16          */
  static const guint8 srv6[16] = { 0x5f, 0x00 };                           /* 5f00::/16          */
  if (prefix (a, mapped, 96))
    return v4_private (a + 12);
  if (prefix (a, nat64, 96))
    return v4_private (a + 12);
  if (prefix (a, sixtofour, 16))
    return v4_private (a + 2);
  return prefix (a, compat, 96) || prefix (a, translated, 96) || prefix (a, nat64_local, 48) ||
         prefix (a, discard, 64) || prefix (a, teredo, 32) || prefix (a, bench, 48) ||
         prefix (a, orchid, 28) || prefix (a, orchid2, 28) || prefix (a, doc, 32) || prefix (a, doc2, 20) || prefix (a, srv6, 16) ||
         (a[0] & 0xfe) == 0xfc ||                        /* fc00::/7 unique local           */
         (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||      /* fe80::/10 link-local            */
         (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) ||      /* fec0::/10 site-local (obsolete) */
         a[0] == 0xff;                                   /* multicast                       */
}

/* Loopback, private, link-local, documentation, multicast, reserved. */
static gboolean
address_is_private (const struct sockaddr *sa)
{
  if (sa->sa_family == AF_INET)
    return v4_private ((const guint8 *) &((const struct sockaddr_in *) sa)->sin_addr);
  if (sa->sa_family == AF_INET6)
    return v6_private (((const struct sockaddr_in6 *) sa)->sin6_addr.s6_addr);
  return TRUE;
}

gboolean
cn_tlscheck_address_is_private (const char *ip)
{
  struct addrinfo hints = { .ai_flags = AI_NUMERICHOST };
  struct addrinfo *res = NULL;
  if (getaddrinfo (ip, NULL, &hints, &res) != 0)
    return TRUE;
  gboolean p = address_is_private (res->ai_addr);
  freeaddrinfo (res);
  return p;
}

/* ---- resolution: a bounded pool, all bounded by the run's deadline ---- */

typedef struct {
  gint ref;
  char *host;
  GPtrArray *addrs;     /* "ip" strings, numeric                      */
  GPtrArray *private;   /* parallel: GINT_TO_POINTER(is private)       */
  char *error;
  gboolean done;
  gboolean abandoned;   /* the run is over: do not resolve any more    */
} Lookup;

static GMutex lookup_lock;
static GCond lookup_cond;

static void
lookup_unref (Lookup *l)
{
  if (!g_atomic_int_dec_and_test (&l->ref))
    return;
  g_free (l->host);
  g_ptr_array_unref (l->addrs);
  g_ptr_array_unref (l->private);
  g_free (l->error);
  g_free (l);
}

static void
lookup_run (gpointer data, gpointer user_data)
{
  (void) user_data;
  Lookup *l = data;
  g_mutex_lock (&lookup_lock);
  gboolean skip = l->abandoned;
  g_mutex_unlock (&lookup_lock);
  if (skip) {            /* queued past the deadline: nobody waits for it */
    lookup_unref (l);
    return;
  }
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
  struct addrinfo *res = NULL;
  int rc = getaddrinfo (l->host, NULL, &hints, &res);
  g_mutex_lock (&lookup_lock);
  if (rc != 0) {
    l->error = g_strdup_printf ("cannot resolve %s: %s", l->host, gai_strerror (rc));
  } else {
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
      char buf[INET6_ADDRSTRLEN];
      if (getnameinfo (ai->ai_addr, ai->ai_addrlen, buf, sizeof buf, NULL, 0, NI_NUMERICHOST) != 0)
        continue;
      gboolean seen = FALSE;
      for (guint i = 0; i < l->addrs->len; i++)
        seen |= strcmp (l->addrs->pdata[i], buf) == 0;
      if (seen || l->addrs->len >= 256)
        continue;
      g_ptr_array_add (l->addrs, g_strdup (buf));
      g_ptr_array_add (l->private, GINT_TO_POINTER (address_is_private (ai->ai_addr)));
    }
    freeaddrinfo (res);
  }
  l->done = TRUE;
  g_cond_broadcast (&lookup_cond);
  g_mutex_unlock (&lookup_lock);
  lookup_unref (l);
}

/* The process's resolver pool (threads shared with GLib's other pools). */
static GThreadPool *
resolver_pool (void)
{
  static GThreadPool *pool;
  static gsize once = 0;
  if (g_once_init_enter (&once)) {
    pool = g_thread_pool_new (lookup_run, NULL, CN_RESOLVER_THREADS, FALSE, NULL);
    g_once_init_leave (&once, 1);
  }
  return pool;
}

GArray *
cn_tlscheck_address_plan (char **addrs, gboolean contact_private, GArray **contact)
{
  guint n = addrs ? g_strv_length (addrs) : 0;
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));
  *contact = g_array_new (FALSE, FALSE, sizeof (gboolean));
  guint next[2] = { 0, 0 }, tried = 0;
  while (order->len < n) {
    for (int fam = 1; fam >= 0; fam--) {   /* 1: IPv6, 0: IPv4 */
      while (next[fam] < n && (strchr (addrs[next[fam]], ':') != NULL) != fam)
        next[fam]++;
      if (next[fam] >= n)
        continue;
      guint a = next[fam]++;
      gboolean go = (contact_private || !cn_tlscheck_address_is_private (addrs[a])) &&
                    tried < CN_MAX_ADDRESSES_PER_NAME;
      tried += go;
      g_array_append_val (order, a);
      g_array_append_val (*contact, go);
    }
  }
  return order;
}

/* ---- one handshake per address ---- */

typedef struct {
  CnLive *live;
  CnEndpoint *ep;
  char *url;
  struct curl_slist *connect_to;
  CURL *easy;
  gboolean verify;          /* first handshake: peer verification on   */
  gint64 deadline;          /* monotonic; both handshakes share it      */
  char errbuf[CURL_ERROR_SIZE];
} Probe;

static void
probe_free (Probe *p)
{
  if (p->easy)
    cc->easy_cleanup (p->easy);
  g_free (p->url);
  cc->slist_free_all (p->connect_to);
  g_free (p);
}

static GDateTime *
parse_cert_time (const char *s)
{
  /* OpenSSL's ASN1_TIME_print: "Mar 10 12:00:00 2025 GMT" */
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  char mon[4] = { 0 };
  int d, h, mi, sec, y;
  if (sscanf (s, "%3s %d %d:%d:%d %d", mon, &d, &h, &mi, &sec, &y) != 6)
    return NULL;
  const char *m = strstr (months, mon);
  if (m == NULL || (m - months) % 3)
    return NULL;
  return g_date_time_new_utc (y, (int) (m - months) / 3 + 1, d, h, mi, sec);
}

/* RFC 6125: exact, or a left-most "*" label matching exactly one label. */
static gboolean
name_matches (const char *pattern, const char *host)
{
  if (g_ascii_strcasecmp (pattern, host) == 0)
    return TRUE;
  if (pattern[0] == '*' && pattern[1] == '.') {
    const char *dot = strchr (host, '.');
    return dot && dot != host && strchr (pattern + 2, '.') &&
           g_ascii_strcasecmp (pattern + 2, dot + 1) == 0;
  }
  return FALSE;
}

static void
read_certinfo (Probe *p)
{
  struct curl_certinfo *ci = NULL;
  if (cc->easy_getinfo (p->easy, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL ||
      ci->num_of_certs < 1)
    return;
  CnEndpoint *e = p->ep;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cn = NULL;
  for (struct curl_slist *s = ci->certinfo[0]; s; s = s->next) {
    const char *d = s->data;
    if (g_str_has_prefix (d, "Subject:")) {
      e->subject = g_strstrip (g_strdup (d + 8));
      const char *c = strstr (e->subject, "CN = ");
      const char *c2 = strstr (e->subject, "CN=");
      const char *v = c ? c + 5 : c2 ? c2 + 3 : NULL;
      if (v)
        cn = g_strndup (v, strcspn (v, ",/"));
    } else if (g_str_has_prefix (d, "Issuer:")) {
      e->issuer = g_strstrip (g_strdup (d + 7));
    } else if (g_str_has_prefix (d, "Start date:")) {
      e->not_before = parse_cert_time (d + 11);
    } else if (g_str_has_prefix (d, "Expire date:")) {
      e->not_after = parse_cert_time (d + 12);
    } else if (g_str_has_prefix (d, "X509v3 Subject Alternative Name:")) {
      g_auto (GStrv) parts = g_strsplit (d + 32, ",", -1);
      for (char **q = parts; *q; q++) {
        g_strstrip (*q);
        if (g_str_has_prefix (*q, "DNS:"))
          g_ptr_array_add (names, g_ascii_strdown (*q + 4, -1));
      }
    }
  }
  /* a certificate without a SAN falls back to its CN (legacy clients do) */
  if (names->len == 0 && cn)
    g_ptr_array_add (names, g_ascii_strdown (cn, -1));
  e->name_ok = FALSE;
  for (guint i = 0; i < names->len; i++)
    e->name_ok |= name_matches (names->pdata[i], p->live->domain);
  g_ptr_array_add (names, NULL);
  e->names = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
  e->have_cert = e->not_after != NULL && e->not_before != NULL;
}

static void
start_probe (CURLM *multi, Probe *p, const CnOptions *opts)
{
  CURL *c = cc->easy_init ();
  p->easy = c;
  p->errbuf[0] = '\0';
  gint64 left_ms = (p->deadline - g_get_monotonic_time ()) / 1000;
  long ms = left_ms < 1 ? 1 : (long) left_ms;
  cc->easy_setopt (c, CURLOPT_URL, p->url);
  cc->easy_setopt (c, CURLOPT_PROTOCOLS_STR, "https");
  cc->easy_setopt (c, CURLOPT_CONNECT_ONLY, 1L);
  cc->easy_setopt (c, CURLOPT_CERTINFO, 1L);
  cc->easy_setopt (c, CURLOPT_SSL_VERIFYPEER, p->verify ? 1L : 0L);
  cc->easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 0L);
  cc->easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  cc->easy_setopt (c, CURLOPT_TIMEOUT_MS, ms);
  cc->easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS, ms);
  cc->easy_setopt (c, CURLOPT_NOPROXY, "*");
  cc->easy_setopt (c, CURLOPT_ERRORBUFFER, p->errbuf);
  cc->easy_setopt (c, CURLOPT_PRIVATE, p);
  cc->easy_setopt (c, CURLOPT_CONNECT_TO, p->connect_to);
  if (opts->cacert)
    cc->easy_setopt (c, CURLOPT_CAINFO, opts->cacert);
  cc->multi_add_handle (multi, c);
}

/* A handshake ended.  Returns TRUE when the probe must run again (unverified
 * second handshake). */
static gboolean
finish_probe (CURLM *multi, Probe *p, CURLcode rc)
{
  CnEndpoint *e = p->ep;
  gboolean again = FALSE;
  cc->multi_remove_handle (multi, p->easy);
  if (rc == CURLE_OK) {
    read_certinfo (p);
    e->trusted = p->verify;
    if (!e->have_cert && e->error == NULL)
      e->error = g_strdup ("the server sent no certificate that could be read");
  } else if (p->verify && (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)) {
    /* remember why, then read the certificate without verifying */
    e->error = g_strdup (*p->errbuf ? p->errbuf : cc->easy_strerror (rc));
    p->verify = FALSE;
    again = TRUE;
  } else {
    e->status = rc == CURLE_OPERATION_TIMEDOUT ? CN_LIVE_TIMEOUT : CN_LIVE_UNREACHABLE;
    g_free (e->error);
    e->error = g_strdup (*p->errbuf ? p->errbuf : cc->easy_strerror (rc));
  }
  cc->easy_cleanup (p->easy);
  p->easy = NULL;
  return again;
}

void
cn_tlscheck_run (GPtrArray *lives, const CnOptions *opts)
{
  const char *why = NULL;
  cc = cn_curl (&why);
  if (cc == NULL) {
    for (guint i = 0; i < lives->len; i++) {
      CnLive *live = lives->pdata[i];
      live->error = g_strdup_printf ("no live check: libcurl could not be loaded: %s", why);
      cn_live_settle (live, opts->now, opts->warn_days);
    }
    return;
  }
  /* one deadline for everything this run does */
  gint64 deadline = g_get_monotonic_time () + (gint64) (opts->timeout * G_USEC_PER_SEC);

  /* 1. resolve every target through the pool */
  GThreadPool *pool = resolver_pool ();
  g_autoptr (GPtrArray) lookups = g_ptr_array_new_with_free_func ((GDestroyNotify) lookup_unref);
  g_autoptr (GPtrArray) mapped = g_ptr_array_new ();
  g_autoptr (GPtrArray) ports = g_ptr_array_new ();
  for (guint i = 0; i < lives->len; i++) {
    CnLive *live = lives->pdata[i];
    char *to_host = NULL;
    int to_port = 0;
    gboolean explicit = cn_tlscheck_map_target (opts, live->domain, live->port, &to_host, &to_port);
    Lookup *l = g_new0 (Lookup, 1);
    l->ref = 2;   /* ours and the pool's */
    l->host = to_host;
    l->addrs = g_ptr_array_new_with_free_func (g_free);
    l->private = g_ptr_array_new ();
    g_ptr_array_add (lookups, l);
    g_ptr_array_add (mapped, GINT_TO_POINTER (explicit));
    g_ptr_array_add (ports, GINT_TO_POINTER (to_port));
    g_autoptr (GError) e = NULL;
    if (!g_thread_pool_push (pool, l, &e)) {
      g_mutex_lock (&lookup_lock);
      l->error = g_strdup_printf ("cannot resolve %s: %s", l->host, e->message);
      l->done = TRUE;
      g_mutex_unlock (&lookup_lock);
      lookup_unref (l);
    }
  }
  g_mutex_lock (&lookup_lock);
  for (guint i = 0; i < lookups->len; i++) {
    Lookup *l = lookups->pdata[i];
    while (!l->done)
      if (!g_cond_wait_until (&lookup_cond, &lookup_lock, deadline))
        break;
  }
  for (guint i = 0; i < lookups->len; i++)
    ((Lookup *) lookups->pdata[i])->abandoned = TRUE;   /* still queued: skipped */

  /* 2. one probe per address to try */
  g_autoptr (GPtrArray) probes = g_ptr_array_new_with_free_func ((GDestroyNotify) probe_free);
  for (guint i = 0; i < lives->len; i++) {
    CnLive *live = lives->pdata[i];
    Lookup *l = lookups->pdata[i];
    if (!l->done) {
      live->error = g_strdup_printf ("resolving %s timed out", l->host);
      CnEndpoint *e = cn_endpoint_new (l->host);
      e->status = CN_LIVE_TIMEOUT;
      e->error = g_strdup (live->error);
      g_ptr_array_add (live->endpoints, e);
      continue;
    }
    if (l->error) {
      live->error = g_strdup (l->error);
      continue;
    }
    gboolean explicit = GPOINTER_TO_INT (mapped->pdata[i]);
    int to_port = GPOINTER_TO_INT (ports->pdata[i]);
    g_ptr_array_add (l->addrs, NULL);
    g_autoptr (GArray) contact = NULL;
    g_autoptr (GArray) order = cn_tlscheck_address_plan ((char **) l->addrs->pdata,
                                                         explicit || opts->allow_private, &contact);
    g_ptr_array_set_size (l->addrs, l->addrs->len - 1);
    for (guint k = 0; k < order->len; k++) {
      guint a = g_array_index (order, guint, k);
      const char *addr = l->addrs->pdata[a];
      CnEndpoint *e = cn_endpoint_new (addr);
      g_ptr_array_add (live->endpoints, e);
      if (!g_array_index (contact, gboolean, k)) {
        e->error = GPOINTER_TO_INT (l->private->pdata[a]) && !explicit && !opts->allow_private
          ? g_strdup_printf ("%s is not a public address: not contacted "
                             "(map it with --connect-to or use --allow-private)", addr)
          : g_strdup_printf ("not contacted: at most %d addresses of a name are tried",
                             CN_MAX_ADDRESSES_PER_NAME);
        continue;
      }
      Probe *p = g_new0 (Probe, 1);
      p->live = live;
      p->ep = e;
      p->verify = TRUE;
      p->deadline = deadline;
      p->url = g_strdup_printf ("https://%s:%d/", live->domain, live->port);
      g_autofree char *ct = strchr (addr, ':')
        ? g_strdup_printf ("%s:%d:[%s]:%d", live->domain, live->port, addr, to_port)
        : g_strdup_printf ("%s:%d:%s:%d", live->domain, live->port, addr, to_port);
      p->connect_to = cc->slist_append (NULL, ct);
      g_ptr_array_add (probes, p);
    }
  }
  g_mutex_unlock (&lookup_lock);

  /* 3. handshakes, at most opts->parallel at once, all within the deadline;
   * a probe whose turn comes after it is not started */
  CURLM *multi = cc->multi_init ();
  GQueue pending = G_QUEUE_INIT;
  for (guint i = 0; i < probes->len; i++)
    g_queue_push_tail (&pending, probes->pdata[i]);
  guint running = 0;
  while (!g_queue_is_empty (&pending) || running > 0) {
    while (!g_queue_is_empty (&pending) && running < (guint) opts->parallel) {
      Probe *p = g_queue_pop_head (&pending);
      if (g_get_monotonic_time () >= deadline) {
        p->ep->status = CN_LIVE_TIMEOUT;
        g_free (p->ep->error);
        p->ep->error = g_strdup_printf ("not checked: the checks of this run took their whole time "
                                        "budget (--timeout %g)", opts->timeout);
        continue;
      }
      start_probe (multi, p, opts);
      running++;
    }
    int still = 0;
    cc->multi_perform (multi, &still);
    CURLMsg *msg;
    int left;
    while ((msg = cc->multi_info_read (multi, &left))) {
      if (msg->msg != CURLMSG_DONE)
        continue;
      Probe *p = NULL;
      cc->easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &p);
      CURLcode rc = msg->data.result;
      running--;
      if (finish_probe (multi, p, rc))
        g_queue_push_head (&pending, p);
    }
    if (running > 0)
      cc->multi_poll (multi, NULL, 0, 200, NULL);
  }
  cc->multi_cleanup (multi);

  for (guint i = 0; i < lives->len; i++)
    cn_live_settle (lives->pdata[i], opts->now, opts->warn_days);
}
