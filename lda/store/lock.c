/*
 * lock.c -- dotlock and fcntl locking with deadlines (see lock.h).
 *
 * Dotlock (NFS-safe, as in liblockfile): write "<pid> <host>\n" to a
 * unique temporary name in the mailbox's directory, link(2) it to
 * "<mailbox>.lock", and count the lock as ours when the temporary file
 * then has two links (link(2) over NFS may report failure after
 * succeeding).  The temporary name is removed either way.  A lock is
 * stale, and is removed, when it names a process on this host that no
 * longer exists (kill(pid, 0) fails with ESRCH: a weir killed with -9), or
 * when it is older than stale_sec (locks of other programs, other hosts).
 * A lock weir cannot read (another user's, made before locks were created
 * 0644) is judged by its age alone (lstat).  Once the lock is held,
 * temporary names of this mailbox's lock left by a killed process
 * ("<mailbox>.lock.<pid>.<hex>", older than DOTLOCK_TMP_STALE_SEC, pid
 * not alive here) are removed.
 * Waiting polls with a growing, jittered sleep up to the deadline.
 *
 * fcntl: F_SETLKW bounded by an ITIMER_REAL alarm whose handler only
 * interrupts the wait; the previous SIGALRM disposition is restored.
 *
 * SECURITY: the mail group is raised (priv_mail_raise) only around
 * creating the temporary file, the link and the unlinks of the dotlock,
 * and only when the caller says the mailbox is the user's own file in the
 * system spool (lda/prog/commit.c: /var/mail/<login>, as `lockfile -ml`);
 * spool_create() raises it to create a missing one (0660, group mail).
 * Lock files are opened O_NOFOLLOW and created O_EXCL, mode 0644 whatever
 * the umask, so that any delivery can read the owner's pid.  The
 * temporary names are removed by name with the same group.
 */
#include "config.h"
#include "lock.h"
#include "log.h"
#include "priv.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define DOTLOCK_SLEEP_MIN_MS  2
#define DOTLOCK_SLEEP_MAX_MS  100
#define DOTLOCK_INFO_MAX      300

static double
now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
lock_deadline(unsigned sec)
{
    return now_mono() + (double)sec;
}

static void
sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void
host_name(char *host, size_t n)
{
    if (gethostname(host, n) != 0)
        snprintf(host, n, "localhost");
    host[n - 1] = '\0';
}

/* Create the temporary file and link it to the lock name.  1: we hold the
 * lock, 0: someone else does, -1: error (errno). */
static int
try_link(const char *tmp, const char *lock, const char *info)
{
    struct stat sb;
    int fd, rc, e = 0;

    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    /* 0644 under weir's umask 077 too: others must read the pid. */
    if (fchmod(fd, 0644) != 0 || write_all(fd, info, strlen(info)) < 0 || close(fd) != 0) {
        e = errno;
        (void)unlink(tmp);
        errno = e;
        return -1;
    }
    rc = link(tmp, lock);
    e = errno;
    if (lstat(tmp, &sb) == 0 && sb.st_nlink == 2)
        rc = 1;                         /* ours, whatever link() said */
    else if (rc == 0)
        rc = 1;
    else if (e == EEXIST)
        rc = 0;
    else
        rc = -1;
    (void)unlink(tmp);
    errno = e;
    return rc;
}

