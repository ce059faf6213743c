/* pipeline.c — the one read → verify → triage path every mode uses. */
#include "pipeline.h"
#include "tlscheck.h"

#include "i18n.h"

CnBatch *
cn_batch_new (const CnRuleSet *rules, const CnOptions *opts)
{
  CnBatch *b = g_new0 (CnBatch, 1);
  b->rules = rules;
  b->opts = opts;
  b->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_message_free);
  b->lives = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cn_live_free);
  return b;
}

void
cn_batch_clear (CnBatch *b)
{
  g_ptr_array_set_size (b->messages, 0);
}

void
cn_batch_free (CnBatch *b)
{
  if (b == NULL)
    return;
  g_ptr_array_unref (b->messages);
  g_hash_table_unref (b->lives);
  g_free (b);
}

/* Whether N, the record of an attached message, says nothing: not a notice
 * (a notice's verdict is never not-a-notice), no reason, no error. */
static gboolean
says_nothing (const CnNotice *n)
{
  return n->rule == NULL && n->reasons->len == 0 && n->internal_error == NULL;
}

/* Drop the records of MSG's attached messages that say nothing (and their
 * mails), keeping the order of the others. */
static void
drop_silent_attached (CnMessage *msg)
{
  GPtrArray *mails = msg->mails, *notices = msg->notices;
  guint kept = 1;
  for (guint i = 1; i < mails->len; i++) {
    if (says_nothing (notices->pdata[i])) {
      /* the notice borrows the mail: it goes first */
      cn_notice_free (notices->pdata[i]);
      cn_mail_free (mails->pdata[i]);
    } else {
      notices->pdata[kept] = notices->pdata[i];
      mails->pdata[kept] = mails->pdata[i];
      kept++;
    }
  }
  for (guint i = kept; i < mails->len; i++)
    notices->pdata[i] = mails->pdata[i] = NULL;   /* both free functions take NULL */
  g_ptr_array_set_size (notices, kept);
  g_ptr_array_set_size (mails, kept);
}

CnMessage *
cn_batch_add (CnBatch *b, GPtrArray *mails)
{
  CnMessage *msg = cn_message_new (mails);
  g_ptr_array_add (b->messages, msg);
  cn_message_judge (msg, b->rules, b->opts, b->trace);
  drop_silent_attached (msg);
  /* matching is done: the body text is not needed any more */
  for (guint i = 0; i < mails->len; i++) {
    CnMail *m = mails->pdata[i];
    g_free (m->body);
    m->body = g_strdup ("");
  }
  return msg;
}

static char *
live_key (const char *domain, int port)
{
  return g_strdup_printf ("%s:%d", domain, port);
}

/* The check of DOMAIN, made known to the batch (and to TODO when new). */
static CnLive *
want (CnBatch *b, const char *domain, GPtrArray *todo)
{
  g_autofree char *key = live_key (domain, 443);
  CnLive *l = g_hash_table_lookup (b->lives, key);
  if (l == NULL) {
    l = cn_live_new (domain, 443);
    g_hash_table_insert (b->lives, g_steal_pointer (&key), l);
    g_ptr_array_add (todo, l);
  }
  return l;
}

void
cn_batch_verify (CnBatch *b)
{
  g_autoptr (GPtrArray) todo = g_ptr_array_new ();
  for (guint i = 0; i < b->messages->len && !b->opts->no_verify; i++) {
    CnMessage *msg = b->messages->pdata[i];
    g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint k = 0; k < msg->notices->len; k++) {
      CnNotice *n = msg->notices->pdata[k];
      g_ptr_array_set_size (n->lives, 0);
      if (!cn_wants_check (n, b->opts))
        continue;
      guint skipped = 0;
      for (guint d = 0; d < n->domains->len; d++) {
        const char *name = n->domains->pdata[d];
        if (!g_hash_table_contains (names, name) && g_hash_table_size (names) >= CN_MAX_CHECKS_PER_MESSAGE) {
          g_ptr_array_add (n->lives, NULL);
          skipped++;
          continue;
        }
        g_hash_table_add (names, (gpointer) name);
        g_ptr_array_add (n->lives, want (b, name, todo));
      }
      if (skipped)
        cn_notice_add_reason (n, N_("%u of its names not checked: at most %d live checks per mail"), skipped,
                              CN_MAX_CHECKS_PER_MESSAGE);
    }
  }
  if (todo->len > 0)
    cn_tlscheck_run (todo, b->opts);
  for (guint i = 0; i < b->messages->len; i++) {
    CnMessage *msg = b->messages->pdata[i];
    for (guint k = 0; k < msg->notices->len; k++)
      cn_triage (msg->notices->pdata[k], b->opts);
    cn_message_decide (msg);
  }
}
