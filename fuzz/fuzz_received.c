/*
 * fuzz_received.c -- libFuzzer target: bytes as a header block; every
 * Received: field through rcv_parse() and the whole chain through
 * client_find() with and without trusted relays.  Checks: no crash, no
 * leak, results NUL-terminated and the relay count bounded.
 */
#include "config.h"
#include "client.h"
#include "received.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mp_header h;
    struct client_in in;
    struct client_out out;
    struct rcv_hop hop;
    struct client_net t = { 2, { 8 }, 8, 1 };

    rcv_parse((const char *)data, size, &hop);
    if (strlen(hop.from) >= RCV_NAME_MAX || strlen(hop.by) >= RCV_NAME_MAX)
        abort();
    mp_header_parse((const char *)data, size, &h);
    memset(&in, 0, sizeof in);
    in.header = &h;
    client_find(&in, &out);
    if (out.nrelays > CLIENT_RELAYS_MAX || strlen(out.text) >= NA_TEXT_MAX)
        abort();
    in.trusted = &t;
    in.ntrusted = 1;
    client_find(&in, &out);
    mp_header_free(&h);
    return 0;
}
