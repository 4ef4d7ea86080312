/*
 * folder.c -- `file` targets to folders, and path safety (see folder.h).
 *
 * SECURITY: this is the one place that decides whether a folder name
 * built from message content may be used.  A tainted name can only name
 * a path below a mail root, component by component, without "..", ".",
 * empty components, control characters or Maildir's reserved names;
 * anything else is refused here, before any file system call.  Symbolic
 * links inside the mail root are the user's own; the mailbox files
 * themselves are opened O_NOFOLLOW by the delivery modules.
 */
#include "config.h"
#include "folder.h"
#include "maildir.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *
folder_type_name(enum folder_type t)
{
    switch (t) {
    case FOLDER_MAILDIR: return "maildir";
    case FOLDER_MBOX: return "mbox";
    case FOLDER_MH: return "mh";
    }
    return "?";
}

void
folder_free(struct folder *f)
{
    free(f->path);
    free(f->root);
    memset(f, 0, sizeof *f);
}

static int
has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* Expand a leading "~" or "~/"; NULL for "~user". */
static char *
expand_home(const char *s, const char *home)
{
    if (s[0] != '~')
        return xstrdup(s);
    if (s[1] == '\0' || s[1] == '/')
        return xasprintf("%s%s", home, s + 1);
    return NULL;
}

static void
strip_slashes(char *s)
{
    size_t n = strlen(s);

    while (n > 1 && s[n - 1] == '/')
        s[--n] = '\0';
}

/* Check the tainted part below a root.  NULL when safe, else why not. */
static const char *
unsafe_rest(const char *rest)
{
    static const char *const reserved[] = { "cur", "new", "tmp" };
    const char *p = rest;

    if (*rest == '\0')
        return "empty folder name";
    if (strlen(rest) > FOLDER_TAINTED_MAX)
        return "folder name too long";
    if (has_control(rest))
        return "control character in folder name";
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);

        if (n == 0)
            return "empty path component";
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return "\".\" or \"..\" path component";
        if (n > FOLDER_NAME_MAX)
            return "path component too long";
        for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
            if (n == 3 && memcmp(p, reserved[i], 3) == 0)
                return "reserved name (cur, new or tmp)";
        if (!slash)
            break;
        p = slash + 1;
    }
    return NULL;
}

/* Whether path is an existing Maildir: a directory with cur, new and tmp
 * directories in it. */
static int
is_maildir(const char *path)
{
    static const char *const sub[] = { "cur", "new", "tmp" };
    struct stat sb;

    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return 0;
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        char *p = xasprintf("%s/%s", path, sub[i]);
        int ok = stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);

        free(p);
        if (!ok)
            return 0;
    }
    return 1;
}

/* If path lies strictly below root, the part after "root/", else NULL. */
static const char *
below(const char *path, const char *root)
{
    size_t n = strlen(root);

    while (n > 1 && root[n - 1] == '/')
        n--;
    if (strncmp(path, root, n) == 0 && path[n] == '/')
        return path + n + 1;
    return NULL;
}

int
folder_resolve(const char *target, int tainted, const struct folder_roots *r,
               struct folder *f, struct status *st)
{
    char *body = NULL, *mdroot = NULL, *mroot = NULL, *exp = NULL;
    const char *root, *rest = NULL, *why;
    size_t n = strlen(target);

    memset(f, 0, sizeof *f);
    if (n == 0) {
        status_set(st, "5.2.0", "empty folder name");
        return -1;
    }
    if (has_control(target)) {
        status_set(st, "5.2.0", "control character in folder name");
        return -1;
    }
    if (n >= 2 && strcmp(target + n - 2, "/.") == 0) {
        f->type = FOLDER_MH;
        body = xstrndup(target, n - 2);
    } else if (target[n - 1] == '/') {
        f->type = FOLDER_MAILDIR;
        body = xstrndup(target, n - 1);
    } else {
        f->type = FOLDER_MBOX;
        body = xstrdup(target);
    }
    mdroot = expand_home(r->maildir_root, r->home);
    mroot = expand_home(r->mail_root, r->home);
    if (!mdroot || !mroot) {
        status_set(st, "4.3.0", "mail root must not use ~user");
        goto fail;
    }
    strip_slashes(mdroot);
    strip_slashes(mroot);
    root = f->type == FOLDER_MAILDIR ? mdroot : mroot;

