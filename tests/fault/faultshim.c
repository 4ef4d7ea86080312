/*
 * faultshim.c -- a test-only LD_PRELOAD object that counts and fails the
 * system and library calls weir makes (issue 18).  Never installed; built
 * only by `make check` (tests/fault/local.mk).  See tests/fault/README.md.
 *
 * Environment (read once, at the first intercepted call):
 *   WEIR_FAULT=fn:N:ERRNO[,fn:N:ERRNO...]
 *       the Nth call (1-based) of fn fails with ERRNO (a name: EIO, ENOSPC,
 *       EDQUOT, EINTR, EAGAIN, EMFILE, ENFILE, ENOMEM, ENOLCK, EBUSY, EFBIG,
 *       EACCES); fn is one of the names in the table below.
 *   WEIR_FAULT_CLOCK=N:SECONDS[:all]
 *       from the Nth call of clock_gettime on, CLOCK_REALTIME (and time(),
 *       gettimeofday()) are shifted by SECONDS (negative: a jump backwards);
 *       with ":all", CLOCK_MONOTONIC too.
 *   WEIR_FAULT_COUNT=FILE
 *       FILE becomes a table "name count" (one fixed-width line per
 *       function, then "fired N" for the faults that fired), kept up to date
 *       through a shared mapping, so it is complete however the process
 *       ends (exit, _exit, a signal).  Lines "stdin.fn N" give the counts
 *       when weir first read its standard input (what start-up made).
 *   WEIR_FAULT_TRACE=1
 *       when a fault fires, a backtrace goes to standard error (debugging).
 *
 * Only the process that loaded the shim counts and fails its own calls: a
 * child made by fork() stops counting, except for the two calls a child of
 * weir makes on weir's behalf between fork and exec -- dup2() and execve()
 * -- which are counted (and failed) across the children in the shared
 * mapping.  Calls the shim makes itself are not counted.
 *
 * Failing calls do nothing, except close(): the descriptor is closed and
 * -1/EIO returned, as Linux does.  fcntl() is counted and failed only for
 * its lock commands (F_SETLK, F_SETLKW, F_GETLK and the OFD variants).
 *
 * malloc/calloc/realloc are interposed unless built with FAULTSHIM_NO_MALLOC
 * (the sanitizer build: AddressSanitizer owns malloc).  They call glibc's
 * __libc_malloc & co. directly, so dlsym() (which may allocate) is never
 * needed for them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FN_LIST(X) \
    X(open) X(openat) X(read) X(pread) X(write) X(pwrite) X(fsync) X(fdatasync) \
    X(close) X(rename) X(link) X(unlink) X(mkdir) X(ftruncate) X(fcntl) X(flock) \
    X(malloc) X(calloc) X(realloc) X(fork) X(execve) X(pipe) X(pipe2) X(dup2) \
    X(waitpid) X(clock_gettime)

enum fn {
#define X(n) F_##n,
    FN_LIST(X)
#undef X
    F_COUNT
};

static const char *const fn_names[F_COUNT] = {
#define X(n) #n,
    FN_LIST(X)
#undef X
};

#define LINE_W 40                       /* "%-18s %20llu\n" */
#define NLINES (2 * F_COUNT + 1)        /* counts, "fired", stdin marks */
#define MAX_FAULTS 8

struct shared {                         /* MAP_SHARED: survives fork */
    uint64_t count[F_COUNT];
    uint64_t fired;
    int marked;                         /* the first read of fd 0 seen */
};

struct fault {
    int fn;
    uint64_t nth;
    int err;
};

static int state;                       /* 0 new, 1 initialising, 2 ready */
static int in_child;                    /* a fork()ed child of weir */
static struct shared *sh;
static char *text;                      /* the count file, mapped */
static struct fault faults[MAX_FAULTS];
static int nfaults;
static uint64_t clock_from;             /* 0: no clock shift */
static long clock_shift;
static int clock_all;
static int trace;                       /* WEIR_FAULT_TRACE: backtrace on fire */

