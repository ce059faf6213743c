/* record-text.h — a record as text, for comparing the record of a mail the
 * prefilter rules out (read from its header block) with the full path's:
 * tests/test-prefilter.c and fuzz/fuzz-mail.c (P4) ask the same of it.
 * Static: each program is one file that includes this. */
#pragma once

#include "certnotice.h"

#include <string.h>

/* Whether WARNING is about mime.c's parse copy of the header lines of the
 * whole message (the top header block, and what follows each "--" line):
 * the header block alone gives it only for its own lines. */
static inline gboolean
copy_warning (const char *warning)
{
  return g_str_has_prefix (warning, "a header field longer than") || g_str_has_prefix (warning, "a header line over");
}

/* Whether WARNING is one only a message's text or parts can give. */
static inline gboolean
body_warning (const char *warning)
{
  return g_str_has_prefix (warning, "body:") || g_str_has_prefix (warning, "MIME nesting") ||
         g_str_has_prefix (warning, "more than") || copy_warning (warning);
}

/* Whether FAST's warnings about the parse copy are among FULL's. */
static inline gboolean
copy_warnings_among (const CnMail *fast, const CnMail *full)
{
  for (guint i = 0; i < fast->warnings->len; i++) {
    const char *w = fast->warnings->pdata[i];
    gboolean found = FALSE;
    for (guint k = 0; k < full->warnings->len && !found; k++)
      found = strcmp (w, full->warnings->pdata[k]) == 0;
    if (copy_warning (w) && !found)
      return FALSE;
  }
  return TRUE;
}

/* Everything the record M took from its header block, as text (the
 * warnings about the text and the parse copy aside). */
static inline char *
record_text (const CnMail *m)
{
  GString *s = g_string_new (NULL);
  g_autofree char *date = cn_iso8601 (m->date);
  g_autofree char *received = cn_iso8601 (m->received);
  g_string_append_printf (s, "message_id %s\nsubject %s\ndate %s\nreceived %s\nfrom_addr %s\nfrom_domain %s\n"
                          "from_display %s\nerror %s\n", m->message_id ? m->message_id : "(null)", m->subject,
                          date ? date : "(null)", received ? received : "(null)",
                          m->from_addr ? m->from_addr : "(null)", m->from_domain ? m->from_domain : "(null)",
                          m->from_display ? m->from_display : "(null)",
                          m->internal_error ? m->internal_error : "(null)");
  for (guint i = 0; i < m->from_domains->len; i++)
    g_string_append_printf (s, "from_domains %s\n", (const char *) m->from_domains->pdata[i]);
  for (guint i = 0; i < m->auth_results->len; i++)
    g_string_append_printf (s, "auth_results %s\n", (const char *) m->auth_results->pdata[i]);
  for (guint i = 0; i < m->warnings->len; i++)
    if (!body_warning (m->warnings->pdata[i]))
      g_string_append_printf (s, "warning %s\n", (const char *) m->warnings->pdata[i]);
  return g_string_free (s, FALSE);
}
