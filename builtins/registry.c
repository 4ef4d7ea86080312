/*
 * registry.c -- the list of builtin tests (see registry.h).  Adding a
 * builtin: write builtins/bi_NAME.c with one const struct rl_builtin, add
 * one line below and the file to builtins/local.mk.  The bytecode stores a
 * builtin by its index here, so new builtins are appended (the cache key
 * covers the weir version, so a reorder only costs a rebuild).
 */
#include "config.h"
#include "registry.h"

#include <string.h>

extern const struct rl_builtin rl_bi_body_def, rl_bi_attachment_def,
    rl_bi_dnsbl_def, rl_bi_rhsbl_def, rl_bi_mismatch_def, rl_bi_duplicate_def;

const struct rl_builtin *const rl_builtins[] = {
    &rl_bi_body_def,
    &rl_bi_attachment_def,
    &rl_bi_dnsbl_def,
    &rl_bi_rhsbl_def,
    &rl_bi_mismatch_def,
    &rl_bi_duplicate_def,
};
const size_t rl_nbuiltins = sizeof rl_builtins / sizeof rl_builtins[0];
_Static_assert(sizeof rl_builtins / sizeof rl_builtins[0] <= 32,
               "struct rl_program.uses has 32 bits");

int
rl_builtin_find(const char *name)
{
    for (size_t i = 0; i < rl_nbuiltins; i++)
        if (strcmp(rl_builtins[i]->name, name) == 0)
            return (int)i;
    return -1;
}

int
rl_bi_body(struct rl_bi_env *env, const char **p, size_t *len)
{
    if (env->body_state == 0) {
        env->body_state = -1;
        if (env->msg && env->msg->get_body &&
            env->msg->get_body(env->msg->body_ctx, &env->body, &env->body_len) == 0)
            env->body_state = 1;
    }
    if (env->body_state < 0)
        return -1;
    *p = env->body;
    *len = env->body_len;
    return 0;
}
