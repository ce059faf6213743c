/* test-samples.c — one test case per samples/<dir>/<case>.eml.
 *
 * Each case's <case>.json (JSON Lines, one object per result, written by
 * samples/gen-samples.py from what it put into the mail) is compared with
 * what the batch path every mode uses (cn_source_read → cn_batch_add →
 * cn_batch_verify) gives with --no-verify, the trusted
 * authserv-id mx.certnotice.test, and rules/.  Every key of the expected
 * object is compared exactly, except:
 *   reasons: as many reasons as expected, each containing its expected
 *            substring (case-insensitive) — the wording is for people;
 * and two keys the generator cannot know are checked here:
 *   source is the path read, remediation is non-empty exactly for notices.
 */
#include "pipeline.h"
#include "output.h"
#include "source.h"
#include "test-notice.h"

#include <string.h>

static CnRuleSet *rules;
static CnOptions opts;

static gboolean
collect (GPtrArray *mails, gpointer data)
{
  cn_batch_add (data, mails);
  return TRUE;
}

static void
check_reasons (JsonArray *want, JsonArray *got, const char *where)
{
  guint nw = json_array_get_length (want), ng = json_array_get_length (got);
  if (nw != ng) {
    g_autoptr (GString) s = g_string_new (NULL);
    for (guint i = 0; i < ng; i++)
      g_string_append_printf (s, " [%s]", json_array_get_string_element (got, i));
    g_test_message ("%s: reasons:%s", where, s->str);
  }
  g_assert_cmpuint (ng, ==, nw);
  for (guint i = 0; i < nw; i++) {
    g_autofree char *w = g_utf8_strdown (json_array_get_string_element (want, i), -1);
    g_autofree char *g = g_utf8_strdown (json_array_get_string_element (got, i), -1);
    if (strstr (g, w) == NULL)
      g_test_message ("%s: reason %u is \"%s\", wanted it to contain \"%s\"", where, i, g, w);
    g_assert_nonnull (strstr (g, w));
  }
}

static void
test_sample (gconstpointer data)
{
  const char *eml = data;
  g_autofree char *base = g_strndup (eml, strlen (eml) - 4);
  g_autofree char *json_path = g_strconcat (base, ".json", NULL);
  g_autofree char *expected = NULL;
  g_assert_true (g_file_get_contents (json_path, &expected, NULL, NULL));

  g_autoptr (CnBatch) batch = cn_batch_new (rules, &opts);
  g_autoptr (GError) e = NULL;
  g_assert_true (cn_source_read (eml, collect, batch, &e));
  g_assert_no_error (e);
  cn_batch_verify (batch);
  g_autoptr (GPtrArray) notices = g_ptr_array_new ();
  for (guint i = 0; i < batch->messages->len; i++) {
    CnMessage *msg = batch->messages->pdata[i];
    for (guint k = 0; k < msg->notices->len; k++)
      g_ptr_array_add (notices, msg->notices->pdata[k]);
  }

  g_auto (GStrv) lines = g_strsplit (g_strstrip (expected), "\n", -1);
  g_assert_cmpuint (notices->len, ==, g_strv_length (lines));

  for (guint i = 0; i < notices->len; i++) {
    const CnNotice *n = notices->pdata[i];
    g_autoptr (JsonNode) got_node = cn_output_json (n, opts.now);
    JsonObject *got = json_node_get_object (got_node);

    g_autoptr (JsonParser) parser = json_parser_new ();
    g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &e));
    JsonObject *want = json_node_get_object (json_parser_get_root (parser));
    g_autofree char *where = g_strdup_printf ("%s result %u", eml, i + 1);

    g_autoptr (GList) members = json_object_get_members (want);
    g_assert_nonnull (members);
    for (GList *m = members; m; m = m->next) {
      const char *key = m->data;
      JsonNode *w = json_object_get_member (want, key);
      JsonNode *g = json_object_get_member (got, key);
      g_assert_nonnull (g);
      if (strcmp (key, "reasons") == 0) {
        check_reasons (json_node_get_array (w), json_node_get_array (g), where);
        continue;
      }
      if (!json_node_equal (w, g)) {
        g_autofree char *ws = json_to_string (w, FALSE);
        g_autofree char *gs = json_to_string (g, FALSE);
        g_test_message ("%s: %s is %s, expected %s", where, key, gs, ws);
        g_test_fail ();
      }
    }
    g_assert_cmpstr (json_object_get_string_member (got, "source"), ==, eml);
    gboolean notice = !json_object_get_null_member (got, "provider");
    guint steps = json_array_get_length (json_object_get_array_member (got, "remediation"));
    g_assert_true (notice ? steps > 0 : steps == 0);
  }
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cn_mime_init ();

  g_autoptr (GError) e = NULL;
  oracle_setup (&rules, &opts);

  /* samples/<dir>/<case>.eml, every one of them */
  g_autofree char *samples = g_test_build_filename (G_TEST_DIST, "samples", NULL);
  g_autoptr (GDir) top = g_dir_open (samples, 0, &e);
  g_assert_no_error (e);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *dir;
  while ((dir = g_dir_read_name (top))) {
    g_autofree char *sub = g_build_filename (samples, dir, NULL);
    g_autoptr (GDir) d = g_dir_open (sub, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name (d)))
      if (g_str_has_suffix (name, ".eml"))
        g_ptr_array_add (paths, g_build_filename (sub, name, NULL));
  }
  g_ptr_array_sort (paths, compare_paths);
  g_assert_cmpuint (paths->len, >=, 40);
  for (guint i = 0; i < paths->len; i++) {
    const char *p = paths->pdata[i];
    const char *rel = p + strlen (samples);
    g_autofree char *name = g_strndup (rel, strlen (rel) - 4);
    g_autofree char *test = g_strconcat ("/samples", name, NULL);
    g_test_add_data_func (test, p, test_sample);
  }
  int rc = g_test_run ();
  cn_rules_free (rules);
  g_date_time_unref (opts.now);
  return rc;
}
