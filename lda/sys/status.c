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
    if (strcmp(st->code, "5.1.1") == 0)
        return EX_NOUSER;
    if (strcmp(st->code, "5.1.2") == 0)
        return EX_NOHOST;
    return EX_UNAVAILABLE;
}

/* Length of an RFC 3463 code "c.d{1,3}.d{1,3}" at s followed by a space
 * or the end, or 0. */
static size_t
code_len(const char *s, char cls)
{
    const char *p = s;
    int n;

    if (*p++ != cls || *p++ != '.')
        return 0;
    for (n = 0; *p >= '0' && *p <= '9' && n < 4; p++, n++)
        ;
    if (n < 1 || n > 3 || *p++ != '.')
        return 0;
    for (n = 0; *p >= '0' && *p <= '9' && n < 4; p++, n++)
        ;
    if (n < 1 || n > 3 || (*p != ' ' && *p != '\0'))
        return 0;
    return (size_t)(p - s);
}

void
status_from_text(struct status *st, char cls, const char *deflt, const char *text,
                 const char *deflt_text)
{
    size_t n = text ? code_len(text, cls) : 0;
    char code[12];

    if (text == NULL || *text == '\0') {
        status_set(st, deflt, "%s", deflt_text);
        return;
    }
    if (n == 0 || n >= sizeof code) {
        status_set(st, deflt, "%s", text);
        return;
    }
    memcpy(code, text, n);
    code[n] = '\0';
    text += n;
    while (*text == ' ')
        text++;
    status_set(st, code, "%s", *text ? text : deflt_text);
}
