/*
 * test_message.c -- unit tests for message intake (lda/store/message.c):
 * From_ line, CRLF, final newline, empty input, NULs, long lines,
 * spooling to a file, size and header limits, header lookup.
 */
#include "config.h"
#include "message.h"
#include "util.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Feed `in` to message_read() through a pipe (so reads come in pieces
 * like stdin from an MTA) and return the status. */
static int
feed(struct message *m, const char *in, size_t n, const struct intake_limits *lim,
     struct status *st)
{
    char path[] = "/tmp/weir-unit-XXXXXX";
    int fd = mkstemp(path), rc;

    if (fd < 0 || write_all(fd, in, n) < 0 || lseek(fd, 0, SEEK_SET) != 0)
        abort();
    unlink(path);
    rc = message_read(m, fd, lim, st);
    close(fd);
    return rc;
}

static char *
contents(const struct message *m)
{
    char *b = xmalloc(m->len + 1);

    if (message_pread(m, b, m->len, 0) != (ssize_t)m->len)
        abort();
    b[m->len] = '\0';
    return b;
}

static void
check(const char *what, const char *in, const char *want, const char *want_from)
{
    struct intake_limits lim;
    struct message m;
    struct status st;
    char *got;

    message_limits_default(&lim);
    ok(feed(&m, in, strlen(in), &lim, &st) == 0, "%s: accepted", what);
    got = contents(&m);
    is_str(got, want, what);
    is_str(m.from_sender, want_from, "envelope from the From_ line");
    free(got);
    message_free(&m);
}

