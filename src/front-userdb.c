/* front-userdb.c — the front's user database: none.
 *
 * The front (module.h) is linked statically, libc too: most mail is passed
 * on by it, and the dynamic loader alone cost it a third of such a run.  A
 * static libc reads the user database (NSS) only by loading the shared one
 * of the very same glibc build, which no installation promises.  The front
 * never reads it: GLib asks it for the home directory only when $HOME is
 * not set, and then main() hands the whole run to the full program (shared
 * libc, NSS as usual) before anything is read.  These take the place of
 * glibc's, so that GLib's references to them link to nothing that loads
 * NSS: each answers "no such user". */
#include <errno.h>
#include <pwd.h>
#include <stddef.h>

struct passwd *
getpwuid (uid_t uid)
{
  (void) uid;
  errno = ENOENT;
  return NULL;
}

int
getpwuid_r (uid_t uid, struct passwd *pwd, char *buf, size_t buflen, struct passwd **result)
{
  (void) uid;
  (void) pwd;
  (void) buf;
  (void) buflen;
  *result = NULL;
  return 0;
}

int
getpwnam_r (const char *name, struct passwd *pwd, char *buf, size_t buflen, struct passwd **result)
{
  (void) name;
  (void) pwd;
  (void) buf;
  (void) buflen;
  *result = NULL;
  return 0;
}
