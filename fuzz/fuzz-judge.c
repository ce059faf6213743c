/* fuzz-judge.c — libFuzzer target: src/judge.c, a judge reading the
 * request of a filter (cn_judge_read_request), as a worker of
 * `certnotice serve` reads it from its socket.
 *
 * Input: byte 0, low two bits: how many descriptors come with the request
 * (0 to 3, each /dev/null); bit 2: the bytes come in two writes, cut at
 * byte 1's value; the rest is what the filter writes.  Only a process of
 * the judge's own user can connect (judge.h), but what it sends is still
 * read with care.  Checked:
 *   Q1  a request that is read has a command line of argc words, the
 *       vector ended by NULL, an environment vector ended by NULL, the
 *       three descriptors, a umask within 0777
 *   Q2  a request that is refused says why (a reason the filter prints)
 *   Q3  cn_judge_request_clear closes what the request held (no descriptor
 *       leaks: the number of open descriptors is what it was before)
 */
#include "fuzz-common.h"

#include "judge.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  cn_fuzz_setup ();
  return 0;
}

static int
open_fds (void)
{
  int n = 0;
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    return -1;
  while (readdir (d))
    n++;
  closedir (d);
  return n;
}

static void
send_part (int fd, const uint8_t *p, size_t n, int nfds)
{
  int fds[3];
  for (int i = 0; i < nfds; i++)
    fds[i] = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  union {
    char buf[CMSG_SPACE (sizeof fds)];
    struct cmsghdr align;
  } u;
  memset (&u, 0, sizeof u);
  struct iovec iov = { (void *) p, n };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
  if (nfds > 0) {
    m.msg_control = u.buf;
    m.msg_controllen = CMSG_SPACE (nfds * sizeof (int));
    struct cmsghdr *c = CMSG_FIRSTHDR (&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN (nfds * sizeof (int));
    memcpy (CMSG_DATA (c), fds, nfds * sizeof (int));
  }
  (void) !sendmsg (fd, &m, MSG_NOSIGNAL);
  for (int i = 0; i < nfds; i++)
    close (fds[i]);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* the socket's buffer holds the whole request: no writer thread */
  if (size < 2 || size > 100000)
    return 0;
  int nfds = data[0] & 3;
  gboolean split = (data[0] & 4) != 0;
  const uint8_t *p = data + 2;
  size_t n = size - 2;
  int before = open_fds ();
  int sv[2];
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return 0;
  int big = 1 << 20;
  setsockopt (sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  size_t cut = split ? MIN ((size_t) data[1], n) : n;
  if (cut > 0 || nfds > 0)
    send_part (sv[0], p, cut, nfds);
  if (cut < n)
    send_part (sv[0], p + cut, n - cut, 0);
  shutdown (sv[0], SHUT_WR);

  CnJudgeRequest req;
  char *why = NULL;
  if (cn_judge_read_request (sv[1], 1000, &req, &why)) {
    CN_FUZZ_CHECK (why == NULL, "Q1: a request read, and a reason too: %s", why);
    CN_FUZZ_CHECK (req.argc >= 1 && req.argv != NULL && g_strv_length (req.argv) == (guint) req.argc,
                   "Q1: argc %d, %u words", req.argc, req.argv ? g_strv_length (req.argv) : 0);
    CN_FUZZ_CHECK (req.envp != NULL, "Q1: no environment vector");
    CN_FUZZ_CHECK (req.mail_fd >= 0 && req.stderr_fd >= 0 && req.cwd_fd >= 0, "Q1: a descriptor missing");
    CN_FUZZ_CHECK (req.umask <= 0777, "Q1: umask %o", req.umask);
  } else {
    CN_FUZZ_CHECK (why != NULL && *why, "Q2: refused without a reason");
  }
  cn_judge_request_clear (&req);
  g_free (why);
  close (sv[0]);
  close (sv[1]);
  int after = open_fds ();
  CN_FUZZ_CHECK (after == before, "Q3: %d descriptors open before, %d after", before, after);
  return 0;
}
