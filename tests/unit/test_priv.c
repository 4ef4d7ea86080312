/*
 * test_priv.c -- start-up hygiene and -d, against the real process:
 * the environment allowlist (LD_*, IFS, TMPDIR, HOSTALIASES, RES_OPTIONS
 * dropped, PATH reset), closed fds 0-2 reopened, umask, and (as root, in
 * forked children) priv_switch_user() to a real account, its refusals,
 * priv_child_drop(), and the tester's priv_mail_drop() and
 * priv_become_user().
 */
#include "config.h"
#include "priv.h"
#include "log.h"
#include "status.h"
#include "tests/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run fn in a forked child; its exit status is the result. */
static int
in_child(int (*fn)(void))
{
    pid_t pid;
    int wst;

    fflush(stdout);
    pid = fork();
    if (pid == 0)
        _exit(fn());
    if (pid < 0 || waitpid(pid, &wst, 0) != pid || !WIFEXITED(wst))
        return -1;
    return WEXITSTATUS(wst);
}

static int
child_startup_fds(void)
{
    /* fds 0-2 closed at start: priv_startup opens /dev/null on them. */
    struct stat a, b;

    close(0);
    close(1);
    close(2);
    priv_startup();
    if (stat("/dev/null", &a) != 0)
        return 10;
    for (int fd = 0; fd <= 2; fd++)
        if (fstat(fd, &b) != 0 || b.st_rdev != a.st_rdev || !S_ISCHR(b.st_mode))
            return 11 + fd;
    /* the next open file is not one of them */
    {
        int fd = open("/dev/null", O_RDONLY);

        if (fd <= 2)
            return 20;
    }
    return 0;
}

static int
child_switch_nobody(void)
{
    struct status st;
    struct passwd *pw = getpwnam("nobody");
    uid_t r, e, s;
    gid_t gr, ge, gs, groups[64];
    int n;

    if (pw == NULL)
        return 2;
    if (priv_switch_user("nobody", &st) != 0)
        return 3;
    if (getresuid(&r, &e, &s) != 0 || r != pw->pw_uid || e != pw->pw_uid || s != pw->pw_uid)
        return 4;
    if (getresgid(&gr, &ge, &gs) != 0 || gr != pw->pw_gid || ge != pw->pw_gid)
        return 5;
    if (setuid(0) == 0 || seteuid(0) == 0)
        return 6;
    n = getgroups(64, groups);
    for (int i = 0; i < n; i++)
        if (groups[i] == 0)
            return 7;           /* root's supplementary groups are gone */
    if (strcmp(getenv("HOME") ? getenv("HOME") : "", pw->pw_dir) != 0)
        return 8;
    if (priv_env_trusted())
        return 9;
    /* the mail group, kept as saved gid, is not in a child */
    if (priv_child_drop() != 0)
        return 10;
    if (getresgid(&gr, &ge, &gs) != 0 || gr != pw->pw_gid || ge != pw->pw_gid ||
        gs != pw->pw_gid)
        return 11;
    return 0;
}

static int
child_switch_saved_mail(void)
{
    struct status st;
    struct group *gr = getgrnam(WEIR_MAIL_GROUP);
    gid_t r, e, s;

    if (gr == NULL)
        return 0;               /* nothing to keep */
    if (priv_switch_user("nobody", &st) != 0)
        return 3;
    if (getresgid(&r, &e, &s) != 0 || s != gr->gr_gid || e == gr->gr_gid)
        return 4;
    /* raise and lower around a dotlock work, and are verified */
    if (priv_mail_raise() != 0 || getegid() != gr->gr_gid)
        return 5;
    priv_mail_lower();
    if (getegid() == gr->gr_gid)
        return 6;
    return 0;
}

