/* connect-to.c — the --connect-to option (curl's semantics): its syntax, and
 * where a check of HOST:PORT connects.  Declared in tlscheck.h; apart from
 * tlscheck.c because the command line is checked in the certnotice
 * executable itself, which does not load libcurl (meson.build: front). */
#include "tlscheck.h"

#include <stdlib.h>
#include <string.h>

/* ---- --connect-to (curl semantics) ---- */

typedef struct {
  char *host, *port, *to_host, *to_port;   /* "" = any / unchanged */
} ConnectTo;

/* Split "HOST:PORT:CHOST:CPORT", where a host may be "[v6]". */
static gboolean
split_connect_to (const char *spec, ConnectTo *ct)
{
  char *fields[4] = { 0 };
  const char *p = spec;
  for (int i = 0; i < 4; i++) {
    const char *start = p, *stop;
    if ((i == 0 || i == 2) && *p == '[') {
      const char *close = strchr (p, ']');
      if (close == NULL)
        goto bad;
      stop = close + 1;
    } else {
      stop = p;
      while (*stop && *stop != ':')
        stop++;
      if (i == 3)
        stop = p + strlen (p);
    }
    if (i < 3 && *stop != ':')
      goto bad;
    fields[i] = g_strndup (start, stop - start);
    p = *stop ? stop + 1 : stop;
  }
  for (int i = 1; i < 4; i += 2)
    for (const char *c = fields[i]; *c; c++)
      if (!g_ascii_isdigit (*c))
        goto bad;
  ct->host = fields[0];
  ct->port = fields[1];
  ct->to_host = fields[2];
  ct->to_port = fields[3];
  return TRUE;
bad:
  for (int i = 0; i < 4; i++)
    g_free (fields[i]);
  return FALSE;
}

static void
connect_to_clear (ConnectTo *ct)
{
  g_free (ct->host);
  g_free (ct->port);
  g_free (ct->to_host);
  g_free (ct->to_port);
}

gboolean
cn_tlscheck_valid_connect_to (const char *spec, GError **error)
{
  ConnectTo ct;
  if (!split_connect_to (spec, &ct)) {
    g_set_error (error, CN_ERROR, CN_ERROR_USAGE,
                 "--connect-to %s: use HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT", spec);
    return FALSE;
  }
  connect_to_clear (&ct);
  return TRUE;
}

/* Where to connect for HOST:PORT: the first matching --connect-to wins. */
gboolean
cn_tlscheck_map_target (const CnOptions *opts, const char *host, int port, char **to_host, int *to_port)
{
  for (char **s = opts->connect_to; s && *s; s++) {
    ConnectTo ct;
    if (!split_connect_to (*s, &ct))
      continue;
    gboolean hit = (*ct.host == '\0' || g_ascii_strcasecmp (ct.host, host) == 0) &&
                   (*ct.port == '\0' || atoi (ct.port) == port);
    if (hit) {
      char *h = *ct.to_host ? ct.to_host : ct.host;
      if (*h == '[') {   /* bracketed IPv6 */
        *to_host = g_strndup (h + 1, strlen (h) - 2);
      } else {
        *to_host = g_strdup (*h ? h : host);
      }
      *to_port = *ct.to_port ? atoi (ct.to_port) : port;
      connect_to_clear (&ct);
      return TRUE;
    }
    connect_to_clear (&ct);
  }
  *to_host = g_strdup (host);
  *to_port = port;
  return FALSE;
}
