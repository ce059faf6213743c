/* judge.c — the judge's socket and what goes over it (judge.h): the
 * filter's side (cn_judge_ask) and the reading of a request
 * (cn_judge_read_request), which the judge's workers use (cmd-serve.c). */
#include "judge.h"
#include "buildinfo.h"
#include "fdio.h"

#include "i18n.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAGIC "certnotice-judge 1 "
#define MAX_REQUEST (4 << 20)   /* argv and environment: far more than either holds */

gboolean cn_judge_asked;

char *
cn_judge_socket_path (const CnConfig *config)
{
  if (config && config->judge_socket)
    return strcmp (config->judge_socket, "none") == 0 ? NULL : g_strdup (config->judge_socket);
  const char *rt = g_getenv ("XDG_RUNTIME_DIR");
  if (rt && g_path_is_absolute (rt))
    return g_build_filename (rt, "certnotice", "judge.sock", NULL);
  return g_strdup_printf ("/run/user/%u/certnotice/judge.sock", (unsigned) geteuid ());
}

/* Wait until FD is readable, at most MS; FALSE on timeout or error. */
static gboolean
wait_readable (int fd, int ms)
{
  for (;;) {
    struct pollfd pf = { fd, POLLIN, 0 };
    int r = poll (&pf, 1, ms);
    if (r < 0 && errno == EINTR)
      continue;
    return r > 0;
  }
}

/* The request's bytes after its first line. */
static void
add_word (GString *s, const char *w)
{
  g_string_append (s, w);
  g_string_append_c (s, '\0');
}

