/*
 * test_mbox.c -- unit tests for mbox delivery (lda/store/mbox.c): From_ line,
 * mboxrd quoting (in memory and spooled, across chunk boundaries),
 * blank-line separation, and the append record: a delivery killed after
 * appending is undone by the next one; a record that no longer matches
 * leaves the mailbox alone.
 */
#include "config.h"
#include "mbox.h"
#include "log.h"
#include "util.h"
#include "tests/tap.h"

#include <dirent.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *
slurp(const char *path, size_t *len)
{
    struct buf b = BUF_INIT;
    char tmp[65536];
    int fd = open(path, O_RDONLY);
    ssize_t r;

    *len = 0;
    if (fd < 0)
        return NULL;
    while ((r = read(fd, tmp, sizeof tmp)) > 0)
        buf_add(&b, tmp, (size_t)r);
    close(fd);
    *len = b.len;
    if (b.data == NULL)
        buf_addc(&b, 0), b.len = 0;
    return buf_steal(&b);
}

static void
spit(const char *path, const char *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (fd < 0 || write_all(fd, data, n) < 0 || close(fd) != 0)
        abort();
}

static int
count_dir(const char *dir)
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

/* The mboxrd quoting of s, written the obvious (line by line) way. */
static void
quote_ref(struct buf *out, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (s + i)) + 1 : n - i, g = 0;

        while (g < len && s[i + g] == '>')
            g++;
        if (len - g >= 5 && memcmp(s + i + g, "From ", 5) == 0)
            buf_addc(out, '>');
        buf_add(out, s + i, len);
        i += len;
    }
}

static void
add_from(struct buf *b, const char *sender, time_t when)
{
    char *f = mbox_from_line(sender, when);

    buf_adds(b, f);
    free(f);
}

static void
mem_message(struct message *m, const char *text)
{
    memset(m, 0, sizeof *m);
    m->fd = -1;
    m->mem = xstrdup(text);
    m->len = strlen(text);
    m->header = m->mem;
    m->header_len = m->len;
}

