/* pipeline.c — the one read → verify → triage path every mode uses. */
#include "pipeline.h"
#include "tlscheck.h"

CnBatch *
cn_batch_new (const CnRuleSet *rules, const CnOptions *opts)
{
  CnBatch *b = g_new0 (CnBatch, 1);
  b->rules = rules;
  b->opts = opts;
  b->mails = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_mail_free);
  b->notices = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_notice_free);
  b->lives = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cn_live_free);
  return b;
}

void
cn_batch_clear (CnBatch *b)
{
  /* notices borrow mails: free them first */
  g_ptr_array_set_size (b->notices, 0);
  g_ptr_array_set_size (b->mails, 0);
}

void
cn_batch_free (CnBatch *b)
{
  if (b == NULL)
    return;
  cn_batch_clear (b);
  g_ptr_array_unref (b->notices);
  g_ptr_array_unref (b->mails);
  g_hash_table_unref (b->lives);
  g_free (b);
}

void
cn_batch_add (CnBatch *b, GPtrArray *mails)
{
  for (guint i = 0; i < mails->len; i++) {
    CnMail *m = g_ptr_array_steal_index (mails, i--);
    g_ptr_array_add (b->mails, m);
    if (b->trace)
      g_string_append_printf (b->trace, "%s%s%s: subject \"%s\"\n", m->source,
                              m->part ? " part " : "", m->part ? m->part : "", m->subject);
    CnNotice *n = cn_judge (b->rules, m, b->opts, b->trace);
    g_ptr_array_add (b->notices, n);
    /* matching is done: the body text is not needed any more */
    g_free (m->body);
    m->body = g_strdup ("");
  }
}

static char *
live_key (const char *domain, int port)
{
  return g_strdup_printf ("%s:%d", domain, port);
}

void
cn_batch_verify (CnBatch *b)
{
  if (!b->opts->no_verify) {
    g_autoptr (GPtrArray) todo = g_ptr_array_new ();
    for (guint i = 0; i < b->notices->len; i++) {
      CnNotice *n = b->notices->pdata[i];
      if (!cn_wants_check (n, b->opts))
        continue;
      g_autofree char *key = live_key (n->domain, 443);
      if (!g_hash_table_contains (b->lives, key)) {
        CnLive *l = cn_live_new (n->domain, 443);
        g_hash_table_insert (b->lives, g_steal_pointer (&key), l);
        g_ptr_array_add (todo, l);
      }
    }
    if (todo->len > 0)
      cn_tlscheck_run (todo, b->opts);
    for (guint i = 0; i < b->notices->len; i++) {
      CnNotice *n = b->notices->pdata[i];
      if (!cn_wants_check (n, b->opts))
        continue;
      g_autofree char *key = live_key (n->domain, 443);
      n->live = g_hash_table_lookup (b->lives, key);
    }
  }
  for (guint i = 0; i < b->notices->len; i++)
    cn_triage (b->notices->pdata[i], b->opts);
}
