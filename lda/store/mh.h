/*
 * mh.h -- delivery into an MH folder (a directory of messages named by
 * consecutive numbers).
 *
 * mh_prepare() writes and fsyncs the message under a temporary name
 * (".weir-<unique>", which MH programs ignore) in the folder (which must
 * exist); mh_commit() gives it the next free number with link(2), which
 * fails on an existing name, so concurrent deliveries never share or
 * overwrite a number (on EEXIST the next number is tried, and the folder
 * is rescanned after MH_RESCAN_AFTER collisions), then removes the
 * temporary name and fsyncs the folder; t->path names the message.
 * mh_abort() removes the temporary file (or the numbered one, to roll a
 * committed delivery back).  0, or -1 with *st set and nothing left.
 * The .mh_sequences "unseen" sequence is not updated.
 */
#ifndef WEIR_MH_H
#define WEIR_MH_H

#include "message.h"
#include "status.h"

#define MH_RESCAN_AFTER  32     /* collisions before the folder is rescanned */
#define MH_LINK_TRIES    4096   /* then give up (temporary failure) */

struct mh_txn {
    char *dir;
    char *tmp;
    char *path;
    unsigned long number;
    int undo;               /* undo handle while the temporary file is ours */
};

int mh_prepare(struct mh_txn *t, const char *dir, const struct message *m,
               struct status *st);
int mh_commit(struct mh_txn *t, struct status *st);
void mh_abort(struct mh_txn *t);
void mh_txn_free(struct mh_txn *t);
/* The highest message number in dir (0 when none), or -1 with *st. */
long mh_last(const char *dir, struct status *st);

#endif
