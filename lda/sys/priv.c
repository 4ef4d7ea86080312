/*
 * priv.c -- start-up hygiene and group privilege handling (see priv.h).
 *
 * Entry points: priv_startup() (fds 0-2, gid drop, environment, umask),
 * priv_mail_raise()/priv_mail_lower() around spool dotlocks,
 * priv_switch_user() for -d, priv_child_drop() in children before exec,
 * priv_mail_drop()/priv_become_user() for `weir test` (no mail group at
 * all, then -d USER), priv_env_allowed()/priv_env_sanitize() for the
 * environment allowlist.
 * Failures that leave weir unable to guarantee its privilege state are
 * fatal (exit 75, the message stays with the MTA).
 *
 * SECURITY: this file is the only place weir changes its user or group
 * ids.  The mail group is raised only by priv_mail_raise() and dropped
 * again by priv_mail_lower(), which verifies the drop.  Children never
 * inherit it (priv_child_drop sets real, effective and saved gid to the
 * real gid).  The credential state below is process-wide by nature (like
 * the credentials themselves), hence file-scope.
 */
#include "config.h"
#include "priv.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#ifndef WEIR_MAIL_GROUP
#define WEIR_MAIL_GROUP "mail"
#endif

/* Longest environment value kept; longer ones are dropped. */
#define PRIV_ENV_VALUE_MAX 4096
/* Most variables kept at start-up. */
#define PRIV_ENV_MAX 64

extern char **environ;

static gid_t mail_gid;          /* the mail group (setgid group at exec) */
static gid_t real_gid;          /* the invoking user's group */
static int was_setgid;          /* mail_gid is held as saved gid */
static int switched;            /* -d switched to another user */

/* fds 0, 1 and 2 must be open, so no file weir opens becomes one of them. */
static void
ensure_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);

            if (nfd != fd)
                _exit(EX_TEMPFAIL);
        }
    }
}

void
priv_startup(void)
{
    ensure_std_fds();
    priv_init();
    priv_env_sanitize();
    umask(077);
}

void
priv_init(void)
{
    /* weir is never installed setuid: refuse rather than run with a
     * borrowed user id. */
    if (geteuid() != getuid()) {
        static const char m[] = "4.3.0 weir: installed setuid; refusing to run\n";

        if (write(2, m, sizeof m - 1) < 0) {
            /* nothing more can be said */
        }
        _exit(EX_TEMPFAIL);
    }
    real_gid = getgid();
    mail_gid = getegid();
    was_setgid = mail_gid != real_gid;
    if (was_setgid && (setegid(real_gid) != 0 || getegid() != real_gid))
        msg_fatal("cannot drop the mail group: %m");
}

int
priv_is_setgid(void)
{
    return was_setgid;
}

int
priv_env_trusted(void)
{
    return !was_setgid && !switched;
}

int
priv_mail_raise(void)
{
    if (!was_setgid)
        return 0;
    return setegid(mail_gid);
}

void
priv_mail_lower(void)
{
    if (!was_setgid)
        return;
    if (setegid(real_gid) != 0 || getegid() != real_gid)
        msg_fatal("cannot drop the mail group again: %m");
}

