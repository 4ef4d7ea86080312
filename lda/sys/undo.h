/*
 * undo.h -- what a fatal error takes back before weir exits.
 *
 * msg_fatal() and msg_panic() (lda/sys/log.h) exit 75 so the MTA keeps
 * the message; before exiting they call undo_run_all(), which runs the
 * undo action of every registration still open, newest first.  A delivery
 * module registers what it has started and not yet finished (an mbox
 * append and its dotlock, a Maildir or MH temporary file) and drops the
 * registration when it commits or aborts, so a fatal error (out of memory
 * in the middle of an append) never leaves half-written data, an append
 * record or a stale lock behind.
 *
 * Registrations are kept by handle (an int), never by pointer into the
 * caller's structures, which may move (a commit's target array grows).
 * The paths are copied.  undo_run_all() allocates nothing: it runs on the
 * out-of-memory path.  undo_push() returns a handle > 0; it may exit 75
 * when memory is exhausted (the registrations made before are then run).
 */
#ifndef WEIR_UNDO_H
#define WEIR_UNDO_H

#include <sys/types.h>

struct undo_rec {
    void (*fn)(struct undo_rec *);  /* the undo action; NULL when free */
    int fd;                         /* a descriptor to repair, or -1 */
    off_t size;                     /* a length to truncate back to */
    char *path[2];                  /* owned copies, or NULL */
    int flag;                       /* the action's own use */
};

/* Register fn; the record starts with fd -1, size 0, no paths. */
int undo_push(void (*fn)(struct undo_rec *));
/* The record of handle h (to fill in or update), or NULL. */
struct undo_rec *undo_get(int h);
/* Set path i of handle h to a copy of p (NULL clears it). */
void undo_set_path(int h, int i, const char *p);
/* Forget handle h (its paths are freed; nothing is run).  0 is ignored. */
void undo_drop(int h);
/* A ready-made action: unlink(path[0]) and unlink(path[1]) (a temporary
 * file; a committed one not yet past the point of no return). */
void undo_unlink(struct undo_rec *r);
/* Run every open registration, newest first, then forget them. */
void undo_run_all(void);

#endif
