/* test-tlscheck.c — --connect-to semantics, the address policy, and how the
 * worst address decides (live.c).  The handshakes themselves are tested
 * against real servers in live.sh. */
#include "tlscheck.h"

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
  g_test_add_func ("/live/worst-decides", test_worst_decides);
  return g_test_run ();
}
