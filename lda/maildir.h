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
/* A unique base name for tmp/ (exposed for tests). */
char *maildir_unique_name(void);

#endif
