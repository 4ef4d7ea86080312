/*
 * maildir.h -- delivery into a Maildir (the protocol of
 * https://cr.yp.to/proto/maildir.html, as used by Dovecot and Courier).
 *
 * maildir_deliver() writes the message to tmp/<unique>, checks every write,
 * fsync and close, links it into new/<unique>,S=<size> (rename where the
 * file system has no hard links), removes the tmp name and fsyncs new/.
 * It returns 0 with *path_out (allocated) naming the file in new/, or -1
 * with *st set (4.x.x: temporary).  It never exits and never leaves a file
 * in tmp/ or an incomplete file in new/.
 */
#ifndef WEIR_MAILDIR_H
#define WEIR_MAILDIR_H

#include "message.h"
#include "status.h"

/* Make dir and its tmp/ new/ cur/ (mode 0700) if missing.  The parent of
 * dir must exist.  folder_marker: also create the Maildir++ "maildirfolder"
 * file.  0, or -1 with *st set. */
int maildir_create(const char *dir, int folder_marker, struct status *st);
int maildir_deliver(const char *dir, const struct message *m, char **path_out,
                    struct status *st);

/* The same delivery in two steps, for commits that span several folders
 * (lda/commit.c): maildir_prepare() writes and fsyncs tmp/<unique> (the
 * Maildir must exist); maildir_commit() links it into new/, removes the
 * tmp name and fsyncs new/ (t->path then names the file in new/);
 * maildir_abort() removes whatever the transaction left (tmp/ file, or the
 * new/ file of a committed one: the caller's roll-back).  Both steps
 * return 0, or -1 with *st set; after -1 nothing is left in tmp/ or new/. */
struct maildir_txn {
    char *dir;
    char *name;             /* unique base name */
    char *tmp;              /* tmp/<name> while prepared */
    char *path;             /* new/<name>,S=<size> once committed */
    size_t size;
    int undo;               /* undo handle while tmp/ holds our file */
};
int maildir_prepare(struct maildir_txn *t, const char *dir, const struct message *m,
                    struct status *st);
int maildir_commit(struct maildir_txn *t, struct status *st);
void maildir_abort(struct maildir_txn *t);
/* Free the bookkeeping of a committed transaction (files stay). */
void maildir_txn_free(struct maildir_txn *t);
/* A unique base name for tmp/ (exposed for tests). */
char *maildir_unique_name(void);

#endif
