/* test-imap.c — IMAP response framing and parsing, and the state file. */
#include "imapproto.h"
#include "netrc.h"
#include "state.h"

#include "i18n.h"
#include <glib/gstdio.h>
#include <locale.h>
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
    cn_state_add_id (st, "bad\xff@example");   /* would make the whole list unreadable */
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
  g_assert_false (cn_state_seen_id (st, "bad\xff@example"));
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

static void
test_utf7 (void)
{
  /* RFC 3501 5.1.3's example, and the corner cases */
  const char *pairs[][2] = {
    { "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
    { "A&B", "A&-B" },
    { "&", "&-" },
    { "INBOX", "INBOX" },
    { "\xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8", "&ijxmDmb4-" },      /* 証明書 */
    { "caf\xc3\xa9 bar", "caf&AOk- bar" },
    { "\xf0\x9f\x93\xa7", "&2D3c5w-" },                               /* U+1F4E7: a surrogate pair */
    { "a\tb", "a&AAk-b" },                                              /* a control character */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++) {
    g_autofree char *enc = cn_imap_utf7_encode (pairs[i][0]);
    g_assert_cmpstr (enc, ==, pairs[i][1]);
    g_autofree char *dec = cn_imap_utf7_decode (pairs[i][1]);
    g_assert_cmpstr (dec, ==, pairs[i][0]);
  }
  g_assert_null (cn_imap_utf7_encode ("\xff"));
  /* not modified UTF-7: an unterminated run, a bad character, ASCII encoded,
   * non-zero padding, a lone surrogate, raw 8-bit, an empty run */
  const char *bad[] = { "&U,BTFw", "&U/BTFw-", "&AEE-", "&AOl-", "&2D0-", "caf\xc3\xa9", "&-&" , "&-x&" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *dec = cn_imap_utf7_decode (bad[i]);
    g_assert_null (dec);
  }
}

static void
test_mailbox_names (void)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *a = cn_imap_mailbox_to_server ("Certnotice/suspicious", '.', NULL, &e);
  g_assert_cmpstr (a, ==, "Certnotice.suspicious");
  g_autofree char *b = cn_imap_mailbox_to_server ("Certnotice/suspicious", '/', "", &e);
  g_assert_cmpstr (b, ==, "Certnotice/suspicious");
  g_autofree char *c = cn_imap_mailbox_to_server ("Certnotice/\xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8", '.', NULL, &e);
  g_assert_cmpstr (c, ==, "Certnotice.&ijxmDmb4-");
  /* the personal namespace prefix: added, unless INBOX or already there */
  g_autofree char *d = cn_imap_mailbox_to_server ("Certnotice/x", '.', "INBOX.", &e);
  g_assert_cmpstr (d, ==, "INBOX.Certnotice.x");
  g_autofree char *f = cn_imap_mailbox_to_server ("inbox", '.', "INBOX.", &e);
  g_assert_cmpstr (f, ==, "inbox");
  g_autofree char *g = cn_imap_mailbox_to_server ("INBOX/Certnotice", '.', "INBOX.", &e);
  g_assert_cmpstr (g, ==, "INBOX.Certnotice");
  g_autofree char *h = cn_imap_mailbox_to_server ("Archive", '\0', NULL, &e);
  g_assert_cmpstr (h, ==, "Archive");
  g_assert_no_error (e);
  /* a level holding the server's delimiter; levels on a flat server; empty levels */
  const struct { const char *name; char delim; const char *msg; } bad[] = {
    { "Certnotice/v1.2", '.', "holds '.'" },
    { "a/b", '\0', "no hierarchy" },
    { "a//b", '/', "empty level" },
    { "/a", '.', "empty level" },
    { "a/", '.', "empty level" },
    { "", '.', "empty" },
    { "a\nb", '.', "control character" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) be = NULL;
    g_autofree char *r = cn_imap_mailbox_to_server (bad[i].name, bad[i].delim, NULL, &be);
    g_assert_null (r);
    g_assert_nonnull (be);
    g_assert_nonnull (strstr (be->message, bad[i].msg));
  }
}

