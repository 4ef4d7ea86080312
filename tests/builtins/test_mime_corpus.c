/*
 * test_mime_corpus.c -- the MIME walk (builtins/mime.h) over every
 * message of the shared corpus ($top_srcdir/testdata/corpus, or
 * argv[1]), read through the real intake (lda/message.c).
 *
 * Per message (one TAP line each): the walk gives the same tree when the
 * message arrives in pieces of 13 bytes as when it arrives whole; every
 * leaf re-read through its layers gives exactly its decoded size; names,
 * extensions and the decoded body text are valid UTF-8 without CR/LF in
 * names; the lazy facts (libmagic sniffing, archive listing, mismatch)
 * run on every part.  No crash, leak or sanitizer report (the sanitizer
 * build runs this too).  Skipped with a reason when the corpus is absent.
 */
#include "config.h"
#include "dynload.h"
#include "message.h"
#include "mime.h"
#include "mp_internal.h"
#include "status.h"
#include "util.h"
#include "tests/tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Seconds the whole corpus run may take before SIGALRM fails it. */
#define CORPUS_TIME_LIMIT 600
/* Piece size of the second walk (a prime, so pieces end everywhere). */
#define SMALL_STEP 13

struct src {
    const struct message *m;
    size_t step;
};

static ssize_t
src_pread(void *ctx, void *buf, size_t n, size_t off)
{
    struct src *s = ctx;

    if (n > s->step)
        n = s->step;
    return message_pread(s->m, buf, n, off);
}

struct stats {
    size_t messages, parts, attachments, named, uu, archives, members, sniffed;
};

static void
dump(struct mime_tree *t, struct buf *b)
{
    for (size_t i = 0; i < t->nparts; i++) {
        const struct mime_part *p = &t->parts[i];

        buf_printf(b, "%s|%d|%s|%s|%s|%s|%zu|%u|%d|%zu\n", p->path, (int)p->kind, p->type,
                   p->charset ? p->charset : "-", p->disposition ? p->disposition : "-",
                   p->name ? p->name : "-", p->size, p->defects, p->attachment, p->nlayers);
    }
    buf_printf(b, "limit=%s\n", t->limit ? t->limit : "-");
}

static int
clean(const char *s)
{
    return s == NULL || (mp_utf8_valid(s, strlen(s)) && strpbrk(s, "\r\n") == NULL);
}

/* All checks on one message; NULL when fine, else what failed. */
static const char *
check(const char *path, struct mime_modules *mods, struct stats *st)
{
    struct message m;
    struct intake_limits lim;
    struct status stt;
    struct src s1, s2;
    struct mime_source a, b;
    struct mime_tree *t1, *t2;
    struct buf d1 = BUF_INIT, d2 = BUF_INIT, text = BUF_INIT;
    const char *bad = NULL;
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        return "cannot open";
    message_limits_default(&lim);
    lim.spool_dir = "/tmp";
    lim.size_max = 0;
    if (message_read(&m, fd, &lim, &stt) < 0) {
        close(fd);
        return "intake failed";
    }
    close(fd);
    s1.m = s2.m = &m;
    s1.step = (size_t)-1;
    s2.step = SMALL_STEP;
    a.pread = b.pread = src_pread;
    a.ctx = &s1;
    b.ctx = &s2;
    a.len = b.len = m.len;
    t1 = mime_walk(&a, NULL, mods);
    t2 = mime_walk(&b, NULL, mods);
    dump(t1, &d1);
    dump(t2, &d2);
    if (strcmp(d1.data, d2.data) != 0)
        bad = "tree differs when read in small pieces";
    for (size_t i = 0; i < t1->nparts && !bad; i++) {
        struct mime_part *p = &t1->parts[i];

        st->parts++;
        st->attachments += p->attachment != 0;
        st->named += p->name != NULL;
        st->uu += p->kind == MIME_UUENCODED;
        if (!clean(p->name) || !clean(p->type) || !clean(p->ext)) {
            bad = "name, type or extension not clean UTF-8";
            break;
        }
        if (p->kind != MIME_LEAF && p->kind != MIME_UUENCODED)
            continue;
        struct mime_stream *s = mime_stream_open(t1, p);
        char buf[4096];
        size_t n = 0, r;

        while (s && (r = mime_stream_read(s, buf, sizeof buf)) > 0)
            n += r;
        mime_stream_close(s);
        if (n != p->size) {
            bad = "a part re-read through its layers has another size";
            break;
        }
        if (mime_part_sniff(t1, p))
            st->sniffed++;
        (void)mime_part_mismatch(t1, p);
        if (mime_part_archive(t1, p) < 0) {
            bad = "archive module unavailable";
            break;
        }
        if (p->archive_format) {
            st->archives++;
            st->members += p->nmembers;
            for (size_t k = 0; k < p->nmembers; k++)
                if (!clean(p->members[k].name))
                    bad = "member name not clean UTF-8";
        }
    }
    mime_body_text(t1, &text);
    if (!bad && !mp_utf8_valid(text.data ? text.data : "", text.len))
        bad = "body text not valid UTF-8";
    if (!bad && text.len > t1->lim.body_scan)
        bad = "body text longer than body_scan";
    buf_free(&text);
    buf_free(&d1);
    buf_free(&d2);
    mime_tree_free(t1);
    mime_tree_free(t2);
    message_free(&m);
    st->messages++;
    return bad;
}

static int
skip_name(const struct dirent *e)
{
    return e->d_name[0] != '.' && strcmp(e->d_name, "SOURCES.md") != 0;
}

static void
walk_dir(const char *dir, const char *rel, struct mime_modules *mods, struct stats *st)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, skip_name, alphasort);

    if (n < 0) {
        ok(0, "corpus: cannot read %s", dir);
        return;
    }
    for (int i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dir, ents[i]->d_name);
        char *r = *rel ? xasprintf("%s/%s", rel, ents[i]->d_name) : xstrdup(ents[i]->d_name);
        struct stat sb;

        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            walk_dir(path, r, mods, st);
        else if (S_ISREG(sb.st_mode)) {
            const char *bad = check(path, mods, st);

            ok(bad == NULL, "corpus: %s%s%s", r, bad ? ": " : "", bad ? bad : "");
        }
        free(r);
        free(path);
        free(ents[i]);
    }
    free(ents);
}

int
main(int argc, char **argv)
{
    const char *top = getenv("top_srcdir");
    char *corpus;
    struct stats st;
    struct stat sb;
    struct mime_modules *mods = mime_modules_new(dynload_api, NULL);

    memset(&st, 0, sizeof st);
    alarm(CORPUS_TIME_LIMIT);
    corpus = argc > 1 ? xstrdup(argv[1]) : xasprintf("%s/testdata/corpus", top ? top : ".");
    if (stat(corpus, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        printf("ok %d # SKIP corpus not found at %s\n", ++tap_n, corpus);
    } else {
        walk_dir(corpus, "", mods, &st);
        printf("# %zu messages, %zu parts, %zu attachments, %zu named, %zu uuencoded, "
               "%zu sniffed, %zu archives with %zu members\n", st.messages, st.parts,
               st.attachments, st.named, st.uu, st.sniffed, st.archives, st.members);
        ok(st.messages > 0, "corpus: messages found");
        ok(st.archives > 0 && st.uu > 0, "corpus: archives and uuencoded blocks found");
        ok(mime_modules_error(mods) == NULL, "corpus: modules loaded (%s)",
           mime_modules_error(mods) ? mime_modules_error(mods) : "ok");
    }
    mime_modules_free(mods);
    free(corpus);
    return done();
}
