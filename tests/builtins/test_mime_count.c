/*
 * test_mime_count.c -- the base64 decoder's count-only mode (the MIME
 * walk's size of a part it does not look into, mime_dec_count_only) gives
 * the same length and the same defects as decoding: 3,000 random inputs
 * (alphabet, padding in and out of place, white space, CR, junk) fed in
 * random pieces to both.
 */
#include "config.h"
#include "mime_int.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>

static void
count(void *ctx, const char *p, size_t n)
{
    (void)p;
    *(size_t *)ctx += n;
}

static unsigned long st = 42;

static unsigned
rnd(unsigned n)
{
    st = st * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)(st >> 33) % n;
}

int
main(void)
{
    static const char alpha[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char other[] = "=\n\r \t!-.\x80\xff";
    size_t bad = 0, counted = 0, defects = 0;

    for (int it = 0; it < 3000; it++) {
        char in[2048];
        size_t n = rnd(sizeof in), dn = 0, cn = 0;
        struct mime_dec *d = malloc(sizeof *d), *c = malloc(sizeof *c);
        unsigned junk = 1 + rnd(it % 3 ? 200 : 8);

        for (size_t i = 0; i < n; i++)
            in[i] = rnd(junk) == 0 ? other[rnd(sizeof other - 1)] : alpha[rnd(64)];
        mime_dec_init(d, MIME_ENC_BASE64, count, &dn);
        mime_dec_init(c, MIME_ENC_BASE64, count, &cn);
        mime_dec_count_only(c);
        for (size_t i = 0; i < n;) {
            size_t k = 1 + rnd(it % 2 ? 80 : 7);

            if (k > n - i)
                k = n - i;
            mime_dec_feed(d, in + i, k);
            mime_dec_feed(c, in + i, k);
            i += k;
        }
        mime_dec_finish(d);
        mime_dec_finish(c);
        counted += c->counted;
        defects += d->defects != 0;
        if (dn != cn + c->counted || d->defects != c->defects) {
            if (bad++ < 5)
                printf("# input %d (%zu bytes): decoded %zu, counted %zu+%zu; defects %#x vs %#x\n",
                       it, n, dn, cn, c->counted, d->defects, c->defects);
        }
        free(d);
        free(c);
    }
    ok(bad == 0, "count-only and decoding agree on length and defects (3000 inputs)");
    ok(counted > 100000, "the count-only fast path was taken (%zu bytes counted)", counted);
    ok(defects > 500, "inputs with defects were among them (%zu)", defects);
    return done();
}
