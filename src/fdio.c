/* fdio.c — writing to file descriptors, whole or not at all. */
#include "fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

gboolean
cn_write_all (int fd, const void *p, gsize n)
{
  const char *c = p;
  while (n > 0) {
    ssize_t w = write (fd, c, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return FALSE;
    c += w;
    n -= (gsize) w;
  }
  return TRUE;
}

int
cn_fd_with_bytes (const char *data, gsize len)
{
  int fd = memfd_create ("certnotice-mail", MFD_CLOEXEC);
  if (fd < 0)
    fd = open (g_get_tmp_dir (), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  if (!cn_write_all (fd, data, len) || lseek (fd, 0, SEEK_SET) != 0) {
    int err = errno;
    close (fd);
    errno = err;
    return -1;
  }
  return fd;
}
