/* fuzz-imap.c — libFuzzer target: IMAP response parsing (src/imapproto.h),
 * what a hostile or broken server can send to `certnotice imap`.
 *
 * The input is a byte stream from the server; it is cut into responses with
 * cn_imap_response_length() as the poller does, and each is parsed.  Checked:
 *   I1  cn_imap_response_length() returns -1, 0, or 1..len; a response it
 *       delimits is delimited the same way when nothing follows it, and one
 *       byte less is never a complete response (chunked reads agree)
 *   I2  cn_imap_parse() returns a response or sets a CN_ERROR error, never
 *       both or neither; every item is well formed (strings NUL-terminated
 *       at their length, lists no deeper than CN_IMAP_MAX_DEPTH + 1, no more
 *       than CN_IMAP_MAX_ITEMS items)
 *   I4  tags and atoms hold no NUL (RFC 3501: no CTL in an atom), so that
 *       code reading them as C strings sees all of them
 *   I3  cn_imap_quote() round-trips: "* LIST () "/" QUOTED" is one response
 *       whose third item is the input (up to its first NUL, CR and LF
 *       dropped)
 *   I5  mailbox names: modified UTF-7 (RFC 3501) of valid UTF-8 is printable
 *       ASCII and decodes back to it; what decodes is valid UTF-8 and
 *       survives encode → decode; cn_imap_mailbox_to_server() gives an error
 *       or a printable ASCII name
 * and cn_imap_parse() also gets the whole input at once, and
 * cn_imap_fetch_attr() and cn_imap_number() run on what was parsed.
 * $CN_FUZZ_SKIP (comma-separated names) switches checks off.
 */
#include "fuzz-common.h"

#include "certnotice.h"
#include "imapproto.h"

static char **skips;

static gboolean
check_on (const char *name)
{
  return skips == NULL || !g_strv_contains ((const char *const *) skips, name);
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  cn_fuzz_setup ();
  const char *skip = g_getenv ("CN_FUZZ_SKIP");
  if (skip && *skip)
    skips = g_strsplit (skip, ",", -1);
  return 0;
}

static guint
check_item (const CnImapItem *it, guint depth)
{
  CN_FUZZ_CHECK (depth <= CN_IMAP_MAX_DEPTH + 1, "I2: items nested %u deep", depth);
  switch (it->type) {
  case CN_IMAP_ATOM:
  case CN_IMAP_STRING:
    CN_FUZZ_CHECK (it->str != NULL && it->str[it->len] == '\0' && it->list == NULL,
                   "I2: %s item malformed", it->type == CN_IMAP_ATOM ? "atom" : "string");
    if (it->type == CN_IMAP_ATOM) {
      CN_FUZZ_CHECK (it->len > 0, "I2: empty atom");
      if (check_on ("I4")) {
        g_autofree char *esc = cn_fuzz_escape (it->str, it->len);
        CN_FUZZ_CHECK (strlen (it->str) == it->len, "I4: atom \"%s\" holds a NUL", esc);
      }
      guint32 n;
      (void) cn_imap_number (it->str, &n);
    }
    return 1;
  case CN_IMAP_LIST: {
    CN_FUZZ_CHECK (it->list != NULL && it->str == NULL, "I2: list item malformed");
    guint count = 1;
    for (guint i = 0; i < it->list->len; i++)
      count += check_item (it->list->pdata[i], depth + 1);
    return count;
  }
  }
  CN_FUZZ_CHECK (FALSE, "I2: item type %d", (int) it->type);
  return 0;
}

/* Parse LEN bytes at BUF; returns the response (or NULL) after checking it. */
static CnImapResponse *
parse (const char *buf, gsize len)
{
  g_autoptr (GError) e = NULL;
  CnImapResponse *r = cn_imap_parse (buf, len, &e);
  if (check_on ("I2")) {
    CN_FUZZ_CHECK ((r == NULL) != (e == NULL), "I2: response %p, error %p", (void *) r, (void *) e);
    if (e)
      CN_FUZZ_CHECK (e->domain == CN_ERROR && *e->message, "I2: error %s/%d \"%s\"",
                     g_quark_to_string (e->domain), e->code, e->message);
  }
  if (r == NULL)
    return NULL;
  if (check_on ("I2")) {
    CN_FUZZ_CHECK (r->tag != NULL, "I2: no tag");
    if (check_on ("I4"))
      CN_FUZZ_CHECK (*r->tag, "I4: empty tag (a NUL in the input's first word)");
    CN_FUZZ_CHECK (r->items != NULL, "I2: no item array");
    guint count = 0;
    for (guint i = 0; i < r->items->len; i++)
      count += check_item (r->items->pdata[i], 0);
    CN_FUZZ_CHECK (count <= CN_IMAP_MAX_ITEMS, "I2: %u items", count);
  }
  static const char *const attrs[] = { "UID", "FLAGS", "RFC822.SIZE", "BODY[", "BODY[]", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (attrs); i++)
    (void) cn_imap_fetch_attr (r, attrs[i]);
  return r;
}

