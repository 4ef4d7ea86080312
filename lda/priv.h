/*
 * priv.h -- the privileged part of weir, kept tiny (conventions.md habit 4).
 *
 * weir is installed setgid mail.  priv_init() runs first in main(): it
 * remembers the mail gid (the effective gid at exec) and drops the
 * effective gid to the real gid; the saved set-group-ID keeps the ability
 * to raise it again.  priv_mail_raise()/priv_mail_lower() bracket the
 * creation and removal of a dotlock in the mail spool, and are called
 * nowhere else.  Both return 0, or -1 with errno set; priv_mail_lower()
 * failing is fatal (exit 75): weir never goes on with the group raised.
 */
#ifndef WEIR_PRIV_H
#define WEIR_PRIV_H

#include <sys/types.h>

void priv_init(void);
int priv_mail_raise(void);
void priv_mail_lower(void);
/* Whether weir was started with a different effective gid (setgid). */
int priv_is_setgid(void);

#endif
