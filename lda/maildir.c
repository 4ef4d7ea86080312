/*
 * maildir.c -- Maildir delivery (see maildir.h).
 *
 * Unique names: <sec>.M<usec>P<pid>Q<seq>R<16 random hex>.<host>, the host
 * name with '/' and ':' encoded as \057 and \072 (Courier/Dovecot
 * convention).  A collision (O_EXCL or link EEXIST) takes a new name.
 *
 * SECURITY: tmp/ files are opened O_CREAT|O_EXCL|O_NOFOLLOW mode 0600, so
 * a planted symlink or existing file is never written through.  The caller
 * decides which directory is allowed (path safety lives with the folder
 * resolver, not here).
 */
#include "config.h"
#include "maildir.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#define MAILDIR_NAME_TRIES 8

static unsigned int maildir_seq;    /* per-process delivery counter */

static void
random_hex(char *out, size_t nbytes)
{
    unsigned char r[16];
    size_t got = 0;

    if (nbytes > sizeof r)
        nbytes = sizeof r;
#ifdef HAVE_GETRANDOM
    while (got < nbytes) {
        ssize_t n = getrandom(r + got, nbytes - got, GRND_NONBLOCK);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
#endif
    if (got < nbytes) {
        /* No entropy source: time and address bits still make the name
         * unique together with pid and sequence. */
        struct timespec ts;
        unsigned long x;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        x = (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 20) ^
            (unsigned long)(uintptr_t)&ts;
        for (; got < nbytes; got++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            r[got] = (unsigned char)(x >> 56);
        }
    }
    for (size_t i = 0; i < nbytes; i++)
        sprintf(out + 2 * i, "%02x", r[i]);
}

char *
maildir_unique_name(void)
{
    struct timeval tv;
    char host[256], rnd[33];
    struct buf hb = BUF_INIT;
    char *name;

    gettimeofday(&tv, NULL);
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "localhost");
    host[sizeof host - 1] = '\0';
    for (const char *h = host; *h; h++) {
        if (*h == '/')
            buf_adds(&hb, "\\057");
        else if (*h == ':')
            buf_adds(&hb, "\\072");
        else
            buf_addc(&hb, *h);
    }
    random_hex(rnd, 8);
    name = xasprintf("%lld.M%ldP%ldQ%uR%s.%s", (long long)tv.tv_sec,
                     (long)tv.tv_usec, (long)getpid(), ++maildir_seq, rnd,
                     hb.data ? hb.data : "localhost");
    buf_free(&hb);
    return name;
}

static int
mkdir_ok(const char *path, struct status *st)
{
    struct stat sb;

    if (mkdir(path, 0700) == 0)
        return 0;
    if (errno != EEXIST) {
        status_errno(st, "4.2.0", errno, "cannot create %s", path);
        return -1;
    }
    if (lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        status_set(st, "4.2.0", "%s exists and is not a directory", path);
        return -1;
    }
    return 0;
}

int
maildir_create(const char *dir, int folder_marker, struct status *st)
{
    static const char *const sub[] = { "tmp", "new", "cur" };
    char *p;

    if (mkdir_ok(dir, st) < 0)
        return -1;
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        p = xasprintf("%s/%s", dir, sub[i]);
        if (mkdir_ok(p, st) < 0) {
            free(p);
            return -1;
        }
        free(p);
    }
    if (folder_marker) {
        int fd;

        p = xasprintf("%s/maildirfolder", dir);
        fd = open(p, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 || close(fd) != 0) {
            status_errno(st, "4.2.0", errno, "cannot create %s", p);
            free(p);
            return -1;
        }
        free(p);
    }
    return 0;
}

static int
fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc, saved;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

static const char *
space_code(int err)
{
    return (err == ENOSPC || err == EDQUOT || err == EFBIG) ? "4.2.2" : "4.2.0";
}

int
maildir_deliver(const char *dir, const struct message *m, char **path_out,
                struct status *st)
{
    char *name = NULL, *tmp = NULL, *new = NULL, *newdir = NULL;
    int fd = -1, tries;

    *path_out = NULL;
    if (maildir_create(dir, 0, st) < 0)
        return -1;
    for (tries = 0; tries < MAILDIR_NAME_TRIES; tries++) {
        free(name);
        free(tmp);
        name = maildir_unique_name();
        tmp = xasprintf("%s/tmp/%s", dir, name);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            break;
    }
    if (fd < 0) {
        status_errno(st, "4.2.0", errno, "cannot create %s", tmp);
        goto fail;
    }
    if (message_write(m, fd) < 0) {
        int e = errno;
        status_errno(st, space_code(e), e, "cannot write %s", tmp);
        goto fail;
    }
    if (fsync(fd) != 0) {
        int e = errno;
        status_errno(st, space_code(e), e, "cannot fsync %s", tmp);
        goto fail;
    }
    if (close(fd) != 0) {
        int e = errno;
        fd = -1;
        status_errno(st, space_code(e), e, "cannot close %s", tmp);
        goto fail;
    }
    fd = -1;
    for (tries = 0; tries < MAILDIR_NAME_TRIES; tries++) {
        free(new);
        new = xasprintf("%s/new/%s,S=%zu", dir, name, m->len);
        if (link(tmp, new) == 0)
            break;
        if (errno == EEXIST) {
            char *n2 = maildir_unique_name();
            free(name);
            name = n2;
            continue;
        }
        if (errno == EPERM || errno == ENOSYS || errno == EOPNOTSUPP) {
            /* No hard links here (some FUSE/network file systems). */
            if (rename(tmp, new) == 0)
                break;
        }
        status_errno(st, "4.2.0", errno, "cannot link %s to %s", tmp, new);
        goto fail;
    }
    if (tries == MAILDIR_NAME_TRIES) {
        status_set(st, "4.2.0", "cannot find a free name in %s/new", dir);
        goto fail;
    }
    (void)unlink(tmp);
    newdir = xasprintf("%s/new", dir);
    if (fsync_dir(newdir) != 0) {
        int e = errno;
        /* Durability unknown: take it back and let the MTA retry. */
        (void)unlink(new);
        status_errno(st, "4.2.0", e, "cannot fsync %s", newdir);
        goto fail;
    }
    free(newdir);
    free(name);
    free(tmp);
    *path_out = new;
    return 0;

fail:
    if (fd >= 0)
        close(fd);
    if (tmp)
        (void)unlink(tmp);
    free(name);
    free(tmp);
    free(new);
    free(newdir);
    return -1;
}
