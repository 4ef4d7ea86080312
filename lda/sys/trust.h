/*
 * trust.h -- may weir believe a file a user (or the administrator) wrote?
 *
 * trust_open() opens a rule file (or an included file) for reading only
 * if nobody but its owner and root could have written it: the file is a
 * regular file owned by `owner` or root, not group- or world-writable,
 * and every directory on its resolved path is owned by `owner` or root
 * and is not group- or world-writable unless it has the sticky bit.
 * Returns 0 with *fd open, TRUST_MISSING when the file does not exist, or
 * -1 with a one-line reason in *why (the caller logs it and falls back to
 * implicit keep: a refused rule file is never run).
 *
 * trust_hold() is the user's brake: when the hold file (~/.weir/hold by
 * default, weir.yaml(5) hold_file) exists, it returns -1 with *st 4.2.1
 * so weir exits 75 and the MTA keeps the mail until the file is removed.
 *
 * SECURITY: the checks are made on the fully resolved path (symlinks
 * followed with realpath(3)), the file is then opened with O_NOFOLLOW and
 * the open descriptor is checked again with fstat(2), so the file read is
 * the file checked.
 */
#ifndef WEIR_TRUST_H
#define WEIR_TRUST_H

#include <sys/types.h>

#include "status.h"
#include "util.h"

#define TRUST_MISSING 1

int trust_open(const char *path, uid_t owner, int *fd, struct buf *why);
int trust_hold(const char *hold_file, const char *home, struct status *st);

#endif