    if (body[0] == '~') {
        exp = expand_home(body, r->home);
        if (exp == NULL) {
            status_set(st, "5.2.0", "~user is not allowed in a folder name");
            goto fail;
        }
    } else if (body[0] == '/') {
        exp = xstrdup(body);
    } else if (body[0] == '\0') {
        status_set(st, "5.2.0", "empty folder name");
        goto fail;
    }

    if (exp == NULL) {                  /* relative: below the root */
        if (tainted && (why = unsafe_rest(body)) != NULL) {
            status_set(st, "5.2.0", "%s", why);
            goto fail;
        }
        f->path = xasprintf("%s/%s", root, body);
        f->root = xstrdup(root);
    } else {
        if ((rest = below(exp, mdroot)) != NULL)
            f->root = xstrdup(mdroot);
        else if ((rest = below(exp, mroot)) != NULL)
            f->root = xstrdup(mroot);
        else if (f->type == FOLDER_MAILDIR && strcmp(exp, mdroot) == 0)
            f->root = xstrdup(mdroot), rest = "";
        if (tainted) {
            if (f->root == NULL || rest == NULL) {      /* (rest is set with root) */
                status_set(st, "5.2.0", "folder outside the mail root");
                goto fail;
            }
            /* The root Maildir itself is a fine (tainted) target. */
            if (!(f->type == FOLDER_MAILDIR && *rest == '\0') &&
                (why = unsafe_rest(rest)) != NULL) {
                status_set(st, "5.2.0", "%s", why);
                goto fail;
            }
        }
        strip_slashes(exp);
        f->path = exp;
        exp = NULL;
    }
    if (strlen(f->path) > FOLDER_PATH_MAX) {
        status_set(st, "5.2.0", "folder path too long");
        goto fail;
    }
    if (r->home && r->home[0]) {
        /* "~/" (a rule's "~/${X}" with X empty) would make the home
         * directory a Maildir: never a folder */
        char *h = xstrdup(r->home);
        int same;
        strip_slashes(h);
        same = strcmp(f->path, h) == 0;
        free(h);
        if (same) {
            status_set(st, "5.2.0", "the home directory itself is no folder");
            goto fail;
        }
    }
    /* "~/Maildir/.Spam" names an existing Maildir: deliver into it as a
     * Maildir whatever the spelling (as maildrop does), rather than fail
     * to open a directory as an mbox.  The name has passed every check
     * above; this only looks at what is there. */
    if (f->type == FOLDER_MBOX && is_maildir(f->path)) {
        f->type = FOLDER_MAILDIR;
        f->respelled = 1;
        free(f->root);
        f->root = below(f->path, mdroot) ? xstrdup(mdroot) :
                  below(f->path, mroot) ? xstrdup(mroot) : NULL;
    }
    if (f->type == FOLDER_MAILDIR) {
        const char *in_md = below(f->path, mdroot);

        f->maildirpp = in_md && in_md[0] == '.' && strchr(in_md, '/') == NULL;
    }
    free(body);
    free(mdroot);
    free(mroot);
    free(exp);
    return 0;

fail:
    free(body);
    free(mdroot);
    free(mroot);
    free(exp);
    folder_free(f);
    return -1;
}

static int
mkdir_if_missing(const char *path, struct status *st)
{
    struct stat sb;

    if (mkdir(path, 0700) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return 0;
    status_errno(st, "4.2.0", errno == EEXIST ? ENOTDIR : errno,
                 "cannot create directory %s", path);
    return -1;
}

int
folder_make_parents(const struct folder *f, struct status *st)
{
    if (f->root) {
        const char *rest = below(f->path, f->root);
        char *p;

        if (mkdir_if_missing(f->root, st) < 0)
            return -1;
        if (f->maildirpp && maildir_create(f->root, 0, st) < 0)
            return -1;
        /* Each directory between the root and the folder. */
        for (const char *s = rest ? strchr(rest, '/') : NULL; s; s = strchr(s + 1, '/')) {
            p = xstrndup(f->path, (size_t)(s - f->path));
            if (mkdir_if_missing(p, st) < 0) {
                free(p);
                return -1;
            }
            free(p);
        }
    }
    switch (f->type) {
    case FOLDER_MAILDIR:
        return maildir_create(f->path, f->maildirpp, st);
    case FOLDER_MH:
        return mkdir_if_missing(f->path, st);
    case FOLDER_MBOX:
        return 0;
    }
    return 0;
}
