/* authn.h — is a matched notice really from its provider? */
#pragma once

#include "rules.h"

G_BEGIN_DECLS

/* DOMAIN is one of GENUINE (NULL-terminated) or a subdomain of one. */
gboolean cn_authn_domain_is_genuine (const char *domain, char *const *genuine);

/* Set N->authentic from its mail's From and Authentication-Results; a
 * notice that is not authentic becomes suspicious. */
void cn_authn_judge (CnNotice *n, const CnOptions *opts);

G_END_DECLS
