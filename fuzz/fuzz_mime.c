/*
 * fuzz_mime.c -- libFuzzer target: a message through the MIME walk
 * (builtins/mime.h).  Aborts (a finding) when an invariant breaks: the
 * tree differs when the message arrives in pieces of 7 bytes instead of
 * whole; a part re-read through its layers does not give its decoded
 * size; a path, type, name or extension is not clean UTF-8 (or holds a
 * line break); the decoded body text is not valid UTF-8 or is longer
 * than limits.body_scan.  Lazy facts that need libmagic or libarchive
 * are not run (the modules are not built for the fuzzer).
 * Built by `make fuzz` (fuzz/local.mk); seeds in testdata/fuzz/mime/.
 */
#include "config.h"
#include "mime.h"
#include "mp_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct src {
    const uint8_t *p;
    size_t len, step;
};

static ssize_t
rd(void *ctx, void *buf, size_t n, size_t off)
{
    struct src *s = ctx;

    if (off >= s->len)
        return 0;
    if (n > s->len - off)
        n = s->len - off;
    if (n > s->step)
        n = s->step;
    memcpy(buf, s->p + off, n);
    return (ssize_t)n;
}

static int
clean(const char *s)
{
    return s == NULL || (mp_utf8_valid(s, strlen(s)) && strpbrk(s, "\r\n") == NULL);
}

static void
dump(const struct mime_tree *t, struct buf *b)
{
    for (size_t i = 0; i < t->nparts; i++) {
        const struct mime_part *p = &t->parts[i];

        buf_printf(b, "%s|%d|%s|%s|%s|%zu|%u|%zu\n", p->path, (int)p->kind, p->type,
                   p->name ? p->name : "-", p->disposition ? p->disposition : "-", p->size,
                   p->defects, p->nlayers);
    }
    buf_printf(b, "%s\n", t->limit ? t->limit : "-");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mime_limits lim;
    struct src whole = { data, size, (size_t)-1 }, small = { data, size, 7 };
    struct mime_source a = { rd, &whole, size }, b = { rd, &small, size };
    struct mime_tree *t1, *t2;
    struct buf d1 = BUF_INIT, d2 = BUF_INIT, text = BUF_INIT;

    mime_limits_default(&lim);
    lim.parts = 200;
    lim.body_scan = 4096;
    t1 = mime_walk(&a, &lim, NULL);
    t2 = mime_walk(&b, &lim, NULL);
    dump(t1, &d1);
    dump(t2, &d2);
    if (strcmp(d1.data, d2.data) != 0)
        abort();
    for (size_t i = 0; i < t1->nparts; i++) {
        struct mime_part *p = &t1->parts[i];

        if (!clean(p->path) || !clean(p->type) || !clean(p->name) || !clean(p->ext) ||
            !clean(p->charset) || !clean(p->disposition))
            abort();
        if (p->kind != MIME_LEAF && p->kind != MIME_UUENCODED)
            continue;
        struct mime_stream *s = mime_stream_open(t1, p);
        char buf[512];
        size_t n = 0, r;

        while (s && (r = mime_stream_read(s, buf, sizeof buf)) > 0)
            n += r;
        mime_stream_close(s);
        if (n != p->size)
            abort();
    }
    mime_body_text(t1, &text);
    if (text.len > lim.body_scan || !mp_utf8_valid(text.data ? text.data : "", text.len))
        abort();
    buf_free(&text);
    buf_free(&d1);
    buf_free(&d2);
    mime_tree_free(t1);
    mime_tree_free(t2);
    return 0;
}
