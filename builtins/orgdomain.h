/*
 * orgdomain.h -- organisational (registrable) domains for the rule
 * language, through the lazily loaded weir_psl.so module (psl_api.h):
 * the module is dlopen()ed on the first call, so a delivery whose rules
 * never ask pays nothing for libpsl.
 *
 * orgdomain_get() and orgdomain_canonical() return PSL_OK, PSL_SUFFIX or
 * PSL_INVALID (psl_api.h), or -1 with *st set when the module cannot be
 * loaded (4.3.0: an installation problem).  An address literal
 * ("[192.0.2.1]", "[IPv6:2001:db8::1]") is its own organisational
 * domain, in canonical bracketed form.
 */
#ifndef WEIR_ORGDOMAIN_H
#define WEIR_ORGDOMAIN_H

#include "psl_api.h"
#include "status.h"

int orgdomain_get(const char *domain, char out[PSL_NAME_MAX], struct status *st);
int orgdomain_canonical(const char *domain, char out[PSL_NAME_MAX], struct status *st);
/* An address literal "[...]" in canonical form into out: 1; 0 when domain
 * is not a literal; -1 when it is a bad one. */
int orgdomain_literal(const char *domain, char out[PSL_NAME_MAX]);

#endif
