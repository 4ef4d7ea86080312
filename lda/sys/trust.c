/*
 * trust.c -- ownership and permission checks for rule files, and the hold
 * file (see trust.h).
 *
 * Entry points: trust_open(), trust_hold().  trust_open() returns 0,
 * TRUST_MISSING or -1 with the reason in *why; trust_hold() returns 0, or
 * -1 with a temporary status (mail held).
 *
 * SECURITY: a rule file decides where mail goes and which programs run,
 * so it is refused when anyone but its owner (or root) could have changed
 * it: see trust.h for the exact rules, weir(1) PRIVILEGES for the user's
 * view.  The checks walk every directory of the resolved path up to "/".
 */
#include "config.h"
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
owner_ok(const struct stat *sb, uid_t owner)
{
    return sb->st_uid == owner || sb->st_uid == 0;
}

/* Every directory from dir up to "/" (dir is absolute and resolved). */
static int
check_dirs(const char *file, char *dir, uid_t owner, struct buf *why)
{
    for (;;) {
        struct stat sb;
        char *slash;

        if (stat(*dir ? dir : "/", &sb) != 0) {
            buf_printf(why, "%s: cannot check directory %s: %s", file, *dir ? dir : "/",
                       strerror(errno));
            return -1;
        }
        if (!owner_ok(&sb, owner)) {
            buf_printf(why, "%s: directory %s is owned by uid %ld, not by the user or root",
                       file, *dir ? dir : "/", (long)sb.st_uid);
            return -1;
        }
        if ((sb.st_mode & (S_IWGRP | S_IWOTH)) && !(sb.st_mode & S_ISVTX)) {
            buf_printf(why, "%s: directory %s is %s-writable without the sticky bit "
                       "(chmod go-w %s)", file, *dir ? dir : "/",
                       (sb.st_mode & S_IWOTH) ? "world" : "group", *dir ? dir : "/");
            return -1;
        }
        if (*dir == '\0')
            return 0;
        slash = strrchr(dir, '/');
        if (slash == NULL)
            return 0;
        *slash = '\0';          /* "/a/b" -> "/a" -> "" (the root) */
    }
}

int
trust_open(const char *path, uid_t owner, int *fd, struct buf *why)
{
    char *real, *dir, *slash;
    struct stat sb;
    int f;

    *fd = -1;
    real = realpath(path, NULL);
    if (real == NULL) {
        if (errno == ENOENT) {
            struct stat lsb;

            /* A dangling symlink is not "no rules": say so. */
            if (lstat(path, &lsb) == 0) {
                buf_printf(why, "%s: a symbolic link to a missing file", path);
                return -1;
            }
            return TRUST_MISSING;
        }
        buf_printf(why, "%s: cannot resolve: %s", path, strerror(errno));
        return -1;
    }
    dir = xstrdup(real);
    slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    if (check_dirs(path, dir, owner, why) != 0) {
        free(dir);
        free(real);
        return -1;
    }
    free(dir);
    f = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (f < 0) {
        buf_printf(why, "%s: cannot open: %s", path, strerror(errno));
        free(real);
        return -1;
    }
    free(real);
    if (fstat(f, &sb) != 0) {
        buf_printf(why, "%s: cannot check: %s", path, strerror(errno));
        close(f);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        buf_printf(why, "%s: not a regular file", path);
        close(f);
        return -1;
    }
    if (!owner_ok(&sb, owner)) {
        buf_printf(why, "%s: owned by uid %ld, not by the user (uid %ld) or root", path,
                   (long)sb.st_uid, (long)owner);
        close(f);
        return -1;
    }
    if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
        buf_printf(why, "%s: %s-writable (chmod go-w %s)", path,
                   (sb.st_mode & S_IWOTH) ? "world" : "group", path);
        close(f);
        return -1;
    }
    /* Back to blocking reads for the caller. */
    if (fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK) != 0) {
        buf_printf(why, "%s: %s", path, strerror(errno));
        close(f);
        return -1;
    }
    *fd = f;
    return 0;
}

int
trust_hold(const char *hold_file, const char *home, struct status *st)
{
    char *path = home_path(hold_file, home);
    struct stat sb;
    int rc = 0;

    if (lstat(path, &sb) == 0) {
        status_set(st, "4.2.1", "mail held: %s exists (remove it to resume delivery)", path);
        rc = -1;
    } else if (errno != ENOENT && errno != ENOTDIR) {
        status_errno(st, "4.3.0", errno, "cannot check the hold file %s", path);
        rc = -1;
    }
    free(path);
    return rc;
}
