/*
 * bi_body.c -- builtin test `body CMP OPERAND`: the raw message body
 * (after the header's blank line, not MIME-decoded, at most limits.body_scan
 * bytes) as one value.  Decoded text parts come with the MIME walk.
 */
#include "config.h"
#include "registry.h"

static const struct rl_bi_form forms[] = {
    { "TEXT", 0 },
    { NULL, 0 }
};

static int
body_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    const char *p;
    size_t n;

    (void)call;
    if (rl_bi_body(env, &p, &n) < 0)
        return -1;
    rl_bi_text(r, p, n);
    return 0;
}

const struct rl_builtin rl_bi_body_def = {
    .name = "body",
    .summary = "the raw message body",
    .forms = forms,
    .eval = body_eval,
};
