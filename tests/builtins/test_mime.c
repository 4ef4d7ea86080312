/*
 * test_mime.c -- unit tests for the MIME walk (builtins/mime.h) and its
 * pieces: the streaming decoders (base64, quoted-printable, uuencode),
 * Content-Type/Disposition parameters with RFC 2231 and the broken forms,
 * file name extensions, the walk on small hand-written messages (with
 * the message fed in every chunk size from 1 byte up, which must not
 * change the result), re-reading parts through their layers, the limits,
 * and the decoded body text (charsets, HTML removal, the body_scan cap).
 * Exact expected values throughout.
 */
#include "config.h"
#include "mime.h"
#include "mime_int.h"
#include "mp_internal.h"
#include "util.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Seconds the whole test may take (ASan included) before SIGALRM. */
#define TEST_TIME_LIMIT 120

/* ---- decoders ---- */

static void
collect(void *ctx, const char *p, size_t n)
{
    buf_add(ctx, p, n);
}

/* Decode s with enc, fed in pieces of step bytes; "defects:" appended
 * when there are any. */
static char *
decode(enum mime_enc enc, const char *s, size_t step)
{
    struct buf b = BUF_INIT;
    struct mime_dec d;
    size_t n = strlen(s);

    mime_dec_init(&d, enc, collect, &b);
    for (size_t i = 0; i < n; i += step)
        mime_dec_feed(&d, s + i, n - i < step ? n - i : step);
    mime_dec_finish(&d);
    if (d.defects) {
        buf_adds(&b, "|");
        for (unsigned i = 0; i < MIME_NDEFECTS; i++)
            if (d.defects & (1u << i))
                buf_printf(&b, "[%s]", mime_defect_name(i));
    }
    return buf_steal(&b);
}

static void
check_decode(enum mime_enc enc, const char *in, const char *want, const char *what)
{
    static const size_t steps[] = { 1, 2, 3, 5, 4096 };

    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char *got = decode(enc, in, steps[i]);
        char *label = xasprintf("%s (pieces of %zu)", what, steps[i]);

        is_str(got, want, label);
        free(label);
        free(got);
    }
}

static void
test_decoders(void)
{
    check_decode(MIME_ENC_BASE64, "SGVsbG8sIHdvcmxkIQ==\n", "Hello, world!", "base64");
    check_decode(MIME_ENC_BASE64, "SGVs\r\nbG8s\r\nIHdv\ncmxk\nIQ\n", "Hello, world!",
                 "base64: any line length, missing padding");
    check_decode(MIME_ENC_BASE64, "SGk=SGk=\n", "HiHi", "base64: concatenated after padding");
    check_decode(MIME_ENC_BASE64, "SG!k*\n", "Hi|[bad base64]", "base64: garbage skipped");
    check_decode(MIME_ENC_BASE64, "SGkx\nQ\n", "Hi1|[bad base64]", "base64: lone last character");
    check_decode(MIME_ENC_BASE64, "SGk===\n=\n", "Hi", "base64: extra padding");
    check_decode(MIME_ENC_QP, "caf=C3=A9 =\nau lait\n", "caf\xc3\xa9 au lait\n", "qp");
    check_decode(MIME_ENC_QP, "a  \t\nb=20\n", "a\nb \n", "qp: trailing white space dropped");
    check_decode(MIME_ENC_QP, "soft=  \r\nbreak\r\n", "softbreak\r\n", "qp: soft break with spaces, CRLF");
    check_decode(MIME_ENC_QP, "lower=c3=a9\n", "lower\xc3\xa9\n", "qp: lower-case hex");
    check_decode(MIME_ENC_QP, "50=%\n=Zx=4\n", "50=%\n=Zx=4\n|[bad quoted-printable]",
                 "qp: bad escapes kept");
    check_decode(MIME_ENC_QP, "end=", "end", "qp: '=' at the very end");
    check_decode(MIME_ENC_UUENCODE, "begin 644 x\n#86)C\n`\nend\n", "abc", "uuencode");
    check_decode(MIME_ENC_UUENCODE, "begin 644 x\n$86)C9```\n`\nend\nignored\n", "abcd",
                 "uuencode: data ends at end");
    check_decode(MIME_ENC_UUENCODE, "#86)C\nnot uu data!\n`\n", "abc|[bad uuencode]",
                 "uuencode: no begin line, a bad line");
    check_decode(MIME_ENC_8BIT, "as\r\nis=41\n", "as\r\nis=41\n", "8bit passes through");

    ok(mime_uu_line_valid("#86)C", 5), "uu line valid");
    ok(mime_uu_line_valid("M86)C", 5) == 0, "uu line: length char says 45 bytes");
    ok(mime_uu_line_valid("`", 1), "uu line: length 0");
    ok(mime_uu_line_valid("hello world", 11) == 0, "uu line: prose");
}

