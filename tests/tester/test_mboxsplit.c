/*
 * test_mboxsplit.c -- mbox splitting and un-quoting (lda/store/mboxsplit.c).
 *
 * Hand-made archives for each rule of mboxsplit.h, then archives built
 * from every message of testdata/corpus (mboxrd and mboxo writers), split
 * again and compared byte for byte with the originals.
 */
#include "config.h"
#include "mboxsplit.h"
#include "util.h"
#include "tests/tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MSGS 16

struct split {
    size_t n;
    char *msg[MAX_MSGS];
    char *from[MAX_MSGS];
    size_t line[MAX_MSGS];
};

static void
split(const char *data, enum mbox_quoting q, struct split *s)
{
    struct mbox_reader r;
    struct buf b = BUF_INIT;

    memset(s, 0, sizeof *s);
    mbox_reader_init(&r, data, strlen(data), q);
    while (s->n < MAX_MSGS && mbox_next(&r, &b, &s->from[s->n], &s->line[s->n])) {
        s->msg[s->n] = xstrndup(b.data ? b.data : "", b.len);
        s->n++;
    }
    buf_free(&b);
}

static void
split_free(struct split *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->msg[i]);
        free(s->from[i]);
    }
}

static void
hand_made(void)
{
    struct split s;

    ok(mbox_is_from_line("From alice@example.org Sat Nov 28 01:19:29 2026", 48),
       "a V7 From_ line is recognised");
    ok(mbox_is_from_line("From - Sat Nov 28 1:19 2026", 27), "From - with h:mm");
    ok(!mbox_is_from_line("From here to eternity", 21), "no time: not a From_ line");
    ok(!mbox_is_from_line("From  Sat Nov 28 01:19:29 2026", 30), "no address: not a From_ line");
    ok(!mbox_is_from_line("From: alice@example.org", 23), "a From: header is not a From_ line");

    split("From a@b Sat Nov 28 01:00:00 2026\nSubject: one\n\nbody 1\n\n"
          "From c@d Sat Nov 28 02:00:00 2026\nSubject: two\n\nbody 2\n\n", MBOX_RD, &s);
    is_long((long)s.n, 2, "two messages");
    is_str(s.msg[0], "Subject: one\n\nbody 1\n", "first message without separator");
    is_str(s.msg[1], "Subject: two\n\nbody 2\n", "last message without final empty line");
    is_str(s.from[1], "From c@d Sat Nov 28 02:00:00 2026", "From_ line kept");
    is_long((long)s.line[1], 6, "line number of the second From_ line");
    split_free(&s);

    split("From a@b Sat Nov 28 01:00:00 2026\nSubject: x\n\nhello\nFrom me to you at 10:30\n"
          "\nFrom here on, no time\n\n", MBOX_RD, &s);
    is_long((long)s.n, 1, "unquoted From lines without empty line / time stay in the body");
    is_str(s.msg[0], "Subject: x\n\nhello\nFrom me to you at 10:30\n\nFrom here on, no time\n",
           "body kept whole");
    split_free(&s);

    split("From a@b Sat Nov 28 01:00:00 2026\nS: x\n\n>From a\n>>From b\n>>>From c\n> From d\n\n",
          MBOX_RD, &s);
    is_str(s.msg[0], "S: x\n\nFrom a\n>From b\n>>From c\n> From d\n", "mboxrd un-quoting");
    split_free(&s);
    split("From a@b Sat Nov 28 01:00:00 2026\nS: x\n\n>From a\n>>From b\n\n", MBOX_O, &s);
    is_str(s.msg[0], "S: x\n\nFrom a\n>>From b\n", "mboxo un-quoting");
    split_free(&s);
    split("From a@b Sat Nov 28 01:00:00 2026\nS: x\n\n>From a\n\n", MBOX_RAW, &s);
    is_str(s.msg[0], "S: x\n\n>From a\n", "raw: no un-quoting");
    split_free(&s);

    split("From a@b Sat Nov 28 01:00:00 2026\r\nS: x\r\n\r\nb\r\n\r\n"
          "From c@d Sat Nov 28 01:00:00 2026\r\nS: y\r\n\r\nc\r\n\r\n", MBOX_RD, &s);
    is_long((long)s.n, 2, "CRLF archive: two messages");
    is_str(s.msg[0], "S: x\r\n\r\nb\r\n", "CRLF separator dropped");
    is_str(s.from[0], "From a@b Sat Nov 28 01:00:00 2026\r", "CRLF From_ line as read");
    split_free(&s);

    split("Subject: not an mbox\n\nbody\n", MBOX_RD, &s);
    ok(s.n == 1 && s.from[0] == NULL, "a single message is one message without From_ line");
    ok(!mbox_detect("Subject: x\n", 11), "mbox_detect: a message");
    ok(mbox_detect("From a@b Sat Nov 28 01:00:00 2026\n", 34), "mbox_detect: an mbox");
    split_free(&s);
}

