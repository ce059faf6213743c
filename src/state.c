/* state.c — what the IMAP poller remembers between runs (see state.h). */
#include "state.h"
#include "fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

CnState *
cn_state_load (const char *path, GError **error)
{
  CnState *st = g_new0 (CnState, 1);
  st->path = g_strdup (path);
  st->boxes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&st->ids);
  st->id_set = g_hash_table_new (g_str_hash, g_str_equal);

  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) e = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &e)) {
    if (g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return st;
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "state %s: %s", path, e->message);
    cn_state_free (st);
    return NULL;
  }
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  for (char **g = groups; *g; g++) {
    if (g_str_has_prefix (*g, "mailbox ")) {
      CnBoxState *b = cn_state_box (st, *g + strlen ("mailbox "));
      b->uidvalidity = (guint32) g_key_file_get_uint64 (kf, *g, "uidvalidity", NULL);
      b->last_uid = (guint32) g_key_file_get_uint64 (kf, *g, "last_uid", NULL);
    }
  }
  g_auto (GStrv) ids = g_key_file_get_string_list (kf, "reported", "message_ids", NULL, NULL);
  for (char **i = ids; i && *i; i++)
    cn_state_add_id (st, *i);
  return st;
}

void
cn_state_free (CnState *st)
{
  if (st == NULL)
    return;
  g_free (st->path);
  g_hash_table_unref (st->boxes);
  g_hash_table_unref (st->id_set);
  g_queue_clear_full (&st->ids, g_free);
  g_free (st);
}

CnBoxState *
cn_state_box (CnState *st, const char *box)
{
  CnBoxState *b = g_hash_table_lookup (st->boxes, box);
  if (b == NULL) {
    b = g_new0 (CnBoxState, 1);
    g_hash_table_insert (st->boxes, g_strdup (box), b);
  }
  return b;
}

gboolean
cn_state_seen_id (const CnState *st, const char *message_id)
{
  return message_id && g_hash_table_contains (st->id_set, message_id);
}

void
cn_state_add_id (CnState *st, const char *message_id)
{
  if (message_id == NULL || *message_id == '\0' || cn_state_seen_id (st, message_id))
    return;
  /* a key-file list cannot hold ';' unescaped or line breaks */
  if (strpbrk (message_id, ";\n\r"))
    return;
  char *id = g_strdup (message_id);
  g_queue_push_tail (&st->ids, id);
  g_hash_table_add (st->id_set, id);
  while (g_queue_get_length (&st->ids) > CN_STATE_MAX_IDS) {
    char *old = g_queue_pop_head (&st->ids);
    g_hash_table_remove (st->id_set, old);
    g_free (old);
  }
}

gboolean
cn_state_save (CnState *st, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_comment (kf, NULL, NULL, " certnotice imap state: written by certnotice, do not edit while it runs", NULL);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, st->boxes);
  while (g_hash_table_iter_next (&it, &k, &v)) {
    g_autofree char *group = g_strdup_printf ("mailbox %s", (char *) k);
    const CnBoxState *b = v;
    g_key_file_set_uint64 (kf, group, "uidvalidity", b->uidvalidity);
    g_key_file_set_uint64 (kf, group, "last_uid", b->last_uid);
  }
  if (!g_queue_is_empty (&st->ids)) {
    g_autofree const char **ids = g_new0 (const char *, g_queue_get_length (&st->ids) + 1);
    guint i = 0;
    for (GList *l = st->ids.head; l; l = l->next)
      ids[i++] = l->data;
    g_key_file_set_string_list (kf, "reported", "message_ids", ids, i);
  }
  gsize len = 0;
  g_autofree char *data = g_key_file_to_data (kf, &len, NULL);

  g_autofree char *dir = g_path_get_dirname (st->path);
  if (g_mkdir_with_parents (dir, 0700) < 0) {
    int en = errno;
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "state %s: %s", dir, g_strerror (en));
    return FALSE;
  }
  g_autofree char *tmp = g_strconcat (st->path, ".new", NULL);
  int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || !cn_write_all (fd, data, len) || fsync (fd) < 0) {
    int en = errno;
    if (fd >= 0)
      close (fd);
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "state %s: %s", tmp, g_strerror (en));
    return FALSE;
  }
  close (fd);
  if (rename (tmp, st->path) < 0) {
    int en = errno;
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "state %s: %s", st->path, g_strerror (en));
    return FALSE;
  }
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync (dfd);
    close (dfd);
  }
  return TRUE;
}

char *
cn_state_default_path (void)
{
  const char *xdg = g_getenv ("XDG_STATE_HOME");
  if (xdg && *xdg)
    return g_build_filename (xdg, "certnotice", "imap.state", NULL);
  return g_build_filename (g_get_home_dir (), ".local", "state", "certnotice", "imap.state", NULL);
}
