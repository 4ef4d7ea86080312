/*
 * fuzz_address.c -- libFuzzer target: the input (cut at the first NUL, as
 * a C string) through mp_address_parse_list(), mp_address_spec() and
 * mp_local_split().  Aborts (a finding) when an invariant breaks: a part
 * that is not valid UTF-8 or holds CR/LF, a domain with upper-case ASCII,
 * an address with neither local part nor domain, more addresses than
 * input bytes.  Built by `make fuzz` (fuzz/local.mk); seeds in
 * testdata/fuzz/address/.
 */
#include "config.h"
#include "mailparse.h"
#include "mp_internal.h"
#include "util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
clean(const char *s)
{
    return mp_utf8_valid(s, strlen(s)) && strpbrk(s, "\r\n") == NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *value = xstrndup((const char *)data, size);
    struct mp_address *a;
    size_t n = mp_address_parse_list(value, &a), i;
    const char *p;

    if (n > size || (n == 0) != (a == NULL))
        abort();
    for (i = 0; i < n; i++) {
        char *spec, *user, *detail;

        if (!clean(a[i].display) || !clean(a[i].local) || !clean(a[i].domain))
            abort();
        for (p = a[i].domain; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                abort();
        if (a[i].local[0] == '\0' && a[i].domain[0] == '\0')
            abort();
        spec = mp_address_spec(&a[i]);
        if (!clean(spec))
            abort();
        mp_local_split(a[i].local, '+', &user, &detail);
        if (strlen(user) + (detail ? strlen(detail) + 1 : 0) != strlen(a[i].local))
            abort();
        free(user);
        free(detail);
        free(spec);
    }
    mp_address_list_free(a, n);
    free(value);
    return 0;
}
