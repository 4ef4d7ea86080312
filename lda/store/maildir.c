/*
 * maildir.c -- Maildir delivery (see maildir.h).
 *
 * Unique names: <sec>.M<usec>P<pid>Q<seq>R<16 random hex>.<host>, the host
 * name with '/' and ':' encoded as \057 and \072 (Courier/Dovecot
 * convention).  A collision (O_EXCL or link EEXIST) takes a new name.
 *
 * maildir_deliver() is maildir_prepare() (write and fsync tmp/<unique>)
 * followed by maildir_commit() (link into new/, remove the tmp name, fsync
 * new/); lda/commit.c calls the two steps separately so that a message
 * filed into several folders can be taken back everywhere.
 *
 * SECURITY: tmp/ files are opened O_CREAT|O_EXCL|O_NOFOLLOW mode 0600, so
 * a planted symlink or existing file is never written through.  The caller
 * decides which directory is allowed (path safety lives with the folder
 * resolver, not here).
 */
#include "config.h"
#include "maildir.h"
#include "log.h"
#include "undo.h"
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

static const char *
space_code(int err)
{
    return (err == ENOSPC || err == EDQUOT || err == EFBIG) ? "4.2.2" : "4.2.0";
}

void
maildir_txn_free(struct maildir_txn *t)
{
    free(t->dir);
    free(t->name);
    free(t->tmp);
    free(t->path);
    undo_drop(t->undo);
    memset(t, 0, sizeof *t);
}

void
maildir_abort(struct maildir_txn *t)
{
    if (t->tmp)
        (void)unlink(t->tmp);
    if (t->path)
        (void)unlink(t->path);
    maildir_txn_free(t);
}

int
maildir_prepare(struct maildir_txn *t, const char *dir, const struct message *m,
                struct status *st)
{
    int fd = -1, tries, e;

    memset(t, 0, sizeof *t);
    t->dir = xstrdup(dir);
    t->size = m->len;
    /* A fatal error (out of memory while writing) removes the tmp file.
     * Registered before the file exists: registering allocates, and a
     * fatal error between creating the file and registering it would
     * leave it behind. */
    t->undo = undo_push(undo_unlink);
    for (tries = 0; tries < MAILDIR_NAME_TRIES; tries++) {
        free(t->name);
        free(t->tmp);
        t->name = maildir_unique_name();
        t->tmp = xasprintf("%s/tmp/%s", dir, t->name);
        undo_set_path(t->undo, 0, t->tmp);
        fd = open(t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            break;
    }
    if (fd < 0) {
        e = errno;
        undo_set_path(t->undo, 0, NULL);    /* not ours: never unlink it */
        status_errno(st, "4.2.0", e, "cannot create %s", t->tmp);
        free(t->tmp);
        t->tmp = NULL;
        goto fail;
    }
    if (message_write(m, fd) < 0) {
        e = errno;
        status_errno(st, space_code(e), e, "cannot write %s", t->tmp);
        goto fail;
    }
    if (fsync(fd) != 0) {
        e = errno;
        status_errno(st, space_code(e), e, "cannot fsync %s", t->tmp);
        goto fail;
    }
    e = close(fd) != 0 ? errno : 0;
    fd = -1;
    if (e) {
        status_errno(st, space_code(e), e, "cannot close %s", t->tmp);
        goto fail;
    }
    return 0;

fail:
    if (fd >= 0)
        close(fd);
    maildir_abort(t);
    return -1;
}

int
maildir_commit(struct maildir_txn *t, struct status *st)
{
    char *newdir;
    int tries, e;

    for (tries = 0; tries < MAILDIR_NAME_TRIES; tries++) {
        free(t->path);
        t->path = xasprintf("%s/new/%s,S=%zu", t->dir, t->name, t->size);
        /* Once linked, a fatal error takes the message back out of new/
         * until the caller's point of no return (maildir_txn_free(), or
         * undo_drop() of t->undo): a fatal error exits 75, and the MTA's
         * retry must not find a copy here.  Set before the link, since
         * setting allocates. */
        undo_set_path(t->undo, 1, t->path);
        if (link(t->tmp, t->path) == 0)
            break;
        e = errno;
        undo_set_path(t->undo, 1, NULL);    /* not ours */
        errno = e;
        if (errno == EEXIST) {
            free(t->name);
            t->name = maildir_unique_name();
            continue;
        }
        if (errno == EPERM || errno == ENOSYS || errno == EOPNOTSUPP) {
            /* No hard links here (some FUSE/network file systems); the
             * name in new/ is unique, so rename cannot replace a file. */
            undo_set_path(t->undo, 1, t->path);
            if (rename(t->tmp, t->path) == 0)
                break;
            e = errno;
            undo_set_path(t->undo, 1, NULL);
            errno = e;
        }
        status_errno(st, "4.2.0", errno, "cannot link %s to %s", t->tmp, t->path);
        free(t->path);
        t->path = NULL;
        goto fail;
    }
    if (tries == MAILDIR_NAME_TRIES) {
        status_set(st, "4.2.0", "cannot find a free name in %s/new", t->dir);
        free(t->path);
        t->path = NULL;
        goto fail;
    }
    if (unlink(t->tmp) != 0 && errno != ENOENT)
        msg_warn("cannot remove %s (a second name of %s; readers remove tmp/ files "
                 "older than 36 hours): %m", t->tmp, t->path);
    undo_set_path(t->undo, 0, NULL);
    free(t->tmp);
    t->tmp = NULL;
    newdir = xasprintf("%s/new", t->dir);
    if (fsync_dir(newdir) != 0) {
        /* Durability unknown: take it back and let the MTA retry. */
        status_errno(st, "4.2.0", errno, "cannot fsync %s", newdir);
        free(newdir);
        goto fail;
    }
    free(newdir);
    return 0;

fail:
    maildir_abort(t);
    return -1;
}

int
maildir_deliver(const char *dir, const struct message *m, char **path_out,
                struct status *st)
{
    struct maildir_txn t;

    *path_out = NULL;
    if (maildir_create(dir, 0, st) < 0)
        return -1;
    if (maildir_prepare(&t, dir, m, st) < 0)
        return -1;
    if (maildir_commit(&t, st) < 0)
        return -1;
    *path_out = t.path;
    t.path = NULL;
    maildir_txn_free(&t);
    return 0;
}
