/*
 * bi_string.c -- builtin test `string "TEXT" CMP OPERAND`: compares a
 * string built by interpolation (variables, captures, ${sender}...), e.g.
 * `string "${extension}" is "lists"`.
 */
#include "config.h"
#include "registry.h"

static const struct rl_bi_form forms[] = {
    { "STR TEXT", 0 },
    { NULL, 0 }
};

static int
string_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    (void)env;
    rl_bi_text(r, call->arg[0], call->arglen[0]);
    return 0;
}

const struct rl_builtin rl_bi_string_def = {
    .name = "string",
    .summary = "a string built from variables and captures",
    .forms = forms,
    .eval = string_eval,
};
