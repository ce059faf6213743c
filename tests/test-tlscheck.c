/* test-tlscheck.c — --connect-to semantics, the address policy, and how the
 * worst address decides (live.c).  The handshakes themselves are tested
 * against real servers in live.sh. */
#include "tlscheck.h"

#include <string.h>

static void
check_map (char **specs, const char *host, int port, gboolean want_hit, const char *want_host, int want_port)
{
  CnOptions opts = { .connect_to = specs };
  char *to = NULL;
  int to_port = 0;
  gboolean hit = cn_tlscheck_map_target (&opts, host, port, &to, &to_port);
  g_assert_cmpint (hit, ==, want_hit);
  g_assert_cmpstr (to, ==, want_host);
  g_assert_cmpint (to_port, ==, want_port);
  g_free (to);
}

static void
test_connect_to (void)
{
  char *a[] = { "example.com:443:127.0.0.1:8443", "::192.0.2.9:", NULL };
  check_map (a, "example.com", 443, TRUE, "127.0.0.1", 8443);
  check_map (a, "example.com", 8443, TRUE, "192.0.2.9", 8443);  /* 2nd: any host, any port */
  check_map (a, "other.example", 443, TRUE, "192.0.2.9", 443);  /* empty port keeps 443 */
  char *b[] = { "example.com:443:[::1]:9000", "example.com:443:127.0.0.1:1", NULL };
  check_map (b, "EXAMPLE.com", 443, TRUE, "::1", 9000);           /* first match wins */
  char *c[] = { "example.com:443::8443", NULL };
  check_map (c, "example.com", 443, TRUE, "example.com", 8443);  /* empty host keeps it */
  check_map (c, "example.org", 443, FALSE, "example.org", 443);
  check_map (NULL, "example.org", 443, FALSE, "example.org", 443);

  const char *bad[] = { "nonsense", "a:b:c:d", "a:1:b", "[::1:1:b:2", "a:1:b:2x" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) e = NULL;
    g_assert_false (cn_tlscheck_valid_connect_to (bad[i], &e));
    g_assert_error (e, CN_ERROR, CN_ERROR_USAGE);
  }
  g_assert_true (cn_tlscheck_valid_connect_to ("::[::1]:", NULL));
  g_assert_true (cn_tlscheck_valid_connect_to ("a.example:443:b.example:8443", NULL));
}

static void
test_private (void)
{
  const char *priv[] = { "127.0.0.1", "127.8.9.1", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                         "192.168.1.1", "169.254.1.1", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                         "255.255.255.255", "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1",
                         "192.0.0.8", "192.88.99.1", "240.0.0.1",
                         "::1", "::", "fe80::1", "fc00::1", "fd12::1", "ff02::1", "2001:db8::1",
                         "::ffff:10.0.0.1", "::ffff:127.0.0.1", "not-an-address",
                         /* #16.8: IPv4 inside IPv6 */
                         "64:ff9b::10.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::127.0.0.1",  /* NAT64 to private */
                         "64:ff9b:1::a00:1", "64:ff9b:1:ffff::8.8.8.8",                    /* NAT64 local use  */
                         "::10.0.0.1", "::8.8.8.8", "::127.0.0.1",                         /* IPv4-compatible  */
                         "::ffff:0:8.8.8.8", "::ffff:0:10.0.0.1",                          /* IPv4-translated  */
                         "2002:a00:1::1", "2002:7f00:1::", "2002:c0a8:101::1",             /* 6to4 to private  */
                         "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::1",                /* Teredo           */
                         "fec0::1", "feff::1",                                             /* site-local       */
                         "100::1", "2001:2::1", "2001:10::1", "2001:20::1", "3fff::1",     /* discard, bench,  */
                         "5f00::1" };                                                      /* ORCHID, doc, SRv6 */
  const char *pub[] = { "8.8.8.8", "172.32.0.1", "100.128.0.1", "1.1.1.1", "2606:4700::1111",
                        "::ffff:8.8.8.8", "160.16.0.1", "192.0.3.1", "192.88.98.1", "223.255.255.255",
                        "64:ff9b::8.8.8.8", "2002:808:808::1", "2001:4860:4860::8888", "2a00:1450::1",
                        "2001:1::1", "64:ff9c::1", "2001:30::1", "fe00::1" };
  for (gsize i = 0; i < G_N_ELEMENTS (priv); i++) {
    g_test_message ("%s", priv[i]);
    g_assert_true (cn_tlscheck_address_is_private (priv[i]));
  }
  for (gsize i = 0; i < G_N_ELEMENTS (pub); i++) {
    g_test_message ("%s", pub[i]);
    g_assert_false (cn_tlscheck_address_is_private (pub[i]));
  }
}

