/* source.c — where mail comes from: .eml, mbox, Maildir, stdin. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

static GPtrArray *
records (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) cn_mail_free);
}

/* Read every message of STREAM (one, or an mbox). */
static gboolean
read_stream (GMimeStream *stream, const char *source, gboolean mbox, CnMessageFunc fn, gpointer data)
{
  g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
  guint index = 0;
  do {
    index++;
    g_autoptr (GMimeMessage) msg = g_mime_parser_construct_message (parser, cn_mime_parser_options ());
    g_autoptr (GPtrArray) out = records ();
    if (msg == NULL) {
      if (mbox && index > 1)
        break;    /* the end of the mbox */
      g_ptr_array_add (out, cn_mime_unparsable (source, mbox ? index : 0));
    } else {
      cn_mime_collect (msg, source, mbox ? index : 0, NULL, out);
    }
    if (!fn (out, data))
      return FALSE;
  } while (mbox && !g_mime_parser_eos (parser));
  return TRUE;
}

static gboolean
looks_like_mbox (const char *head, gssize n)
{
  return n >= 5 && memcmp (head, "From ", 5) == 0;
}

/* Old Mac mail ends lines with a bare CR, which GMime does not take for a
 * line end: all its headers would be lost.  HEAD has CRs and no LF at all. */
static gboolean
bare_cr (const char *head, gsize n)
{
  return n > 0 && memchr (head, '\r', n) && !memchr (head, '\n', n);
}

/* A copy of DATA with every bare CR made an LF, for parsing only (the mail
 * itself is never changed; see docs/VIOLATIONS.md). */
static GByteArray *
cr_to_lf (const guint8 *data, gsize len)
{
  GByteArray *out = g_byte_array_sized_new (len);
  g_byte_array_append (out, data, len);
  for (gsize i = 0; i < len; i++)
    if (out->data[i] == '\r' && (i + 1 == len || out->data[i + 1] != '\n'))
      out->data[i] = '\n';
  return out;
}

GPtrArray *
cn_source_from_bytes (const char *data, gsize len, const char *source)
{
  GPtrArray *out = records ();
  g_autoptr (GByteArray) lf = bare_cr (data, MIN (len, 8192)) ? cr_to_lf ((const guint8 *) data, len) : NULL;
  g_autoptr (GMimeMessage) msg = lf ? cn_mime_parse_bytes ((char *) lf->data, lf->len)
                                    : cn_mime_parse_bytes (data, len);
  if (msg)
    cn_mime_collect (msg, source, 0, NULL, out);
  else
    g_ptr_array_add (out, cn_mime_unparsable (source, 0));
  return out;
}

static gboolean
read_file (const char *path, const char *source, CnMessageFunc fn, gpointer data, GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s: %s", path, g_strerror (e));
    return FALSE;
  }
  char head[8192];
  gssize n = pread (fd, head, sizeof head, 0);
  if (n < 0) {
    int e = errno;
    close (fd);
    g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s: %s", path, g_strerror (e));
    return FALSE;
  }
  if (bare_cr (head, (gsize) n)) {
    g_autofree char *all = NULL;
    gsize len = 0;
    close (fd);
    if (!g_file_get_contents (path, &all, &len, NULL)) {
      g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s: cannot read", path);
      return FALSE;
    }
    g_autoptr (GMimeStream) mem = g_mime_stream_mem_new_with_byte_array (cr_to_lf ((guint8 *) all, len));
    read_stream (mem, source, looks_like_mbox (head, n), fn, data);
    return TRUE;
  }
  if (!looks_like_mbox (head, n)) {
    /* one message: mapped, so the part limit can look at it first */
    g_autoptr (GMimeStream) map = n > 0 ? g_mime_stream_mmap_new (fd, PROT_READ, MAP_PRIVATE) : NULL;
    if (map && (gsize) GMIME_STREAM_MMAP (map)->maplen > CN_MAX_HEADER_BYTES) {
      /* a long header field: parse a tamed copy (cn_mime_parse_bytes) */
      GMimeStreamMmap *mm = GMIME_STREAM_MMAP (map);
      g_autoptr (GByteArray) tamed = cn_mime_tame_headers (mm->map, mm->maplen);
      if (tamed) {
        g_autoptr (GPtrArray) out = cn_source_from_bytes ((char *) tamed->data, tamed->len, source);
        fn (out, data);
        return TRUE;
      }
    }
    if (map) {
      GMimeStreamMmap *mm = GMIME_STREAM_MMAP (map);   /* owns fd */
      gsize cut = cn_mime_parse_limit (mm->map, mm->maplen);
      g_autoptr (GMimeMessage) msg = cn_mime_parse_stream (map, cut, mm->maplen);
      g_autoptr (GPtrArray) out = records ();
      if (msg)
        cn_mime_collect (msg, source, 0, NULL, out);
      else
        g_ptr_array_add (out, cn_mime_unparsable (source, 0));
      fn (out, data);
      return TRUE;
    }
  }
  g_autoptr (GMimeStream) stream = g_mime_stream_fs_new (fd);   /* owns fd */
  read_stream (stream, source, looks_like_mbox (head, n), fn, data);
  return TRUE;
}

