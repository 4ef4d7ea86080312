/*
 * bi_body.c -- builtin test `body CMP OPERAND`: the raw message body
 * (after the header's blank line, not MIME-decoded) as one value.  Decoded
 * text parts are a later issue (MIME walk); this one is cheap and exact.
 */
#include "config.h"
#include "registry.h"

static int
body_values(struct rl_bi_env *env, rl_bi_emit emit, void *ectx)
{
    const char *p;
    size_t n;

    if (rl_bi_body(env, &p, &n) < 0)
        return -1;
    emit(ectx, p, n);
    return 0;
}

const struct rl_builtin rl_bi_body_def = {
    "body", "the raw message body", NULL, body_values
};
