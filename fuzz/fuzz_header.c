/*
 * fuzz_header.c -- libFuzzer target: a header block through
 * mp_header_parse(), then every field through mp_unfold() and
 * mp_decode_2047().  Aborts (a finding) when an invariant of
 * builtins/mailparse.h breaks: a field outside the input, an unfolded
 * value with a line break, decoded output that is not valid UTF-8 or
 * holds CR/LF, or output out of proportion to the input.
 * Built by `make fuzz` (fuzz/local.mk); seeds in testdata/fuzz/header/.
 */
#include "config.h"
#include "mailparse.h"
#include "mp_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Largest output per input byte mp_decode_2047() may produce (TSCII:
 * one byte, four code points, 12 bytes of UTF-8). */
#define FUZZ_DECODE_RATIO 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *block = (const char *)data;
    struct mp_header h;
    size_t i;

    mp_header_parse(block, size, &h);
    for (i = 0; i < h.n; i++) {
        const struct mp_field *f = &h.f[i];
        char *u, *d;
        size_t ul, dl;

        if (f->name < block || f->name + f->name_len > block + size ||
            f->raw < block || f->raw + f->raw_len > block + size || f->name_len == 0)
            abort();
        u = mp_unfold(f->raw, f->raw_len);
        ul = strlen(u);
        if (ul > f->raw_len || strchr(u, '\n'))
            abort();
        d = mp_decode_2047(u);
        dl = strlen(d);
        if (!mp_utf8_valid(d, dl) || strpbrk(d, "\r\n") || dl > FUZZ_DECODE_RATIO * ul + 4)
            abort();
        free(d);
        free(u);
    }
    mp_header_free(&h);
    return 0;
}
