/* record.c — the records that flow through the pipeline (certnotice.h):
 * the error domain, the verdict table, and the CnMail and CnNotice
 * constructors.  Every stage includes certnotice.h for these and nothing
 * else, so no stage depends on another's header for a record method. */
#include "certnotice.h"

#include "i18n.h"
#include <string.h>

/* ---- errors ---- */

/* What a CN_ERROR carries besides its (English) message. */
typedef struct {
  char *english;      /* the message when LOCAL was made: a message changed
                         since (g_prefix_error) has no translation        */
  char *local;        /* the message in the user's language, or NULL      */
} CnErrorPrivate;

static void
cn_error_private_init (CnErrorPrivate *p)
{
  p->english = NULL;
  p->local = NULL;
}

static void
cn_error_private_copy (const CnErrorPrivate *src, CnErrorPrivate *dest)
{
  dest->english = g_strdup (src->english);
  dest->local = g_strdup (src->local);
}

static void
cn_error_private_clear (CnErrorPrivate *p)
{
  g_clear_pointer (&p->english, g_free);
  g_clear_pointer (&p->local, g_free);
}

/* cn_error_quark () and cn_error_get_private () */
G_DEFINE_EXTENDED_ERROR (CnError, cn_error)

/* ERROR's message becomes ENGLISH (owned) and its translation LOCAL (owned;
 * NULL when the catalog has none). */
static void
set_messages (GError *error, char *english, char *local)
{
  CnErrorPrivate *p = cn_error_get_private (error);
  g_free (error->message);
  error->message = english;
  cn_error_private_clear (p);
  if (local) {
    p->english = g_strdup (english);
    p->local = local;
  }
}

void
cn_set_error (GError **error, CnErrorCode code, const char *fmt, ...)
{
  if (error == NULL)
    return;
  va_list ap, again;
  va_start (ap, fmt);
  va_copy (again, ap);
  char *english = g_strdup_vprintf (fmt, ap);
  const char *local_fmt = cn_i18n_gettext (fmt);
  char *local = local_fmt != fmt ? g_strdup_vprintf (local_fmt, again) : NULL;
  va_end (again);
  va_end (ap);
  GError *e = g_error_new_literal (CN_ERROR, code, "");
  set_messages (e, english, local);
  g_propagate_error (error, e);   /* warns and frees E when *ERROR was set */
}

void
cn_prefix_error (GError **error, const char *fmt, ...)
{
  if (error == NULL || *error == NULL)
    return;
  va_list ap, again;
  va_start (ap, fmt);
  va_copy (again, ap);
  g_autofree char *prefix = g_strdup_vprintf (fmt, ap);
  g_autofree char *local_prefix = g_strdup_vprintf (cn_i18n_gettext (fmt), again);
  va_end (again);
  va_end (ap);
  char *english = g_strconcat (prefix, (*error)->message, NULL);
  if ((*error)->domain != CN_ERROR) {
    /* no room for a translation: the message stays English */
    g_free ((*error)->message);
    (*error)->message = english;
    return;
  }
  char *local = g_strconcat (local_prefix, cn_error_local (*error), NULL);
  if (strcmp (local, english) == 0)
    g_clear_pointer (&local, g_free);
  set_messages (*error, english, local);
}

const char *
cn_error_local (const GError *error)
{
  if (error->domain != CN_ERROR)
    return error->message;
  const CnErrorPrivate *p = cn_error_get_private (error);
  return p->local && g_strcmp0 (p->english, error->message) == 0 ? p->local : error->message;
}

/* ---- verdicts ---- */

static const char *const verdict_names[CN_VERDICT_COUNT] = {
  [CN_VERDICT_NOT_A_NOTICE] = "not-a-notice",
  [CN_VERDICT_UNVERIFIED] = "unverified",
  [CN_VERDICT_RENEWED] = "renewed",
  [CN_VERDICT_ACTION_REQUIRED] = "action-required",
  [CN_VERDICT_EXPIRED] = "expired",
  [CN_VERDICT_SUSPICIOUS] = "suspicious",
};

const char *
cn_verdict_name (CnVerdict v)
{
  return v < CN_VERDICT_COUNT ? verdict_names[v] : "?";
}

gboolean
cn_verdict_from_name (const char *name, CnVerdict *out)
{
  for (int v = 0; v < CN_VERDICT_COUNT; v++)
    if (g_strcmp0 (name, verdict_names[v]) == 0) {
      *out = (CnVerdict) v;
      return TRUE;
    }
  return FALSE;
}

