/*
 * mbox.h -- delivery into an mbox file (mboxrd: "From " lines quoted by
 * one more ">"; each message preceded by a From_ line and followed by a
 * blank line).
 *
 * mbox_prepare() locks the mailbox (dotlock, then fcntl), opens it with
 * O_NOFOLLOW and checks it (a regular file owned by the user with one
 * link, else 4.2.0 refused and untouched), repairs the tail an earlier
 * killed delivery left (see the append record below), records the size,
 * appends and fsyncs.  The mailbox stays locked.  mbox_commit() removes
 * the append record (durably) and unlocks; mbox_abort() truncates the
 * mailbox back to its original size and unlocks.  Each returns 0, or -1
 * with *st set; after -1 the mailbox is as it was (or carries a record
 * that makes the next delivery restore it).
 *
 * Append record: before the first byte is appended, weir writes
 * <record_dir>/<dev>.<inode> ("size N", "length L": the whole append, and
 * the first bytes it is about to write) and fsyncs it; it is removed after
 * the append is fsynced and the delivery is complete.  The append extends
 * the file to N + L before writing into it, so its bytes are exactly
 * [N, N + L).  A record found by the next delivery (which holds the
 * locks, so its writer is dead) means an append was cut short: if the
 * mailbox is exactly N + L long and its bytes at N are the recorded ones
 * (or NUL: not written yet), it is truncated back to N.  If it is longer,
 * another program appended after the kill: nothing is removed; the
 * unwritten rest of the interrupted message becomes newlines after a line
 * that marks it incomplete (or, when not even its From_ line was
 * written, a placeholder message), so the mailbox stays readable and the
 * other program's messages stay exactly where they were.  Anything else
 * is left as it is (logged).
 */
#ifndef WEIR_MBOX_H
#define WEIR_MBOX_H

#include <sys/types.h>
#include <time.h>

#include "lock.h"
#include "message.h"
#include "status.h"

/* How many leading bytes of an append the record keeps to recognise it. */
#define MBOX_RECORD_HEAD 64
#define MBOX_SENDER_MAX  256    /* longest sender kept in a From_ line */

struct mbox_opts {
    const char *sender;         /* envelope sender, "" for <> */
    time_t when;                /* for the From_ line */
    const char *record_dir;     /* append records (created 0700 if missing) */
    int spool;                  /* the mailbox is in the system spool */
    unsigned wait_sec;          /* lock wait, when deadline is 0 */
    double deadline;            /* lock_deadline() shared by all the
                                   mailboxes of one message, or 0 */
    unsigned stale_sec;         /* dotlock stale time */
};

struct mbox_txn {
    char *path;
    int fd;
    off_t orig;                 /* size before the append */
    char *record;               /* record file while it exists */
    char *record_dir;
    struct dotlock dl;
    int undo;                   /* undo handle from the dotlock to the end */
};

int mbox_prepare(struct mbox_txn *t, const char *path, const struct message *m,
                 const struct mbox_opts *o, struct status *st);
int mbox_commit(struct mbox_txn *t, struct status *st);
void mbox_abort(struct mbox_txn *t);
/* prepare + commit. */
int mbox_deliver(const char *path, const struct message *m,
                 const struct mbox_opts *o, struct status *st);

/* The From_ line (with newline) for sender at when (exposed for tests):
 * "From <sender> <asctime>\n", "<>" as MAILER-DAEMON, spaces and control
 * characters in the sender replaced by '_'. */
char *mbox_from_line(const char *sender, time_t when);

#endif