static void
test_netrc (void)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cn-netrc-XXXXXX", &e);
  g_autofree char *path = g_build_filename (dir, "netrc", NULL);
  const char *text =
    "# a comment\n"
    "machine imap.example.net login other password otherpw\n"
    "machine IMAP.example.net\n  login alice\n  password \"s3cret with space\"  # trailing comment\n"
    "macdef init\nmachine evil.example login alice password macro\n\n"
    "machine nologin.example password anyone\n"
    "default login fallback password fb\n";
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  struct { const char *host, *user, *login, *password; CnNetrcResult r; } cases[] = {
    { "imap.example.net", "alice", "alice", "s3cret with space", CN_NETRC_FOUND },   /* the user's entry, not the first */
    { "imap.example.net", NULL, "other", "otherpw", CN_NETRC_FOUND },               /* no user: the first entry */
    { "nologin.example", "bob", NULL, "anyone", CN_NETRC_FOUND },                    /* an entry without login */
    { "evil.example", "alice", NULL, NULL, CN_NETRC_NO_ENTRY },                      /* inside macdef: not an entry; */
    { "elsewhere.example", "fallback", "fallback", "fb", CN_NETRC_FOUND },           /* default */
    { "elsewhere.example", "carol", NULL, NULL, CN_NETRC_NO_ENTRY },
  };
  /* evil.example's user alice does not match default's login fallback */
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *login = NULL, *pw = NULL;
    CnNetrcResult r = cn_netrc_lookup (path, cases[i].host, cases[i].user, &login, &pw, &e);
    g_assert_no_error (e);
    g_assert_cmpint (r, ==, cases[i].r);
    g_assert_cmpstr (login, ==, cases[i].login);
    g_assert_cmpstr (pw, ==, cases[i].password);
  }
  /* a missing file is no entry; a malformed one an error naming the line */
  g_autofree char *missing = g_build_filename (dir, "none", NULL);
  g_autofree char *l = NULL, *pw = NULL;
  g_assert_cmpint (cn_netrc_lookup (missing, "h", NULL, &l, &pw, &e), ==, CN_NETRC_NO_ENTRY);
  g_assert_true (g_file_set_contents (path, "machine h\nlogin a\npasswd b\n", -1, NULL));
  g_assert_cmpint (cn_netrc_lookup (path, "h", NULL, &l, &pw, &e), ==, CN_NETRC_ERROR);
  g_assert_nonnull (strstr (e->message, ":3:"));
  g_clear_error (&e);
  g_assert_true (g_file_set_contents (path, "machine h login a password \"open\n", -1, NULL));
  g_assert_cmpint (cn_netrc_lookup (path, "h", NULL, &l, &pw, &e), ==, CN_NETRC_ERROR);
  g_clear_error (&e);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_state_messages (void)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cn-state-XXXXXX", &e);
  g_autofree char *path = g_build_filename (dir, "imap.state", NULL);
  const char *box = "acct/Odd [box] 100%\x01";
  {
    g_autoptr (CnState) st = cn_state_load (path, &e);
    CnBoxState *b = cn_state_box (st, box);
    b->uidvalidity = 9;
    b->last_uid = 30;
    CnMsgState *m = cn_state_msg (b, 17);
    m->tries = 2;
    m->next_try = 1700000000;
    m->done = CN_ACT_KEYWORD | CN_ACT_HOOK;
    cn_state_msg_set (&m->verdict, "action-required");
    cn_state_msg_set (&m->record, "{\"a\":\"x\\u001f\\n\"}");
    cn_state_msg_set (&m->error, "hook x: exit status 3\nsecond line \xff");
    CnMsgState *f = cn_state_msg (b, 5);
    f->failed = TRUE;
    f->tries = 5;
    g_assert_true (cn_state_save (st, &e));
  }
  g_autoptr (CnState) st = cn_state_load (path, &e);
  g_assert_no_error (e);
  g_autofree const char **names = cn_state_box_names (st);
  g_assert_cmpstr (names[0], ==, box);
  g_assert_null (names[1]);
  CnBoxState *b = cn_state_box (st, box);
  g_assert_cmpuint (b->last_uid, ==, 30);
  g_autoptr (GPtrArray) msgs = cn_state_msgs_sorted (b);
  g_assert_cmpuint (msgs->len, ==, 2);
  const CnMsgState *f = msgs->pdata[0], *m = msgs->pdata[1];
  g_assert_cmpuint (f->uid, ==, 5);
  g_assert_true (f->failed);
  g_assert_cmpuint (m->uid, ==, 17);
  g_assert_false (m->failed);
  g_assert_cmpuint (m->tries, ==, 2);
  g_assert_cmpint (m->next_try, ==, 1700000000);
  g_assert_cmpuint (m->done, ==, CN_ACT_KEYWORD | CN_ACT_HOOK);
  g_assert_cmpstr (m->verdict, ==, "action-required");
  g_assert_cmpstr (m->record, ==, "{\"a\":\"x\\u001f\\n\"}");
  g_assert_cmpstr (m->error, ==, "hook x: exit status 3\nsecond line \xef\xbf\xbd");
  cn_state_msg_remove (b, 17);
  g_assert_null (cn_state_msg_lookup (b, 17));
  g_unlink (path);
  g_rmdir (dir);
}

