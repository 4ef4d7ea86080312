/*
 * test_maildir.c -- unit tests for Maildir delivery (lda/store/maildir.c):
 * one complete file in new/, tmp/ empty, unique names, missing parent.
 */
#include "config.h"
#include "maildir.h"
#include "log.h"
#include "util.h"
#include "tests/tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int
count(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static char *
slurp(const char *path, size_t *len)
{
    struct buf b = BUF_INIT;
    char tmp[4096];
    int fd = open(path, O_RDONLY);
    ssize_t r;

    if (fd < 0)
        return NULL;
    while ((r = read(fd, tmp, sizeof tmp)) > 0)
        buf_add(&b, tmp, (size_t)r);
    close(fd);
    *len = b.len;
    return buf_steal(&b);
}

int
main(void)
{
    char root[] = "/tmp/weir-maildir-XXXXXX";
    struct message m;
    struct status st;
    char *md, *path, *p, *a, *b, *got;
    size_t len;
    struct stat sb;

    if (!mkdtemp(root))
        abort();
    memset(&m, 0, sizeof m);
    m.fd = -1;
    m.mem = xstrdup("Subject: t\n\nhello\n");
    m.len = strlen(m.mem);
    m.header = m.mem;
    m.header_len = 12;

    md = xasprintf("%s/Maildir", root);
    ok(maildir_deliver(md, &m, &path, &st) == 0, "deliver into a new Maildir");
    p = xasprintf("%s/new", md);
    is_long(count(p), 1, "one file in new/");
    free(p);
    p = xasprintf("%s/tmp", md);
    is_long(count(p), 0, "tmp/ is empty");
    free(p);
    p = xasprintf("%s/cur", md);
    ok(stat(p, &sb) == 0 && S_ISDIR(sb.st_mode), "cur/ created");
    free(p);
    ok(stat(md, &sb) == 0 && (sb.st_mode & 07777) == 0700, "Maildir mode 0700");
    got = slurp(path, &len);
    ok(got && len == m.len && memcmp(got, m.mem, len) == 0, "file has the message bytes");
    ok(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0600, "file mode 0600");
    ok(strstr(path, ",S=18") != NULL, "name carries ,S=size");
    free(got);
    free(path);

    ok(maildir_deliver(md, &m, &path, &st) == 0, "second delivery");
    p = xasprintf("%s/new", md);
    is_long(count(p), 2, "two files in new/");
    free(p);
    free(path);

    /* A fatal error (msg_fatal: out of memory) between prepare and
     * commit: the undo hook removes the file in tmp/ before exit 75 and
     * new/ is unchanged (issue 10 item 5). */
    {
        pid_t pid = fork();
        int status;

        if (pid == 0) {
            struct maildir_txn t;

            if (maildir_prepare(&t, md, &m, &st) != 0)
                _exit(1);
            msg_fatal("out of memory (test)");
        }
        waitpid(pid, &status, 0);
        ok(WIFEXITED(status) && WEXITSTATUS(status) == 75, "fatal before the commit: exit 75");
        p = xasprintf("%s/tmp", md);
        is_long(count(p), 0, "fatal before the commit: tmp/ is empty");
        free(p);
        p = xasprintf("%s/new", md);
        is_long(count(p), 2, "fatal before the commit: new/ unchanged");
        free(p);
    }

    a = maildir_unique_name();
    b = maildir_unique_name();
    ok(strcmp(a, b) != 0, "unique names differ within a process");
    ok(strchr(a, '/') == NULL, "unique name has no slash");
    free(a);
    free(b);

    p = xasprintf("%s/no/such/parent/Maildir", root);
    ok(maildir_deliver(p, &m, &path, &st) == -1, "missing parent: refused");
    ok(st.cls == STATUS_TEMP && st.code[0] == '4', "missing parent: temporary (%s)", st.code);
    ok(path == NULL, "missing parent: no path");
    free(p);

    p = xasprintf("%s/folder", root);
    ok(maildir_create(p, 1, &st) == 0, "Maildir++ folder created");
    free(p);
    p = xasprintf("%s/folder/maildirfolder", root);
    ok(stat(p, &sb) == 0 && S_ISREG(sb.st_mode), "maildirfolder marker");
    free(p);

    p = xasprintf("%s/file", root);
    close(open(p, O_CREAT | O_WRONLY, 0600));
    ok(maildir_deliver(p, &m, &path, &st) == -1 && st.cls == STATUS_TEMP,
       "a plain file where the Maildir should be: temporary failure");
    free(p);

    p = xasprintf("rm -rf '%s'", root);
    if (system(p) != 0)
        ok(0, "cleanup");
    free(p);
    free(md);
    free(m.mem);
    return done();
}