/* ---- parameters ---- */

static char *
param(const char *value, int is_type, const char *attr)
{
    struct mime_fieldval f;
    char *v;

    mime_field_parse(value, is_type, &f);
    if (attr == NULL)
        v = f.token ? xstrdup(f.token) : NULL;
    else
        v = mime_param_get(&f, attr);
    mime_field_free(&f);
    return v;
}

static void
test_params(void)
{
    static const struct {
        const char *value;
        int is_type;
        const char *attr, *want, *what;
    } c[] = {
        { "Text/HTML; charset=UTF-8", 1, NULL, "text/html", "type lower-cased" },
        { " text / plain (comment) ; x=1", 1, NULL, "text/plain", "spaces around '/'" },
        { "text", 1, NULL, NULL, "no subtype: invalid" },
        { "(c) attachment; filename=a.pdf", 0, NULL, "attachment", "disposition token" },
        { "attachment; filename=\"a \\\"b\\\".pdf\"", 0, "filename", "a \"b\".pdf",
          "quoted pairs" },
        { "attachment; filename=my file.pdf; size=3", 0, "filename", "my file.pdf",
          "unquoted value with a space" },
        { "application/x; name=a.pdf size=3", 1, "name", "a.pdf", "missing ';'" },
        { "multipart/mixed\tboundary=\"b1\"", 1, "boundary", "b1", "missing ';' after the type" },
        { "attachment; filename*=UTF-8''%E2%82%AC%20rates.txt", 0, "filename",
          "\xe2\x82\xac rates.txt", "RFC 2231 charset" },
        { "attachment; filename*=iso-8859-1'de'M%FCller.doc", 0, "filename",
          "M\xc3\xbcller.doc", "RFC 2231 Latin-1 with language" },
        { "attachment; filename*1*=%20b.txt; filename*0*=utf-8''a", 0, "filename",
          "a b.txt", "continuations out of order" },
        { "attachment; filename*0*=utf-8''%C3; filename*1*=%A9t%C3%A9.txt", 0, "filename",
          "\xc3\xa9t\xc3\xa9.txt", "a character split across sections" },
        { "attachment; filename*0=\"long \"; filename*1=\"name.txt\"", 0, "filename",
          "long name.txt", "plain continuations" },
        { "attachment; filename*0=\"a\"; filename*2=\"c\"", 0, "filename", "ac",
          "a missing section is skipped" },
        { "attachment; filename=\"fallback.txt\"; filename*=utf-8''real%21.txt", 0,
          "filename", "real!.txt", "the RFC 2231 form wins" },
        { "attachment; filename=\"=?UTF-8?B?0KTQsNC50LsucGRm?=\"", 0, "filename",
          "\xd0\xa4\xd0\xb0\xd0\xb9\xd0\xbb.pdf", "encoded-word inside quotes" },
        { "attachment; filename*0=\"=?utf-8?q?caf=C3=A9?=\"; filename*1=\".txt\"", 0,
          "filename", "caf\xc3\xa9.txt", "encoded-word in plain continuations" },
        { "attachment; filename=\"caf\xc3\xa9.txt\"", 0, "filename", "caf\xc3\xa9.txt",
          "raw UTF-8 kept" },
        { "attachment; filename=\"caf\xe9.txt\"", 0, "filename", "caf\xc3\xa9.txt",
          "raw Latin-1 to UTF-8" },
        { "attachment; filename*=x-unknown-cs''a%FFb", 0, "filename", "a\xc3\xbf" "b",
          "unknown charset read as raw text" },
        { "attachment; filename*=%41%42.txt", 0, "filename", "AB.txt",
          "extended value without apostrophes" },
        { "attachment; filename=\"unterminated.txt", 0, "filename", "unterminated.txt",
          "unterminated quote" },
        { "attachment; filename=  \"  spaced.txt  \"", 0, "filename", "spaced.txt",
          "trimmed" },
        { "attachment; FileName=\"x.txt\"", 0, "filename", "x.txt", "attribute case" },
        { "attachment; filename=\"a\r\n.exe\"", 0, "filename", "a  .exe",
          "CR LF in a name become spaces" },
        { "attachment", 0, "filename", NULL, "absent" },
    };

    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *got = param(c[i].value, c[i].is_type, c[i].attr);

        is_str(got, c[i].want, c[i].what);
        free(got);
    }
    is_long(mime_cte_parse(" Base64 "), MIME_ENC_BASE64, "cte base64");
    is_long(mime_cte_parse("quoted-printable (x)"), MIME_ENC_QP, "cte qp with comment");
    is_long(mime_cte_parse("x-uuencode"), MIME_ENC_UUENCODE, "cte x-uuencode");
    is_long(mime_cte_parse("8-bit"), MIME_ENC_8BIT, "cte 8-bit");
    is_long(mime_cte_parse("x-gzip64"), MIME_ENC_UNKNOWN, "cte unknown");
    is_long(mime_cte_parse(""), MIME_ENC_7BIT, "cte empty");
}

