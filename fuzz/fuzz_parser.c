/*
 * fuzz_parser.c -- libFuzzer target: arbitrary bytes as a rule file.
 * rl_compile must return a program or diagnostics, never crash; every
 * compiled program must disassemble, serialize, load back (verifier
 * accepts what the compiler emits) and serialize to the same bytes.
 * `include` is served from a tiny in-memory file system.
 */
#include "config.h"
#include "rl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int
read_mem(void *ctx, const char *path, struct buf *out, char *err, size_t errlen)
{
    (void)ctx;
    if (strstr(path, "a.inc")) {
        buf_adds(out, "if header \"X\" exists { file \"x\" }\ninclude \"b.inc\"\n");
        return 0;
    }
    if (strstr(path, "b.inc")) {
        buf_adds(out, "include \"a.inc\"\n");
        return 0;
    }
    snprintf(err, errlen, "no such file");
    return -1;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct rl_reader rd = { read_mem, NULL };
    struct rl_diags d;
    struct rl_program *p, *q = NULL;
    struct buf out = BUF_INIT, img = BUF_INIT, img2 = BUF_INIT;
    struct status st;

    rl_diags_init(&d);
    p = rl_compile("fuzz.rules", (const char *)data, size, &rd, NULL, &d);
    rl_diags_format(&d, &out);
    if (p) {
        rl_disassemble(p, &out);
        rl_serialize(p, &img);
        if (rl_load(img.data, img.len, NULL, &q, &st) != 0)
            abort();            /* the verifier refused compiler output */
        rl_serialize(q, &img2);
        if (img.len != img2.len || memcmp(img.data, img2.data, img.len) != 0)
            abort();
    }
    rl_program_free(p);
    rl_program_free(q);
    rl_diags_free(&d);
    buf_free(&out);
    buf_free(&img);
    buf_free(&img2);
    return 0;
}
