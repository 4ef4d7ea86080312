/*
 * log.c -- msg_info/warn/fatal/panic (see log.h).
 *
 * Process-wide state: the destinations are a property of the process (one
 * message per process), like syslog's own openlog() state, so they live in
 * one file-scope struct rather than being threaded through every call.
 * Log lines are scrubbed: they may contain text from the message.  Control
 * characters become '?', and a byte that is not part of valid UTF-8 (a raw
 * 8-bit Subject in Latin-1, say) is written as \xHH, so the log stays
 * valid UTF-8 text that grep and editors treat as text.
 */
#include "config.h"
#include "log.h"
#include "undo.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048
#define LOG_SCRUBBED_MAX (LOG_LINE_MAX * 4)   /* every byte may become \xHH */
#define EXIT_TEMPFAIL 75        /* sysexits.h EX_TEMPFAIL */

static struct {
    const char *ident;
    int dests;
    int fd;                     /* log file, or -1 */
    void (*cleanup)(void);
    int dying;
    int delivered;              /* log_set_delivered() */
} lg = { "weir", LOG_DEST_STDERR, -1, NULL, 0, 0 };

void
log_open(const char *ident, int dests, const char *file)
{
    log_close();
    lg.ident = ident;
    lg.dests = dests;
    if (dests & LOG_DEST_SYSLOG) {
        struct stat sb;

        /* No syslog socket (a container, a host without syslogd): glibc
         * would try to connect again for every line (socket, connect,
         * close: 3 system calls a line, issue 17), and drop the line.
         * Drop them here instead, once. */
        if (stat(_PATH_LOG, &sb) < 0 && errno == ENOENT)
            lg.dests &= ~LOG_DEST_SYSLOG;
        else
            openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
    }
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

void
log_set_delivered(void)
{
    lg.delivered = 1;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when
 * the byte at s does not start one (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned lo = 0x80, hi = 0xbf;

    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        if (s[0] == 0xe0) lo = 0xa0;
        if (s[0] == 0xed) hi = 0x9f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        if (s[0] == 0xf0) lo = 0x90;
        if (s[0] == 0xf4) hi = 0x8f;
    } else
        return 0;
    if (len > n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

void
log_scrub(const char *in, char *out, size_t outsz)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t n = strlen(in), o = 0;

    if (outsz == 0)
        return;
    for (size_t i = 0; i < n;) {
        size_t l = s[i] < 0x80 ? 1 : utf8_len(s + i, n - i);

        if (l == 0) {                   /* not UTF-8: \xHH */
            if (o + 4 >= outsz)
                break;
            snprintf(out + o, outsz - o, "\\x%02X", s[i]);
            o += 4;
            i++;
            continue;
        }
        if (o + l >= outsz)
            break;
        if (l == 1)
            out[o++] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
        else {
            memcpy(out + o, s + i, l);
            o += l;
        }
        i += l;
    }
    out[o] = '\0';
}

static void vlog(int prio, const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
vlog(int prio, const char *level, const char *fmt, va_list ap)
{
    char raw[LOG_LINE_MAX], line[LOG_SCRUBBED_MAX + 1];
    int saved = errno;

    if (vsnprintf(raw, sizeof raw, fmt, ap) < 0)
        snprintf(raw, sizeof raw, "(unformattable log line)");
    log_scrub(raw, line, sizeof line);
    if (lg.dests & LOG_DEST_SYSLOG)
        syslog(prio, "%s%s", level, line);
    if (lg.dests & LOG_DEST_STDERR)
        fprintf(stderr, "%s: %s%s\n", lg.ident, level, line);
    if ((lg.dests & LOG_DEST_FILE) && lg.fd >= 0) {
        char stamp[32], out[LOG_SCRUBBED_MAX + 64];
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
    char raw[LOG_LINE_MAX], line[LOG_SCRUBBED_MAX + 1];
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
        /* The one line the MTA shows: temporary, so the message is kept
         * -- unless it is delivered already (no status code then). */
        if (vsnprintf(raw, sizeof raw, fmt, ap2) < 0)
            raw[0] = '\0';
        log_scrub(raw, line, sizeof line);
        fprintf(stderr, "%s%s: %s%s%s\n", lg.delivered ? "" : "4.3.0 ", lg.ident, level,
                line, lg.delivered ? " (after the message was delivered)" : "");
    }
    va_end(ap2);
    _exit(lg.delivered ? 0 : EXIT_TEMPFAIL);
}

static pid_t crash_pid;          /* the process log_catch_crashes() was called in */

static void
on_crash(int sig)
{
    const char *text = sig == SIGTERM || sig == SIGHUP || sig == SIGINT
                       ? "terminated (signal " : "crashed (signal ";
    char num[4];
    int k = 0;

    /* Nothing here may allocate: the crash may be inside malloc. */
    num[k++] = (char)('0' + sig / 10 % 10);
    num[k++] = (char)('0' + sig % 10);
    if (getpid() != crash_pid)
        _exit(128 + sig);               /* a child before its exec: not ours to undo */
    if (!lg.dying) {
        lg.dying = 1;
        undo_run_all();
        if (lg.cleanup)
            lg.cleanup();
    }
    if (!lg.delivered)
        (void)!write(2, "4.3.0 ", 6);
    (void)!write(2, lg.ident, strlen(lg.ident));
    (void)!write(2, ": panic: ", 9);
    (void)!write(2, text, strlen(text));
    (void)!write(2, num, (size_t)k);
    (void)!write(2, ")\n", 2);
    _exit(lg.delivered ? 0 : EXIT_TEMPFAIL);
}

void
log_catch_crashes(void)
{
    /* Termination requests: in every build. */
    static const int term[] = { SIGTERM, SIGHUP, SIGINT };
#ifndef __SANITIZE_ADDRESS__
    static const int crash[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
#endif
    struct sigaction sa;

    crash_pid = getpid();
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sigfillset(&sa.sa_mask);            /* one handler at a time */
    sa.sa_flags = SA_RESETHAND;         /* a fault in here: the default action */
    for (size_t i = 0; i < sizeof term / sizeof term[0]; i++)
        (void)sigaction(term[i], &sa, NULL);
#ifndef __SANITIZE_ADDRESS__
    for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++)
        (void)sigaction(crash[i], &sa, NULL);
#endif
}

void
msg_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    die(LOG_CRIT, "fatal: ", fmt, ap);
    va_end(ap);                 /* not reached: die() exits */
}

void
msg_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    die(LOG_CRIT, "panic: ", fmt, ap);
    va_end(ap);                 /* not reached: die() exits */
}