static char *
exts(const char *name)
{
    char **e;
    size_t n = mime_name_exts(name, &e);
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "%s%s", i ? "," : "", e[i]);
        free(e[i]);
    }
    free(e);
    return buf_steal(&b);
}

static void
test_exts(void)
{
    static const struct {
        const char *name, *want;
    } c[] = {
        { "invoice.pdf.exe", "pdf,exe" }, { "Photo.JPG", "jpg" }, { "x.exe. . ", "exe" },
        { ".profile", "" }, { "archive.tar.gz", "tar,gz" }, { "C:\\dir.d\\evil.scr", "scr" },
        { "dir.d/noext", "" }, { "a..b", "b" }, { "noext", "" },
    };

    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *got = exts(c[i].name);
        char *what = xasprintf("extensions of '%s'", c[i].name);

        is_str(got, c[i].want, what);
        free(what);
        free(got);
    }
}

/* ---- the walk ---- */

struct memsrc {
    const char *p;
    size_t len, step;
};

static ssize_t
mem_pread(void *ctx, void *buf, size_t n, size_t off)
{
    struct memsrc *m = ctx;

    if (off >= m->len)
        return 0;
    if (n > m->len - off)
        n = m->len - off;
    if (n > m->step)
        n = m->step;
    memcpy(buf, m->p + off, n);
    return (ssize_t)n;
}

/* One line per part: "path type [name] size [defects]"; limit last. */
static char *
dump(struct mime_tree *t)
{
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < t->nparts; i++) {
        const struct mime_part *p = &t->parts[i];

        buf_printf(&b, "%s %s", p->path, p->type);
        if (p->name)
            buf_printf(&b, " '%s'", p->name);
        if (p->kind != MIME_MULTIPART)
            buf_printf(&b, " %zu", p->size);
        for (unsigned k = 0; k < MIME_NDEFECTS; k++)
            if (p->defects & (1u << k))
                buf_printf(&b, " [%s]", mime_defect_name(k));
        buf_addc(&b, '\n');
    }
    if (t->limit)
        buf_printf(&b, "limit %s at %s\n", t->limit, t->limit_path);
    return buf_steal(&b);
}

