/*
 * progtest.c -- run a program test (see progtest.h).
 *
 * SECURITY: argv only (never /bin/sh), refused when tainted, empty or
 * holding control characters; child_run() supplies the hygiene.
 */
#include "config.h"
#include "progtest.h"

#include <stddef.h>
#include <string.h>

static ssize_t
empty_pread(const void *src, void *buf, size_t n, size_t off)
{
    (void)src;
    (void)buf;
    (void)n;
    (void)off;
    return 0;
}

int
progtest_run(const struct progtest *t, int *exit_code, struct status *st)
{
    static const struct child_input none = { empty_pread, NULL, 0 };
    struct child_spec spec;
    int code = -1, rc;

    if (exit_code)
        *exit_code = -1;
    if (t->argv == NULL || t->argv[0] == NULL || t->argv[0][0] == '\0') {
        status_set(st, "4.3.0", "program test: no program");
        return PROGTEST_ERROR;
    }
    if (t->tainted) {
        status_set(st, "4.3.0", "program test %s: arguments built from message content "
                   "refused", t->argv[0]);
        return PROGTEST_ERROR;
    }
    for (size_t i = 0; t->argv[i]; i++)
        for (const char *p = t->argv[i]; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f) {
                status_set(st, "4.3.0", "program test %s: control character in argument %zu",
                           t->argv[0], i);
                return PROGTEST_ERROR;
            }
    memset(&spec, 0, sizeof spec);
    spec.argv = t->argv;
    spec.env = t->env;
    spec.timeout_sec = t->timeout_sec;
    rc = child_run(&spec, t->input ? t->input : &none, NULL, &code, st);
    if (exit_code)
        *exit_code = code;
    if (rc == 0)
        return PROGTEST_TRUE;
    /* A clean "no" only for an ordinary exit status (signals, timeouts
     * and failures to start give 127 or 128 and more, or -1). */
    if (code >= 1 && code <= 125 && code != 75)
        return PROGTEST_FALSE;
    return PROGTEST_ERROR;
}
