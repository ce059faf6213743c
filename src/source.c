/* source.c — where mail comes from: .eml, mbox, Maildir, stdin, memory.
 *
 * Every input becomes bytes (a file is mapped, stdin read whole), an mbox is
 * split into its messages here, and each message goes through the one read
 * path, cn_mime_read(): the same function filter and IMAP mode call.  A
 * message that cannot be read still yields a record saying so, and the next
 * message of the mbox is read all the same.  With a prefilter, a message it
 * rules out is read from its header block alone (read_message).
 */
#include "source.h"
#include "prefilter.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

GPtrArray *
cn_source_from_bytes (const char *data, gsize len, const char *source)
{
  return cn_mime_read (data, len, source, 0);
}

/* One message's records: from its header block alone when PREFILTER (may
 * be NULL: every message read in full) rules it out, else read whole. */
static GPtrArray *
read_message (const char *data, gsize len, const char *source, guint index, const CnPrefilterSet *prefilter)
{
  gsize end = 0;
  if (prefilter && cn_prefilter_mail (prefilter, data, len, &end) == CN_PREFILTER_NO)
    return cn_mime_read_header (data, end, source, index);
  /* a message that may be one, or have one attached: read whole, but the
   * text of each mail in it that cannot be one is not decoded */
  return cn_mime_read_skimming (data, len, source, index, prefilter);
}

