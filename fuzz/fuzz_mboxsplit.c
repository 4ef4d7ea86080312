/*
 * fuzz_mboxsplit.c -- the mbox splitter `weir test` reads saved mail with
 * (lda/store/mboxsplit.c), in each quoting style.  The bytes are split,
 * written back with mbox_write() and split again: the second writing
 * must be byte-identical to the first (splitting what weir writes gives
 * back the same messages), and the number of messages cannot exceed the
 * number of lines.  (Inputs with NUL bytes are only split: see below.)
 */
#include "config.h"
#include "mboxsplit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Split data and write every message to out; returns the count. */
static size_t
resplit(const char *data, size_t len, enum mbox_quoting q, struct buf *out)
{
    struct mbox_reader r;
    struct buf msg = BUF_INIT;
    char *from = NULL;
    size_t lineno, n = 0;

    mbox_reader_init(&r, data, len, q);
    while (mbox_next(&r, &msg, &from, &lineno)) {
        mbox_write(out, from ? from : "From fuzz Thu Jan  1 00:00:00 1970",
                   msg.data ? msg.data : "", msg.len, q);
        free(from);
        from = NULL;
        n++;
        if (n > len + 1)
            abort();            /* more messages than lines */
    }
    buf_free(&msg);
    return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum mbox_quoting styles[] = { MBOX_RD, MBOX_O, MBOX_RAW };

    (void)mbox_detect((const char *)data, size);
    /* A NUL in a From_ line cuts the C string mbox_write() is given, so
     * the round trip only holds for text without NULs; the rest is split
     * once (no crash, bounded count). */
    if (memchr(data, 0, size)) {
        struct buf once = BUF_INIT;

        (void)resplit((const char *)data, size, MBOX_RD, &once);
        buf_free(&once);
        return 0;
    }
    for (size_t i = 0; i < sizeof styles / sizeof styles[0]; i++) {
        struct buf once = BUF_INIT, twice = BUF_INIT;
        size_t n1, n2;

        n1 = resplit((const char *)data, size, styles[i], &once);
        n2 = resplit(once.data ? once.data : "", once.len, styles[i], &twice);
        if (n1 != n2 || once.len != twice.len ||
            (once.len && memcmp(once.data, twice.data, once.len) != 0))
            abort();
        buf_free(&once);
        buf_free(&twice);
    }
    return 0;
}
