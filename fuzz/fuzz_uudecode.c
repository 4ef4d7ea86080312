/*
 * fuzz_uudecode.c -- libFuzzer target: the streaming decoders of
 * builtins/mime_codec.c.  The first input byte chooses the encoding
 * (uuencode, base64, quoted-printable) and the piece size; the rest is
 * decoded whole and in pieces, and every line is also given to
 * mime_uu_line().  Aborts (a finding) when the two decodings differ, the
 * output is larger than the encoding allows (base64: 3 bytes per 4
 * characters; quoted-printable: never more than the input; uuencode: no
 * more than the input, short lines included), or mime_uu_line() writes
 * more than its length character says.
 * Built by `make fuzz` (fuzz/local.mk); seeds in testdata/fuzz/uudecode/.
 */
#include "config.h"
#include "mime_int.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
collect(void *ctx, const char *p, size_t n)
{
    buf_add(ctx, p, n);
}

static void
decode(enum mime_enc enc, const char *p, size_t n, size_t step, struct buf *out)
{
    struct mime_dec d;

    mime_dec_init(&d, enc, collect, out);
    for (size_t i = 0; i < n; i += step)
        mime_dec_feed(&d, p + i, n - i < step ? n - i : step);
    mime_dec_finish(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum mime_enc encs[] = { MIME_ENC_UUENCODE, MIME_ENC_BASE64, MIME_ENC_QP };
    struct buf a = BUF_INIT, b = BUF_INIT;
    enum mime_enc enc;
    const char *p;
    size_t n, step;

    if (size < 1)
        return 0;
    enc = encs[data[0] % 3];
    step = (size_t)(data[0] >> 2) + 1;
    p = (const char *)data + 1;
    n = size - 1;
    decode(enc, p, n, n ? n : 1, &a);
    decode(enc, p, n, step, &b);
    if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0))
        abort();
    if (enc == MIME_ENC_QP ? a.len > n : enc == MIME_ENC_BASE64 ? a.len > n / 4 * 3 + 3
                                                                : a.len > n + 64)
        abort();
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (p + i)) : n - i;
        unsigned char out[80];
        int r;

        memset(out, 0xaa, sizeof out);
        r = mime_uu_line(p + i, len, out);
        if (r > 63 || out[r > 0 ? r : 0] != 0xaa)
            abort();
        (void)mime_uu_line_valid(p + i, len);
        i += len + 1;
    }
    buf_free(&a);
    buf_free(&b);
    return 0;
}