/* A UTF-8 byte order mark some tools write before the first line. */
static gsize
bom_length (const char *data, gsize len)
{
  return len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* Does the line at P (up to END) look like a header field ("Name: …")? */
static gboolean
header_line (const char *p, const char *end)
{
  const char *q = p;
  while (q < end && *q > ' ' && *q < 0x7f && *q != ':')
    q++;
  return q > p && q < end && *q == ':';
}

/* Is the line at P the "From " line that starts a message of an mbox?  A
 * message starts with header fields, so the next line must be one: a body
 * line "From here on…" that the writer did not quote as ">From" is not a
 * separator, whether or not a blank line comes before it (mboxcl files
 * write none between messages). */
static gboolean
mbox_separator (const char *p, const char *end)
{
  if (end - p < 5 || memcmp (p, "From ", 5) != 0)
    return FALSE;
  const char *nl = memchr (p, '\n', (gsize) (end - p));
  return nl && header_line (nl + 1, end);
}

static gboolean
read_mbox (const char *data, gsize len, const char *source, const CnPrefilterSet *prefilter, CnMessageFunc fn,
           gpointer user)
{
  const char *end = data + len, *start = data, *p = data;
  guint index = 0;
  for (;;) {
    const char *nl = memchr (p, '\n', (gsize) (end - p));
    const char *next = nl ? nl + 1 : end;
    if (next == end || mbox_separator (next, end)) {
      g_autoptr (GPtrArray) mails = read_message (start, (gsize) (next - start), source, ++index, prefilter);
      if (!fn (mails, user))
        return FALSE;
      start = next;
    }
    if (next == end)
      return TRUE;
    p = next;
  }
}

/* One input's bytes: an mbox, or one message. */
static gboolean
read_bytes (const char *data, gsize len, const char *source, const CnPrefilterSet *prefilter, CnMessageFunc fn,
            gpointer user)
{
  /* old Mac mail: its messages are told apart by lines too */
  g_autoptr (GByteArray) lf = cn_mime_lf_copy (data, len);
  if (lf)
    data = (const char *) lf->data;
  gsize bom = bom_length (data, len);
  data += bom;
  len -= bom;
  if (len >= 5 && memcmp (data, "From ", 5) == 0)
    return read_mbox (data, len, source, prefilter, fn, user);
  g_autoptr (GPtrArray) mails = read_message (data, len, source, 0, prefilter);
  return fn (mails, user);
}

static gboolean
read_fd (int fd, GByteArray *buf, GError **error, const char *what)
{
  guint8 chunk[65536];
  for (;;) {
    gssize n = read (fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int e = errno;
      g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s: %s", what, g_strerror (e));
      return FALSE;
    }
    if (n == 0)
      return TRUE;
    g_byte_array_append (buf, chunk, (guint) n);
  }
}

/* A regular file up to this size is read whole, a larger one mapped. */
#define SOURCE_READ_MAX (256 << 10)

static gboolean
read_file (const char *path, const CnPrefilterSet *prefilter, CnMessageFunc fn, gpointer user, gboolean *stopped,
           GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0) {
    int e = errno;
    if (fd >= 0)
      close (fd);
    g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s: %s", path, g_strerror (e));
    return FALSE;
  }
  if (S_ISREG (st.st_mode) && st.st_size > 0 && st.st_size <= SOURCE_READ_MAX) {
    /* read: for a small file, cheaper than mapping it (the map, a fault
     * per page, the unmap) */
    g_autofree char *buf = g_malloc ((gsize) st.st_size);
    gsize got = 0;
    while (got < (gsize) st.st_size) {
      gssize n = read (fd, buf + got, (gsize) st.st_size - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0) {
        int e = errno;
        close (fd);
        g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s: %s", path, g_strerror (e));
        return FALSE;
      }
      if (n == 0)
        break;                 /* it shrank meanwhile: what is there */
      got += (gsize) n;
    }
    close (fd);
    *stopped = !read_bytes (buf, got, path, prefilter, fn, user);
    return TRUE;
  }
  if (S_ISREG (st.st_mode) && st.st_size > 0) {
    /* mapped: a large mbox costs address space, not memory */
    void *map = mmap (NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close (fd);
    if (map == MAP_FAILED) {
      int e = errno;
      g_set_error (error, CN_ERROR, CN_ERROR_INPUT, "%s: %s", path, g_strerror (e));
      return FALSE;
    }
    *stopped = !read_bytes (map, (gsize) st.st_size, path, prefilter, fn, user);
    munmap (map, (size_t) st.st_size);
    return TRUE;
  }
  /* empty, a FIFO, a character device: read what it gives */
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  gboolean ok = read_fd (fd, buf, error, path);
  close (fd);
  if (ok)
    *stopped = !read_bytes ((const char *) buf->data, buf->len, path, prefilter, fn, user);
  return ok;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
read_maildir (const char *path, const CnPrefilterSet *prefilter, CnMessageFunc fn, gpointer user, GError **error)
{
  const char *subs[] = { "new", "cur" };
  gboolean any = FALSE, stopped = FALSE;
  g_autoptr (GError) first = NULL;
  for (gsize s = 0; s < G_N_ELEMENTS (subs) && !stopped; s++) {
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
    for (guint i = 0; i < names->len && !stopped; i++) {
      g_autofree char *file = g_build_filename (dir, names->pdata[i], NULL);
      if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
        continue;
      /* keep going past a message that vanished meanwhile (another client
       * moved it); report the first such failure at the end */
      g_autoptr (GError) fe = NULL;
      if (!read_file (file, prefilter, fn, user, &stopped, &fe) && first == NULL)
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
cn_source_read_prefiltered (const char *path, const CnPrefilterSet *prefilter, CnMessageFunc fn, gpointer user,
                            GError **error)
{
  if (strcmp (path, "-") == 0) {
    g_autoptr (GByteArray) buf = g_byte_array_new ();
    if (!read_fd (STDIN_FILENO, buf, error, "standard input"))
      return FALSE;
    read_bytes ((const char *) buf->data, buf->len, "-", prefilter, fn, user);
    return TRUE;
  }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return read_maildir (path, prefilter, fn, user, error);
  gboolean stopped = FALSE;
  return read_file (path, prefilter, fn, user, &stopped, error);
}

gboolean
cn_source_read (const char *path, CnMessageFunc fn, gpointer user, GError **error)
{
  return cn_source_read_prefiltered (path, NULL, fn, user, error);
}
