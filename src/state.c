/* state.c — what the IMAP poller remembers between runs (see state.h). */
#include "state.h"
#include "fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
msg_free (CnMsgState *m)
{
  g_free (m->verdict);
  g_free (m->record);
  g_free (m->summary);
  g_free (m->message_id);
  g_free (m->error);
  g_free (m);
}

static void
box_free (CnBoxState *b)
{
  g_hash_table_unref (b->msgs);
  g_free (b);
}

/* Key-file group names cannot hold '[', ']' or control characters: a
 * mailbox key is written with those (and '%') as %XX. */
static char *
group_escape (const char *box)
{
  GString *o = g_string_new (NULL);
  for (const char *p = box; *p; p++) {
    if (*p == '[' || *p == ']' || *p == '%' || (guchar) *p < 0x20 || *p == 0x7f)
      g_string_append_printf (o, "%%%02X", (guchar) *p);
    else
      g_string_append_c (o, *p);
  }
  return g_string_free (o, FALSE);
}

static char *
group_unescape (const char *s)
{
  return g_uri_unescape_string (s, NULL);
}

static const char *const action_names[] = { "keyword", "hook", "webhook", "copy", "move", NULL };

static gboolean
load_msg (CnState *st, GKeyFile *kf, const char *group, GError **error)
{
  /* "message BOX UID" */
  const char *rest = group + strlen ("message ");
  const char *sp = strrchr (rest, ' ');
  guint64 uid = 0;
  g_autofree char *raw = sp ? g_strndup (rest, (gsize) (sp - rest)) : NULL;
  g_autofree char *box = raw ? group_unescape (raw) : NULL;
  if (box == NULL || !g_ascii_string_to_unsigned (sp + 1, 10, 1, G_MAXUINT32, &uid, NULL)) {
    g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "state %s: [%s]: not \"message MAILBOX UID\"", st->path, group);
    return FALSE;
  }
  CnMsgState *m = cn_state_msg (cn_state_box (st, box), (guint32) uid);
  m->tries = (guint) g_key_file_get_uint64 (kf, group, "tries", NULL);
  m->next_try = g_key_file_get_int64 (kf, group, "next_try", NULL);
  m->failed = g_key_file_get_boolean (kf, group, "failed", NULL);
  g_auto (GStrv) done = g_key_file_get_string_list (kf, group, "done", NULL, NULL);
  for (char **d = done; d && *d; d++)
    for (int i = 0; action_names[i]; i++)
      if (strcmp (*d, action_names[i]) == 0)
        m->done |= 1u << i;
  m->verdict = g_key_file_get_string (kf, group, "verdict", NULL);
  m->record = g_key_file_get_string (kf, group, "record", NULL);
  m->summary = g_key_file_get_string (kf, group, "summary", NULL);
  m->message_id = g_key_file_get_string (kf, group, "message_id", NULL);
  m->error = g_key_file_get_string (kf, group, "error", NULL);
  return TRUE;
}

static void
save_msg (GKeyFile *kf, const char *box, const CnMsgState *m)
{
  g_autofree char *esc = group_escape (box);
  g_autofree char *group = g_strdup_printf ("message %s %u", esc, m->uid);
  g_key_file_set_uint64 (kf, group, "tries", m->tries);
  if (m->next_try)
    g_key_file_set_int64 (kf, group, "next_try", m->next_try);
  if (m->failed)
    g_key_file_set_boolean (kf, group, "failed", TRUE);
  const char *done[G_N_ELEMENTS (action_names)];
  gsize n = 0;
  for (int i = 0; action_names[i]; i++)
    if (m->done & (1u << i))
      done[n++] = action_names[i];
  if (n)
    g_key_file_set_string_list (kf, group, "done", done, n);
  const struct { const char *key, *value; } strs[] = {
    { "verdict", m->verdict }, { "summary", m->summary }, { "message_id", m->message_id },
    { "error", m->error }, { "record", m->record },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (strs); i++)
    if (strs[i].value)
      g_key_file_set_string (kf, group, strs[i].key, strs[i].value);
}

