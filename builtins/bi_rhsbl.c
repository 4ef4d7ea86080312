/*
 * bi_rhsbl.c -- builtin test `rhsbl`: domain block list lookups of sender and From domains.  Reserved: the name is known
 * so that rule files using it get a clear message ("not available in this
 * version of weir"), but it has no eval() yet.
 */
#include "config.h"
#include "registry.h"

const struct rl_builtin rl_bi_rhsbl_def = {
    .name = "rhsbl",
    .summary = "domain block list lookups of sender and From domains",
};
