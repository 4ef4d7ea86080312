/*
 * bi_duplicate.c -- builtin test `duplicate`: messages already delivered (by Message-ID).  Reserved: the name is known
 * so that rule files using it get a clear message ("not available in this
 * version of weir"), but it has no eval() yet.
 */
#include "config.h"
#include "registry.h"

const struct rl_builtin rl_bi_duplicate_def = {
    .name = "duplicate",
    .summary = "messages already delivered (by Message-ID)",
};
