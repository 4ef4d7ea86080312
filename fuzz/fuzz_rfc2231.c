/*
 * fuzz_rfc2231.c -- libFuzzer target: a header value through the MIME
 * parameter parser (builtins/mime_param.c): parsed as a Content-Type and
 * as a Content-Disposition, then filename, name, boundary and charset
 * decoded (RFC 2231 sections and charsets, encoded-words, raw 8-bit),
 * and the extensions of each name.  Aborts (a finding) when a token or
 * decoded value is not valid UTF-8, a decoded value holds CR or LF, or
 * an extension is empty or holds a dot.
 * Built by `make fuzz` (fuzz/local.mk); seeds in testdata/fuzz/rfc2231/.
 */
#include "config.h"
#include "mime_int.h"
#include "mp_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *v)
{
    char **e;
    size_t n;

    if (v == NULL)
        return;
    if (!mp_utf8_valid(v, strlen(v)) || strpbrk(v, "\r\n"))
        abort();
    n = mime_name_exts(v, &e);
    for (size_t i = 0; i < n; i++) {
        if (e[i][0] == '\0' || strchr(e[i], '.'))
            abort();
        free(e[i]);
    }
    free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const attrs[] = { "filename", "name", "boundary", "charset" };
    char *value = malloc(size + 1);
    struct mime_fieldval f;

    if (value == NULL)
        return 0;
    memcpy(value, data, size);
    value[size] = '\0';
    for (int is_type = 0; is_type < 2; is_type++) {
        mime_field_parse(value, is_type, &f);
        if (f.token && !mp_utf8_valid(f.token, strlen(f.token)))
            abort();
        for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
            char *v = mime_param_get(&f, attrs[i]);

            check(v);
            free(v);
        }
        mime_field_free(&f);
    }
    (void)mime_cte_parse(value);
    free(value);
    return 0;
}