/* #16.6: at most CN_MAX_ADDRESSES_PER_NAME public addresses of a name are
 * contacted, the families taking turns; non-public ones are listed, not
 * contacted */
static void
test_address_plan (void)
{
  char *many[64];
  for (int i = 0; i < 60; i++)
    many[i] = g_strdup_printf ("8.8.%d.%d", i / 200, i % 200 + 1);
  many[60] = NULL;
  g_autoptr (GArray) contact = NULL;
  g_autoptr (GArray) order = cn_tlscheck_address_plan (many, FALSE, &contact);
  g_assert_cmpuint (order->len, ==, 60);
  guint n = 0;
  for (guint i = 0; i < contact->len; i++)
    n += g_array_index (contact, gboolean, i);
  g_assert_cmpuint (n, ==, CN_MAX_ADDRESSES_PER_NAME);
  for (guint i = 0; i < CN_MAX_ADDRESSES_PER_NAME; i++)
    g_assert_true (g_array_index (contact, gboolean, i));   /* the first ones, in order */
  for (int i = 0; i < 60; i++)
    g_free (many[i]);

  /* families take turns: 6 IPv6 then 2 IPv4 from the resolver */
  char *mixed[] = { "2606:4700::1", "2606:4700::2", "2606:4700::3", "2606:4700::4", "2606:4700::5",
                    "2606:4700::6", "1.1.1.1", "1.0.0.1", NULL };
  g_autoptr (GArray) c2 = NULL;
  g_autoptr (GArray) o2 = cn_tlscheck_address_plan (mixed, FALSE, &c2);
  const guint want[] = { 0, 6, 1, 7, 2, 3, 4, 5 };
  const gboolean want_c[] = { TRUE, TRUE, TRUE, TRUE, FALSE, FALSE, FALSE, FALSE };
  g_assert_cmpuint (o2->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < o2->len; i++) {
    g_assert_cmpuint (g_array_index (o2, guint, i), ==, want[i]);
    g_assert_cmpint (g_array_index (c2, gboolean, i), ==, want_c[i]);
  }

  /* private addresses are not contacted and do not count */
  char *priv[] = { "10.0.0.1", "::1", "64:ff9b::a00:1", "9.9.9.9", NULL };
  g_autoptr (GArray) c3 = NULL;
  g_autoptr (GArray) o3 = cn_tlscheck_address_plan (priv, FALSE, &c3);
  for (guint i = 0; i < o3->len; i++) {
    const char *a = priv[g_array_index (o3, guint, i)];
    g_assert_cmpint (g_array_index (c3, gboolean, i), ==, strcmp (a, "9.9.9.9") == 0);
  }
  g_autoptr (GArray) c4 = NULL;
  g_autoptr (GArray) o4 = cn_tlscheck_address_plan (priv, TRUE, &c4);   /* --allow-private */
  for (guint i = 0; i < o4->len; i++)
    g_assert_true (g_array_index (c4, gboolean, i));
}

/* The number of threads of this process. */
static guint
threads_now (void)
{
  g_autoptr (GDir) d = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;
  while (d && g_dir_read_name (d))
    n++;
  return n;
}

static volatile gint sampling;
static volatile guint peak;

static gpointer
sampler (gpointer data)
{
  (void) data;
  while (g_atomic_int_get (&sampling)) {
    guint n = threads_now ();
    if (n > peak)
      peak = n;
    g_usleep (200);
  }
  return NULL;
}

/* #16.6: a batch of many names is resolved by a bounded pool (a 2.2 MB mail
 * once started 2,977 resolver threads at once), within one deadline */
