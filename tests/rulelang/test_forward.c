/*
 * test_forward.c -- regression cases from fuzz_loader: bytecode that
 * loops.  The language has no loops, so the verifier refuses every
 * backward or self jump (every verified program ends within its own
 * length); and header edits cannot grow the header past
 * RL_HEADER_EDIT_MAX (fuzz_loader found a loop of `header add` that grew
 * it quadratically until the step budget).
 */
#include "config.h"
#include "rl.h"
#include "rl_int.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>

static const char rules[] =
    "if header \"Subject\" contains \"a\" or size > 10 {\n"
    "    file \"x/\"\n"
    "} elif header \"To\" is \"b\" {\n"
    "    discard\n"
    "} else {\n"
    "    log \"c\"\n"
    "}\n";

static const char header[] = "Subject: abc\nTo: b\n\n";

int
main(void)
{
    struct rl_diags d;
    struct rl_program *p, *q;
    struct status st;
    size_t jumps = 0, refused = 0;

    rl_diags_init(&d);
    p = rl_compile("f.rules", rules, sizeof rules - 1, NULL, NULL, &d);
    if (!ok(p != NULL, "the test program compiles"))
        return done();
    for (size_t i = 0; i < p->ncode; i++) {
        struct rl_insn *in = &p->code[i];
        uint32_t keep;

        if (in->op != RL_OP_JMP && in->op != RL_OP_JT && in->op != RL_OP_JF)
            continue;
        jumps++;
        ok(in->c > i, "the compiler's jump at %zu goes forward (to %u)", i, (unsigned)in->c);
        keep = in->c;
        for (uint32_t t = 0; t <= i; t++) {
            struct buf img = BUF_INIT;

            in->c = t;
            rl_serialize(p, &img);
            if (rl_load(img.data, img.len, NULL, &q, &st) < 0 &&
                strstr(st.text, "not forward") != NULL)
                refused++;
            else if (q)
                rl_program_free(q);
            buf_free(&img);
        }
        in->c = keep;
    }
    ok(jumps >= 3, "the program has jumps (%zu)", jumps);
    {
        size_t want = 0;
        for (size_t i = 0; i < p->ncode; i++)
            if (p->code[i].op == RL_OP_JMP || p->code[i].op == RL_OP_JT ||
                p->code[i].op == RL_OP_JF)
                want += i + 1;
        is_long((long)refused, (long)want, "every backward or self jump is refused");
    }
    rl_program_free(p);
    rl_diags_free(&d);

    /* Header edits stop at RL_HEADER_EDIT_MAX: 40 edits of 60 KB. */
    {
        struct buf src = BUF_INIT, big = BUF_INIT;
        struct rl_msg m;
        struct action_list out;
        struct rl_limits lim;
        size_t adds = 0;

        for (int i = 0; i < 60000; i++)
            buf_addc(&big, 'x');
        for (int i = 0; i < 40; i++)
            buf_printf(&src, "header add \"X-Big\" \"%s\"\n", big.data);
        rl_diags_init(&d);
        p = rl_compile("h.rules", src.data, src.len, NULL, NULL, &d);
        ok(p != NULL, "40 big header edits compile");
        memset(&m, 0, sizeof m);
        m.header = header;
        m.header_len = sizeof header - 1;
        m.size = 100;
        m.envelope_from = "x@y";
        m.envelope_to = "u@v";
        rl_limits_default(&lim);
        actions_init(&out);
        ok(p && rl_run(p, &m, NULL, &lim, &out, NULL, &st) == 0, "they run");
        for (size_t i = 0; i < out.n; i++)
            adds += out.v[i].kind == ACT_HEADER_ADD;
        ok(adds > 0 && adds < 40 && adds * 60000 <= 1024 * 1024,
           "edits past the header limit are ignored (%zu of 40 applied)", adds);
        actions_free(&out);
        rl_program_free(p);
        rl_diags_free(&d);
        buf_free(&src);
        buf_free(&big);
    }
    return done();
}