static int
child_nonroot_other(void)
{
    struct status st;
    struct passwd *pw = getpwnam("nobody");

    if (pw == NULL || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
        return 2;
    if (priv_switch_user("root", &st) != -1 || strcmp(st.code, "5.7.1") != 0)
        return 3;
    if (priv_switch_user("weir-no-such-user-xyz", &st) != -1 || strcmp(st.code, "5.7.1") != 0)
        return 4;               /* no probing for account names */
    if (priv_switch_user("nobody", &st) != 0)
        return 5;               /* naming oneself is fine */
    return 0;
}

static int
child_root_refused(void)
{
    struct status st;

    if (priv_switch_user("root", &st) != -1 || strcmp(st.code, "5.7.1") != 0)
        return 2;
    if (priv_switch_user("weir-no-such-user-xyz", &st) != -1 || strcmp(st.code, "5.1.1") != 0)
        return 3;
    return 0;
}

/* A setgid weir run by nobody (saved gid mail): priv_mail_drop() gives
 * the group up for good, so setegid(mail) fails afterwards. */
static int
child_mail_drop(void)
{
    struct passwd *pw = getpwnam("nobody");
    struct group *gr = getgrnam(WEIR_MAIL_GROUP);
    gid_t r, e, s;

    if (pw == NULL || gr == NULL || gr->gr_gid == pw->pw_gid)
        return 2;
    if (setgroups(0, NULL) != 0 ||
        setresgid(pw->pw_gid, gr->gr_gid, gr->gr_gid) != 0 ||
        setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
        return 3;
    priv_init();                /* effective gid dropped, saved kept */
    /* control: the group can still be raised before the drop */
    if (setegid(gr->gr_gid) != 0 || setegid(pw->pw_gid) != 0)
        return 4;
    if (priv_mail_drop() != 0)
        return 5;
    if (getresgid(&r, &e, &s) != 0 || r != pw->pw_gid || e != pw->pw_gid || s != pw->pw_gid)
        return 6;
    if (setegid(gr->gr_gid) == 0 || setresgid(gr->gr_gid, gr->gr_gid, gr->gr_gid) == 0)
        return 7;
    /* nothing to raise any more, and nothing raised */
    if (priv_mail_raise() != 0 || getegid() != pw->pw_gid)
        return 8;
    priv_mail_lower();
    if (!priv_is_setgid())
        return 9;               /* still says how weir was started */
    return 0;
}

/* weir test -d nobody as root: every id the user's, no mail group kept. */
static int
child_become_nobody(void)
{
    struct status st;
    struct passwd *pw = getpwnam("nobody");
    uid_t r, e, s;
    gid_t gr, ge, gs, groups[64];
    int n, trusted = priv_env_trusted();

    if (pw == NULL)
        return 2;
    if (priv_mail_drop() != 0)
        return 3;
    setenv("LOGNAME", "root", 1);
    if (priv_become_user("nobody", &st) != 0)
        return 4;
    if (getresuid(&r, &e, &s) != 0 || r != pw->pw_uid || e != pw->pw_uid || s != pw->pw_uid)
        return 5;
    if (getresgid(&gr, &ge, &gs) != 0 || gr != pw->pw_gid || ge != pw->pw_gid ||
        gs != pw->pw_gid)
        return 6;               /* the saved gid is not the mail group */
    if (setuid(0) == 0 || seteuid(0) == 0 || setegid(0) == 0)
        return 7;
    n = getgroups(64, groups);
    for (int i = 0; i < n; i++)
        if (groups[i] == 0)
            return 8;
    if (strcmp(getenv("HOME") ? getenv("HOME") : "", pw->pw_dir) != 0 ||
        strcmp(getenv("USER") ? getenv("USER") : "", "nobody") != 0 ||
        strcmp(getenv("LOGNAME") ? getenv("LOGNAME") : "", "nobody") != 0)
        return 9;
    if (priv_env_trusted() != trusted)
        return 10;              /* root's environment, rewritten for the user */
    return 0;
}

static int
child_become_refused(void)
{
    struct status st;
    struct passwd *pw = getpwnam("nobody");

    if (priv_become_user("weir-no-such-user-xyz", &st) != -1 || strcmp(st.code, "5.1.1") != 0)
        return 2;
    if (pw == NULL || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
        return 3;
    if (priv_become_user("nobody", &st) != -1 || strcmp(st.code, "5.7.1") != 0)
        return 4;               /* only root switches */
    return 0;
}

int
main(void)
{
    log_open("test_priv", LOG_DEST_STDERR, NULL);

    /* the environment allowlist */
    setenv("LD_PRELOAD", "/tmp/evil.so", 1);
    setenv("LD_LIBRARY_PATH", "/tmp", 1);
    setenv("IFS", "x", 1);
    setenv("PATH", ".", 1);
    setenv("TMPDIR", "/tmp/x", 1);
    setenv("HOSTALIASES", "/tmp/aliases", 1);
    setenv("RES_OPTIONS", "ndots:15", 1);
    setenv("LOCALDOMAIN", "evil.example", 1);
    setenv("MAIL_CONFIG", "/tmp/postfix", 1);
    setenv("BASH_ENV", "/tmp/x", 1);
    setenv("SENDER", "alice@example.org", 1);
    setenv("RECIPIENT", "bob@example.org", 1);
    setenv("EXTENSION", "lists", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("LC_ALL", "../../tmp/evil", 1);
    setenv("WEIR_MODULEDIR", "/tmp/modules", 1);
    setenv("TZ", "Europe/Berlin", 1);
    priv_env_sanitize();
    ok(getenv("LD_PRELOAD") == NULL && getenv("LD_LIBRARY_PATH") == NULL, "LD_* dropped");
    ok(getenv("IFS") == NULL, "IFS dropped");
    is_str(getenv("PATH"), PRIV_SAFE_PATH, "PATH reset to the safe one");
    ok(getenv("TMPDIR") == NULL && getenv("HOSTALIASES") == NULL &&
       getenv("RES_OPTIONS") == NULL && getenv("LOCALDOMAIN") == NULL,
       "TMPDIR, HOSTALIASES, RES_OPTIONS, LOCALDOMAIN dropped");
    ok(getenv("MAIL_CONFIG") == NULL && getenv("BASH_ENV") == NULL,
       "MAIL_CONFIG and BASH_ENV dropped");
    is_str(getenv("SENDER"), "alice@example.org", "SENDER kept");
    is_str(getenv("RECIPIENT"), "bob@example.org", "RECIPIENT kept");
    is_str(getenv("EXTENSION"), "lists", "EXTENSION kept");
    is_str(getenv("LANG"), "C.UTF-8", "LANG kept");
    ok(getenv("LC_ALL") == NULL, "a locale name with '/' dropped");
    is_str(getenv("TZ"), "Europe/Berlin", "TZ with a zone name kept");
    {
        static const char *const badtz[] = { "/tmp/evil", ":/tmp/evil", "../../tmp/evil",
                                             "Europe/../../tmp/evil", NULL };
        int dropped = 0, n = 0;

        for (const char *const *b = badtz; *b; b++, n++) {
            setenv("TZ", *b, 1);
            priv_env_sanitize();
            dropped += getenv("TZ") == NULL;
        }
        is_long(dropped, n, "TZ naming a file by path, or with '..', dropped");
        setenv("TZ", ":Europe/Berlin", 1);
        priv_env_sanitize();
        is_str(getenv("TZ"), ":Europe/Berlin", "TZ ':zone' kept");
        unsetenv("TZ");
    }
    is_str(getenv("WEIR_MODULEDIR"), "/tmp/modules", "WEIR_* test hook kept when not setgid");
    ok(priv_env_allowed("SENDER") && !priv_env_allowed("LD_PRELOAD") &&
       !priv_env_allowed("IFS") && !priv_env_allowed("WEIR_MODULEDIR"),
       "priv_env_allowed: children get the allowlist only");

    is_long(in_child(child_startup_fds), 0, "closed fds 0-2 are reopened on /dev/null");
    {
        mode_t old;

        umask(0);
        priv_startup();
        old = umask(0);
        is_long((long)old, 077, "priv_startup sets umask 077");
        umask(077);
    }

    if (getuid() == 0) {
        is_long(in_child(child_switch_nobody), 0,
                "root -d nobody: uid, gid, groups switched and verified, HOME from passwd");
        is_long(in_child(child_switch_saved_mail), 0,
                "root -d: mail group kept only as saved gid, raised and lowered on demand");
        is_long(in_child(child_nonroot_other), 0,
                "non-root -d other: 5.7.1 (also for unknown names); -d self allowed");
        is_long(in_child(child_root_refused), 0, "-d root refused; unknown user 5.1.1 for root");
        if (getgrnam(WEIR_MAIL_GROUP) && getpwnam("nobody"))
            is_long(in_child(child_mail_drop), 0,
                    "priv_mail_drop: a saved mail gid is given up for good (setegid fails after)");
        else
            printf("ok %d # SKIP no mail group or no user nobody\n", ++tap_n);
        is_long(in_child(child_become_nobody), 0,
                "weir test -d nobody: uid and gid (real, effective, saved) all nobody's, "
                "no mail group kept, environment from passwd");
        is_long(in_child(child_become_refused), 0,
                "priv_become_user: unknown user 5.1.1, non-root caller 5.7.1");
    } else {
        for (int i = 0; i < 7; i++)
            printf("ok %d # SKIP not root: cannot switch users\n", ++tap_n);
    }
    return done();
}
