/*
 * priv.c -- group privilege handling (see priv.h).
 *
 * SECURITY: this file is the only place weir changes its group ids after
 * start-up.  The mail group is raised only by priv_mail_raise() and
 * dropped again by priv_mail_lower(), which verifies the drop.
 */
#include "config.h"
#include "priv.h"
#include "log.h"

#include <errno.h>
#include <unistd.h>

static gid_t mail_gid;          /* effective gid at exec (the setgid group) */
static gid_t real_gid;
static int was_setgid;

void
priv_init(void)
{
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