/* Whether an existing lock may be broken; *why says why. */
static int
lock_is_stale(const char *lock, unsigned stale_sec, const char **why)
{
    char buf[DOTLOCK_INFO_MAX + 1], host[256], lhost[256];
    struct stat sb;
    ssize_t n;
    long pid;
    int fd;

    fd = open(lock, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        /* Unreadable (another user's lock, 0600): its age decides.  A
         * lock that is gone is not stale (the next try_link takes it). */
        if (errno != ENOENT && lstat(lock, &sb) == 0 && !S_ISDIR(sb.st_mode) &&
            time(NULL) - sb.st_mtime > (time_t)stale_sec) {
            *why = "it is unreadable and older than the stale-lock time";
            return 1;
        }
        return 0;
    }
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return 0;
    }
    n = read_retry(fd, buf, DOTLOCK_INFO_MAX);
    close(fd);
    if (n > 0) {
        buf[n] = '\0';
        host_name(host, sizeof host);
        if (sscanf(buf, "%ld %255s", &pid, lhost) == 2 && pid > 0 &&
            strcmp(lhost, host) == 0 && kill((pid_t)pid, 0) != 0 &&
            errno == ESRCH) {
            *why = "its owner process is gone";
            return 1;
        }
    }
    if (time(NULL) - sb.st_mtime > (time_t)stale_sec) {
        *why = "it is older than the stale-lock time";
        return 1;
    }
    return 0;
}

/* Remove the temporary names of mailbox's lock ("<base>.lock.<pid>.<hex>")
 * that a killed delivery left: older than DOTLOCK_TMP_STALE_SEC and with
 * no live process of that pid here.  Called with the lock held. */
static void
clean_tmp_names(const char *mailbox, int spool)
{
    char *dir = xstrdup(mailbox), *slash = strrchr(dir, '/'), *prefix;
    const char *base;
    size_t plen;
    DIR *d;
    struct dirent *e;

    if (slash == NULL) {
        free(dir);
        return;
    }
    *slash = '\0';
    base = slash + 1;
    prefix = xasprintf("%s.lock.", base);
    plen = strlen(prefix);
    d = opendir(*dir ? dir : "/");
    while (d && (e = readdir(d)) != NULL) {
        char *end, *path;
        long pid;
        struct stat sb;

        if (strncmp(e->d_name, prefix, plen) != 0)
            continue;
        pid = strtol(e->d_name + plen, &end, 10);
        if (end == e->d_name + plen || *end != '.' || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;                   /* a live process of that pid */
        path = xasprintf("%s/%s", *dir ? dir : "", e->d_name);
        if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
            time(NULL) - sb.st_mtime > DOTLOCK_TMP_STALE_SEC) {
            int rc = -1;

            if (!spool || priv_mail_raise() == 0) {
                rc = unlink(path);
                if (spool)
                    priv_mail_lower();
            }
            if (rc == 0)
                msg_warn("removed %s, left by an interrupted lock attempt", path);
        }
        free(path);
    }
    if (d)
        closedir(d);
    free(prefix);
    free(dir);
}

int
spool_create(const char *path)
{
    int fd, e;

    if (priv_mail_raise() != 0)
        return -1;
    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0660);
    e = errno;
    priv_mail_lower();
    if (fd >= 0)
        (void)fchmod(fd, 0660);         /* past the umask; 0600 would do too */
    errno = e;
    return fd;
}

int
dotlock_acquire(struct dotlock *dl, const char *mailbox, int spool,
                double deadline, unsigned stale_sec, struct status *st)
{
    char host[256], info[DOTLOCK_INFO_MAX];
    char *lock, *tmp;
    unsigned nap = DOTLOCK_SLEEP_MIN_MS, jitter;
    int rc, e;

    dl->path = NULL;
    dl->spool = spool;
    host_name(host, sizeof host);
    if (snprintf(info, sizeof info, "%ld %s\n", (long)getpid(), host) >= (int)sizeof info) {
        status_set(st, "4.3.0", "host name too long for a lock file");
        return -1;
    }
    lock = xasprintf("%s.lock", mailbox);
    jitter = (unsigned)getpid() * 2654435761u ^ (unsigned)time(NULL);
    tmp = xasprintf("%s.lock.%ld.%x", mailbox, (long)getpid(), jitter);
    for (;;) {
        const char *why = NULL;
        int stale;

        if (spool && priv_mail_raise() != 0) {
            status_errno(st, "4.3.0", errno, "cannot raise the mail group");
            goto fail;
        }
        rc = try_link(tmp, lock, info);
        e = errno;
        if (spool)
            priv_mail_lower();
        if (rc == 1) {
            free(tmp);
            dl->path = lock;
            clean_tmp_names(mailbox, spool);
            return 0;
        }
        if (rc < 0) {
            status_errno(st, "4.2.0", e, "cannot create lock %s", lock);
            goto fail;
        }
        stale = lock_is_stale(lock, stale_sec, &why);
        if (stale) {
            if (spool && priv_mail_raise() != 0) {
                status_errno(st, "4.3.0", errno, "cannot raise the mail group");
                goto fail;
            }
            rc = unlink(lock);
            e = errno;
            if (spool)
                priv_mail_lower();
            if (rc == 0)
                msg_warn("removed stale lock %s: %s", lock, why);
            else if (e != ENOENT)
                msg_warn("cannot remove stale lock %s: %s", lock, strerror(e));
            continue;
        }
        if (now_mono() >= deadline) {
            status_set(st, "4.2.0", "timed out waiting for lock %s", lock);
            goto fail;
        }
        jitter = jitter * 1103515245u + 12345u;
        sleep_ms(nap / 2 + (jitter >> 16) % (nap / 2 + 1));
        if (nap < DOTLOCK_SLEEP_MAX_MS)
            nap *= 2;
    }
fail:
    free(lock);
    free(tmp);
    return -1;
}

