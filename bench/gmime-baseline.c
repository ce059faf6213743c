/* gmime-baseline.c — the least any GMime-based mail tool does with a mail, as a yardstick
 * for bench/parse.sh: parse each file (as an mbox if it starts with "From "), decode the
 * Subject, walk the whole MIME tree (into message/rfc822 parts too) and decode every text/…
 * part to UTF-8.  Prints how many messages (top-level and embedded) it saw.
 *
 *   gmime-baseline [-q] FILE…
 *
 * -q prints only the total message count.  Exit status 0, or 1 if a file could not be opened
 * (it is skipped). */
#include <gmime/gmime.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  guint64 messages;     /* top-level messages            */
  guint64 embedded;     /* message/rfc822 parts inside   */
  guint64 text_parts;   /* text/… parts decoded          */
  guint64 text_bytes;   /* UTF-8 bytes they decoded to   */
} Counts;

static void walk_message (GMimeMessage *msg, Counts *c);

static void
walk (GMimeObject *obj, Counts *c)
{
  if (GMIME_IS_MULTIPART (obj)) {
    GMimeMultipart *mp = GMIME_MULTIPART (obj);
    int n = g_mime_multipart_get_count (mp);
    for (int i = 0; i < n; i++)
      walk (g_mime_multipart_get_part (mp, i), c);
  } else if (GMIME_IS_MESSAGE_PART (obj)) {
    GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
    if (inner) {
      c->embedded++;
      walk_message (inner, c);
    }
  } else if (GMIME_IS_TEXT_PART (obj)) {
    char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (obj));   /* decoded, UTF-8 */
    if (text) {
      c->text_parts++;
      c->text_bytes += strlen (text);
      g_free (text);
    }
  }
}

static void
walk_message (GMimeMessage *msg, Counts *c)
{
  const char *subject = g_mime_message_get_subject (msg);   /* RFC 2047-decoded, UTF-8 */
  if (subject)
    c->text_bytes += strlen (subject);
  GMimeObject *body = g_mime_message_get_mime_part (msg);
  if (body)
    walk (body, c);
}

static gboolean
read_file (const char *path, Counts *c)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    perror (path);
    return FALSE;
  }
  char head[5];
  gboolean mbox = pread (fd, head, sizeof head, 0) == 5 && memcmp (head, "From ", 5) == 0;
  GMimeStream *stream = g_mime_stream_fs_new (fd);   /* owns fd */
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
  do {
    GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
    if (msg == NULL)
      break;
    c->messages++;
    walk_message (msg, c);
    g_object_unref (msg);
  } while (mbox && !g_mime_parser_eos (parser));
  g_object_unref (parser);
  g_object_unref (stream);
  return TRUE;
}

int
main (int argc, char **argv)
{
  gboolean quiet = argc > 1 && strcmp (argv[1], "-q") == 0;
  int first = quiet ? 2 : 1;
  if (argc <= first) {
    fprintf (stderr, "usage: gmime-baseline [-q] FILE…\n");
    return 2;
  }
  g_mime_init ();
  Counts c = { 0 };
  int rc = 0;
  for (int i = first; i < argc; i++)
    if (!read_file (argv[i], &c))
      rc = 1;
  if (quiet)
    printf ("%" G_GUINT64_FORMAT "\n", c.messages + c.embedded);
  else
    printf ("%" G_GUINT64_FORMAT " messages (%" G_GUINT64_FORMAT " top-level, %" G_GUINT64_FORMAT
            " embedded), %" G_GUINT64_FORMAT " text parts, %" G_GUINT64_FORMAT " bytes of text\n",
            c.messages + c.embedded, c.messages, c.embedded, c.text_parts, c.text_bytes);
  g_mime_shutdown ();
  return rc;
}
