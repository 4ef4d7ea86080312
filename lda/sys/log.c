/*
 * log.c -- msg_info/warn/fatal/panic (see log.h).
 *
 * Process-wide state: the destinations are a property of the process (one
 * message per process), like syslog's own openlog() state, so they live in
 * one file-scope struct rather than being threaded through every call.
 * Log lines are scrubbed of control characters: they may contain text from
 * the message.
 */
#include "config.h"
#include "log.h"
#include "undo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048
#define EXIT_TEMPFAIL 75        /* sysexits.h EX_TEMPFAIL */

static struct {
    const char *ident;
    int dests;
    int fd;                     /* log file, or -1 */
    void (*cleanup)(void);
    int dying;
} lg = { "weir", LOG_DEST_STDERR, -1, NULL, 0 };

void
log_open(const char *ident, int dests, const char *file)
{
    log_close();
    lg.ident = ident;
    lg.dests = dests;
    if (dests & LOG_DEST_SYSLOG)
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
    if ((dests & LOG_DEST_FILE) && file) {
        lg.fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (lg.fd < 0)
            lg.dests &= ~LOG_DEST_FILE;
    }
}

void
log_close(void)
{
    if (lg.fd >= 0)
        close(lg.fd);
    lg.fd = -1;
    if (lg.dests & LOG_DEST_SYSLOG)
        closelog();
}

void
log_set_cleanup(void (*fn)(void))
{
    lg.cleanup = fn;
}

static void vlog(int prio, const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
vlog(int prio, const char *level, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    int saved = errno;

    if (vsnprintf(line, sizeof line, fmt, ap) < 0)
        snprintf(line, sizeof line, "(unformattable log line)");
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    if (lg.dests & LOG_DEST_SYSLOG)
        syslog(prio, "%s%s", level, line);
    if (lg.dests & LOG_DEST_STDERR)
        fprintf(stderr, "%s: %s%s\n", lg.ident, level, line);
    if ((lg.dests & LOG_DEST_FILE) && lg.fd >= 0) {
        char stamp[32], out[LOG_LINE_MAX + 64];
        time_t now = time(NULL);
        struct tm tm;
        int n;

        if (localtime_r(&now, &tm) == NULL ||
            strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
            strcpy(stamp, "-");
        n = snprintf(out, sizeof out, "%s %s[%ld]: %s%s\n", stamp, lg.ident,
                     (long)getpid(), level, line);
        if (n > 0) {
            size_t len = (size_t)n < sizeof out ? (size_t)n : sizeof out - 1;
            /* A failed log write must not fail the delivery. */
            ssize_t w = write(lg.fd, out, len);
            (void)w;
        }
    }
    errno = saved;
}

void
msg_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_INFO, "", fmt, ap);
    va_end(ap);
}

void
msg_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_WARNING, "warning: ", fmt, ap);
    va_end(ap);
}

static _Noreturn void die(int prio, const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static _Noreturn void
die(int prio, const char *level, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    va_list ap2;

    va_copy(ap2, ap);
    if (!lg.dying) {
        lg.dying = 1;
        vlog(prio, level, fmt, ap);
        /* Take back what is half done (an mbox append, a temporary
         * file) before the MTA is told to keep the message. */
        undo_run_all();
        if (lg.cleanup)
            lg.cleanup();
    }
    if (!(lg.dests & LOG_DEST_STDERR)) {
        /* The one line the MTA shows: temporary, so the message is kept. */
        if (vsnprintf(line, sizeof line, fmt, ap2) < 0)
            line[0] = '\0';
        for (char *p = line; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                *p = '?';
        fprintf(stderr, "4.3.0 %s: %s%s\n", lg.ident, level, line);
    }
    va_end(ap2);
    _exit(EXIT_TEMPFAIL);
}

void
msg_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    die(LOG_CRIT, "fatal: ", fmt, ap);
}

void
msg_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    die(LOG_CRIT, "panic: ", fmt, ap);
}
