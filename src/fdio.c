/* fdio.c — writing to file descriptors, whole or not at all. */
#include "fdio.h"

#include <errno.h>
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