int
cn_verdict_rank (CnVerdict v)
{
  switch (v) {
  case CN_VERDICT_SUSPICIOUS: return 5;
  case CN_VERDICT_EXPIRED: return 4;
  case CN_VERDICT_ACTION_REQUIRED: return 3;
  case CN_VERDICT_UNVERIFIED: return 2;
  case CN_VERDICT_RENEWED: return 1;
  case CN_VERDICT_NOT_A_NOTICE:
  case CN_VERDICT_COUNT:
    break;
  }
  return 0;
}

gboolean
cn_verdict_needs_attention (CnVerdict v)
{
  return v == CN_VERDICT_ACTION_REQUIRED || v == CN_VERDICT_EXPIRED || v == CN_VERDICT_SUSPICIOUS;
}

/* ---- the notice record ---- */

CnNotice *
cn_notice_new (const CnMail *mail)
{
  CnNotice *n = g_new0 (CnNotice, 1);
  n->mail = mail;
  n->days = -1;
  n->authentic = CN_UNKNOWN;
  n->verdict = CN_VERDICT_NOT_A_NOTICE;
  n->reasons = g_ptr_array_new_with_free_func (g_free);
  n->domains = g_ptr_array_new_with_free_func (g_free);
  n->lives = g_ptr_array_new ();
  return n;
}

void
cn_notice_free (CnNotice *n)
{
  if (n == NULL)
    return;
  g_free (n->domain);
  g_free (n->account);
  g_free (n->internal_error);
  if (n->expires)
    g_date_free (n->expires);
  g_ptr_array_unref (n->reasons);
  if (n->reasons_local)
    g_hash_table_unref (n->reasons_local);
  g_ptr_array_unref (n->domains);
  g_ptr_array_unref (n->lives);
  g_free (n);
}

void
cn_notice_add_reason (CnNotice *n, const char *fmt, ...)
{
  va_list ap, again;
  va_start (ap, fmt);
  va_copy (again, ap);
  char *reason = g_strdup_vprintf (fmt, ap);
  g_ptr_array_add (n->reasons, reason);
  /* keyed by the text: the same reason has the same translation, and
   * nothing breaks when reasons are dropped again (cmd-filter.c) */
  const char *local_fmt = cn_i18n_gettext (fmt);
  if (local_fmt != fmt) {
    if (n->reasons_local == NULL)
      n->reasons_local = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_hash_table_replace (n->reasons_local, g_strdup (reason), g_strdup_vprintf (local_fmt, again));
  }
  va_end (again);
  va_end (ap);
}

const char *
cn_notice_reason_local (const CnNotice *n, const char *reason)
{
  const char *local = n->reasons_local ? g_hash_table_lookup (n->reasons_local, reason) : NULL;
  return local ? local : reason;
}

/* ---- the mail record ---- */

CnMail *
cn_mail_new (void)
{
  CnMail *m = g_new0 (CnMail, 1);
  m->auth_results = g_ptr_array_new_with_free_func (g_free);
  m->warnings = g_ptr_array_new_with_free_func (g_free);
  m->from_domains = g_ptr_array_new_with_free_func (g_free);
  m->subject = g_strdup ("");
  m->body = g_strdup ("");
  return m;
}

void
cn_mail_free (CnMail *m)
{
  if (m == NULL)
    return;
  g_free (m->source);
  g_free (m->part);
  g_free (m->message_id);
  g_free (m->subject);
  g_free (m->from_addr);
  g_free (m->from_domain);
  g_free (m->from_display);
  g_ptr_array_unref (m->from_domains);
  g_clear_pointer (&m->date, g_date_time_unref);
  g_clear_pointer (&m->received, g_date_time_unref);
  g_ptr_array_unref (m->auth_results);
  g_free (m->body);
  g_ptr_array_unref (m->warnings);
  g_free (m->internal_error);
  g_free (m);
}

/* ---- the message ---- */

CnMessage *
cn_message_new (GPtrArray *mails)
{
  CnMessage *m = g_new0 (CnMessage, 1);
  m->mails = g_ptr_array_ref (mails);
  m->notices = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_notice_free);
  return m;
}

void
cn_message_free (CnMessage *m)
{
  if (m == NULL)
    return;
  /* notices borrow mails: free them first */
  g_ptr_array_unref (m->notices);
  g_ptr_array_unref (m->mails);
  g_free (m);
}

/* ---- dates ---- */

char *
cn_iso8601 (GDateTime *dt)
{
  if (dt == NULL)
    return NULL;
  g_autofree char *base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  GTimeSpan off = g_date_time_get_utc_offset (dt) / G_TIME_SPAN_MINUTE;
  if (off == 0)
    return g_strdup_printf ("%sZ", base);
  char sign = off < 0 ? '-' : '+';
  off = off < 0 ? -off : off;
  return g_strdup_printf ("%s%c%02d:%02d", base, sign, (int) (off / 60), (int) (off % 60));
}

