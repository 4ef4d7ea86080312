/*
 * status.c -- fill in struct status records (see status.h).
 * Never fails; text that does not fit is truncated, control characters in
 * the text are replaced by '?' so the line the MTA shows stays one line.
 */
#include "config.h"
#include "status.h"

#include <stdio.h>
#include <sysexits.h>
#include <string.h>

void
status_ok(struct status *st)
{
    st->cls = STATUS_OK;
    strcpy(st->code, "2.0.0");
    st->text[0] = '\0';
}

static void
scrub(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

void
status_vset(struct status *st, const char *code, const char *fmt, va_list ap)
{
    st->cls = (code[0] == '5') ? STATUS_PERM : STATUS_TEMP;
    snprintf(st->code, sizeof st->code, "%s", code);
    if (st->cls == STATUS_TEMP && code[0] != '4')
        snprintf(st->code, sizeof st->code, "4.3.0");
    /* Truncation is acceptable for a diagnostic line. */
    (void)vsnprintf(st->text, sizeof st->text, fmt, ap);
    scrub(st->text);
}

void
status_set(struct status *st, const char *code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    status_vset(st, code, fmt, ap);
    va_end(ap);
}

void
status_errno(struct status *st, const char *code, int err, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    status_vset(st, code, fmt, ap);
    va_end(ap);
    n = strlen(st->text);
    if (n < sizeof st->text)
        (void)snprintf(st->text + n, sizeof st->text - n, ": %s", strerror(err));
    scrub(st->text);
}

int
status_sysexit(const struct status *st)
{
    if (st->cls == STATUS_OK)
        return EX_OK;
    if (st->cls == STATUS_TEMP)
        return EX_TEMPFAIL;
    if (strncmp(st->code, "5.3.4", 5) == 0)
        return EX_DATAERR;
    if (strncmp(st->code, "5.7.", 4) == 0)
        return EX_NOPERM;
    return EX_UNAVAILABLE;
}