static struct mime_tree *
walk(const char *msg, size_t step, const struct mime_limits *lim, struct memsrc *m)
{
    struct mime_source src;

    m->p = msg;
    m->len = strlen(msg);
    m->step = step;
    src.pread = mem_pread;
    src.ctx = m;
    src.len = m->len;
    return mime_walk(&src, lim, NULL);
}

/* The tree of msg must be want for every chunk size, and every part's
 * layers must give back exactly its size in bytes. */
static void
check_walk(const char *msg, const char *want, const struct mime_limits *lim, const char *what)
{
    static const size_t steps[] = { 1, 2, 3, 7, 64, 1 << 20 };
    int same = 1, sizes = 1;
    char *first = NULL;

    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        struct memsrc m;
        struct mime_tree *t = walk(msg, steps[i], lim, &m);
        char *d = dump(t);

        if (first == NULL)
            first = d;
        else {
            if (strcmp(first, d) != 0) {
                same = 0;
                printf("# chunk size %zu gives:\n%s", steps[i], d);
            }
            free(d);
        }
        m.step = 1 << 20;
        for (size_t k = 0; k < t->nparts; k++) {
            struct mime_part *p = &t->parts[k];
            struct mime_stream *s;
            char buf[100];
            size_t n = 0, r;

            if (p->kind != MIME_LEAF && p->kind != MIME_UUENCODED)
                continue;
            s = mime_stream_open(t, p);
            while (s && (r = mime_stream_read(s, buf, sizeof buf)) > 0)
                n += r;
            mime_stream_close(s);
            if (n != p->size) {
                sizes = 0;
                printf("# part %s: size %zu, re-read %zu\n", p->path, p->size, n);
            }
        }
        mime_tree_free(t);
    }
    is_str(first, want, what);
    ok(same, "%s: same tree for every chunk size", what);
    ok(sizes, "%s: parts re-read through their layers give their size", what);
    free(first);
}