static gboolean
read_stdin (CnMessageFunc fn, gpointer data, GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  guint8 chunk[65536];
  for (;;) {
    gssize n = read (STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int e = errno;
      g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "standard input: %s", g_strerror (e));
      return FALSE;
    }
    if (n == 0)
      break;
    g_byte_array_append (buf, chunk, n);
  }
  GByteArray *bytes = bare_cr ((char *) buf->data, MIN (buf->len, 8192)) ? cr_to_lf (buf->data, buf->len)
                                                                         : g_byte_array_ref (buf);
  gboolean mbox = looks_like_mbox ((char *) bytes->data, bytes->len);
  GByteArray *tamed = mbox ? NULL : cn_mime_tame_headers ((char *) bytes->data, bytes->len);
  if (tamed) {
    g_byte_array_unref (bytes);
    bytes = tamed;
  }
  gsize len = bytes->len;
  gsize cut = mbox ? len : cn_mime_parse_limit ((char *) bytes->data, len);
  g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_byte_array (bytes);
  if (mbox) {
    read_stream (stream, "-", TRUE, fn, data);
  } else {
    g_autoptr (GMimeMessage) msg = cn_mime_parse_stream (stream, cut, len);
    g_autoptr (GPtrArray) out = records ();
    if (msg)
      cn_mime_collect (msg, "-", 0, NULL, out);
    else
      g_ptr_array_add (out, cn_mime_unparsable ("-", 0));
    fn (out, data);
  }
  return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
read_maildir (const char *path, CnMessageFunc fn, gpointer data, GError **error)
{
  const char *subs[] = { "new", "cur" };
  gboolean any = FALSE;
  g_autoptr (GError) first = NULL;
  for (gsize s = 0; s < G_N_ELEMENTS (subs); s++) {
    g_autofree char *dir = g_build_filename (path, subs[s], NULL);
    g_autoptr (GError) e = NULL;
    g_autoptr (GDir) d = g_dir_open (dir, 0, &e);
    if (d == NULL) {
      if (!g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
        g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s: %s", dir, e->message);
        return FALSE;
      }
      continue;
    }
    any = TRUE;
    g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    const char *name;
    while ((name = g_dir_read_name (d)))
      if (name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
    g_ptr_array_sort (names, compare_names);
    for (guint i = 0; i < names->len; i++) {
      g_autofree char *file = g_build_filename (dir, names->pdata[i], NULL);
      if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
        continue;
      /* keep going past a message that vanished meanwhile (another client
       * moved it); report the first such failure at the end */
      g_autoptr (GError) fe = NULL;
      if (!read_file (file, file, fn, data, &fe) && first == NULL)
        first = g_steal_pointer (&fe);
    }
  }
  if (!any) {
    g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s: a directory but not a Maildir (no cur/ or new/)", path);
    return FALSE;
  }
  if (first) {
    g_propagate_error (error, g_steal_pointer (&first));
    return FALSE;
  }
  return TRUE;
}

gboolean
cn_source_read (const char *path, CnMessageFunc fn, gpointer data, GError **error)
{
  cn_mime_init ();
  if (strcmp (path, "-") == 0)
    return read_stdin (fn, data, error);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return read_maildir (path, fn, data, error);
  return read_file (path, path, fn, data, error);
}
