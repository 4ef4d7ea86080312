/*
 * bi_dnsbl.c -- builtin test `dnsbl`: DNS block list lookups of the client address.  Reserved: the name is known
 * so that rule files using it get a clear message ("not available in this
 * version of weir"), but it has no eval() yet.
 */
#include "config.h"
#include "registry.h"

const struct rl_builtin rl_bi_dnsbl_def = {
    .name = "dnsbl",
    .summary = "DNS block list lookups of the client address",
};
