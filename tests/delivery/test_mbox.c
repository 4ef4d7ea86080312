/*
 * test_mbox.c -- unit tests for mbox delivery (lda/store/mbox.c): From_ line,
 * mboxrd quoting (in memory and spooled, across chunk boundaries),
 * blank-line separation, and the append record: a delivery killed after
 * appending is undone by the next one; a record that no longer matches
 * leaves the mailbox alone.
 */
#include "config.h"
#include "mbox.h"
#include "lock.h"
#include "log.h"
#include "util.h"
#include "tests/tap.h"

#include <dirent.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
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


/* A crafted interrupted append: box holds `pre`, then `region` (L bytes:
 * what the killed append left, NUL where it had not written yet), then
 * `post` (what another program appended).  The record says size
 * strlen(pre), length L, lead `lead` bytes, head = the first bytes of
 * `intended`.  Returns the record's path. */
static char *
craft(const char *box, const char *rec, const char *pre, const char *region, size_t L,
      const char *post, const char *intended, size_t lead)
{
    struct buf b = BUF_INIT, r = BUF_INIT;
    struct stat sb;
    char *rp;
    size_t hl = strlen(intended) < 64 ? strlen(intended) : 64;

    buf_adds(&b, pre);
    buf_add(&b, region, L);
    buf_adds(&b, post);
    spit(box, b.data, b.len);
    if (stat(box, &sb) != 0)
        abort();
    mkdir(rec, 0700);
    rp = xasprintf("%s/%ju.%ju", rec, (uintmax_t)sb.st_dev, (uintmax_t)sb.st_ino);
    buf_printf(&r, "weir-append 2\nsize %zu\nlength %zu\nlead %zu\nhead ", strlen(pre), L, lead);
    for (size_t i = 0; i < hl; i++)
        buf_printf(&r, "%02x", (unsigned char)intended[i]);
    buf_addc(&r, '\n');
    spit(rp, r.data, r.len);
    buf_free(&b);
    buf_free(&r);
    return rp;
}

/* Repair cases: deliver m into a crafted box; the box must then be
 * `want_prefix` followed by the new message (whatever its From_ line). */
