/*
 * bi_size.c -- builtin test `size REL NUMBER`: the whole message in bytes
 * as received (after CRLF normalisation), e.g. `size > 5M`.
 */
#include "config.h"
#include "registry.h"

static const struct rl_bi_form forms[] = {
    { "NUM", 0 },
    { NULL, 0 }
};

static int
size_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    (void)call;
    rl_bi_number(r, (double)env->msg->size);
    return 0;
}

const struct rl_builtin rl_bi_size_def = {
    .name = "size",
    .summary = "the size of the message in bytes",
    .forms = forms,
    .eval = size_eval,
};