void
dotlock_release(struct dotlock *dl)
{
    int rc, e;

    if (dl->path == NULL)
        return;
    if (dl->spool && priv_mail_raise() != 0) {
        msg_warn("cannot raise the mail group to remove %s: %m", dl->path);
    } else {
        rc = unlink(dl->path);
        e = errno;
        if (dl->spool)
            priv_mail_lower();
        if (rc != 0)
            msg_warn("cannot remove lock %s: %s", dl->path, strerror(e));
    }
    free(dl->path);
    dl->path = NULL;
}

void
lock_timer_value(double left, struct itimerval *it)
{
    /* Whole microseconds, rounded up, split so that tv_usec stays below
     * 1000000: 29.9999995 s left (a lock found busy right after the
     * deadline was set) once made tv_usec 1000000, and setitimer()
     * refused it (EINVAL: "cannot set a lock timer"). */
    long long us = (long long)(left * 1e6) + 1;

    memset(it, 0, sizeof *it);
    it->it_value.tv_sec = (time_t)(us / 1000000);
    it->it_value.tv_usec = (suseconds_t)(us % 1000000);
}

static void
on_alarm(int sig)
{
    (void)sig;                          /* only interrupts F_SETLKW */
}

int
lock_fcntl(int fd, const char *what, double deadline, struct status *st)
{
    struct flock fl;

    for (;;) {
        struct sigaction sa, old;
        struct itimerval it, oldit;
        double left;
        int rc, e;

        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (fcntl(fd, F_SETLK, &fl) == 0)
            return 0;
        if (errno != EACCES && errno != EAGAIN && errno != EINTR) {
            status_errno(st, "4.2.0", errno, "cannot lock %s", what);
            return -1;
        }
        left = deadline - now_mono();
        if (left <= 0) {
            status_set(st, "4.2.0", "timed out waiting for the fcntl lock on %s", what);
            return -1;
        }
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;                /* no SA_RESTART: interrupt the wait */
        lock_timer_value(left, &it);
        if (sigaction(SIGALRM, &sa, &old) != 0 ||
            setitimer(ITIMER_REAL, &it, &oldit) != 0) {
            status_errno(st, "4.3.0", errno, "cannot set a lock timer");
            return -1;
        }
        rc = fcntl(fd, F_SETLKW, &fl);
        e = errno;
        memset(&it, 0, sizeof it);
        (void)setitimer(ITIMER_REAL, &it, NULL);
        (void)sigaction(SIGALRM, &old, NULL);
        if (rc == 0)
            return 0;
        if (e != EINTR) {
            status_errno(st, "4.2.0", e, "cannot lock %s", what);
            return -1;
        }
        /* Interrupted: the loop checks the deadline again. */
    }
}