int
main(void)
{
    char root[] = "/tmp/weir-mbox-XXXXXX";
    char *box, *rec, *got, *from;
    struct mbox_opts o;
    struct message m, m2;
    struct status st;
    struct buf want = BUF_INIT;
    size_t len;
    const time_t when = 1700000000;

    log_open("test_mbox", 0, NULL);
    if (!mkdtemp(root))
        return 1;
    box = xasprintf("%s/box", root);
    rec = xasprintf("%s/records", root);
    memset(&o, 0, sizeof o);
    o.sender = "bob@example.org";
    o.when = when;
    o.record_dir = rec;
    o.wait_sec = 10;
    o.stale_sec = 300;

    from = mbox_from_line("a b\tc@d", when);
    ok(strncmp(from, "From a_b_c@d ", 13) == 0 && from[strlen(from) - 1] == '\n' &&
       strlen(from) == 13 + 24 + 1, "From_ line: blanks replaced, asctime date");
    free(from);
    from = mbox_from_line("", when);
    ok(strncmp(from, "From MAILER-DAEMON ", 19) == 0, "From_ line: <> is MAILER-DAEMON");
    free(from);

    /* mboxrd quoting in memory. */
    mem_message(&m, "Subject: q\n\nFrom the start\n>From one\n>>From two\n"
                    "Fromage\nFrom\n> From x\n>From\nend From here\n");
    ok(mbox_deliver(box, &m, &o, &st) == 0, "deliver to a new mbox");
    got = slurp(box, &len);
    from = mbox_from_line(o.sender, when);
    buf_adds(&want, from);
    free(from);
    buf_adds(&want, "Subject: q\n\n>From the start\n>>From one\n>>>From two\n"
                    "Fromage\nFrom\n> From x\n>From\nend From here\n\n");
    ok(len == want.len && memcmp(got, want.data, len) == 0, "mboxrd quoting exact");
    free(got);
    ok(count_dir(rec) == 0, "no append record after a delivery");
    {
        struct stat sb;
        ok(stat(box, &sb) == 0 && (sb.st_mode & 0777) == 0600, "new mbox is mode 0600");
    }

    /* A second message is separated by the blank line already there;
     * a mailbox without a final newline gets one plus a blank line. */
    spit(box, "From x Thu Jan  1 00:00:00 1970\nA: b\n\nno newline", 46);
    ok(mbox_deliver(box, &m, &o, &st) == 0, "deliver after a torn-looking tail");
    got = slurp(box, &len);
    ok(len > 50 && memcmp(got + 46, "\n\nFrom bob@example.org ", 23) == 0,
       "blank line inserted before the From_ line");
    free(got);

    /* Spooled message: quoting across 64 KiB chunk boundaries. */
    {
        struct intake_limits lim;
        struct buf in = BUF_INIT;
        char *inpath = xasprintf("%s/in", root);
        int fd;

        buf_adds(&in, "Subject: big\n\n");
        while (in.len < 3 * 65536 + 100) {
            buf_adds(&in, ">>From ");
            for (int i = 0; i < 1000; i++)
                buf_addc(&in, 'a' + (char)(i % 26));
            buf_adds(&in, "\nFrom \n>>>>");
            buf_adds(&in, "\n");
        }
        /* Put "From " exactly across a chunk edge. */
        memcpy(in.data + 65536 - 3, "\nFrom x", 7);
        in.data[in.len - 1] = '\n';
        spit(inpath, in.data, in.len);
        message_limits_default(&lim);
        lim.mem_max = 4096;
        lim.spool_dir = root;
        fd = open(inpath, O_RDONLY);
        memset(&m2, 0, sizeof m2);
        ok(message_read(&m2, fd, &lim, &st) == 0 && m2.fd >= 0, "big message spooled");
        close(fd);
        unlink(box);
        ok(mbox_deliver(box, &m2, &o, &st) == 0, "deliver spooled message");
        buf_reset(&want);
        add_from(&want, o.sender, when);
        quote_ref(&want, in.data, in.len);
        buf_addc(&want, '\n');
        got = slurp(box, &len);
        ok(len == want.len && memcmp(got, want.data, len) == 0,
           "spooled quoting matches the line-by-line reference (%zu bytes)", len);
        free(got);
        message_free(&m2);
        buf_free(&in);
        free(inpath);
    }

    /* Killed after appending: the record repairs the mailbox. */
    {
        size_t before_len, after_len;
        char *before, *after;
        pid_t pid;
        int status;
        struct stat sb;
        char *lock = xasprintf("%s.lock", box);

        before = slurp(box, &before_len);
        pid = fork();
        if (pid == 0) {
            struct mbox_txn t;
            /* Append, then die without committing (like kill -9). */
            _exit(mbox_prepare(&t, box, &m, &o, &st) == 0 ? 0 : 1);
        }
        waitpid(pid, &status, 0);
        ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child appended and died");
        ok(stat(box, &sb) == 0 && (size_t)sb.st_size > before_len, "mailbox grew");
        ok(count_dir(rec) == 1, "append record left behind");
        ok(access(lock, F_OK) == 0, "dotlock left behind by the dead process");
        o.when = when + 1;
        ok(mbox_deliver(box, &m, &o, &st) == 0, "next delivery (breaks the stale lock)");
        after = slurp(box, &after_len);
        buf_reset(&want);
        buf_add(&want, before, before_len);
        add_from(&want, o.sender, o.when);
        quote_ref(&want, m.mem, m.len);
        buf_addc(&want, '\n');
        ok(after_len == want.len && memcmp(after, want.data, after_len) == 0,
           "interrupted append removed, new message appended");
        ok(count_dir(rec) == 0, "record removed");
        ok(access(lock, F_OK) != 0, "dotlock removed");
        free(before);
        free(after);

        /* A record that does not match what is at its offset. */
        {
            char *rp;
            before = slurp(box, &before_len);
            ok(stat(box, &sb) == 0, "stat");
            rp = xasprintf("%s/%ju.%ju", rec, (uintmax_t)sb.st_dev, (uintmax_t)sb.st_ino);
            {
                char *r = xasprintf("weir-append 1\nsize %zu\nhead 46726f6d207a\n",
                                    before_len / 2);
                spit(rp, r, strlen(r));
                free(r);
            }
            ok(mbox_deliver(box, &m, &o, &st) == 0, "deliver with a foreign record");
            after = slurp(box, &after_len);
            ok(after_len > before_len && memcmp(after, before, before_len) == 0,
               "mismatching record: existing content left alone");
            ok(access(rp, F_OK) != 0, "stale record removed");
            free(rp);
            free(before);
            free(after);
        }
        free(lock);
    }

    message_free(&m);
    buf_free(&want);
    {
        char *cmd = xasprintf("rm -rf '%s'", root);
        if (system(cmd) != 0)
            ok(0, "cleanup");
        free(cmd);
    }
    free(box);
    free(rec);
    return done();
}
