/*
 * lock.h -- mailbox locks with deadlines: an NFS-safe dotlock
 * (<mailbox>.lock) and an fcntl write lock on the open mailbox.
 *
 * Both waits end at one deadline (lock_deadline()), well under the MTA's
 * command time limit (Postfix: 1000 s), so an expired wait becomes a
 * temporary failure (exit 75), never a killed delivery.
 *
 * dotlock_acquire() returns 0 with the lock held, or -1 with *st set
 * (4.2.0: timeout, or the lock cannot be created).  dotlock_release()
 * removes a held lock.  lock_fcntl() returns 0 with the whole file
 * write-locked (released when the descriptor is closed), or -1 with *st.
 */
#ifndef WEIR_LOCK_H
#define WEIR_LOCK_H

#include "status.h"

/* A temporary lock name ("<mailbox>.lock.<pid>.<hex>") of a process
 * that is gone, older than this, is removed (it lives microseconds). */
#define DOTLOCK_TMP_STALE_SEC 60

struct dotlock {
    char *path;             /* "<mailbox>.lock" while held, else NULL */
    int spool;              /* created with the mail group raised */
};

/* CLOCK_MONOTONIC seconds, now + sec. */
double lock_deadline(unsigned sec);
/* Lock mailbox by creating "<mailbox>.lock".  spool: the mailbox lives in
 * the system spool, raise the mail group around creating and removing the
 * lock (lda/priv.h).  A lock whose owner (pid and host written in it) is
 * a dead process on this host, or older than stale_sec, is removed. */
int dotlock_acquire(struct dotlock *dl, const char *mailbox, int spool,
                    double deadline, unsigned stale_sec, struct status *st);
void dotlock_release(struct dotlock *dl);
/* Create the user's missing spool mailbox (O_EXCL, O_NOFOLLOW, mode 0660:
 * the user's, group mail, as the spool's files are) with the mail group
 * raised for the open only: the descriptor (O_RDWR|O_NONBLOCK), or -1
 * with errno.  Call it only for the user's own spool file, with its
 * dotlock held. */
int spool_create(const char *path);
int lock_fcntl(int fd, const char *what, double deadline, struct status *st);
/* The one-shot timer for a wait of left seconds (> 0): rounded up to the
 * microsecond, tv_usec always below 1000000 (lock_fcntl's alarm; exposed
 * for tests/delivery/test_mbox.c). */
struct itimerval;
void lock_timer_value(double left, struct itimerval *it);

#endif