static const struct { const char *name; int err; } errnos[] = {
    { "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EDQUOT", EDQUOT }, { "EINTR", EINTR },
    { "EAGAIN", EAGAIN }, { "EMFILE", EMFILE }, { "ENFILE", ENFILE },
    { "ENOMEM", ENOMEM }, { "ENOLCK", ENOLCK }, { "EBUSY", EBUSY },
    { "EFBIG", EFBIG }, { "EACCES", EACCES },
};

static int
errno_by_name(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (strlen(errnos[i].name) == n && memcmp(errnos[i].name, s, n) == 0)
            return errnos[i].err;
    return 0;
}

static uint64_t
num(const char **p)
{
    uint64_t v = 0;

    while (**p >= '0' && **p <= '9')
        v = v * 10 + (uint64_t)(*(*p)++ - '0');
    return v;
}

/* "fn:N:ERR[,...]"; a malformed entry is ignored (the test then sees a
 * clean run and its own "fault fired" check fails). */
static void
parse_faults(const char *s)
{
    while (s && *s && nfaults < MAX_FAULTS) {
        const char *colon = strchr(s, ':'), *end;
        int fn = -1;

        if (colon == NULL)
            return;
        for (int i = 0; i < F_COUNT; i++)
            if (strlen(fn_names[i]) == (size_t)(colon - s) &&
                memcmp(fn_names[i], s, (size_t)(colon - s)) == 0)
                fn = i;
        s = colon + 1;
        faults[nfaults].nth = num(&s);
        if (*s++ != ':')
            return;
        end = strchr(s, ',');
        if (end == NULL)
            end = s + strlen(s);
        faults[nfaults].err = errno_by_name(s, (size_t)(end - s));
        faults[nfaults].fn = fn;
        if (fn >= 0 && faults[nfaults].nth > 0 && faults[nfaults].err)
            nfaults++;
        s = *end ? end + 1 : end;
    }
}

static void
parse_clock(const char *s)
{
    int neg = 0;

    if (s == NULL)
        return;
    clock_from = num(&s);
    if (*s++ != ':') {
        clock_from = 0;
        return;
    }
    if (*s == '-') {
        neg = 1;
        s++;
    }
    clock_shift = (long)num(&s);
    if (neg)
        clock_shift = -clock_shift;
    clock_all = strcmp(s, ":all") == 0;
}

/* Decimal into the fixed-width count line (no stdio: no allocation). */
static void
put_line(int i, const char *name, uint64_t v)
{
    char *l = text + (size_t)i * LINE_W;
    int k = LINE_W - 2;

    memset(l, ' ', LINE_W - 1);
    memcpy(l, name, strlen(name));
    l[LINE_W - 1] = '\n';
    do {
        l[k--] = (char)('0' + v % 10);
        v /= 10;
    } while (v && k > 19);
}

static void
init(void)
{
    const char *path;
    size_t len = (size_t)NLINES * LINE_W;

    state = 1;
    parse_faults(getenv("WEIR_FAULT"));
    parse_clock(getenv("WEIR_FAULT_CLOCK"));
    trace = getenv("WEIR_FAULT_TRACE") != NULL;
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        sh = NULL;
    path = getenv("WEIR_FAULT_COUNT");
    if (path && *path) {
        /* Raw system calls: the wrappers below are not ready yet. */
        int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        if (fd >= 0 && syscall(SYS_ftruncate, fd, (off_t)len) == 0) {
            text = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            if (text == MAP_FAILED)
                text = NULL;
        }
        if (fd >= 0)
            syscall(SYS_close, fd);
        if (text) {
            for (int i = 0; i < F_COUNT; i++)
                put_line(i, fn_names[i], 0);
            put_line(F_COUNT, "fired", 0);
            for (int i = 0; i < F_COUNT; i++)
                put_line(F_COUNT + 1 + i, "-", 0);
        }
    }
    state = 2;
}

/* Count a call of fn; the errno to fail it with, or 0.  shared: the call
 * is counted in fork()ed children too (dup2, execve). */
