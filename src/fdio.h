/* fdio.h — writing to file descriptors, whole or not at all. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Write all N bytes of P to FD, retrying on EINTR and short writes.
 * FALSE with errno set on failure. */
gboolean cn_write_all (int fd, const void *p, gsize n);

G_END_DECLS
