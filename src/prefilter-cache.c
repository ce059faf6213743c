/* prefilter-cache.c — the prefilter's set, remembered between runs.
 *
 * Reading and checking the rules costs ~12 M instructions (~3 ms here): for
 * mail that is not a notice, many times what the rest of a `filter` run
 * costs.  What the prefilter needs of them — the subject patterns and the
 * generic detector's gate, compiled — is small.  So a run that loaded the
 * rules in full and without error writes that to
 * $XDG_CACHE_HOME/certnotice/prefilter-HASH.cache, with what it was made
 * from: this executable, PCRE2's version, the config file, and every file
 * the rule loader read (each rules directory's *.rules and generic.detector:
 * device, inode, mode, size, modification and change times).  The next
 * `filter` run takes the set from there when all of that is unchanged, and
 * loads the rules only for a mail that may be a notice.
 *
 * A hit stands for a full load that succeeded with the same files and
 * config: the full path would find the same rules.  A cache that is
 * missing, stale, unreadable or damaged (a checksum over it) is ignored and
 * the rules are loaded as ever; writing one that cannot be written is not an
 * error.  It is written under a temporary name and renamed, readable by its
 * owner only, and holds nothing that is not in the rules themselves.
 */
#include "prefilter-cache.h"
#include "buildinfo.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAGIC "certnotice-prefilter 1\n"

/* "NAME PATH\n", then PATH's device, inode, mode, size, modification and
 * change times as 64-bit numbers in hex (zeros when it does not exist):
 * a line per input, cheap to write. */
static void
add_input (GString *key, const char *name, const char *path)
{
  struct stat st;
  gboolean there = stat (path, &st) == 0;
  guint64 v[8] = { 0 };
  if (there) {
    v[0] = (guint64) st.st_dev;
    v[1] = (guint64) st.st_ino;
    v[2] = (guint64) st.st_mode;
    v[3] = (guint64) st.st_size;
    v[4] = (guint64) st.st_mtim.tv_sec;
    v[5] = (guint64) st.st_mtim.tv_nsec;
    v[6] = (guint64) st.st_ctim.tv_sec;
    v[7] = (guint64) st.st_ctim.tv_nsec;
  }
  g_string_append (key, name);
  g_string_append_c (key, ' ');
  g_string_append (key, path);
  g_string_append_c (key, ' ');
  static const char hex[] = "0123456789abcdef";
  char buf[G_N_ELEMENTS (v) * 16];
  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    for (int d = 0; d < 16; d++)
      buf[i * 16 + (gsize) d] = hex[(v[i] >> (60 - 4 * d)) & 0xf];
  g_string_append_len (key, buf, sizeof buf);
  g_string_append_c (key, '\n');
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The files of DIR the rule loader reads (rules.c: add_dir, and the
 * generic detector's file), sorted; FALSE when DIR cannot be listed. */
static gboolean
add_dir (GString *key, const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return FALSE;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)))
    if ((g_str_has_suffix (name, ".rules") && name[0] != '.') || strcmp (name, CN_GENERIC_FILE) == 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  add_input (key, "dir", dir);
  /* DIR/NAME as rules.c builds it (g_build_filename: one '/' between) */
  g_autoptr (GString) path = g_string_new (dir);
  while (path->len > 1 && path->str[path->len - 1] == '/')
    g_string_truncate (path, path->len - 1);
  if (path->len == 0 || path->str[path->len - 1] != '/')
    g_string_append_c (path, '/');
  gsize base = path->len;
  for (guint i = 0; i < names->len; i++) {
    g_string_truncate (path, base);
    g_string_append (path, names->pdata[i]);
    add_input (key, "file", path->str);
  }
  return TRUE;
}

char *
cn_prefilter_cache_key (const CnCli *cli)
{
  if (cli->config == NULL)
    return NULL;
  g_autoptr (CnRuleLayers) l = cn_rules_layers (cli->rules_dir ? cli->rules_dir : cli->config->rules_dir);
  /* one cache file per program and set-up: the executable (the front and
   * certnotice-full each keep their own, module.h: with one file between
   * them, each would take the other's for stale), the config file and the
   * rules directories */
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr (GString) setup = g_string_new (exe);
  g_string_append_printf (setup, "\n%s", cli->config->path);
  for (guint i = 0; l->dirs[i]; i++)
    g_string_append_printf (setup, "\n%s", l->dirs[i]);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA1, setup->str, (gssize) setup->len);
  GString *key = g_string_new (MAGIC);
  g_string_append_printf (key, "name %.12s\ncertnotice %s pcre2 ", sum, CERTNOTICE_VERSION);
  char pcre[64] = "";
  pcre2_config (PCRE2_CONFIG_VERSION, pcre);
  g_string_append_printf (key, "%s\n", pcre);
  add_input (key, "exe", "/proc/self/exe");
  add_input (key, "config", cli->config->path);
  for (guint i = 0; l->dirs[i]; i++)
    if (!add_dir (key, l->dirs[i])) {
      g_string_free (key, TRUE);
      return NULL;   /* the loader will say why */
    }
  g_string_append_c (key, '\n');
  return g_string_free (key, FALSE);
}

/* The cache file for KEY: named by its "name" line (the set-up). */
static char *
cache_path (const char *key)
{
  const char *name = key + strlen (MAGIC) + strlen ("name ");
  g_autofree char *file = g_strdup_printf ("prefilter-%.12s.cache", name);
  return g_build_filename (g_get_user_cache_dir (), "certnotice", file, NULL);
}