static void
repair_case(const char *what, const char *box, const char *rec, struct message *m,
            const struct mbox_opts *o, const char *want, size_t want_len)
{
    struct status st;
    char *got, *rp;
    size_t len;
    struct stat sb;

    if (stat(box, &sb) != 0)
        abort();
    rp = xasprintf("%s/%ju.%ju", rec, (uintmax_t)sb.st_dev, (uintmax_t)sb.st_ino);
    ok(mbox_deliver(box, m, o, &st) == 0, "%s: delivered", what);
    got = slurp(box, &len);
    ok(len > want_len && memcmp(got, want, want_len) == 0 &&
       memcmp(got + want_len, "From ", 5) == 0, "%s: mailbox as expected before the new message", what);
    if (!(len > want_len && memcmp(got, want, want_len) == 0)) {
        printf("#   got %zu bytes, want %zu then the new message\n", len, want_len);
    }
    ok(access(rp, F_OK) != 0, "%s: record removed", what);
    free(got);
    free(rp);
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

    /* The lock wait's alarm: tv_usec below one second whatever the
     * fraction (29.9999995 s once gave 1000000 and setitimer's EINVAL). */
    {
        static const double lefts[] = { 29.9999995, 0.9999999, 1.0, 0.000001, 2.5, 30.0 };
        int good = 1;

        signal(SIGALRM, SIG_IGN);           /* the shortest may fire */
        for (size_t i = 0; i < sizeof lefts / sizeof lefts[0]; i++) {
            struct itimerval it;
            double got_s;

            lock_timer_value(lefts[i], &it);
            got_s = (double)it.it_value.tv_sec + (double)it.it_value.tv_usec / 1e6;
            if (it.it_value.tv_usec < 0 || it.it_value.tv_usec >= 1000000 ||
                got_s < lefts[i] || got_s > lefts[i] + 2e-6 ||
                setitimer(ITIMER_REAL, &it, NULL) != 0)
                good = 0, printf("# left %.7f: %lld s %ld us\n", lefts[i],
                                 (long long)it.it_value.tv_sec, (long)it.it_value.tv_usec);
            memset(&it, 0, sizeof it);
            (void)setitimer(ITIMER_REAL, &it, NULL);
        }
        signal(SIGALRM, SIG_DFL);
        ok(good, "lock wait timer: rounded up, tv_usec < 1000000, accepted by setitimer");
    }

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

    /* A fatal error (msg_fatal: out of memory) after the append and
     * before the commit: the undo hook (lda/sys/undo.h) truncates the
     * mailbox back and removes the record and the dotlock before exit 75
     * (issue 10 item 5).  After the commit the message stays. */
    {
        size_t before_len, after_len;
        char *before, *after, *lock = xasprintf("%s.lock", box);
        pid_t pid;
        int status;

        before = slurp(box, &before_len);
        pid = fork();
        if (pid == 0) {
            struct mbox_txn t;

            if (mbox_prepare(&t, box, &m, &o, &st) != 0)
                _exit(1);
            msg_fatal("out of memory (test)");
        }
        waitpid(pid, &status, 0);
        ok(WIFEXITED(status) && WEXITSTATUS(status) == 75, "fatal mid-append: exit 75");
        after = slurp(box, &after_len);
        ok(after_len == before_len && memcmp(after, before, before_len) == 0,
           "fatal mid-append: mailbox byte for byte as before (%zu, was %zu)",
           after_len, before_len);
        ok(count_dir(rec) == 0, "fatal mid-append: no append record left");
        ok(access(lock, F_OK) != 0, "fatal mid-append: no dotlock left");
        free(after);
        pid = fork();
        if (pid == 0) {
            struct mbox_txn t;

            if (mbox_prepare(&t, box, &m, &o, &st) != 0 || mbox_commit(&t, &st) != 0)
                _exit(1);
            msg_fatal("out of memory (test)");
        }
        waitpid(pid, &status, 0);
        after = slurp(box, &after_len);
        ok(WIFEXITED(status) && WEXITSTATUS(status) == 75 && after_len > before_len &&
           memcmp(after, before, before_len) == 0,
           "fatal after the commit: the committed message stays");
        ok(count_dir(rec) == 0 && access(lock, F_OK) != 0,
           "fatal after the commit: no record, no dotlock");
        spit(box, before, before_len);
        free(before);
        free(after);
        free(lock);
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


    /* The repair decision table (issue 10: repair must never remove what
     * another program appended), on crafted interrupted appends. */
    {
        const char *pre = "From a Thu Jan  1 00:00:00 1970\nS: a\n\nbody a\n\n";
        const char *intended = "From b Thu Jan  1 00:00:01 1970\nS: b\n\nbody b line 1\nbody b line 2\n\n";
        const char *foreign = "From x Thu Jan  1 00:00:02 1970\nS: x\n\nbody x\n\n";
        size_t L = strlen(intended), lead = 32, pl = strlen(pre);
        char region[256];
        struct buf w = BUF_INIT;
        char *rp;

        /* all ours, partly written: truncated back */
        memset(region, 0, sizeof region);
        memcpy(region, intended, 40);
        rp = craft(box, rec, pre, region, L, "", intended, lead);
        repair_case("ours, partial, nothing after", box, rec, &m, &o, pre, pl);
        free(rp);
        /* all ours, nothing written yet (NUL): truncated back */
        memset(region, 0, sizeof region);
        rp = craft(box, rec, pre, region, L, "", intended, lead);
        repair_case("ours, extended but unwritten", box, rec, &m, &o, pre, pl);
        free(rp);
        /* all ours and complete, not committed: truncated back */
        rp = craft(box, rec, pre, intended, L, "", intended, lead);
        repair_case("ours, complete, nothing after", box, rec, &m, &o, pre, pl);
        free(rp);

        /* ours partial, then a foreign message: kept; our NUL rest
         * becomes the mark and newlines */
        memset(region, 0, sizeof region);
        memcpy(region, intended, 40);
        rp = craft(box, rec, pre, region, L, foreign, intended, lead);
        buf_reset(&w);
        buf_adds(&w, pre);
        buf_add(&w, intended, 40);
        {
            static const char mark[] = "\n\n[weir: this delivery was interrupted here; "
                                       "the message is incomplete]\n";
            size_t rest = L - 40;

            if (rest >= strlen(mark)) {
                buf_adds(&w, mark);
                rest -= strlen(mark);
            }
            while (rest--)
                buf_addc(&w, '\n');
        }
        buf_adds(&w, foreign);
        repair_case("ours partial, then foreign: foreign kept, ours marked", box, rec, &m, &o,
                    w.data, w.len);
        free(rp);

        /* ours complete, then foreign: both kept as they are */
        rp = craft(box, rec, pre, intended, L, foreign, intended, lead);
        buf_reset(&w);
        buf_adds(&w, pre);
        buf_adds(&w, intended);
        buf_adds(&w, foreign);
        repair_case("ours complete, then foreign: both kept", box, rec, &m, &o, w.data, w.len);
        free(rp);

        /* ours unwritten (NUL), From_ line never written, then foreign:
         * a placeholder message in our space, foreign kept */
        memset(region, 0, sizeof region);
        memcpy(region, intended, 10);           /* part of the From_ line */
        L = 250;                                /* room for the placeholder */
        rp = craft(box, rec, pre, region, L, foreign, intended, lead);
        {
            struct status st2;
            char *b2;
            size_t l2;

            ok(mbox_deliver(box, &m, &o, &st2) == 0, "From_ line cut, then foreign: delivered");
            b2 = slurp(box, &l2);
            ok(l2 > pl + L + strlen(foreign) && memcmp(b2, pre, pl) == 0 &&
               memcmp(b2 + pl, "From MAILER-DAEMON ", 19) == 0 &&
               memmem(b2 + pl, L, "[weir: interrupted delivery]", 28) != NULL &&
               memchr(b2 + pl, '\0', L) == NULL &&
               memcmp(b2 + pl + L, foreign, strlen(foreign)) == 0,
               "From_ line cut, then foreign: placeholder message, foreign kept in place");
            free(b2);
        }
        free(rp);
        L = strlen(intended);

        /* never extended: shorter than size + length, foreign bytes at
         * size: left alone */
        rp = craft(box, rec, pre, "", 0, foreign, intended, lead);
        {
            struct buf r = BUF_INIT;

            buf_printf(&r, "weir-append 2\nsize %zu\nlength %zu\nlead %zu\nhead 46726f6d2062\n",
                       pl, L, lead);
            spit(rp, r.data, r.len);
            buf_free(&r);
        }
        buf_reset(&w);
        buf_adds(&w, pre);
        buf_adds(&w, foreign);
        repair_case("never extended, foreign after: left alone", box, rec, &m, &o, w.data, w.len);
        free(rp);

        /* exactly size + length long, but the bytes at size are someone
         * else's (they appended L bytes before we extended): left alone */
        {
            char other[256];

            memset(other, 'y', L);
            memcpy(other, "From y", 6);
            other[L - 1] = '\n';
            other[L - 2] = '\n';
            rp = craft(box, rec, pre, other, L, "", intended, lead);
            buf_reset(&w);
            buf_adds(&w, pre);
            buf_add(&w, other, L);
            repair_case("other bytes at size: left alone", box, rec, &m, &o, w.data, w.len);
            free(rp);
        }
        buf_free(&w);
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
