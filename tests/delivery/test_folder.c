/*
 * test_folder.c -- unit tests for folder_resolve() (lda/store/folder.c): type by
 * suffix, "~" and mail roots, and path safety for tainted names (more
 * than 15 hostile names refused, harmless look-alikes accepted).
 */
#include "config.h"
#include "folder.h"
#include "util.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>

static const struct folder_roots roots = { "/h", "~/Maildir", "~/Mail" };

static void
accept(const char *target, int tainted, enum folder_type type, const char *path,
       int mdpp)
{
    struct folder f;
    struct status st;
    int rc = folder_resolve(target, tainted, &roots, &f, &st);

    if (!ok(rc == 0, "%s \"%s\" accepted", tainted ? "tainted" : "untainted", target)) {
        printf("#   refused: %s %s\n", st.code, st.text);
        return;
    }
    ok(f.type == type, "\"%s\" is %s", target, folder_type_name(type));
    is_str(f.path, path, "path");
    ok(f.maildirpp == mdpp, "\"%s\" Maildir++ subfolder: %d", target, mdpp);
    folder_free(&f);
}

static void
refuse(const char *target, int tainted, const char *label)
{
    struct folder f;
    struct status st;
    int rc = folder_resolve(target, tainted, &roots, &f, &st);

    if (!ok(rc < 0 && strcmp(st.code, "5.2.0") == 0, "%s %s refused",
            tainted ? "tainted" : "untainted", label))
        printf("#   got path %s\n", rc == 0 ? f.path : "(none)");
    if (rc == 0)
        folder_free(&f);
}

int
main(void)
{
    char longname[FOLDER_NAME_MAX + 2], longpath[FOLDER_TAINTED_MAX + 20];

    /* Types and roots. */
    accept("inbox", 0, FOLDER_MBOX, "/h/Mail/inbox", 0);
    accept("lists/", 0, FOLDER_MAILDIR, "/h/Maildir/lists", 0);
    accept("work/.", 0, FOLDER_MH, "/h/Mail/work", 0);
    accept("~/Maildir/.Junk/", 0, FOLDER_MAILDIR, "/h/Maildir/.Junk", 1);
    accept(".Junk/", 0, FOLDER_MAILDIR, "/h/Maildir/.Junk", 1);
    accept("~/Maildir/", 0, FOLDER_MAILDIR, "/h/Maildir", 0);
    accept("/var/mail/u", 0, FOLDER_MBOX, "/var/mail/u", 0);
    accept("~/Mail/old", 0, FOLDER_MBOX, "/h/Mail/old", 0);
    accept("/srv/x/", 0, FOLDER_MAILDIR, "/srv/x", 0);
    /* The author's own text may leave the roots, but not use ~user or
     * control characters. */
    accept("../shared/box", 0, FOLDER_MBOX, "/h/Mail/../shared/box", 0);
    refuse("~root/mbox", 0, "~user");
    refuse("in\tbox", 0, "tab");
    refuse("", 0, "empty");
    /* the home itself (a rule's "~/${X}" with X empty) */
    refuse("~/", 0, "the home as a Maildir");
    refuse("~/.", 0, "the home as an MH folder");
    refuse("/h//", 0, "the home, spelt with slashes");
    refuse("~", 0, "the home as an mbox");

    /* Tainted names that stay inside the roots. */
    accept("~/Maildir/.lists.foo/", 1, FOLDER_MAILDIR, "/h/Maildir/.lists.foo", 1);
    accept("lists/weir-dev", 1, FOLDER_MBOX, "/h/Mail/lists/weir-dev", 0);
    accept("%2e%2e/x", 1, FOLDER_MBOX, "/h/Mail/%2e%2e/x", 0);
    accept("...", 1, FOLDER_MBOX, "/h/Mail/...", 0);
    accept("/h/Mail/x", 1, FOLDER_MBOX, "/h/Mail/x", 0);
    accept("~/Maildir/", 1, FOLDER_MAILDIR, "/h/Maildir", 0);
    accept("a/.", 1, FOLDER_MH, "/h/Mail/a", 0);
    accept("caf\xc3\xa9", 1, FOLDER_MBOX, "/h/Mail/caf\xc3\xa9", 0);

    /* Hostile tainted names. */
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    memset(longpath, 0, sizeof longpath);
    for (size_t i = 0; i + 2 < sizeof longpath; i += 2)
        memcpy(longpath + i, "a/", 2);
    longpath[sizeof longpath - 2] = 'z';
    refuse("../x", 1, "../x");
    refuse("a/../../x", 1, "a/../../x");
    refuse("..", 1, "..");
    refuse(".", 1, ".");
    refuse("", 1, "empty name");
    refuse("/etc/passwd", 1, "absolute /etc/passwd");
    refuse("/h/Mailx/foo", 1, "sibling of the root (/h/Mailx)");
    refuse("/h/Mail/../../etc/passwd", 1, "root/../..");
    refuse("~/Maildir/../../etc/", 1, "~/Maildir/../..");
    refuse("~root/Mail/x", 1, "~root");
    refuse("~/x", 1, "~/ outside the roots");
    refuse("~", 1, "~ alone");
    refuse("~/Mail", 1, "the mail root itself as an mbox");
    refuse("a//b", 1, "empty component");
    refuse("./a", 1, "./a");
    refuse("a/./b", 1, "a/./b");
    refuse("cur", 1, "reserved cur");
    refuse("x/new/", 1, "reserved new");
    refuse("tmp/.", 1, "reserved tmp (MH)");
    refuse("~/Maildir/.Junk/cur/", 1, "Maildir++ folder's cur/");
    refuse("a\nb", 1, "newline");
    refuse("a\x01" "b", 1, "control character");
    refuse("a\x7f", 1, "DEL");
    refuse("a\rb/", 1, "carriage return");
    refuse(longname, 1, "component over FOLDER_NAME_MAX");
    refuse(longpath, 1, "name over FOLDER_TAINTED_MAX");
    refuse(".../..", 1, ".../..");
    refuse("//", 1, "//");
    return done();
}
