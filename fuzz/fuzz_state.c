/*
 * fuzz_state.c -- the state layer's decoders (lda/sys/state_codec.c):
 * bytes as a stored record value (state_rec_decode, re-encoded and
 * compared when accepted) and as the head of a database file of several
 * sizes (state_check_meta).
 */
#include "config.h"
#include "state.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *payload;
    size_t plen;
    time_t c, x;
    const char *why;

    if (state_rec_decode(data, size, &c, &x, &payload, &plen) == 0) {
        unsigned char hdr[STATE_REC_HDR];

        if (payload != data + STATE_REC_HDR || plen != size - STATE_REC_HDR)
            abort();
        state_rec_encode(hdr, c, x);
        if (memcmp(hdr, data, STATE_REC_HDR) != 0)
            abort();
    }
    {
        unsigned long long sizes[] = { size, 512, 4096, 3 * 4096, 1ull << 40, 0 };

        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            why = NULL;
            if (state_check_meta(data, size, sizes[i], &why) < 0 && why == NULL)
                abort();
        }
    }
    return 0;
}