static void
check_quote (const char *data, gsize size)
{
  g_autofree char *s = g_strndup (data, MIN (size, 4096));
  g_autofree char *q = cn_imap_quote (s);
  g_autofree char *line = g_strdup_printf ("* LIST () \"/\" %s\r\n", q);
  gsize len = strlen (line);
  gssize n = cn_imap_response_length (line, len);
  CN_FUZZ_CHECK (n == (gssize) len, "I3: a quoted string makes a response of %zd of %zu bytes", n, (size_t) len);
  g_autoptr (GError) e = NULL;
  g_autoptr (CnImapResponse) r = cn_imap_parse (line, len, &e);
  CN_FUZZ_CHECK (r != NULL, "I3: a quoted string does not parse: %s", e ? e->message : "?");
  CN_FUZZ_CHECK (r->items->len == 3, "I3: %u items after LIST", r->items->len);
  const CnImapItem *it = r->items->pdata[2];
  GString *want = g_string_new (NULL);
  for (const char *c = s; *c; c++)
    if (*c != '\r' && *c != '\n')
      g_string_append_c (want, *c);
  g_autofree char *w = g_string_free (want, FALSE);
  if (it->type != CN_IMAP_STRING || strcmp (it->str, w) != 0) {
    g_autofree char *esc = cn_fuzz_escape (w, strlen (w));
    g_autofree char *got = cn_fuzz_escape (it->str, it->len);
    CN_FUZZ_CHECK (FALSE, "I3: quoted \"%s\" came back as %s \"%s\"", esc,
                   it->type == CN_IMAP_STRING ? "string" : "non-string", got);
  }
}

static gboolean
printable_ascii (const char *s)
{
  for (; *s; s++)
    if ((guchar) *s < 0x20 || (guchar) *s > 0x7e)
      return FALSE;
  return TRUE;
}

static void
check_mailbox_names (const char *data, gsize size)
{
  g_autofree char *s = g_strndup (data, MIN (size, 4096));
  g_autofree char *esc = cn_fuzz_escape (s, strlen (s));
  g_autofree char *enc = cn_imap_utf7_encode (s);
  if (g_utf8_validate (s, -1, NULL)) {
    CN_FUZZ_CHECK (enc && printable_ascii (enc), "I5: \"%s\" encodes to no printable ASCII", esc);
    g_autofree char *back = cn_imap_utf7_decode (enc);
    CN_FUZZ_CHECK (back && strcmp (back, s) == 0, "I5: \"%s\" does not come back from \"%s\"", esc, enc);
  } else {
    CN_FUZZ_CHECK (enc == NULL, "I5: \"%s\" is not UTF-8 but encodes", esc);
  }
  g_autofree char *dec = cn_imap_utf7_decode (s);
  if (dec) {
    CN_FUZZ_CHECK (g_utf8_validate (dec, -1, NULL), "I5: \"%s\" decodes to no UTF-8", esc);
    g_autofree char *re = cn_imap_utf7_encode (dec);
    g_autofree char *again = re ? cn_imap_utf7_decode (re) : NULL;
    CN_FUZZ_CHECK (again && strcmp (again, dec) == 0, "I5: \"%s\": decode → encode → decode differs", esc);
  }
  static const struct { char delim; const char *prefix; } servers[] = { { '/', NULL }, { '.', "INBOX." }, { '\0', NULL } };
  for (gsize i = 0; i < G_N_ELEMENTS (servers); i++) {
    g_autoptr (GError) e = NULL;
    g_autofree char *name = cn_imap_mailbox_to_server (s, servers[i].delim, servers[i].prefix, &e);
    CN_FUZZ_CHECK ((name == NULL) != (e == NULL), "I5: \"%s\": name %p, error %p", esc, (void *) name, (void *) e);
    if (name)
      CN_FUZZ_CHECK (*name && printable_ascii (name), "I5: \"%s\" → server name \"%s\"", esc, name);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *buf = size ? (const char *) data : "";
  /* the stream, response by response */
  gsize off = 0;
  for (guint count = 0; off < size && count < 100000; count++) {
    gssize n = cn_imap_response_length (buf + off, size - off);
    if (check_on ("I1")) {
      CN_FUZZ_CHECK (n >= -1 && n <= (gssize) (size - off), "I1: length %zd of %zu bytes", n, (size_t) (size - off));
      if (n > 0) {
        gssize alone = cn_imap_response_length (buf + off, (gsize) n);
        CN_FUZZ_CHECK (alone == n, "I1: a response of %zd bytes is %zd bytes on its own", n, alone);
        gssize shorter = cn_imap_response_length (buf + off, (gsize) n - 1);
        CN_FUZZ_CHECK (shorter <= 0, "I1: %zd bytes of a %zd-byte response are a response of %zd", n - 1, n,
                       shorter);
      }
    }
    if (n <= 0)
      break;
    cn_imap_response_free (parse (buf + off, (gsize) n));
    off += (gsize) n;
  }
  /* the whole input as one response */
  cn_imap_response_free (parse (buf, size));
  if (check_on ("I3"))
    check_quote (buf, size);
  if (check_on ("I5"))
    check_mailbox_names (buf, size);
  return 0;
}