int
priv_child_drop(void)
{
    /* The real gid is the invoker's group in every state weir can be in
     * (setgid, after -d, or neither), and needs no initialisation. */
    gid_t g = getgid(), r, e, s;

    if (setresgid(g, g, g) != 0)
        return -1;
    if (getresgid(&r, &e, &s) != 0)
        return -1;
    if (r != g || e != g || s != g) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Environment                                                         */
/* ------------------------------------------------------------------ */

/* What weir keeps and passes on: the variables an MTA documents for a
 * delivery command (Postfix local(8)), the login basics and the locale.
 * Everything else (LD_*, IFS, TMPDIR, HOSTALIASES, RES_OPTIONS,
 * LOCALDOMAIN, MAIL_CONFIG, ...) is dropped.  PATH is always reset. */
static const char *const env_allow[] = {
    "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TZ",
    "SENDER", "RECIPIENT", "ORIGINAL_RECIPIENT", "EXTENSION", "LOCAL",
    "DOMAIN", "CLIENT_ADDRESS", "CLIENT_HOSTNAME", "CLIENT_HELO",
    "CLIENT_PROTOCOL", "SENDER_HOST_ADDRESS", NULL
};

static const char *const env_locale[] = {
    "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LC_COLLATE", "LC_TIME",
    "LC_NUMERIC", "LC_MONETARY", NULL
};

static int
in_list(const char *const *list, const char *name, size_t n)
{
    for (; *list; list++)
        if ((*list)[0] == name[0] && strncmp(*list, name, n) == 0 && (*list)[n] == '\0')
            return 1;
    return 0;
}

static int
allowed_n(const char *name, size_t n)
{
    return in_list(env_allow, name, n) || in_list(env_locale, name, n) ||
           (n == 4 && strncmp(name, "PATH", 4) == 0);
}

int
priv_env_allowed(const char *name)
{
    return allowed_n(name, strlen(name));
}

/* Whether "NAME=value" may be kept at start-up. */
static int
keep_at_startup(const char *entry)
{
    const char *eq = strchr(entry, '=');
    size_t n;

    if (eq == NULL || eq == entry || strlen(eq + 1) > PRIV_ENV_VALUE_MAX)
        return 0;
    n = (size_t)(eq - entry);
    if (n == 4 && strncmp(entry, "PATH", 4) == 0)
        return 0;               /* reset below */
    /* Locale names never contain '/': a path would load files. */
    if ((in_list(env_locale, entry, n) || (n == 4 && strncmp(entry, "LANG", 4) == 0)) &&
        strchr(eq + 1, '/') != NULL)
        return 0;
    /* TZ (Postfix exports it to delivery commands): a zone name such as
     * Europe/Berlin or a POSIX rule; never a file by absolute path, nor
     * one outside the zone directory. */
    if (n == 2 && strncmp(entry, "TZ", 2) == 0 &&
        (eq[1] == '/' || strncmp(eq + 1, ":/", 2) == 0 || strstr(eq + 1, "..") != NULL))
        return 0;
    if (allowed_n(entry, n))
        return 1;
    /* WEIR_* variables are test hooks (WEIR_MODULEDIR...), honoured only
     * when weir runs with no privilege to lose. */
    return !was_setgid && n > 5 && strncmp(entry, "WEIR_", 5) == 0;
}

void
priv_env_sanitize(void)
{
    /* The new environment is built once and installed by assigning
     * environ (cheaper than clearenv()+setenv() per variable, which is
     * quadratic).  weir calls this once; a second call (tests) frees the
     * array of the first, so getenv() results from before it are gone. */
    /* `owned` lists the strings separately from the array given to libc:
     * setenv() may overwrite slots of environ, and the strings it replaced
     * must stay ours (and reachable) until they are freed here. */
    static char **owned, **owned_env;
    char **keep = xcalloc(PRIV_ENV_MAX + 2, sizeof *keep);
    char **strs;
    size_t n = 0;

    for (char **e = environ; e && *e && n < PRIV_ENV_MAX; e++)
        if (keep_at_startup(*e))
            keep[n++] = xstrdup(*e);
    keep[n++] = xstrdup("PATH=" PRIV_SAFE_PATH);
    keep[n] = NULL;
    strs = xcalloc(n + 1, sizeof *strs);
    memcpy(strs, keep, n * sizeof *strs);
    environ = keep;
    if (owned) {
        for (char **e = owned; *e; e++)
            free(*e);
        free(owned);
        free(owned_env);
    }
    owned = strs;
    owned_env = keep;
}

/* ------------------------------------------------------------------ */
/* -d USER                                                             */
/* ------------------------------------------------------------------ */

/* Switch fully to pw (root only): supplementary groups, then gid (real,
 * effective; saved = keep_gid), then uid (all three), verified; then the
 * environment describes the user.  0, or -1 with *st (4.3.0). */
static int
switch_ids(const struct passwd *pw, gid_t keep_gid, struct status *st)
{
    gid_t r, e, s;
    uid_t ur, ue, us;

    if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
        setresgid(pw->pw_gid, pw->pw_gid, keep_gid) != 0 ||
        setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
        status_errno(st, "4.3.0", errno, "-d %s: cannot switch to the user", pw->pw_name);
        return -1;
    }
    if (getresuid(&ur, &ue, &us) != 0 || getresgid(&r, &e, &s) != 0 ||
        ur != pw->pw_uid || ue != pw->pw_uid || us != pw->pw_uid ||
        r != pw->pw_gid || e != pw->pw_gid || s != keep_gid ||
        (pw->pw_uid != 0 && (setuid(0) == 0 || setgid(0) == 0))) {
        status_set(st, "4.3.0", "-d %s: privileges were not fully dropped", pw->pw_name);
        return -1;
    }
    real_gid = pw->pw_gid;
    mail_gid = keep_gid;
    /* The environment described root; now it describes the user. */
    if (setenv("HOME", pw->pw_dir, 1) != 0 || setenv("USER", pw->pw_name, 1) != 0 ||
        setenv("LOGNAME", pw->pw_name, 1) != 0 ||
        setenv("SHELL", pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh", 1) != 0) {
        status_errno(st, "4.3.0", errno, "-d %s: cannot set the environment", pw->pw_name);
        return -1;
    }
    return 0;
}

int
priv_switch_user(const char *user, struct status *st)
{
    struct passwd *pw;
    struct group *gr;
    gid_t keep_gid;

    errno = 0;
    pw = getpwnam(user);
    if (pw == NULL) {
        if (getuid() != 0) {
            /* Say nothing about which users exist to a non-root caller. */
            status_set(st, "5.7.1", "-d %s: only root may deliver for another user", user);
            return -1;
        }
        status_set(st, errno ? "4.3.0" : "5.1.1", "-d %s: no such user", user);
        return -1;
    }
    if (getuid() != 0) {
        if (pw->pw_uid == getuid())
            return 0;
        status_set(st, "5.7.1", "-d %s: only root may deliver for another user", user);
        return -1;
    }
    if (pw->pw_uid == 0) {
        status_set(st, "5.7.1", "-d %s: weir does not deliver as root", user);
        return -1;
    }
    /* Root keeps the mail group as saved gid (as a setgid weir has it),
     * so spool dotlocks work; it is raised only by priv_mail_raise(). */
    errno = 0;
    gr = getgrnam(WEIR_MAIL_GROUP);
    keep_gid = gr ? gr->gr_gid : pw->pw_gid;
    if (switch_ids(pw, keep_gid, st) < 0)
        return -1;
    was_setgid = keep_gid != pw->pw_gid;
    switched = 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Commands that need no privilege (weir test)                         */
/* ------------------------------------------------------------------ */

int
priv_mail_drop(void)
{
    if (priv_child_drop() != 0)
        return -1;
    /* Nothing is left to raise: priv_mail_raise() becomes a no-op.
     * was_setgid stays: it says how weir was started, and so whether
     * the environment may be believed (priv_env_trusted()). */
    mail_gid = real_gid = getgid();
    return 0;
}

int
priv_become_user(const char *user, struct status *st)
{
    struct passwd *pw;

    if (getuid() != 0) {
        status_set(st, "5.7.1", "-d %s: only root may switch to another user", user);
        return -1;
    }
    errno = 0;
    if ((pw = getpwnam(user)) == NULL) {
        status_set(st, errno ? "4.3.0" : "5.1.1", "-d %s: no such user", user);
        return -1;
    }
    /* No group is kept as saved gid: the caller gave up the mail group
     * (priv_mail_drop()) and does not get it back.  `switched` is not
     * set: the environment came from root and now describes the user. */
    return switch_ids(pw, pw->pw_gid, st);
}
