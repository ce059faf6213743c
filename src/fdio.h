/* fdio.h — writing to file descriptors, whole or not at all. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Write all N bytes of P to FD, retrying on EINTR and short writes.
 * FALSE with errno set on failure. */
gboolean cn_write_all (int fd, const void *p, gsize n);

/* A new descriptor (close-on-exec) holding the LEN bytes of DATA, read from
 * their start: a memfd, else an unnamed file in $TMPDIR.  -1 with errno set
 * when neither can be made and written. */
int cn_fd_with_bytes (const char *data, gsize len);

G_END_DECLS
