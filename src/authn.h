/* authn.h — is a matched notice really from its provider? */
#pragma once

#include "rules.h"

G_BEGIN_DECLS

/* DOMAIN is one of GENUINE (NULL-terminated) or a subdomain of one. */
gboolean cn_authn_domain_is_genuine (const char *domain, char *const *genuine);

/* Set N->authentic from its mail's From and Authentication-Results; a
 * notice that is not authentic becomes suspicious. */
void cn_authn_judge (CnNotice *n, const CnOptions *opts);

/* Is M's sender one of OPTS->trusted_forwarders (an address, or a domain
 * and its subdomains), authenticated by a trusted Authentication-Results
 * (dmarc=pass, or dkim=pass for the From domain)?  Every From mailbox must
 * be; an unauthenticated mail is never trusted. */
gboolean cn_authn_trusted_forwarder (const CnMail *m, const CnOptions *opts);

G_END_DECLS
