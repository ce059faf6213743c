/* test-imap.c — IMAP response framing and parsing, and the state file. */
#include "imapproto.h"
#include "state.h"

#include <glib/gstdio.h>
#include <string.h>

static void
test_length (void)
{
  const char *a = "* 1 FETCH (UID 7 BODY[HEADER.FIELDS (FROM)] {13}\r\nFrom: a@b\r\n\r\n)\r\n* SEARCH 1\r\n";
  gssize n = cn_imap_response_length (a, strlen (a));
  g_assert_cmpint (n, ==, (gssize) (strstr (a, "* SEARCH") - a));
  /* incomplete: inside the literal, or no line end yet */
  g_assert_cmpint (cn_imap_response_length (a, 60), ==, 0);
  g_assert_cmpint (cn_imap_response_length ("* OK", 4), ==, 0);
  /* a literal whose size is absurd */
  const char *b = "* 1 FETCH (BODY[] {99999999999}\r\n";
  g_assert_cmpint (cn_imap_response_length (b, strlen (b)), ==, -1);
  /* {n+} (LITERAL+) and a literal of size 0 */
  const char *c = "a1 OK {0+}\r\n\r\n";
  g_assert_cmpint (cn_imap_response_length (c, strlen (c)), ==, (gssize) strlen (c));
}

static void
test_parse_fetch (void)
{
  const char *a = "* 12 FETCH (UID 7 FLAGS (\\Seen $CertActionRequired) BODY[HEADER.FIELDS (FROM SUBJECT)] {13}\r\nFrom: a@b\r\n\r\n)\r\n";
  g_autoptr (GError) e = NULL;
  g_autoptr (CnImapResponse) r = cn_imap_parse (a, strlen (a), &e);
  g_assert_no_error (e);
  g_assert_cmpstr (r->tag, ==, "*");
  g_assert_cmpuint (r->number, ==, 12);
  g_assert_cmpstr (r->name, ==, "FETCH");
  const CnImapItem *uid = cn_imap_fetch_attr (r, "UID");
  g_assert_cmpstr (uid->str, ==, "7");
  const CnImapItem *flags = cn_imap_fetch_attr (r, "FLAGS");
  g_assert_cmpint (flags->type, ==, CN_IMAP_LIST);
  g_assert_cmpuint (flags->list->len, ==, 2);
  g_assert_cmpstr (((CnImapItem *) flags->list->pdata[1])->str, ==, "$CertActionRequired");
  const CnImapItem *body = cn_imap_fetch_attr (r, "BODY[");
  g_assert_cmpint (body->type, ==, CN_IMAP_STRING);
  g_assert_cmpuint (body->len, ==, 13);
  g_assert_cmpstr (body->str, ==, "From: a@b\r\n\r\n");
  g_assert_null (cn_imap_fetch_attr (r, "RFC822.SIZE"));
}

static void
test_parse_status (void)
{
  const char *a = "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n";
  g_autoptr (CnImapResponse) r = cn_imap_parse (a, strlen (a), NULL);
  g_assert_cmpstr (r->status, ==, "OK");
  g_assert_cmpstr (r->code, ==, "UIDVALIDITY 3857529045");
  g_assert_cmpstr (r->text, ==, "UIDs valid");
  const char *b = "a7 NO [TRYCREATE] Mailbox doesn't exist: X (0.001 + 0.000 secs).\r\n";
  g_autoptr (CnImapResponse) s = cn_imap_parse (b, strlen (b), NULL);
  g_assert_cmpstr (s->tag, ==, "a7");
  g_assert_cmpstr (s->status, ==, "NO");
  g_assert_cmpstr (s->code, ==, "TRYCREATE");
  const char *c = "* SEARCH 3 5 9\r\n";
  g_autoptr (CnImapResponse) t = cn_imap_parse (c, strlen (c), NULL);
  g_assert_cmpstr (t->name, ==, "SEARCH");
  g_assert_cmpuint (t->items->len, ==, 3);
  const char *d = "+ go ahead\r\n";
  g_autoptr (CnImapResponse) u = cn_imap_parse (d, strlen (d), NULL);
  g_assert_cmpstr (u->tag, ==, "+");
  const char *f = "* LIST (\\HasNoChildren) \"/\" \"Certnotice/action \\\"required\\\"\"\r\n";
  g_autoptr (CnImapResponse) v = cn_imap_parse (f, strlen (f), NULL);
  g_assert_cmpstr (((CnImapItem *) v->items->pdata[2])->str, ==, "Certnotice/action \"required\"");
}

