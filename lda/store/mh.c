/*
 * mh.c -- MH folder delivery (see mh.h).
 *
 * A message file is complete before it gets a number: it is written,
 * fsynced and closed under a hidden temporary name, then linked to the
 * number.  No lock is needed: link(2) is atomic and refuses an existing
 * name.
 *
 * SECURITY: the temporary file is created O_EXCL|O_NOFOLLOW mode 0600;
 * link(2) does not follow a symlink planted at the number (it fails with
 * EEXIST and the next number is taken).
 */
#include "config.h"
#include "mh.h"
#include "log.h"
#include "undo.h"
#include "maildir.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
space_code(int err)
{
    return (err == ENOSPC || err == EDQUOT || err == EFBIG) ? "4.2.2" : "4.2.0";
}

long
mh_last(const char *dir, struct status *st)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    long max = 0;

    if (d == NULL) {
        status_errno(st, "4.2.0", errno, "cannot read %s", dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        const char *p = e->d_name;
        char *end;
        long n;

        if (*p < '1' || *p > '9')
            continue;
        errno = 0;
        n = strtol(p, &end, 10);
        if (*end == '\0' && errno == 0 && n > max)
            max = n;
    }
    closedir(d);
    return max;
}

void
mh_txn_free(struct mh_txn *t)
{
    free(t->dir);
    free(t->tmp);
    free(t->path);
    undo_drop(t->undo);
    memset(t, 0, sizeof *t);
}

void
mh_abort(struct mh_txn *t)
{
    if (t->tmp)
        (void)unlink(t->tmp);
    if (t->path)
        (void)unlink(t->path);
    mh_txn_free(t);
}

int
mh_prepare(struct mh_txn *t, const char *dir, const struct message *m,
           struct status *st)
{
    char *name = maildir_unique_name();
    int fd, e = 0;

    memset(t, 0, sizeof *t);
    t->dir = xstrdup(dir);
    t->tmp = xasprintf("%s/.weir-%s", dir, name);
    free(name);
    /* A fatal error (out of memory while writing) removes it; registered
     * before the file exists (registering allocates). */
    t->undo = undo_push(undo_unlink);
    undo_set_path(t->undo, 0, t->tmp);
    fd = open(t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        e = errno;
        undo_set_path(t->undo, 0, NULL);    /* not ours: never unlink it */
        status_errno(st, "4.2.0", e, "cannot create %s", t->tmp);
        free(t->tmp);
        t->tmp = NULL;
        mh_abort(t);
        return -1;
    }
    if (message_write(m, fd) < 0 || fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (e) {
        status_errno(st, space_code(e), e, "cannot write %s", t->tmp);
        mh_abort(t);
        return -1;
    }
    return 0;
}

int
mh_commit(struct mh_txn *t, struct status *st)
{
    long n = 0;
    int dfd, e;

    for (int tries = 0; tries < MH_LINK_TRIES; tries++) {
        if (tries % MH_RESCAN_AFTER == 0) {
            long last = mh_last(t->dir, st);

            if (last < 0)
                goto fail;
            if (last >= n)
                n = last;
        }
        n++;
        free(t->path);
        t->path = xasprintf("%s/%ld", t->dir, n);
        /* After the link, a fatal error takes the message back out of
         * the folder until the caller's point of no return (mh_txn_free()
         * or undo_drop()): set now, since setting allocates. */
        undo_set_path(t->undo, 1, t->path);
        if (link(t->tmp, t->path) == 0) {
            t->number = (unsigned long)n;
            if (unlink(t->tmp) != 0 && errno != ENOENT)
                msg_warn("cannot remove %s (a second name of %s): %m", t->tmp, t->path);
            undo_set_path(t->undo, 0, NULL);
            free(t->tmp);
            t->tmp = NULL;
            dfd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dfd < 0 || fsync(dfd) != 0) {
                status_errno(st, "4.2.0", errno, "cannot fsync %s", t->dir);
                if (dfd >= 0)
                    close(dfd);
                goto fail;
            }
            close(dfd);
            return 0;
        }
        e = errno;
        undo_set_path(t->undo, 1, NULL);    /* not ours */
        if (e != EEXIST) {
            status_errno(st, space_code(e), e, "cannot link %s to %s",
                         t->tmp, t->path);
            free(t->path);
            t->path = NULL;
            goto fail;
        }
    }
    status_set(st, "4.2.0", "no free message number in %s", t->dir);
    free(t->path);
    t->path = NULL;
fail:
    mh_abort(t);
    return -1;
}