static int
read_path(const char *path, struct buf *b)
{
    char tmp[65536];
    int fd = open(path, O_RDONLY);
    ssize_t n;

    if (fd < 0)
        return -1;
    buf_reset(b);
    while ((n = read_retry(fd, tmp, sizeof tmp)) > 0)
        buf_add(b, tmp, (size_t)n);
    close(fd);
    return n < 0 ? -1 : 0;
}

static int
has_quoted_from(const char *p, size_t n)
{
    for (size_t off = 0; off < n;) {
        const char *nl = memchr(p + off, '\n', n - off);
        size_t ll = nl ? (size_t)(nl - (p + off)) : n - off;
        size_t i = 0;

        while (i < ll && p[off + i] == '>')
            i++;
        if (i > 0 && ll - i >= 5 && memcmp(p + off + i, "From ", 5) == 0)
            return 1;
        off += ll + 1;
    }
    return 0;
}

/* Build an archive of every corpus message, split it, compare. */
static void
corpus_round_trip(const char *corpus, enum mbox_quoting q, const char *qname)
{
    struct buf archive = BUF_INIT, m = BUF_INIT, got = BUF_INIT;
    char **want = NULL;
    size_t nwant = 0, nmatch = 0, nskipped = 0;
    DIR *top = opendir(corpus);
    struct dirent *de;
    struct mbox_reader r;
    size_t i = 0;
    int order_ok = 1;

    if (top == NULL) {
        printf("ok %d # SKIP no corpus at %s\n", ++tap_n, corpus);
        return;
    }
    while ((de = readdir(top)) != NULL) {
        char *dir;
        DIR *d;
        struct dirent *fe;

        if (de->d_name[0] == '.')
            continue;
        dir = xasprintf("%s/%s", corpus, de->d_name);
        if ((d = opendir(dir)) == NULL) {
            free(dir);
            continue;
        }
        while ((fe = readdir(d)) != NULL) {
            char *path;

            if (fe->d_name[0] == '.')
                continue;
            path = xasprintf("%s/%s", dir, fe->d_name);
            if (read_path(path, &m) == 0 && m.len > 0 && memchr(m.data, '\0', m.len) == NULL) {
                if (q == MBOX_O && has_quoted_from(m.data, m.len)) {
                    nskipped++;     /* mboxo cannot represent it */
                } else {
                    if (m.data[m.len - 1] != '\n')
                        buf_addc(&m, '\n');   /* the writer adds it */
                    mbox_write(&archive, "From sender@example.org Sat Nov 28 01:19:29 2026",
                               m.data, m.len, q);
                    want = xreallocarray(want, nwant + 1, sizeof *want);
                    want[nwant++] = xstrndup(m.data, m.len);
                }
            }
            free(path);
        }
        closedir(d);
        free(dir);
    }
    closedir(top);

    mbox_reader_init(&r, archive.data, archive.len, q);
    while (mbox_next(&r, &got, NULL, NULL)) {
        if (i < nwant && got.len == strlen(want[i]) && memcmp(got.data, want[i], got.len) == 0)
            nmatch++;
        else if (order_ok) {
            order_ok = 0;
            printf("# first mismatch at message %zu (%zu bytes, want %zu)\n", i + 1, got.len,
                   i < nwant ? strlen(want[i]) : 0);
        }
        i++;
    }
    ok(nwant > 700, "%s: archive of %zu corpus messages built (%zu not representable)",
       qname, nwant, nskipped);
    is_long((long)i, (long)nwant, "split finds every message");
    is_long((long)nmatch, (long)nwant, "every message comes back byte for byte");
    for (size_t k = 0; k < nwant; k++)
        free(want[k]);
    free(want);
    buf_free(&archive);
    buf_free(&m);
    buf_free(&got);
}

int
main(void)
{
    const char *src = getenv("top_srcdir");
    char *corpus = xasprintf("%s/testdata/corpus", src ? src : "..");

    hand_made();
    corpus_round_trip(corpus, MBOX_RD, "mboxrd");
    corpus_round_trip(corpus, MBOX_O, "mboxo");
    free(corpus);
    return done();
}
