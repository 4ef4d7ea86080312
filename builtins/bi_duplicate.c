/*
 * bi_duplicate.c -- builtin test `duplicate`: duplicate Message-ID detection.  Reserved: the name is
 * registered so rules can be checked, but it is implemented by the duplicates issue;
 * until then `weir check` reports it as not available in this build.
 */
#include "config.h"
#include "registry.h"

const struct rl_builtin rl_bi_duplicate_def = {
    "duplicate", "duplicate Message-ID detection", "the duplicates issue", NULL
};
