/*
 * status.h -- the outcome record carried up the stack instead of errno.
 *
 * A failure is classified where it happens (conventions.md habit 2):
 * STATUS_TEMP (the MTA should retry: exit 75), STATUS_PERM (a deliberate
 * bounce or a message that can never be delivered).  Anything unknown is
 * temporary.  Only main() turns a status into an exit code and the single
 * line the MTA shows (see lda/main.c).
 */
#ifndef WEIR_STATUS_H
#define WEIR_STATUS_H

#include <stdarg.h>

enum status_class {
    STATUS_OK = 0,
    STATUS_TEMP,        /* 4.x.x: keep the message, retry later */
    STATUS_PERM         /* 5.x.x: bounce */
};

#define STATUS_TEXT_MAX 400

struct status {
    enum status_class cls;
    char code[12];                 /* RFC 3463 enhanced code, "4.2.0" */
    char text[STATUS_TEXT_MAX];    /* one line, no newline */
};

void status_ok(struct status *st);
/* Set a temporary or permanent failure; code is "4.x.y" or "5.x.y".
 * The class is taken from the code's first digit (anything else: TEMP). */
void status_set(struct status *st, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void status_vset(struct status *st, const char *code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Like status_set, with ": strerror(err)" appended. */
void status_errno(struct status *st, const char *code, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A rule's bounce or defer text: when it starts with an RFC 3463 code of
 * the wanted class ('5' bounce, '4' defer) -- "5.1.1 no such user" --
 * that code is used and the rest is the text; otherwise deflt and the
 * whole text (a code of the other class stays in the text: a defer can
 * never bounce).  An empty text gives deflt_text. */
void status_from_text(struct status *st, char cls, const char *deflt, const char *text,
                      const char *deflt_text);

/* The sysexits.h exit code for a final status (the one table: 0, 75 for
 * temporary, 65 for 5.3.4, 77 for 5.7.x, 67 for 5.1.1, 68 for 5.1.2, 69 for
 * other permanent). */
int status_sysexit(const struct status *st);

#endif