CnJudgeAnswer
cn_judge_ask (const char *path, const char *data, gsize len, const char *key, int argc, char **argv,
              gint64 deadline, int *fd, char **why)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (path == NULL || strlen (path) >= sizeof sa.sun_path)
    return CN_JUDGE_ABSENT;
  struct stat st;
  if (stat (path, &st) != 0 || !S_ISSOCK (st.st_mode))
    return CN_JUDGE_ABSENT;   /* most users run none: one stat */
  strcpy (sa.sun_path, path);
  int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return CN_JUDGE_ABSENT;
  if (connect (s, (struct sockaddr *) &sa, sizeof sa) != 0) {
    int err = errno;
    close (s);
    if (err == ENOENT || err == ECONNREFUSED)
      return CN_JUDGE_ABSENT;   /* a socket left by a judge that ended */
    *why = g_strdup_printf (_("cannot connect: %s"), g_strerror (err));
    return CN_JUDGE_REFUSED;
  }
  /* a judge of another user could choose the verdict: never ask one */
  struct ucred cred;
  socklen_t cl = sizeof cred;
  if (getsockopt (s, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 || cred.uid != geteuid ()) {
    *why = g_strdup_printf (_("it runs as uid %u, not as this user: not asked"), (unsigned) cred.uid);
    close (s);
    return CN_JUDGE_REFUSED;
  }

  int mail = cn_fd_with_bytes (data, len);
  int cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  mode_t mask = umask (0077);
  umask (mask);
  g_autoptr (GString) body = g_string_new (NULL);
  char num[64];
  g_snprintf (num, sizeof num, "%" G_GINT64_FORMAT, deadline);
  add_word (body, num);
  g_snprintf (num, sizeof num, "%o", (unsigned) mask);
  add_word (body, num);
  add_word (body, key ? key : "");
  g_snprintf (num, sizeof num, "%d", argc);
  add_word (body, num);
  for (int i = 0; i < argc; i++)
    add_word (body, argv[i]);
  for (char **e = environ; *e; e++)
    add_word (body, *e);
  g_autofree char *head = g_strdup_printf (MAGIC "%s %zu\n", CERTNOTICE_VERSION, body->len);
  gboolean sent = FALSE;
  if (mail >= 0 && cwd >= 0) {
    int fds[3] = { mail, STDERR_FILENO, cwd };
    union {
      char buf[CMSG_SPACE (sizeof fds)];
      struct cmsghdr align;
    } u;
    memset (&u, 0, sizeof u);
    struct iovec iov = { head, strlen (head) };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR (&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN (sizeof fds);
    memcpy (CMSG_DATA (c), fds, sizeof fds);
    ssize_t n;
    while ((n = sendmsg (s, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
      ;
    sent = n == (ssize_t) strlen (head) && cn_write_all (s, body->str, body->len);
  }
  int err = errno;
  if (mail >= 0)
    close (mail);
  if (cwd >= 0)
    close (cwd);
  if (!sent) {
    *why = g_strdup_printf (_("cannot send the mail: %s"), g_strerror (err));
    close (s);
    return CN_JUDGE_REFUSED;
  }

  /* its answer line: looked at before it is taken, so that nothing of the
   * blocks after it on the same socket is.  A judge that does not answer
   * soon is stuck: judging here leaves time. */
  gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
  int wait_ms = (int) CLAMP (left / 4, 0, 2000);
  char line[512];
  gsize n = 0;
  for (;;) {
    if (!wait_readable (s, wait_ms)) {
      *why = g_strdup (_("no answer"));
      break;
    }
    ssize_t r = recv (s, line + n, sizeof line - 1 - n, MSG_PEEK);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0) {
      *why = g_strdup (_("it ended the connection"));
      break;
    }
    const char *nl = memchr (line + n, '\n', (gsize) r);
    gsize take = nl ? (gsize) (nl - (line + n)) + 1 : (gsize) r;
    if (read (s, line + n, take) != (ssize_t) take) {   /* what was there */
      *why = g_strdup (_("it ended the connection"));
      break;
    }
    n += take;
    if (nl) {
      line[n - 1] = '\0';
      if (strcmp (line, "ok") == 0) {
        *fd = s;
        return CN_JUDGE_OK;
      }
      *why = g_strdup (g_str_has_prefix (line, "no ") ? line + 3 : line);
      break;
    }
    if (n == sizeof line - 1) {
      *why = g_strdup (_("an answer of another protocol"));
      break;
    }
  }
  close (s);
  return CN_JUDGE_REFUSED;
}

/* ---------------------------------------------------------------------- */
/* the judge's side                                                        */

void
cn_judge_request_clear (CnJudgeRequest *req)
{
  int *fds[] = { &req->mail_fd, &req->stderr_fd, &req->cwd_fd };
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    if (*fds[i] >= 0) {
      close (*fds[i]);
      *fds[i] = -1;
    }
  g_clear_pointer (&req->key, g_free);
  g_clear_pointer (&req->argv, g_strfreev);
  g_clear_pointer (&req->envp, g_strfreev);
}

/* Take the descriptors of M's SCM_RIGHTS message into REQ (at most 3). */
static void
take_fds (struct msghdr *m, CnJudgeRequest *req)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR (m); c; c = CMSG_NXTHDR (m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    gsize nfd = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
    int fds[16];
    memcpy (fds, CMSG_DATA (c), MIN (nfd, G_N_ELEMENTS (fds)) * sizeof (int));
    for (gsize i = 0; i < nfd && i < G_N_ELEMENTS (fds); i++) {
      int *slot = i == 0 ? &req->mail_fd : i == 1 ? &req->stderr_fd : i == 2 ? &req->cwd_fd : NULL;
      if (slot && *slot < 0)
        *slot = fds[i];
      else
        close (fds[i]);
    }
  }
}

gboolean
cn_judge_read_request (int conn, int timeout_ms, CnJudgeRequest *req, char **why)
{
  *req = (CnJudgeRequest) { .mail_fd = -1, .stderr_fd = -1, .cwd_fd = -1 };
  g_autoptr (GString) in = g_string_new (NULL);
  gsize want = 0, body = 0;
  gboolean first = TRUE;
  for (;;) {
    if (!wait_readable (conn, timeout_ms)) {
      *why = g_strdup ("no request");
      return FALSE;
    }
    char buf[65536];
    union {
      char b[CMSG_SPACE (16 * sizeof (int))];
      struct cmsghdr align;
    } u;
    struct iovec iov = { buf, sizeof buf };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };
    ssize_t n = recvmsg (conn, &m, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      *why = g_strdup ("the request ended early");
      return FALSE;
    }
    if (first)
      take_fds (&m, req);
    first = FALSE;
    g_string_append_len (in, buf, n);
    if (body == 0) {
      const char *nl = memchr (in->str, '\n', in->len);
      if (nl == NULL) {
        if (in->len > 256) {
          *why = g_strdup ("a request of another protocol");
          return FALSE;
        }
        continue;
      }
      /* "certnotice-judge 1 VERSION N": no NUL in it, the version a
       * word of its own after the magic */
      gsize ll = (gsize) (nl - in->str);
      g_autofree char *line = memchr (in->str, '\0', ll) ? NULL : g_strndup (in->str, ll);
      const char *sp = line ? strrchr (line, ' ') : NULL;
      g_autofree char *version = sp && g_str_has_prefix (line, MAGIC) && sp > line + strlen (MAGIC)
                                   ? g_strndup (line + strlen (MAGIC), (gsize) (sp - line) - strlen (MAGIC))
                                   : NULL;
      if (version == NULL) {
        *why = g_strdup ("a request of another protocol");
        return FALSE;
      }
      if (strcmp (version, CERTNOTICE_VERSION) != 0) {
        *why = g_strdup_printf ("this judge is certnotice %s, the filter %s", CERTNOTICE_VERSION, version);
        return FALSE;
      }
      want = (gsize) g_ascii_strtoull (sp + 1, NULL, 10);
      body = (gsize) (nl - in->str) + 1;
      if (want == 0 || want > MAX_REQUEST) {
        *why = g_strdup ("a request of another protocol");
        return FALSE;
      }
    }
    if (in->len >= body + want)
      break;
  }
  if (in->len != body + want || in->str[body + want - 1] != '\0') {
    *why = g_strdup ("a request of another protocol");
    return FALSE;
  }
  /* the words */
  g_autoptr (GPtrArray) words = g_ptr_array_new ();
  for (gsize i = body; i < body + want; i += strlen (in->str + i) + 1)
    g_ptr_array_add (words, in->str + i);
  gint64 argc = words->len >= 4 ? g_ascii_strtoll (words->pdata[3], NULL, 10) : -1;
  if (argc < 1 || argc > (gint64) words->len - 4 || req->mail_fd < 0 || req->stderr_fd < 0 || req->cwd_fd < 0) {
    *why = g_strdup ("a request of another protocol");
    return FALSE;
  }
  req->deadline = g_ascii_strtoll (words->pdata[0], NULL, 10);
  req->umask = (guint) g_ascii_strtoull (words->pdata[1], NULL, 8) & 0777;
  req->key = *(const char *) words->pdata[2] ? g_strdup (words->pdata[2]) : NULL;
  req->argc = (int) argc;
  req->argv = g_new0 (char *, argc + 1);
  for (gint64 i = 0; i < argc; i++)
    req->argv[i] = g_strdup (words->pdata[4 + i]);
  guint ne = words->len - 4 - (guint) argc;
  req->envp = g_new0 (char *, ne + 1);
  for (guint i = 0; i < ne; i++)
    req->envp[i] = g_strdup (words->pdata[4 + argc + i]);
  return TRUE;
}

/* KEY from its "config" line on (prefilter-cache.c: after the lines of
 * the set-up's name, the versions and the executable), or NULL. */
static const char *
rule_inputs (const char *key)
{
  const char *p = key ? strstr (key, "\nconfig ") : NULL;
  return p ? p + 1 : NULL;
}

gboolean
cn_judge_same_rules (const char *key_a, const char *key_b)
{
  const char *a = rule_inputs (key_a), *b = rule_inputs (key_b);
  return a && b && strcmp (a, b) == 0;
}

/* Does the variable NAME (LEN bytes) decide how a mail is judged? */
static gboolean
matters (const char *name, gsize len)
{
  static const char *const names[] = { "HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strlen (names[i]) == len && memcmp (name, names[i], len) == 0)
      return TRUE;
  /* the front's mark across its exec (main.c) is no set-up */
  static const char front[] = "CERTNOTICE_FRONT_EXEC";
  if (len == sizeof front - 1 && memcmp (name, front, len) == 0)
    return FALSE;
  return len > 11 && memcmp (name, "CERTNOTICE_", 11) == 0;
}

/* The variables of ENVP that matter: name → "name=value" (borrowed). */
static GHashTable *
mattering (char **envp)
{
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (char **e = envp; e && *e; e++) {
    const char *eq = strchr (*e, '=');
    if (eq && matters (*e, (gsize) (eq - *e)))
      g_hash_table_insert (h, g_strndup (*e, (gsize) (eq - *e)), *e);
  }
  return h;
}

char *
cn_judge_env_differs (char **envp, char **judge)
{
  g_autoptr (GHashTable) theirs = mattering (envp);
  g_autoptr (GHashTable) mine = mattering (judge ? judge : environ);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, mine);
  while (g_hash_table_iter_next (&it, &k, &v)) {
    const char *t = g_hash_table_lookup (theirs, k);
    if (t == NULL || strcmp (t, v) != 0)
      return g_strdup (k);
    g_hash_table_remove (theirs, k);
  }
  g_hash_table_iter_init (&it, theirs);
  if (g_hash_table_iter_next (&it, &k, &v))
    return g_strdup (k);
  return NULL;
}
