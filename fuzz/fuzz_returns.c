/*
 * fuzz_returns.c -- libFuzzer target: bytes as the text of a block-list
 * test's `returns` list (`dnsbl "zone" returns 127.0.0.2, 127.0.0.4 ..
 * 127.0.0.11`) to bl_scan_returns() (builtins/bl.c), the scanner the rule
 * parser calls.  Checks on an accepted list: the canonical text is
 * printable ASCII, scanning it again accepts it and gives the same text
 * (a compiled rule's list reads back as compiled), bl_ranges() finds as
 * many ranges as the text has commas plus one, at most BL_RANGES_MAX, each
 * inside 127.0.0.0/8 with lo <= hi.  A refused list must say why.
 * Built by `make fuzz` (fuzz/local.mk); seeds in testdata/fuzz/returns/.
 */
#include "config.h"
#include "bl.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf out = BUF_INIT, again = BUF_INIT;
    struct dnsbl_range r[BL_RANGES_MAX + 1];
    char err[200] = "", err2[200] = "";
    char *text = malloc(size ? size : 1);   /* exact-size buffer for ASan */
    ssize_t used;
    size_t n, commas = 0;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    used = bl_scan_returns(0, text, size, &out, err, sizeof err);
    if (used < 0) {
        if (err[0] == '\0')
            abort();
        goto done;
    }
    if ((size_t)used > size || out.len == 0)
        abort();
    for (size_t i = 0; i < out.len; i++) {
        if (out.data[i] < 0x20 || out.data[i] > 0x7e)
            abort();
        commas += out.data[i] == ',';
    }
    if (bl_scan_returns(0, out.data, out.len, &again, err2, sizeof err2) != (ssize_t)out.len ||
        again.len != out.len || memcmp(again.data, out.data, out.len) != 0)
        abort();
    n = bl_ranges(out.data, r, BL_RANGES_MAX + 1);
    if (n != commas + 1 || n > BL_RANGES_MAX)
        abort();
    for (size_t i = 0; i < n; i++)
        if (r[i].lo > r[i].hi || (r[i].lo >> 24) != 127 || (r[i].hi >> 24) != 127)
            abort();
done:
    buf_free(&out);
    buf_free(&again);
    free(text);
    return 0;
}