static void
test_walk(void)
{
    struct mime_limits lim;

    check_walk("Subject: x\n\nhello\n", "1 text/plain 6\n", NULL, "plain message");
    check_walk("From someone Mon Jan 1 00:00:00 2024\nContent-Type: text/html\n\n<p>\n",
               "1 text/html 4\n", NULL, "From_ line skipped");
    check_walk("Content-Type: multipart/mixed; boundary=\"b\"\n\npreamble\n--b\n\nA\n"
               "--b\nContent-Type: application/pdf; name=\"x.pdf\"\n"
               "Content-Transfer-Encoding: base64\n\nSGVsbG8=\n--b--\nepilogue\n",
               "1 multipart/mixed\n1.1 text/plain 1\n1.2 application/pdf 'x.pdf' 5\n",
               NULL, "multipart, line end before the boundary is not content");
    check_walk("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nA\r\n\r\n"
               "--b  \r\n\r\nB\r\n--b--\r\n",
               "1 multipart/mixed\n1.1 text/plain 3\n1.2 text/plain 1\n", NULL,
               "CRLF, transport padding after the boundary");
    check_walk("Content-Type: multipart/mixed; boundary=o\n\n--o\n"
               "Content-Type: multipart/alternative; boundary=i\n\n--i\n\nA\n--o\n\nB\n--o--\n",
               "1 multipart/mixed\n1.1 multipart/alternative [missing closing boundary]\n"
               "1.1.1 text/plain 1\n1.2 text/plain 1\n", NULL,
               "an outer boundary closes an inner multipart");
    check_walk("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nA\n--b\n\nB\n",
               "1 multipart/mixed [missing closing boundary]\n1.1 text/plain 1\n"
               "1.2 text/plain 2\n", NULL, "missing closing boundary");
    check_walk("Content-Type: multipart/mixed\n\nx\n--guess\n\nA\n--guess--\n",
               "1 multipart/mixed [multipart without boundary] [boundary guessed]\n"
               "1.1 text/plain 1\n", NULL, "missing boundary parameter: guessed");
    check_walk("Content-Type: multipart/mixed; boundary=b\n\n--b\nnot a header\nX\n--bb\n--b--\n",
               "1 multipart/mixed\n1.1 text/plain 19 [missing blank line after header]\n",
               NULL, "a part without header; a longer boundary-like line is content");
    check_walk("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
               "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nX\n--b--\n--b--\n",
               "1 multipart/mixed\n1.1 multipart/mixed [boundary reused by an inner multipart]\n"
               "1.1.1 text/plain 1\n", NULL, "boundary reused");
    check_walk("Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: s\n\nbody\n--d--\n",
               "1 multipart/digest\n1.1 message/rfc822 16\n1.1.1 text/plain 4\n", NULL,
               "digest parts default to message/rfc822");
    check_walk("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
               "Q29udGVudC1UeXBlOiBhcHBsaWNhdGlvbi9vY3RldC1zdHJlYW07IG5hbWU9YS5leGUKCk1a\n",
               "1 message/rfc822 54\n1.1 application/octet-stream 'a.exe' 2\n", NULL,
               "a base64 message/rfc822 is walked into");
    check_walk("Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: x-gzip\n\nz\n",
               "1 text/plain 2 [unknown transfer encoding]\n", NULL, "unknown CTE read as 8bit");
    check_walk("Content-Type: text/plain\n\nsee:\nbegin 644 a b.txt\n#86)C\n`\nend\nbye\n",
               "1 text/plain 39\n1.1 application/octet-stream 'a b.txt' 3\n", NULL,
               "uuencoded block in a text part");
    check_walk("Content-Type: text/plain\n\nbegin 644 nope.txt\nthis is prose\n",
               "1 text/plain 33\n", NULL, "'begin' without data is not a block");
    check_walk("Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
               "x\nbegin-base64 644 q=3Dp.bin\nSGVsbG8=3D\n=3D=3D=3D=3D\n",
               "1 text/plain 41\n1.1 application/octet-stream 'q=p.bin' 5\n", NULL,
               "begin-base64 block inside a quoted-printable part");
    check_walk("Content-Type: text/plain\n\nbegin 644 cut.bin\n#86)C\n",
               "1 text/plain 24\n1.1 application/octet-stream 'cut.bin' 3 [uuencode without end]\n",
               NULL, "uuencode without end");
    check_walk("Content-Type: text/plain\nContent-Type: text/html\n\nx",
               "1 text/plain 1 [repeated content field]\n", NULL, "first content-type wins");
    check_walk("Content-Type: image/png\nContent-Transfer-Encoding: base64\n\n!!!",
               "1 image/png 0 [bad base64]\n", NULL, "garbage base64");
    check_walk("", "1 text/plain 0\n", NULL, "empty message");
    check_walk("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed;"
               " boundary=c\n--b--\n",
               "1 multipart/mixed\n1.1 multipart/mixed [missing closing boundary] "
               "[multipart without parts]\n", NULL, "a header cut by the boundary");

    mime_limits_default(&lim);
    lim.parts = 3;
    check_walk("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nA\n--b\n\nB\n--b\n\nC\n--b--\n",
               "1 multipart/mixed [walk stopped inside this part]\n1.1 text/plain 1\n"
               "1.2 text/plain 1\nlimit mime_parts at 1.3\n", &lim, "mime_parts limit");
    mime_limits_default(&lim);
    lim.depth = 1;
    check_walk("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
               "Content-Type: multipart/mixed; boundary=c\n\n--c\n\nA\n--c--\n--b--\n",
               "1 multipart/mixed [walk stopped inside this part]\n"
               "1.1 multipart/mixed [walk stopped inside this part]\n"
               "limit mime_depth at 1.1.1\n", &lim, "mime_depth limit");
    mime_limits_default(&lim);
    lim.decode = 4096;
    {
        struct buf b = BUF_INIT;

        buf_adds(&b, "Content-Type: text/plain\n\n");
        for (int i = 0; i < 100; i++)
            buf_adds(&b, "0123456789012345678901234567890123456789012345678\n");
        buf_adds(&b, "begin 644 late.bin\n#86)C\nend\n");
        check_walk(b.data, "1 text/plain 5029 [limit reached: mime_decode]\n", &lim,
                   "mime_decode limits the uuencode scan, not the size");
        buf_free(&b);
    }
}

