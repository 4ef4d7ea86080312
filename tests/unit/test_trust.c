/*
 * test_trust.c -- trust_open() on real files, owners and modes: every
 * refused rule-file case (not owned, group/world-writable, in a
 * group/world-writable directory without the sticky bit, a directory
 * owned by someone else, symlinks to such files, non-regular files) and
 * the accepted ones; trust_hold().  Cases with other owners need root.
 */
#include "config.h"
#include "trust.h"
#include "util.h"
#include "tests/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An owner that is neither root nor us (needs root to chown to). */
#define OTHER_UID 4242u

static char base[] = "/tmp/weir-trust.XXXXXX";

static char *
mk(const char *rel, mode_t mode, int dir)
{
    char *p = xasprintf("%s/%s", base, rel);

    if (dir) {
        if (mkdir(p, mode) != 0 && errno != EEXIST)
            perror(p);
    } else {
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (fd < 0 || write(fd, "stop\n", 5) != 5)
            perror(p);
        if (fd >= 0)
            close(fd);
    }
    if (chmod(p, mode) != 0)
        perror(p);
    return p;
}

/* trust_open for owner; expect rc; and a reason containing `want`. */
static void
check(const char *path, uid_t owner, int want_rc, const char *want, const char *what)
{
    struct buf why = BUF_INIT;
    int fd = -1;
    int rc = trust_open(path, owner, &fd, &why);

    if (want_rc == 0) {
        char b[8];

        ok(rc == 0 && fd >= 0 && read(fd, b, sizeof b) == 5, "%s: accepted and readable", what);
    } else if (!ok(rc == want_rc && fd == -1 && (want == NULL || (why.data && strstr(why.data, want))),
                   "%s: %s", what, want_rc == TRUST_MISSING ? "reported missing" : "refused"))
        printf("#   rc %d, reason: %s\n", rc, why.data ? why.data : "(none)");
    else if (why.data)
        printf("#   %s\n", why.data);
    if (fd >= 0)
        close(fd);
    buf_free(&why);
}

int
main(void)
{
    uid_t me = getuid();
    int root = me == 0;
    char *p, *d, *cmd;
    struct status st;

    if (mkdtemp(base) == NULL || chmod(base, 0755) != 0) {
        perror("mkdtemp");
        return 1;
    }

    p = mk("rules", 0600, 0);
    check(p, me, 0, NULL, "own file, mode 0600");
    free(p);
    p = mk("rules-644", 0644, 0);
    check(p, me, 0, NULL, "own file, mode 0644");
    free(p);
    p = mk("rules-g", 0620, 0);
    check(p, me, -1, "group-writable", "group-writable file");
    free(p);
    p = mk("rules-o", 0602, 0);
    check(p, me, -1, "world-writable", "world-writable file");
    free(p);

    d = mk("gw", 0775, 1);
    free(d);
    p = mk("gw/rules", 0600, 0);
    check(p, me, -1, "group-writable without the sticky bit", "file in a group-writable directory");
    free(p);
    d = mk("ww", 0777, 1);
    free(d);
    p = mk("ww/rules", 0600, 0);
    check(p, me, -1, "world-writable without the sticky bit", "file in a world-writable directory");
    free(p);
    d = mk("sticky", 01777, 1);
    free(d);
    p = mk("sticky/rules", 0600, 0);
    check(p, me, 0, NULL, "file in a world-writable directory with the sticky bit");
    free(p);
    /* a deeper component counts too */
    d = mk("ww/sub", 0700, 1);
    free(d);
    p = mk("ww/sub/rules", 0600, 0);
    check(p, me, -1, "ww is world-writable", "file below a world-writable directory");
    free(p);

    /* symlinks: checked where they lead */
    p = xasprintf("%s/link-good", base);
    if (symlink("rules", p) != 0)
        perror(p);
    check(p, me, 0, NULL, "symlink to an acceptable file");
    free(p);
    p = xasprintf("%s/link-bad", base);
    if (symlink("ww/rules", p) != 0)
        perror(p);
    check(p, me, -1, "world-writable", "symlink to a file in a world-writable directory");
    free(p);
    p = xasprintf("%s/link-dangling", base);
    if (symlink("nowhere", p) != 0)
        perror(p);
    check(p, me, -1, "missing file", "dangling symlink");
    free(p);
    p = xasprintf("%s/missing", base);
    check(p, me, TRUST_MISSING, NULL, "missing file");
    free(p);
    d = mk("adir", 0700, 1);
    check(d, me, -1, "not a regular file", "a directory");
    free(d);
    p = xasprintf("%s/fifo", base);
    if (mkfifo(p, 0600) != 0)
        perror(p);
    check(p, me, -1, "not a regular file", "a FIFO (no hang)");
    free(p);

    if (root) {
        p = mk("others", 0600, 0);
        if (chown(p, OTHER_UID, OTHER_UID) != 0)
            perror(p);
        check(p, 1000, -1, "owned by uid 4242", "file owned by another user");
        check(p, OTHER_UID, 0, NULL, "the same file, for its owner");
        free(p);
        p = mk("rootfile", 0644, 0);
        check(p, OTHER_UID, 0, NULL, "file owned by root, for a user");
        free(p);
        d = mk("otherdir", 0755, 1);
        if (chown(d, 1000, 1000) != 0)
            perror(d);
        free(d);
        p = mk("otherdir/rules", 0644, 0);
        if (chown(p, OTHER_UID, OTHER_UID) != 0)
            perror(p);
        check(p, OTHER_UID, -1, "owned by uid 1000", "own file in a directory owned by another user");
        free(p);
        p = xasprintf("%s/link-to-others", base);
        if (symlink("others", p) != 0 || lchown(p, OTHER_UID + 1, OTHER_UID + 1) != 0)
            perror(p);
        check(p, OTHER_UID + 1, -1, "owned by uid 4242", "own symlink to another user's file");
        free(p);
    } else {
        for (int i = 0; i < 5; i++)
            printf("ok %d # SKIP not root: cannot create files owned by others\n", ++tap_n);
    }

    /* the hold file */
    d = mk("home", 0700, 1);
    ok(trust_hold("~/.weir/hold", d, &st) == 0, "no hold file: go on");
    free(mk("home/.weir", 0700, 1));
    free(mk("home/.weir/hold", 0600, 0));
    ok(trust_hold("~/.weir/hold", d, &st) == -1 && strcmp(st.code, "4.2.1") == 0 &&
       strstr(st.text, "/home/.weir/hold exists"), "hold file present: 4.2.1 (%s)", st.text);
    ok(trust_hold("~/.weir/hold/x", d, &st) == 0, "a path through a file (ENOTDIR): no hold");
    free(d);

    cmd = xasprintf("rm -rf %s", base);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", base);
    free(cmd);
    return done();
}