CnState *
cn_state_load (const char *path, GError **error)
{
  CnState *st = g_new0 (CnState, 1);
  st->path = g_strdup (path);
  st->boxes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) box_free);
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
      g_autofree char *box = group_unescape (*g + strlen ("mailbox "));
      CnBoxState *b = box ? cn_state_box (st, box) : NULL;
      if (b == NULL) {
        g_set_error (error, CN_ERROR, CN_ERROR_CONFIG, "state %s: [%s]: bad mailbox name", path, *g);
        cn_state_free (st);
        return NULL;
      }
      b->uidvalidity = (guint32) g_key_file_get_uint64 (kf, *g, "uidvalidity", NULL);
      b->last_uid = (guint32) g_key_file_get_uint64 (kf, *g, "last_uid", NULL);
    } else if (g_str_has_prefix (*g, "message ") && !load_msg (st, kf, *g, error)) {
      cn_state_free (st);
      return NULL;
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
    b->msgs = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) msg_free);
    g_hash_table_insert (st->boxes, g_strdup (box), b);
  }
  return b;
}

static gint
by_name (gconstpointer a, gconstpointer b, gpointer data)
{
  (void) data;
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

const char **
cn_state_box_names (const CnState *st)
{
  guint n = 0;
  const char **names = (const char **) g_hash_table_get_keys_as_array (st->boxes, &n);
  g_qsort_with_data (names, (gint) n, sizeof (char *), by_name, NULL);
  return names;
}

CnMsgState *
cn_state_msg_lookup (const CnBoxState *b, guint32 uid)
{
  return g_hash_table_lookup (b->msgs, GUINT_TO_POINTER (uid));
}

CnMsgState *
cn_state_msg (CnBoxState *b, guint32 uid)
{
  CnMsgState *m = cn_state_msg_lookup (b, uid);
  if (m == NULL) {
    m = g_new0 (CnMsgState, 1);
    m->uid = uid;
    g_hash_table_insert (b->msgs, GUINT_TO_POINTER (uid), m);
  }
  return m;
}

void
cn_state_msg_remove (CnBoxState *b, guint32 uid)
{
  g_hash_table_remove (b->msgs, GUINT_TO_POINTER (uid));
}

static gint
by_uid (gconstpointer a, gconstpointer b)
{
  guint32 x = (*(CnMsgState *const *) a)->uid, y = (*(CnMsgState *const *) b)->uid;
  return x < y ? -1 : x > y;
}

GPtrArray *
cn_state_msgs_sorted (const CnBoxState *b)
{
  GPtrArray *a = g_ptr_array_new ();
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init (&it, b->msgs);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (a, v);
  g_ptr_array_sort (a, by_uid);
  return a;
}

void
cn_state_msg_set (char **field, const char *value)
{
  g_free (*field);
  *field = value ? g_utf8_make_valid (value, -1) : NULL;
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
  /* a key-file list cannot hold ';' unescaped or line breaks, and one value
   * that is not UTF-8 makes the whole list unreadable */
  if (strpbrk (message_id, ";\n\r") || !g_utf8_validate (message_id, -1, NULL))
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
    g_autofree char *esc = group_escape (k);
    g_autofree char *group = g_strdup_printf ("mailbox %s", esc);
    const CnBoxState *b = v;
    g_key_file_set_uint64 (kf, group, "uidvalidity", b->uidvalidity);
    g_key_file_set_uint64 (kf, group, "last_uid", b->last_uid);
    g_autoptr (GPtrArray) msgs = cn_state_msgs_sorted (b);
    for (guint i = 0; i < msgs->len; i++)
      save_msg (kf, k, msgs->pdata[i]);
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
  /* a new file of our own: never through a link someone left at .new, never
   * into a file that is there already (a stale one is removed first) */
  if (unlink (tmp) < 0 && errno != ENOENT) {
    int en = errno;
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, "state %s: %s", tmp, g_strerror (en));
    return FALSE;
  }
  int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
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
