/*
 * tap.h -- a minimal TAP producer for weir's C unit tests (header only).
 * ok(cond, fmt, ...) prints "ok N - ..." or "not ok N - ..."; done() prints
 * the plan and returns the exit status.
 */
#ifndef WEIR_TAP_H
#define WEIR_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3), unused))
static int
ok(int cond, const char *fmt, ...)
{
    va_list ap;

    tap_n++;
    printf("%sok %d - ", cond ? "" : "not ", tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond)
        tap_failed++;
    fflush(stdout);
    return cond;
}

__attribute__((unused))
static int
is_str(const char *got, const char *want, const char *what)
{
    int c = (got == NULL && want == NULL) ||
            (got && want && strcmp(got, want) == 0);

    if (!ok(c, "%s", what))
        printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)",
               want ? want : "(null)");
    return c;
}

__attribute__((unused))
static int
is_long(long got, long want, const char *what)
{
    int c = got == want;

    if (!ok(c, "%s", what))
        printf("#   got:  %ld\n#   want: %ld\n", got, want);
    return c;
}

__attribute__((unused))
static int
done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