int
main(void)
{
    struct intake_limits lim;
    struct message m;
    struct status st;
    char *got, *big, *h;
    size_t n;

    check("plain message", "Subject: x\n\nbody\n", "Subject: x\n\nbody\n", NULL);
    check("From_ line removed", "From a@b.example Sat Nov 28 01:00:00 2026\nSubject: x\n\nb\n",
          "Subject: x\n\nb\n", "a@b.example");
    check("From_ <>", "From <> Sat Nov 28 01:00:00 2026\nS: x\n\nb\n", "S: x\n\nb\n", "");
    check("From_ MAILER-DAEMON", "From MAILER-DAEMON  Tue Jul  7 22:47:39 2009\nS: x\n\nb\n",
          "S: x\n\nb\n", "");
    check("From_ quoted local part", "From \"a b\"@c.example Sat Nov 28 2026\nS: x\n\nb\n",
          "S: x\n\nb\n", "\"a b\"@c.example");
    check("From_ line with CRLF", "From x@y.example date\r\nS: x\r\n\r\nb\r\n",
          "S: x\n\nb\n", "x@y.example");
    check("From: header is not a From_ line", "From: a@b\n\nb\n", "From: a@b\n\nb\n", NULL);
    check("CRLF to LF", "A: 1\r\nB: 2\r\n\r\nline\r\n", "A: 1\nB: 2\n\nline\n", NULL);
    check("lone CR kept", "A: 1\n\nx\ry\r\n", "A: 1\n\nx\ry\n", NULL);
    check("trailing lone CR kept", "A: 1\n\nx\r", "A: 1\n\nx\r\n", NULL);
    check("missing final newline", "A: 1\n\nno newline", "A: 1\n\nno newline\n", NULL);
    check("empty message", "", "", NULL);
    check("short input", "Fro", "Fro\n", NULL);
    check("only a From_ line", "From a@b date\n", "", "a@b");

    /* NUL bytes are kept. */
    message_limits_default(&lim);
    ok(feed(&m, "A: 1\n\nx\0y\n", 10, &lim, &st) == 0, "NUL: accepted");
    is_long((long)m.len, 10, "NUL: length kept");
    got = contents(&m);
    ok(memcmp(got, "A: 1\n\nx\0y\n", 10) == 0, "NUL: bytes kept");
    free(got);
    message_free(&m);

    /* Header end. */
    ok(feed(&m, "A: 1\nB: 2\n\nbody\n", 16, &lim, &st) == 0, "header: accepted");
    is_long((long)m.header_len, 11, "header_len includes the blank line");
    message_free(&m);
    ok(feed(&m, "\nbody\n", 6, &lim, &st) == 0, "empty header: accepted");
    is_long((long)m.header_len, 1, "empty header is one blank line");
    message_free(&m);
    ok(feed(&m, "A: 1\nB: 2\n", 10, &lim, &st) == 0, "header only: accepted");
    is_long((long)m.header_len, 10, "header only: the whole message is header");
    message_free(&m);

    /* A CRLF split across the 64 KiB read boundary. */
    n = 64 * 1024;
    big = xmalloc(n + 16);
    memset(big, 'a', n + 16);
    memcpy(big, "A: 1\n\n", 6);
    big[n - 1] = '\r';
    big[n] = '\n';
    big[n + 15] = '\n';
    ok(feed(&m, big, n + 16, &lim, &st) == 0, "CRLF at chunk boundary: accepted");
    is_long((long)m.len, (long)(n + 15), "CRLF at chunk boundary: one byte shorter");
    got = contents(&m);
    ok(got[n - 1] == '\n' && got[n] == 'a', "CRLF at chunk boundary: became LF");
    free(got);
    message_free(&m);
    free(big);

    /* A 1 MiB line, and spooling to a file with a small memory limit. */
    n = 1024 * 1024;
    big = xmalloc(n + 8);
    memcpy(big, "A: 1\n\n", 6);
    memset(big + 6, 'x', n - 6);
    big[n] = '\n';
    lim.mem_max = 4096;
    ok(feed(&m, big, n + 1, &lim, &st) == 0, "long line: accepted");
    ok(m.fd >= 0 && m.mem == NULL, "over mem_max: spooled to a file, not memory");
    is_long((long)m.len, (long)(n + 1), "spooled: length");
    is_long((long)m.header_len, 6, "spooled: header length");
    ok(m.header && memcmp(m.header, "A: 1\n\n", 6) == 0, "spooled: header in memory");
    got = contents(&m);
    ok(memcmp(got, big, n + 1) == 0, "spooled: same bytes");
    free(got);
    message_free(&m);

    /* Spool switch in the middle of the header. */
    lim.mem_max = 8;
    ok(feed(&m, "Aaa: 1\nBbb: 2\nCcc: 3\n\nbody\n", 27, &lim, &st) == 0,
       "switch inside header: accepted");
    is_long((long)m.header_len, 22, "switch inside header: header length");
    ok(memcmp(m.header, "Aaa: 1\nBbb: 2\nCcc: 3\n\n", 22) == 0,
       "switch inside header: header copied whole");
    h = message_header_first(&m, "Ccc");
    is_str(h, "3", "switch inside header: lookup works");
    free(h);
    message_free(&m);

    /* Size limit: permanent 5.3.4. */
    message_limits_default(&lim);
    lim.size_max = 1000;
    ok(feed(&m, big, n + 1, &lim, &st) == -1, "over size_max: refused");
    is_str(st.code, "5.3.4", "over size_max: 5.3.4");
    ok(st.cls == STATUS_PERM, "over size_max: permanent");
    ok(m.fd == -1 && m.mem == NULL, "over size_max: nothing held");
    free(big);

    /* Header lookup: folded, case-insensitive, first occurrence. */
    message_limits_default(&lim);
    {
        const char *in = "Subject: one\n  two\nreturn-path: <a@b>\nReturn-Path: <c@d>\n\nSubject: no\n";
        ok(feed(&m, in, strlen(in), &lim, &st) == 0, "lookup: accepted");
        h = message_header_first(&m, "subject");
        is_str(h, "one  two", "folded header unfolded");
        free(h);
        h = message_header_first(&m, "Return-Path");
        is_str(h, "<a@b>", "first occurrence, any case");
        free(h);
        h = message_header_first(&m, "X-None");
        ok(h == NULL, "missing header is NULL");
        message_free(&m);
    }

    /* Header limit. */
    lim.header_max = 10;
    ok(feed(&m, "Aaaaa: 1\nBbbbb: 2\n\nb\n", 21, &lim, &st) == 0, "header_max: accepted");
    ok(m.header_truncated && m.header_len == 10, "header_max: header truncated, message kept");
    is_long((long)m.len, 21, "header_max: whole message kept");
    message_free(&m);

    /* From_ line parsing on its own. */
    got = message_parse_from_line("From <x@y> date");
    is_str(got, "x@y", "From_ <x@y>");
    free(got);
    got = message_parse_from_line("From ");
    ok(got == NULL, "From_ without an address");
    free(got);
    return done();
}