/* An error the IMAP state keeps (cn_set_error): its message in English, the
 * same in the user's language beside it for the log (cn_error_local). */
static void
test_error_languages (void)
{
  g_autofree char *po = g_test_build_filename (G_TEST_BUILT, "po", NULL);
  g_autofree char *mo = g_build_filename (po, "ja", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_assert_true (g_file_test (mo, G_FILE_TEST_IS_REGULAR));
  bindtextdomain (GETTEXT_PACKAGE, po);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  /* English (meson runs the tests under C.UTF-8, LANGUAGE empty) */
  g_autoptr (GError) en = NULL;
  cn_set_error (&en, CN_ERROR_INTERNAL, N_("hook %s: exit status %d"), "/bin/x", 3);
  g_assert_cmpstr (en->message, ==, "hook /bin/x: exit status 3");
  g_assert_cmpstr (cn_error_local (en), ==, "hook /bin/x: exit status 3");
  /* Japanese */
  g_setenv ("LANGUAGE", "ja", TRUE);
  setlocale (LC_ALL, "C.UTF-8");   /* LANGUAGE counts under any locale but C */

  g_autoptr (GError) e = NULL;
  cn_set_error (&e, CN_ERROR_INTERNAL, N_("hook %s: exit status %d"), "/bin/x", 3);
  g_assert_true (g_error_matches (e, CN_ERROR, CN_ERROR_INTERNAL));
  g_assert_cmpstr (e->message, ==, "hook /bin/x: exit status 3");
  g_assert_cmpstr (cn_error_local (e), ==, "フック /bin/x: 終了コード 3");
  /* a copy keeps both; a prefix goes on both */
  g_autoptr (GError) c = g_error_copy (e);
  g_assert_cmpstr (cn_error_local (c), ==, "フック /bin/x: 終了コード 3");
  cn_prefix_error (&c, N_("the server did not return the message: "));
  g_assert_cmpstr (c->message, ==, "the server did not return the message: hook /bin/x: exit status 3");
  g_assert_cmpstr (cn_error_local (c), ==, "サーバがメールを返しませんでした: フック /bin/x: 終了コード 3");
  /* a message changed behind its back: the translation no longer says it */
  g_prefix_error (&e, "x: ");
  g_assert_cmpstr (cn_error_local (e), ==, "x: hook /bin/x: exit status 3");
  /* another domain has no room for a translation: prefixed in English */
  g_autoptr (GError) f = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_NOENT, "gone");
  cn_prefix_error (&f, N_("the server did not return the message: "));
  g_assert_cmpstr (f->message, ==, "the server did not return the message: gone");
  g_assert_cmpstr (cn_error_local (f), ==, f->message);
  /* a plain error, and one whose text has no translation: the message */
  g_autoptr (GError) p = g_error_new_literal (CN_ERROR, CN_ERROR_INPUT, "IMAP UID COPY: NO [TRYCREATE] x");
  g_assert_cmpstr (cn_error_local (p), ==, p->message);
  g_autoptr (GError) u = NULL;
  cn_set_error (&u, CN_ERROR_INPUT, "not in the catalog: %d", 1);
  g_assert_cmpstr (u->message, ==, "not in the catalog: 1");
  g_assert_cmpstr (cn_error_local (u), ==, u->message);

  g_setenv ("LANGUAGE", "", TRUE);
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
  g_test_add_func ("/imap/state-messages", test_state_messages);
  g_test_add_func ("/imap/utf7", test_utf7);
  g_test_add_func ("/imap/mailbox-names", test_mailbox_names);
  g_test_add_func ("/imap/netrc", test_netrc);
  g_test_add_func ("/imap/error-languages", test_error_languages);
  return g_test_run ();
}
