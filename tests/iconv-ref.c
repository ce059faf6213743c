/* iconv-ref.c — glibc's iconv as text.c used it, the reference of the
 * table decoders' tests (iconv-ref.h). */
#include "iconv-ref.h"
#include "text.h"

#include <errno.h>
#include <string.h>

guint ref_checked;

/* A deliberate copy of text.c's iconv_lossy() as it decoded the charsets
 * the tables now do (convert; at EILSEQ or EINVAL one U+FFFD, skip one
 * byte, reset, go on), over glibc's own converter.  Not shared with text.c
 * on purpose: it is what the tables must match. */
guint
ref_lossy (iconv_t cd, const char *in, gsize len, GString *out)
{
  guint errors = 0;
  char buf[4096];
  char *ip = (char *) in;
  size_t ileft = len;
  iconv (cd, NULL, NULL, NULL, NULL);
  while (ileft > 0) {
    char *op = buf;
    size_t oleft = sizeof buf;
    size_t r = iconv (cd, &ip, &ileft, &op, &oleft);
    g_string_append_len (out, buf, op - buf);
    if (r == (size_t) -1) {
      if (errno == E2BIG)
        continue;
      g_assert_true (errno == EILSEQ || errno == EINVAL);
      g_string_append (out, "\xEF\xBF\xBD");
      errors++;
      ip++;
      ileft--;
      iconv (cd, NULL, NULL, NULL, NULL);
    }
  }
  char *op = buf;
  size_t oleft = sizeof buf;
  iconv (cd, NULL, NULL, &op, &oleft);
  g_string_append_len (out, buf, op - buf);
  return errors;
}

/* C1 controls (U+0080..U+009F) in UTF8: text.c counts them as errors */
static guint
c1_controls (const GString *utf8)
{
  guint n = 0;
  for (gsize i = 0; i + 1 < utf8->len; i++)
    if ((guchar) utf8->str[i] == 0xc2 && (guchar) utf8->str[i + 1] >= 0x80 && (guchar) utf8->str[i + 1] <= 0x9f)
      n++;
  return n;
}

static GString *
letters (gsize n)
{
  GString *s = g_string_sized_new (n);
  for (gsize i = 0; i < n; i++)
    g_string_append_c (s, 'a');
  return s;
}

void
ref_check_text (iconv_t cd, const char *bytes, gsize len, const char *charset, gboolean latin)
{
  gsize pad = 100 * len + 1;
  g_autoptr (GString) in = letters (pad);
  g_string_append_len (in, bytes, len);
  g_autoptr (GString) ref = g_string_new (NULL);
  guint ref_errors = 0;
  if (latin && g_utf8_validate (in->str, in->len, NULL))
    g_string_append_len (ref, in->str, in->len);
  else
    ref_errors = ref_lossy (cd, in->str, in->len, ref);
  for (gsize i = 0; i < ref->len; i++)
    if (ref->str[i] == '\0')
      ref->str[i] = ' ';
  CnDecodeStatus st = { 0 };
  g_autofree char *decoded = cn_text_to_utf8 (in->str, in->len, charset, &st);
  g_assert_cmpstr (decoded, ==, ref->str);
  g_assert_cmpint (st.lossy, ==, ref_errors + c1_controls (ref) > 0);
  g_assert_false (st.resource_failure);
}

void
ref_check (iconv_t cd, RefDecoder decode, gconstpointer table, const char *bytes, gsize len, const char *charset,
           gboolean latin)
{
  g_autoptr (GString) ref = g_string_new (NULL);
  g_autoptr (GString) got = g_string_new (NULL);
  guint ref_errors = ref_lossy (cd, bytes, len, ref);
  guint errors = decode (table, bytes, len, got);
  if (errors != ref_errors || got->len != ref->len || memcmp (got->str, ref->str, ref->len) != 0) {
    g_autoptr (GString) hex = g_string_new (NULL);
    for (gsize i = 0; i < len; i++)
      g_string_append_printf (hex, "%02X", (guchar) bytes[i]);
    g_test_message ("bytes %s: %u replaced, iconv %u", hex->str, errors, ref_errors);
  }
  g_assert_cmpuint (errors, ==, ref_errors);
  g_assert_cmpmem (got->str, got->len, ref->str, ref->len);
  ref_checked++;
  if (charset != NULL)
    ref_check_text (cd, bytes, len, charset, latin);
}

char
ref_random_byte (GRand *r, const guchar *edges, gsize n)
{
  guint k = g_rand_int_range (r, 0, 7);
  if (k < 3)
    return (char) edges[g_rand_int_range (r, 0, n)];
  return (char) (k < 5 ? g_rand_int_range (r, 0x00, 0x80) : g_rand_int_range (r, 0x00, 0x100));
}

guint
ref_check_random (GRand *r, guint count, char (*byte) (GRand *r), iconv_t cd, RefDecoder decode,
                  gconstpointer table, const char *charset, gboolean latin)
{
  guint lossy = 0;
  for (guint n = 0; n < count; n++) {
    char s[64];
    gsize len = g_rand_int_range (r, 0, sizeof s + 1);
    for (gsize i = 0; i < len; i++)
      s[i] = byte (r);
    ref_check (cd, decode, table, s, len, charset, latin);
    g_autoptr (GString) ref = g_string_new (NULL);
    if (ref_lossy (cd, s, len, ref) > 0)
      lossy++;
  }
  return lossy;
}

char *
ref_spelled (const char *name, guint variant)
{
  if (variant == 0)
    return g_strdup (name);
  if (variant == 1)
    return g_ascii_strup (name, -1);
  g_autofree char *up = g_ascii_strup (name, 1);
  return g_strdup_printf (" %s%s\t", up, name + 1);
}

void
ref_check_header (iconv_t cd, const char *bytes, gsize len, const char *charset)
{
  gsize pad = 100 * len + 1;
  g_autoptr (GString) word = letters (pad);
  g_string_append_len (word, bytes, len);
  g_autoptr (GString) ref = g_string_new (NULL);
  ref_lossy (cd, word->str, word->len, ref);
  for (gsize i = 0; i < ref->len; i++)
    g_assert_true ((guchar) ref->str[i] > ' ' && ref->str[i] != 0x7f);
  g_assert_cmpuint (c1_controls (ref), ==, 0);
  g_autofree char *b64 = g_base64_encode ((const guchar *) word->str, word->len);
  g_autofree char *raw = g_strdup_printf ("=?%s?B?%s?=", charset, b64);
  g_autofree char *got = cn_text_decode_header (raw, NULL);
  g_assert_cmpstr (got, ==, ref->str);
}
