/* netrc.h — credentials from a netrc file (~/.netrc, as ftp(1) and curl).
 *
 * libcurl 7.88 (Debian 12) skips the netrc file whenever CURLOPT_USERNAME is
 * set (lib/url.c override_login: "use_netrc && !STRING_USERNAME", from 7.76
 * until 8.21), so a `user` in the config made ~/.netrc useless; and an
 * account without any password then logged in with an empty one.  The IMAP
 * mode reads the file itself, before connecting, with curl's rules.
 */
#pragma once

#include "certnotice.h"

G_BEGIN_DECLS

typedef enum {
  CN_NETRC_FOUND,       /* *LOGIN (or NULL) and *PASSWORD filled        */
  CN_NETRC_NO_ENTRY,    /* no file, or no entry for that host and user  */
  CN_NETRC_ERROR,       /* unreadable or malformed: ERROR set            */
} CnNetrcResult;

/* Look HOST (case-insensitive) and USER (NULL: any) up in the netrc file
 * PATH.  The first "machine HOST" entry whose login is USER — or that has
 * no login — wins; else the "default" entry, with the same condition on
 * its login.  Only an entry with a password counts.  Tokens are separated
 * by white space, may be "quoted" with \-escapes; # starts a comment;
 * "macdef" bodies (up to an empty line) are skipped.  *LOGIN and *PASSWORD
 * are new strings (the caller frees them; *LOGIN may be NULL). */
CnNetrcResult cn_netrc_lookup (const char *path, const char *host, const char *user, char **login,
                               char **password, GError **error);

/* The netrc file: $HOME/.netrc (new string). */
char *cn_netrc_default_path (void);

G_END_DECLS
