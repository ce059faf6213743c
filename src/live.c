/* live.c — the live-check record: statuses, the worst endpoint, reporting. */
#include "tlscheck.h"
#include "certnotice.h"
#include "json.h"

static const char *const status_names[CN_LIVE_COUNT] = {
  [CN_LIVE_OK] = "ok",
  [CN_LIVE_EXPIRING] = "expiring",
  [CN_LIVE_EXPIRED] = "expired",
  [CN_LIVE_UNTRUSTED] = "untrusted",
  [CN_LIVE_NAME_MISMATCH] = "name-mismatch",
  [CN_LIVE_UNREACHABLE] = "unreachable",
  [CN_LIVE_TIMEOUT] = "timeout",
};

/* Higher is worse.  Certificate problems rank among themselves; an address
 * that could not be reached only decides when no address served a
 * certificate (a host without IPv6 must not hide an expired certificate,
 * nor make a healthy one look broken).  All addresses are listed anyway. */
static const int severity[CN_LIVE_COUNT] = {
  [CN_LIVE_UNREACHABLE] = 0,
  [CN_LIVE_TIMEOUT] = 1,
  [CN_LIVE_OK] = 10,
  [CN_LIVE_EXPIRING] = 11,
  [CN_LIVE_UNTRUSTED] = 12,
  [CN_LIVE_NAME_MISMATCH] = 13,
  [CN_LIVE_EXPIRED] = 14,
};

const char *
cn_live_status_name (CnLiveStatus s)
{
  return s < CN_LIVE_COUNT ? status_names[s] : "?";
}

CnEndpoint *
cn_endpoint_new (const char *address)
{
  CnEndpoint *e = g_new0 (CnEndpoint, 1);
  e->address = g_strdup (address);
  e->status = CN_LIVE_UNREACHABLE;
  return e;
}

void
cn_endpoint_free (CnEndpoint *e)
{
  if (e == NULL)
    return;
  g_free (e->address);
  g_clear_pointer (&e->not_after, g_date_time_unref);
  g_clear_pointer (&e->not_before, g_date_time_unref);
  g_free (e->issuer);
  g_free (e->subject);
  g_strfreev (e->names);
  g_free (e->error);
  g_free (e);
}

CnLive *
cn_live_new (const char *domain, int port)
{
  CnLive *l = g_new0 (CnLive, 1);
  l->domain = g_strdup (domain);
  l->port = port;
  l->status = CN_LIVE_UNREACHABLE;
  l->endpoints = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_endpoint_free);
  return l;
}

void
cn_live_free (CnLive *l)
{
  if (l == NULL)
    return;
  g_free (l->domain);
  g_ptr_array_unref (l->endpoints);
  g_free (l->error);
  g_free (l);
}

void
cn_live_settle (CnLive *l, GDateTime *now, int warn_days)
{
  l->worst = NULL;
  l->status = CN_LIVE_UNREACHABLE;
  for (guint i = 0; i < l->endpoints->len; i++) {
    CnEndpoint *e = l->endpoints->pdata[i];
    if (e->have_cert) {
      if (g_date_time_compare (e->not_after, now) <= 0)
        e->status = CN_LIVE_EXPIRED;
      else if (!e->name_ok)
        e->status = CN_LIVE_NAME_MISMATCH;
      else if (!e->trusted)
        e->status = CN_LIVE_UNTRUSTED;
      else if (g_date_time_difference (e->not_after, now) < (GTimeSpan) warn_days * G_TIME_SPAN_DAY)
        e->status = CN_LIVE_EXPIRING;
      else
        e->status = CN_LIVE_OK;
    }
    if (l->worst == NULL || severity[e->status] > severity[l->worst->status])
      l->worst = e;
  }
  if (l->worst)
    l->status = l->worst->status;
}

gint64
cn_live_days_left (const CnLive *l, GDateTime *now)
{
  /* the earliest notAfter among the endpoints that served a certificate */
  GDateTime *na = NULL;
  for (guint i = 0; i < l->endpoints->len; i++) {
    const CnEndpoint *e = l->endpoints->pdata[i];
    if (e->have_cert && (na == NULL || g_date_time_compare (e->not_after, na) < 0))
      na = e->not_after;
  }
  if (na == NULL)
    return G_MININT64;
  GTimeSpan d = g_date_time_difference (na, now);
  /* whole days: 84.9 days left is 84; expired 5.1 days ago is -5; but
   * anything past notAfter is at least -1, never 0 */
  if (d >= 0)
    return d / G_TIME_SPAN_DAY;
  return -MAX ((-d) / G_TIME_SPAN_DAY, 1);
}

JsonNode *
cn_live_to_json (const CnLive *l, GDateTime *now)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const CnEndpoint *w = l->worst && l->worst->have_cert ? l->worst : NULL;
  json_builder_begin_object (b);
  cn_json_member_string (b, "status", cn_live_status_name (l->status));
  cn_json_member_time (b, "not_after", w ? w->not_after : NULL);
  cn_json_member_time (b, "not_before", w ? w->not_before : NULL);
  json_builder_set_member_name (b, "days_left");
  gint64 dl = cn_live_days_left (l, now);
  if (dl == G_MININT64)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, dl);
  cn_json_member_string (b, "issuer", w ? w->issuer : NULL);
  cn_json_member_string (b, "subject", w ? w->subject : NULL);
  json_builder_set_member_name (b, "names");
  json_builder_begin_array (b);
  for (char **n = w ? w->names : NULL; n && *n; n++)
    json_builder_add_string_value (b, *n);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "trusted");
  if (w)
    json_builder_add_boolean_value (b, w->trusted);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "name_matches");
  if (w)
    json_builder_add_boolean_value (b, w->name_ok);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "addresses");
  json_builder_begin_array (b);
  for (guint i = 0; i < l->endpoints->len; i++) {
    const CnEndpoint *e = l->endpoints->pdata[i];
    json_builder_begin_object (b);
    cn_json_member_string (b, "address", e->address);
    cn_json_member_string (b, "status", cn_live_status_name (e->status));
    cn_json_member_time (b, "not_after", e->have_cert ? e->not_after : NULL);
    cn_json_member_string (b, "error", e->error);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  const char *err = l->error ? l->error : l->worst ? l->worst->error : NULL;
  cn_json_member_string (b, "error", err);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
