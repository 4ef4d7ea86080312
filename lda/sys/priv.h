/*
 * priv.h -- the privileged part of weir, kept tiny (conventions.md habit 4).
 *
 * weir is installed setgid mail.  priv_startup() runs first in main(),
 * before anything the invoker controls is read: it makes sure fds 0-2 are
 * open, calls priv_init(), reduces the environment to an allowlist and
 * sets umask 077.  priv_init() remembers the mail gid (the effective gid at
 * exec) and drops the effective gid to the real gid; the saved set-group-ID
 * keeps the ability to raise it again.  priv_mail_raise()/priv_mail_lower()
 * bracket the creation and removal of a dotlock in the mail spool, and are
 * called nowhere else.  Both return 0, or -1 with errno set;
 * priv_mail_lower() failing is fatal (exit 75): weir never goes on with the
 * group raised.
 *
 * priv_switch_user() is -d USER: root switches fully to the user (groups,
 * gid, uid, in that order, verified); anyone else may only name
 * themself.  priv_child_drop() runs in a forked child before exec: real,
 * effective and saved gid all become the real gid, so a program weir runs
 * can never regain the mail group.
 *
 * priv_mail_drop() and priv_become_user() are for commands that never need
 * the mail group (weir test): the group is given up for good, and root's
 * -d USER switches with nothing kept.
 *
 * This file is the only place weir changes group or user ids.
 */
#ifndef WEIR_PRIV_H
#define WEIR_PRIV_H

#include <sys/types.h>

#include "status.h"

/* The PATH weir and every program it runs get. */
#define PRIV_SAFE_PATH "/usr/bin:/bin"

void priv_startup(void);
void priv_init(void);
int priv_mail_raise(void);
void priv_mail_lower(void);
/* Whether weir was started with a different effective gid (setgid), or
 * holds the mail group as saved gid after -d (so must distrust the
 * environment like a setgid program). */
int priv_is_setgid(void);
/* Whether the environment may be believed about the user (HOME...): weir
 * is neither setgid nor switched by -d. */
int priv_env_trusted(void);

/* Whether an environment variable NAME (no '=') may be kept by weir and
 * passed on to children: the allowlist (see weir(1), PRIVILEGES). */
int priv_env_allowed(const char *name);
/* Reduce the process environment to the allowlist (done by
 * priv_startup()).  PATH is always PRIV_SAFE_PATH. */
void priv_env_sanitize(void);

/* -d USER.  Returns 0, or -1 with *st: 5.7.1 when a non-root caller names
 * another user (nothing has been read), 5.1.1 for an unknown user, 4.3.0
 * when the switch failed or could not be verified. */
int priv_switch_user(const char *user, struct status *st);

/* Give up the mail group for good (real, effective and saved gid become
 * the real gid, verified); priv_mail_raise() is a no-op afterwards and
 * priv_is_setgid() still says how weir was started.  0, or -1 with errno. */
int priv_mail_drop(void);

/* weir test -d USER, run by root: switch to USER completely and for good
 * (supplementary groups, then real, effective and saved gid and uid, all
 * the user's; verified; root may name itself).  HOME, USER, LOGNAME and
 * SHELL then describe the user.  Returns 0, or -1 with *st: 5.7.1 when the
 * caller is not root, 5.1.1 for an unknown user, 4.3.0 when the switch
 * failed or could not be verified. */
int priv_become_user(const char *user, struct status *st);

/* In a forked child before exec: drop every trace of the mail group
 * (setresgid to the real gid, verified).  Async-signal-safe; returns 0 or
 * -1 with errno set. */
int priv_child_drop(void);

#endif
