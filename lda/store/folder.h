/*
 * folder.h -- resolve the target of a `file` action to a folder: its type
 * (by suffix), its absolute path, and whether it is safe to use.
 *
 * Type: Maildir if the target ends in "/", MH if it ends in "/.", mbox
 * otherwise -- except that a target spelled as an mbox that names an
 * existing Maildir (a directory with cur, new and tmp) is that Maildir
 * (f->respelled; the only file system access, after every check).  "~" and "~/..." expand to the user's home; relative targets
 * resolve under the mail root (maildir_root for Maildir, mail_root for
 * mbox and MH).
 *
 * Untainted targets (the rule author's own text) may be absolute or use
 * "~"; NUL and control characters are refused, and "~user".  Tainted
 * targets (ACT_F_TAINTED: text from the message in them) must resolve
 * inside a mail root: relative, or "~/..."/absolute with a mail root as
 * prefix; every component after the root must be non-empty, not "." or
 * "..", not a Maildir reserved name (cur, new, tmp), without control
 * characters, at most FOLDER_NAME_MAX bytes, the part after the root at
 * most FOLDER_TAINTED_MAX bytes.
 *
 * folder_resolve() returns 0 with *f filled in, or -1 with *st set
 * (5.2.0 for a refused name: the caller falls back to the default
 * mailbox and logs why).  folder_make_parents() creates the missing
 * directories between a mail root and the folder (mode 0700), the Maildir
 * itself and, for a Maildir++ subfolder, the root Maildir and the
 * "maildirfolder" marker; 0 or -1 with *st (4.x.x).
 */
#ifndef WEIR_FOLDER_H
#define WEIR_FOLDER_H

#include "status.h"

#define FOLDER_NAME_MAX     255     /* one path component */
#define FOLDER_TAINTED_MAX  512     /* the tainted part after the root */
#define FOLDER_PATH_MAX     4000    /* a whole resolved path */

enum folder_type {
    FOLDER_MAILDIR = 1,
    FOLDER_MBOX,
    FOLDER_MH
};

struct folder_roots {
    const char *home;
    const char *maildir_root;   /* absolute, or "~/..." */
    const char *mail_root;
};

struct folder {
    enum folder_type type;
    char *path;                 /* absolute, no trailing "/" or "/." */
    char *root;                 /* the mail root it lies in, or NULL */
    int maildirpp;              /* Maildir++ subfolder: a ".name" directly
                                   in the Maildir root */
    int respelled;              /* spelled as an mbox, an existing Maildir */
};

int folder_resolve(const char *target, int tainted, const struct folder_roots *r,
                   struct folder *f, struct status *st);
int folder_make_parents(const struct folder *f, struct status *st);
void folder_free(struct folder *f);
const char *folder_type_name(enum folder_type t);

#endif
