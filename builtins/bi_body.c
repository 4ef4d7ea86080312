/*
 * bi_body.c -- builtin test `body [raw] CMP OPERAND`.
 *
 *   body CMP OPERAND       the decoded body text: the text/plain and
 *                          text/html parts that are not attachments,
 *                          transfer-decoded, in UTF-8, HTML tags removed
 *                          (builtins/mime_text.c, BODY TEXT RULES), at
 *                          most limits.body_scan bytes
 *   body raw CMP OPERAND   the raw body: the bytes after the header's
 *                          blank line, not decoded, at most
 *                          limits.body_scan bytes
 * Each is one value.  The decoded text comes from the MIME walk shared
 * with `attachment` (bi_mime.h); eval returns -1 (the test is false,
 * logged) when the host cannot give the message or its body.
 */
#include "config.h"
#include "bi_mime.h"
#include "registry.h"

enum { B_DECODED, B_RAW };

static const struct rl_bi_form forms[] = {
    { "TEXT", B_DECODED },
    { "raw TEXT", B_RAW },          /* "raw" cannot start a comparison */
    { NULL, 0 }
};

static int
body_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    const char *p;
    size_t n;

    if (call->id == B_RAW) {
        if (rl_bi_body(env, &p, &n) < 0)
            return -1;
    } else if (bi_mime_text(env, &p, &n) < 0) {
        rl_bi_note(r, "the message cannot be read part by part");
        return -1;
    }
    rl_bi_text(r, p, n);
    return 0;
}

const struct rl_builtin rl_bi_body_def = {
    .name = "body",
    .summary = "the decoded body text, or the raw body (`body raw`)",
    .forms = forms,
    .eval = body_eval,
};