/* A 64-bit checksum, eight bytes at a time (FNV-1a's constants): against a
 * file cut short or damaged, not against anyone who may write the user's
 * files (they could as well change the rules). */
static guint64
fnv1a (const guint8 *p, gsize n)
{
  guint64 h = 14695981039346656037ull;
  gsize i = 0;
  for (; i + 8 <= n; i += 8) {
    guint64 w;
    memcpy (&w, p + i, 8);
    h = (h ^ w) * 1099511628211ull;
    h ^= h >> 29;
  }
  for (; i < n; i++)
    h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

/* The cache's bytes for KEY and the prefilter set of RULES; NULL when it
 * cannot be serialised. */
static GByteArray *
encode (const char *key, const CnRuleSet *rules)
{
  g_autoptr (CnPrefilterSet) set = cn_prefilter_set_new (rules);
  g_autoptr (GPtrArray) patterns = g_ptr_array_new ();
  gboolean closed = cn_prefilter_set_patterns (set, patterns);
  g_autofree const pcre2_code **codes = g_new0 (const pcre2_code *, patterns->len + 1);
  for (guint i = 0; i < patterns->len; i++)
    codes[i] = ((const CnPattern *) patterns->pdata[i])->code;
  uint8_t *bytes = NULL;
  PCRE2_SIZE size = 0;
  if (patterns->len > 0 && pcre2_serialize_encode (codes, (int32_t) patterns->len, &bytes, &size, NULL) < 0)
    return NULL;
  GByteArray *out = g_byte_array_new ();
  g_autofree char *head = g_strdup_printf ("%sopen %d\npatterns %u %zu\n", key, !closed, patterns->len,
                                           (size_t) size);
  g_byte_array_append (out, (const guint8 *) head, (guint) strlen (head));
  if (bytes)
    g_byte_array_append (out, bytes, (guint) size);
  pcre2_serialize_free (bytes);
  g_autofree char *sum = g_strdup_printf ("\nsum %016" G_GINT64_MODIFIER "x\n", fnv1a (out->data, out->len));
  g_byte_array_append (out, (const guint8 *) sum, (guint) strlen (sum));
  return out;
}

/* The set from the cache bytes DATA (LEN) made for KEY, or NULL. */
static CnPrefilterSet *
decode (const char *key, const char *data, gsize len)
{
  gsize klen = strlen (key);
  if (len < klen || memcmp (data, key, klen) != 0)
    return NULL;
  /* the checksum line: "\nsum " and 16 hex digits and "\n" */
  const gsize sum_len = 5 + 16 + 1;
  if (len < klen + sum_len || memcmp (data + len - sum_len, "\nsum ", 5) != 0)
    return NULL;
  g_autofree char *want = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", fnv1a ((const guint8 *) data,
                                                                               len - sum_len));
  if (memcmp (data + len - sum_len + 5, want, 16) != 0)
    return NULL;
  const char *p = data + klen, *end = data + len - sum_len;
  int open = 0;
  guint n = 0;
  gsize size = 0;
  int used = 0;
  g_autofree char *head = g_strndup (p, (gsize) MIN (end - p, 64));
  if (sscanf (head, "open %d\npatterns %u %zu\n%n", &open, &n, &size, &used) != 3 || used <= 0 ||
      (gsize) (end - p) != (gsize) used + size || n > 10000)
    return NULL;
  p += used;
  g_autoptr (GPtrArray) patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) cn_pattern_free);
  if (n > 0) {
    /* PCRE2 reads its structures from the bytes: give it aligned ones */
    g_autofree uint8_t *blob = g_memdup2 (p, size);
    g_autofree pcre2_code **codes = g_new0 (pcre2_code *, n);
    if (size < 16 || pcre2_serialize_get_number_of_codes (blob) != (int32_t) n ||
        pcre2_serialize_decode (codes, (int32_t) n, blob, NULL) != (int32_t) n)
      return NULL;
    for (guint i = 0; i < n; i++) {
      CnPattern *pat = g_new0 (CnPattern, 1);
      pat->key = g_strdup ("subject");
      pat->code = codes[i];
      g_ptr_array_add (patterns, pat);
    }
  }
  return cn_prefilter_set_new_owned (g_steal_pointer (&patterns), open != 0);
}

CnPrefilterSet *
cn_prefilter_cache_load (const char *key)
{
  g_autofree char *path = cache_path (key);
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &data, &len, NULL))
    return NULL;
  return decode (key, data, len);
}

void
cn_prefilter_cache_save (const char *key, const CnCli *cli)
{
  /* only when nothing changed while the rules were read */
  g_autofree char *now = cn_prefilter_cache_key (cli);
  if (now == NULL || strcmp (now, key) != 0)
    return;
  g_autoptr (GByteArray) bytes = encode (key, cli->rules);
  if (bytes == NULL)
    return;
  g_autofree char *path = cache_path (key);
  g_autofree char *old = NULL;
  gsize old_len = 0;
  if (g_file_get_contents (path, &old, &old_len, NULL) && old_len == bytes->len &&
      memcmp (old, bytes->data, old_len) == 0)
    return;   /* fresh already */
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return;
  (void) g_file_set_contents_full (path, (const char *) bytes->data, (gssize) bytes->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
}
