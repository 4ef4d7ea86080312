/*
 * fuzz_loader.c -- libFuzzer target: arbitrary bytes as a bytecode image
 * (or a whole cache file: its key block is skipped).  rl_load must refuse
 * or return a program that disassembles, re-serializes to the same bytes
 * and runs against a small message to completion, never crash.
 */
#include "config.h"
#include "rl.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char hdr[] = "From: A <a+b@example.org>\nTo: c@d\nSubject: =?utf-8?q?x?=\n\n";

static int
body(void *ctx, const char **p, size_t *n)
{
    (void)ctx;
    *p = "body text\n";
    *n = 10;
    return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct rl_program *p;
    struct status st;
    struct buf out = BUF_INIT, img = BUF_INIT;

    if (size >= 12 && memcmp(data, "WEIRRC01", 8) == 0) {
        size_t k = (size_t)data[8] | (size_t)data[9] << 8 | (size_t)data[10] << 16 |
                   (size_t)data[11] << 24;
        if (k > size - 12)
            return 0;
        data += 12 + k;
        size -= 12 + k;
    }
    if (rl_load(data, size, NULL, &p, &st) != 0)
        return 0;
    rl_disassemble(p, &out);
    rl_serialize(p, &img);
    if (img.len != size || memcmp(img.data, data, size) != 0)
        abort();                /* load/serialize are not inverse */
    {
        struct rl_msg m;
        struct rl_limits lim;
        struct action_list al;

        memset(&m, 0, sizeof m);
        m.header = hdr;
        m.header_len = sizeof hdr - 1;
        m.size = 100;
        m.get_body = body;
        m.envelope_from = "x@y";
        m.envelope_to = "u+d@v";
        m.user = "u";
        rl_limits_default(&lim);
        lim.steps = 100000;
        actions_init(&al);
        rl_run(p, &m, NULL, &lim, &al, NULL, &st);
        actions_free(&al);
    }
    rl_program_free(p);
    buf_free(&out);
    buf_free(&img);
    return 0;
}