static void
test_parse_malformed (void)
{
  const char *bad[] = {
    "", "*\r\n", "* 1 FETCH (UID 7\r\n", "* 1 FETCH (BODY[] {5}\r\nab)\r\n",
    "* 1 FETCH (\"unterminated)\r\n", "* 1 FETCH (BODY[HEADER\r\n", "* 1 FETCH ({x}\r\n)\r\n",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) e = NULL;
    g_autoptr (CnImapResponse) r = cn_imap_parse (bad[i], strlen (bad[i]), &e);
    g_test_message ("%zu: %s", i, e ? e->message : "parsed");
    g_assert_null (r);
    g_assert_nonnull (e);
  }
  /* NULs in a tag or an atom (fuzz findings I4) */
  const char nul_tag[] = "a\0b OK done\r\n";
  g_autoptr (GError) e1 = NULL;
  g_assert_null (cn_imap_parse (nul_tag, sizeof nul_tag - 1, &e1));
  const char nul_atom[] = "* 1 FETCH (UID 1\0 FLAGS ())\r\n";
  g_autoptr (GError) e2 = NULL;
  g_assert_null (cn_imap_parse (nul_atom, sizeof nul_atom - 1, &e2));
  /* nesting beyond the limit */
  g_autoptr (GString) deep = g_string_new ("* 1 FETCH ");
  for (int i = 0; i < CN_IMAP_MAX_DEPTH + 5; i++)
    g_string_append_c (deep, '(');
  for (int i = 0; i < CN_IMAP_MAX_DEPTH + 5; i++)
    g_string_append_c (deep, ')');
  g_string_append (deep, "\r\n");
  g_autoptr (GError) e = NULL;
  g_assert_null (cn_imap_parse (deep->str, deep->len, &e));
  guint32 v;
  g_assert_true (cn_imap_number ("4294967295", &v));
  g_assert_false (cn_imap_number ("4294967296", &v));
  g_assert_false (cn_imap_number ("12a", &v));
  g_autofree char *q = cn_imap_quote ("a\"b\\c\r\n");
  g_assert_cmpstr (q, ==, "\"a\\\"b\\\\c\"");
}

static void
test_state (void)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cn-state-XXXXXX", &e);
  g_autofree char *path = g_build_filename (dir, "sub", "imap.state", NULL);
  {
    g_autoptr (CnState) st = cn_state_load (path, &e);
    g_assert_no_error (e);
    CnBoxState *b = cn_state_box (st, "acct/INBOX");
    b->uidvalidity = 42;
    b->last_uid = 7;
    for (int i = 0; i < CN_STATE_MAX_IDS + 10; i++) {
      g_autofree char *id = g_strdup_printf ("m%d@example", i);
      cn_state_add_id (st, id);
    }
    cn_state_add_id (st, "bad;id@example");
    g_assert_true (cn_state_save (st, &e));
  }
  g_autoptr (CnState) st = cn_state_load (path, &e);
  g_assert_no_error (e);
  CnBoxState *b = cn_state_box (st, "acct/INBOX");
  g_assert_cmpuint (b->uidvalidity, ==, 42);
  g_assert_cmpuint (b->last_uid, ==, 7);
  g_assert_false (cn_state_seen_id (st, "m0@example"));        /* the oldest went */
  g_assert_true (cn_state_seen_id (st, "m5009@example"));
  g_assert_false (cn_state_seen_id (st, "bad;id@example"));
  g_autofree char *tmp = g_strconcat (path, ".new", NULL);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  /* a corrupt state file is an error, not a silent restart */
  g_assert_true (g_file_set_contents (path, "[mailbox x\nnot a key file", -1, NULL));
  g_autoptr (GError) e2 = NULL;
  g_assert_null (cn_state_load (path, &e2));
  g_assert_nonnull (e2);
  g_unlink (path);
  g_autofree char *sub = g_path_get_dirname (path);
  g_rmdir (sub);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imap/length", test_length);
  g_test_add_func ("/imap/fetch", test_parse_fetch);
  g_test_add_func ("/imap/status", test_parse_status);
  g_test_add_func ("/imap/malformed", test_parse_malformed);
  g_test_add_func ("/imap/state", test_state);
  return g_test_run ();
}
