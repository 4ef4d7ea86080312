/*
 * bi_domain.h -- canonical and organisational domains for the rule
 * language (the VM's `address ... orgdomain`, `envelope ... orgdomain`,
 * `mismatch`, `rhsbl`), through the host's module loader: the psl module
 * (psl_api.h) is loaded on the first call only, so a message whose rules
 * never ask for an organisational domain never loads libpsl.
 *
 * rl_bi_domain() writes into out[PSL_NAME_MAX] the canonical form (org 0)
 * or the organisational domain (org 1) of domain: lower case, A-labels,
 * no final dot; an address literal ("[192.0.2.1]") is its own
 * organisational domain.  Returns 0, or -1 when there is none: not a
 * domain name, a public suffix itself ("co.uk" has no organisational
 * domain), or the module cannot be loaded (logged once per message).
 */
#ifndef WEIR_BI_DOMAIN_H
#define WEIR_BI_DOMAIN_H

#include "psl_api.h"
#include "registry.h"

int rl_bi_domain(struct rl_bi_env *env, const char *domain, int org, char out[PSL_NAME_MAX]);

#endif
