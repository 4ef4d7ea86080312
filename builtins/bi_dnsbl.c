/*
 * bi_dnsbl.c -- builtin test `dnsbl`: DNS block list lookups of the relays.  Reserved: the name is
 * registered so rules can be checked, but it is implemented by the DNSBL issue;
 * until then `weir check` reports it as not available in this build.
 */
#include "config.h"
#include "registry.h"

const struct rl_builtin rl_bi_dnsbl_def = {
    "dnsbl", "DNS block list lookups of the relays", "the DNSBL issue", NULL
};