static int
hit(int fn, int shared)
{
    uint64_t n;

    if (state == 0)
        init();
    if (state != 2 || sh == NULL || (in_child && !shared))
        return 0;
    n = __atomic_add_fetch(&sh->count[fn], 1, __ATOMIC_SEQ_CST);
    if (text)
        put_line(fn, fn_names[fn], n);
    for (int i = 0; i < nfaults; i++)
        if (faults[i].fn == fn && faults[i].nth == n) {
            uint64_t f = __atomic_add_fetch(&sh->fired, 1, __ATOMIC_SEQ_CST);

            if (text)
                put_line(F_COUNT, "fired", f);
            if (trace) {
                void *bt[32];
                int k;

                trace = 0;              /* backtrace() may allocate */
                k = backtrace(bt, 32);
                backtrace_symbols_fd(bt, k, 2);
            }
            return faults[i].err;
        }
    return 0;
}

#define REAL(name) \
    static __typeof__(&name) real_##name; \
    if (real_##name == NULL) \
        real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

#define FAIL(e, ret) do { errno = (e); return (ret); } while (0)

/* ------------------------------------------------------------------ */

int
open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    int e;
    REAL(open);

    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if ((e = hit(F_open, 0)) != 0)
        FAIL(e, -1);
    return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int
openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    int e;
    REAL(openat);

    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if ((e = hit(F_openat, 0)) != 0)
        FAIL(e, -1);
    return real_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

ssize_t
read(int fd, void *buf, size_t n)
{
    int e;
    REAL(read);

    if (fd == 0 && state == 2 && sh && !in_child && !sh->marked) {
        /* The counts before weir first reads the message: "stdin.fn N"
         * lines (the start-up calls, the same in every scenario). */
        sh->marked = 1;
        for (int i = 0; text && i < F_COUNT; i++) {
            char nm[32] = "stdin.";

            memcpy(nm + 6, fn_names[i], strlen(fn_names[i]) + 1);
            put_line(F_COUNT + 1 + i, nm, sh->count[i]);
        }
    }
    if ((e = hit(F_read, 0)) != 0)
        FAIL(e, -1);
    return real_read(fd, buf, n);
}

ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
    int e;
    REAL(pread);

    if ((e = hit(F_pread, 0)) != 0)
        FAIL(e, -1);
    return real_pread(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off) __attribute__((alias("pread")));

ssize_t
write(int fd, const void *buf, size_t n)
{
    int e;
    REAL(write);

    if ((e = hit(F_write, 0)) != 0)
        FAIL(e, -1);
    return real_write(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
    int e;
    REAL(pwrite);

    if ((e = hit(F_pwrite, 0)) != 0)
        FAIL(e, -1);
    return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) __attribute__((alias("pwrite")));

int
fsync(int fd)
{
    int e;
    REAL(fsync);

    if ((e = hit(F_fsync, 0)) != 0)
        FAIL(e, -1);
    return real_fsync(fd);
}

int
fdatasync(int fd)
{
    int e;
    REAL(fdatasync);

    if ((e = hit(F_fdatasync, 0)) != 0)
        FAIL(e, -1);
    return real_fdatasync(fd);
}

int
close(int fd)
{
    int e;
    REAL(close);

    if ((e = hit(F_close, 0)) != 0) {
        real_close(fd);                 /* Linux frees the descriptor anyway */
        FAIL(e, -1);
    }
    return real_close(fd);
}

int
rename(const char *from, const char *to)
{
    int e;
    REAL(rename);

    if ((e = hit(F_rename, 0)) != 0)
        FAIL(e, -1);
    return real_rename(from, to);
}

int
link(const char *from, const char *to)
{
    int e;
    REAL(link);

    if ((e = hit(F_link, 0)) != 0)
        FAIL(e, -1);
    return real_link(from, to);
}

int
unlink(const char *path)
{
    int e;
    REAL(unlink);

    if ((e = hit(F_unlink, 0)) != 0)
        FAIL(e, -1);
    return real_unlink(path);
}

int
mkdir(const char *path, mode_t mode)
{
    int e;
    REAL(mkdir);

    if ((e = hit(F_mkdir, 0)) != 0)
        FAIL(e, -1);
    return real_mkdir(path, mode);
}

int
ftruncate(int fd, off_t len)
{
    int e;
    REAL(ftruncate);

    if ((e = hit(F_ftruncate, 0)) != 0)
        FAIL(e, -1);
    return real_ftruncate(fd, len);
}

int ftruncate64(int fd, off_t len) __attribute__((alias("ftruncate")));

static int
lock_cmd(int cmd)
{
    return cmd == F_SETLK || cmd == F_SETLKW || cmd == F_GETLK
#ifdef F_OFD_SETLK
           || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW || cmd == F_OFD_GETLK
#endif
        ;
}

int
fcntl(int fd, int cmd, ...)
{
    void *arg;
    va_list ap;
    int e;
    REAL(fcntl);

    /* Every fcntl argument is an int or a pointer: passed on as a word. */
    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (lock_cmd(cmd) && (e = hit(F_fcntl, 0)) != 0)
        FAIL(e, -1);
    return real_fcntl(fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

int
flock(int fd, int op)
{
    int e;
    REAL(flock);

    if ((e = hit(F_flock, 0)) != 0)
        FAIL(e, -1);
    return real_flock(fd, op);
}

#ifndef FAULTSHIM_NO_MALLOC
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

void *
malloc(size_t n)
{
    int e;

    if ((e = hit(F_malloc, 0)) != 0)
        FAIL(e, NULL);
    return __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
    int e;

    if ((e = hit(F_calloc, 0)) != 0)
        FAIL(e, NULL);
    return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
    int e;

    if ((e = hit(F_realloc, 0)) != 0)
        FAIL(e, NULL);
    return __libc_realloc(p, n);
}
#endif

pid_t
fork(void)
{
    pid_t pid;
    int e;
    REAL(fork);

    if ((e = hit(F_fork, 0)) != 0)
        FAIL(e, -1);
    pid = real_fork();
    if (pid == 0)
        in_child = 1;
    return pid;
}

int
execve(const char *path, char *const argv[], char *const envp[])
{
    int e;
    REAL(execve);

    if ((e = hit(F_execve, 1)) != 0)
        FAIL(e, -1);
    return real_execve(path, argv, envp);
}

int
pipe(int fds[2])
{
    int e;
    REAL(pipe);

    if ((e = hit(F_pipe, 0)) != 0)
        FAIL(e, -1);
    return real_pipe(fds);
}

int
pipe2(int fds[2], int flags)
{
    int e;
    REAL(pipe2);

    if ((e = hit(F_pipe2, 0)) != 0)
        FAIL(e, -1);
    return real_pipe2(fds, flags);
}

int
dup2(int from, int to)
{
    int e;
    REAL(dup2);

    if ((e = hit(F_dup2, 1)) != 0)
        FAIL(e, -1);
    return real_dup2(from, to);
}

pid_t
waitpid(pid_t pid, int *wst, int opt)
{
    int e;
    REAL(waitpid);

    if ((e = hit(F_waitpid, 0)) != 0)
        FAIL(e, -1);
    return real_waitpid(pid, wst, opt);
}

/* The clock: counted (and failable) like the others; shifted from the
 * WEIR_FAULT_CLOCK call on. */
static int
shifted(void)
{
    return clock_from && sh && sh->count[F_clock_gettime] >= clock_from;
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
    int e, rc;
    REAL(clock_gettime);

    if ((e = hit(F_clock_gettime, 0)) != 0)
        FAIL(e, -1);
    rc = real_clock_gettime(id, ts);
    if (rc == 0 && !in_child && shifted() &&
        (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE ||
         (clock_all && (id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_COARSE ||
                        id == CLOCK_BOOTTIME))))
        ts->tv_sec += clock_shift;
    return rc;
}

time_t
time(time_t *t)
{
    struct timespec ts;
    REAL(clock_gettime);

    if (state == 0)
        init();
    real_clock_gettime(CLOCK_REALTIME, &ts);
    if (!in_child && shifted())
        ts.tv_sec += clock_shift;
    if (t)
        *t = ts.tv_sec;
    return ts.tv_sec;
}

int
gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    struct timespec ts;
    REAL(clock_gettime);

    (void)tz;
    if (state == 0)
        init();
    real_clock_gettime(CLOCK_REALTIME, &ts);
    if (!in_child && shifted())
        ts.tv_sec += clock_shift;
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}