static void
test_resolver_pool_bounded (void)
{
  g_autoptr (GPtrArray) lives = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_live_free);
  for (int i = 0; i < 400; i++) {
    g_autofree char *name = g_strdup_printf ("n%d.certnotice.invalid", i);
    g_ptr_array_add (lives, cn_live_new (name, 443));
  }
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  CnOptions opts = { .now = now, .timeout = 1, .parallel = 4, .warn_days = 14 };
  guint before = threads_now ();
  g_atomic_int_set (&sampling, 1);
  GThread *t = g_thread_new ("sampler", sampler, NULL);
  gint64 t0 = g_get_monotonic_time ();
  cn_tlscheck_run (lives, &opts);
  double took = (g_get_monotonic_time () - t0) / 1e6;
  g_atomic_int_set (&sampling, 0);
  g_thread_join (t);
  g_test_message ("threads: %u before, %u at most during the run; %.2fs", before, peak, took);
  /* the sampler, the pool's threads, and what libcurl or GLib may keep */
  g_assert_cmpuint (peak, <=, before + 1 + CN_RESOLVER_THREADS + 2);
  for (guint i = 0; i < lives->len; i++) {
    CnLive *l = lives->pdata[i];
    g_assert_nonnull (l->error);   /* .invalid never resolves */
  }
}

static CnEndpoint *
endpoint (const char *addr, gboolean cert, int days, gboolean trusted, gboolean name_ok, CnLiveStatus net)
{
  CnEndpoint *e = cn_endpoint_new (addr);
  e->have_cert = cert;
  e->status = net;
  if (cert) {
    g_autoptr (GDateTime) now = g_date_time_new_utc (2025, 1, 1, 0, 0, 0);
    e->not_after = g_date_time_add_days (now, days);
    e->not_before = g_date_time_add_days (now, days - 90);
    e->trusted = trusted;
    e->name_ok = name_ok;
  }
  return e;
}

static void
test_worst_decides (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_utc (2025, 1, 1, 0, 0, 0);
  struct {
    CnEndpoint *a, *b;
    CnLiveStatus want;
    gint64 days;
  } cases[] = {
    { endpoint ("192.0.2.1", TRUE, 60, TRUE, TRUE, 0), endpoint ("2001:db8::1", TRUE, 60, TRUE, TRUE, 0), CN_LIVE_OK, 60 },
    { endpoint ("192.0.2.1", TRUE, 60, TRUE, TRUE, 0), endpoint ("2001:db8::1", TRUE, -2, TRUE, TRUE, 0), CN_LIVE_EXPIRED, -2 },
    { endpoint ("192.0.2.1", TRUE, 60, TRUE, TRUE, 0), endpoint ("2001:db8::1", TRUE, 10, TRUE, TRUE, 0), CN_LIVE_EXPIRING, 10 },
    { endpoint ("192.0.2.1", TRUE, 60, TRUE, TRUE, 0), endpoint ("2001:db8::1", TRUE, 60, TRUE, FALSE, 0), CN_LIVE_NAME_MISMATCH, 60 },
    { endpoint ("192.0.2.1", TRUE, 60, FALSE, TRUE, 0), endpoint ("2001:db8::1", TRUE, 60, TRUE, TRUE, 0), CN_LIVE_UNTRUSTED, 60 },
    /* an address that cannot be reached does not hide a served certificate */
    { endpoint ("192.0.2.1", TRUE, 60, TRUE, TRUE, 0), endpoint ("2001:db8::1", FALSE, 0, 0, 0, CN_LIVE_UNREACHABLE), CN_LIVE_OK, 60 },
    { endpoint ("192.0.2.1", FALSE, 0, 0, 0, CN_LIVE_UNREACHABLE), endpoint ("2001:db8::1", FALSE, 0, 0, 0, CN_LIVE_TIMEOUT), CN_LIVE_TIMEOUT, G_MININT64 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (CnLive) l = cn_live_new ("example.com", 443);
    g_ptr_array_add (l->endpoints, cases[i].a);
    g_ptr_array_add (l->endpoints, cases[i].b);
    cn_live_settle (l, now, 14);
    g_test_message ("case %zu: %s", i, cn_live_status_name (l->status));
    g_assert_cmpint (l->status, ==, cases[i].want);
    g_assert_cmpint (cn_live_days_left (l, now), ==, cases[i].days);
    g_autoptr (JsonNode) j = cn_live_to_json (l, now);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (j), "addresses")), ==, 2);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tlscheck/connect-to", test_connect_to);
  g_test_add_func ("/tlscheck/private-addresses", test_private);
  g_test_add_func ("/tlscheck/address-plan", test_address_plan);
  g_test_add_func ("/tlscheck/resolver-pool-bounded", test_resolver_pool_bounded);
  g_test_add_func ("/live/worst-decides", test_worst_decides);
  return g_test_run ();
}
