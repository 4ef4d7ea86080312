/*
 * bi_rhsbl.c -- builtin test `rhsbl`: domain block list lookups.  Reserved: the name is
 * registered so rules can be checked, but it is implemented by the DNSBL issue;
 * until then `weir check` reports it as not available in this build.
 */
#include "config.h"
#include "registry.h"

const struct rl_builtin rl_bi_rhsbl_def = {
    "rhsbl", "domain block list lookups", "the DNSBL issue", NULL
};