/* ---- long lines and big parts stream with bounded memory ---- */

static void
test_long_lines(void)
{
    struct buf b = BUF_INIT;
    struct memsrc m;
    struct mime_tree *t;
    char *d;

    buf_adds(&b, "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                 "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n");
    for (int i = 0; i < 300000; i++)
        buf_adds(&b, "QUJD");                       /* one 1.2 MB line */
    buf_adds(&b, "\n--b\nContent-Type: text/plain; name=\"");
    for (int i = 0; i < 3000; i++)
        buf_adds(&b, "n");                          /* a 3 kB header line */
    buf_adds(&b, ".txt\"\n\nx\n--b--\n");
    for (size_t step = 1000; step <= 1000000; step *= 1000) {
        t = walk(b.data, step, NULL, &m);
        d = dump(t);
        ok(t->nparts == 3 && t->parts[1].size == 900000 && t->parts[2].name &&
           strlen(t->parts[2].name) == 3004,
           "a 1.2 MB line and a 3 kB header line (chunks of %zu)", step);
        free(d);
        mime_tree_free(t);
    }
    buf_free(&b);
}

/* ---- body text ---- */

static char *
body(const char *msg, size_t cap)
{
    struct memsrc m;
    struct mime_limits lim;
    struct mime_tree *t;
    struct buf b = BUF_INIT;

    mime_limits_default(&lim);
    if (cap)
        lim.body_scan = cap;
    t = walk(msg, 5, &lim, &m);
    mime_body_text(t, &b);
    mime_tree_free(t);
    return buf_steal(&b);
}

static void
test_body(void)
{
    static const struct {
        const char *msg;
        size_t cap;
        const char *want, *what;
    } c[] = {
        { "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: "
          "quoted-printable\n\nM=FCller=\n sagt\r\nhallo\rdu\n", 0,
          "M\xc3\xbcller sagt\nhallo\ndu\n", "qp Latin-1 to UTF-8, line ends" },
        { "Content-Type: text/html; charset=utf-8\n\n<html><head><title>T</title>"
          "<style>p{x:1}</style><script>a<b</script></head><body><p>V<b></b>iagra "
          "&amp; &#x41;&#66;&nbsp;&unknown; 1 < 2<br/>x<!-- hidden -->y"
          "<a href=\"a>b\">link</a></body></html>\n", 0,
          "\nT\n\nViagra & AB &unknown; 1 < 2\nxylink\n", "html removed" },
        { "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
          "plain\n--b\nContent-Type: text/html\n\n<b>html</b>\n--b\nContent-Type: text/plain\n"
          "Content-Disposition: attachment; filename=a.txt\n\nnot body\n--b--\n", 0,
          "plain\nhtml", "alternatives joined, attachments left out" },
        { "Content-Type: text/plain; charset=shift_jis\nContent-Transfer-Encoding: base64\n\n"
          "k/qWe4zq\n", 0, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "Shift_JIS through iconv" },
        { "Content-Type: text/plain; charset=utf-8\n\n\xc3\xa9t\xe9!\n", 0,
          "\xc3\xa9t\xc3\xa9!\n", "ill-formed UTF-8 as Latin-1" },
        { "Content-Type: text/plain; charset=utf-8\n\nab\xc3\xa9\xc3\xa9", 4, "ab\xc3\xa9",
          "cut at body_scan on a character boundary" },
        { "Content-Type: application/pdf\n\n%PDF", 0, "", "no text parts" },
    };

    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *got = body(c[i].msg, c[i].cap);

        is_str(got, c[i].want, c[i].what);
        ok(mp_utf8_valid(got, strlen(got)), "%s: valid UTF-8", c[i].what);
        free(got);
    }
}

int
main(void)
{
    alarm(TEST_TIME_LIMIT);
    test_decoders();
    test_params();
    test_exts();
    test_walk();
    test_long_lines();
    test_body();
    return done();
}
