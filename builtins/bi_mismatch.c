/*
 * bi_mismatch.c -- builtin test `mismatch`: envelope/header sender mismatch.  Reserved: the name is
 * registered so rules can be checked, but it is implemented by the mismatch issue;
 * until then `weir check` reports it as not available in this build.
 */
#include "config.h"
#include "registry.h"

const struct rl_builtin rl_bi_mismatch_def = {
    "mismatch", "envelope/header sender mismatch", "the mismatch issue", NULL
};
