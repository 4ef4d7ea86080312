/*
 * test_buf.c -- buf_printf()/xasprintf() (lda/sys/util.c) give the exact
 * text at every length around the buffer's first guess (BUF_PRINTF_GUESS,
 * 256 bytes) and its growth, appended to empty and non-empty buffers,
 * with the terminating NUL after it: the one-pass formatting of issue 17
 * must format what the measure-then-format version did.
 */
#include "config.h"
#include "util.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>

int
main(void)
{
    char want[2048];
    size_t bad = 0;

    for (size_t pre = 0; pre < 600; pre += 37) {
        for (size_t n = 0; n < 1100; n++) {
            struct buf b = BUF_INIT;
            char *x;

            memset(want, 'a', pre);
            for (size_t i = 0; i < n; i++)
                want[pre + i] = (char)('0' + (i * 7 + pre) % 43);
            want[pre + n] = '\0';
            buf_add(&b, want, pre);
            buf_printf(&b, "%.*s", (int)n, want + pre);
            if (b.len != pre + n || memcmp(b.data, want, pre + n) != 0 || b.data[b.len] != '\0')
                bad++;
            buf_printf(&b, "%s|%d", "x", 42);
            if (b.len != pre + n + 4 || strcmp(b.data + pre + n, "x|42") != 0)
                bad++;
            x = xasprintf("%s/%s", want + pre, "tail");
            if (strlen(x) != n + 5 || strncmp(x, want + pre, n) != 0 || strcmp(x + n, "/tail") != 0)
                bad++;
            free(x);
            buf_free(&b);
        }
    }
    ok(bad == 0, "buf_printf and xasprintf: exact text at every length 0..1099 after 0..592 bytes");
    return done();
}
