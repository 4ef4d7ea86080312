/*
 * fuzz_dnsanswer.c -- libFuzzer target: bytes as a DNS response to
 * dnsa_parse() (builtins/dnsanswer.h).  Checks: no crash or read outside
 * the input, counts within their bounds, TXT NUL-terminated printable
 * ASCII.
 */
#include "config.h"
#include "dnsanswer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dnsa a;
    unsigned char *copy = malloc(size ? size : 1);   /* exact-size buffer for ASan */

    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    dnsa_parse(copy, size, &a);
    if (a.naddrs > DNSA_ADDRS_MAX || strlen(a.txt) >= DNSA_TXT_MAX)
        abort();
    for (const char *p = a.txt; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            abort();
    free(copy);
    return 0;
}
