/*
 * bi_mismatch.c -- builtin test `mismatch`: envelope and header sender mismatch.  Reserved: the name is known
 * so that rule files using it get a clear message ("not available in this
 * version of weir"), but it has no eval() yet.
 */
#include "config.h"
#include "registry.h"

const struct rl_builtin rl_bi_mismatch_def = {
    .name = "mismatch",
    .summary = "envelope and header sender mismatch",
};
