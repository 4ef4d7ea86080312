/*
 * pm_outcome.c -- test helper for the differential test
 * (tests/import/differential.sh): what happened to one message, read from
 * the home directory a delivery (procmail's or weir's) wrote into, as
 * sorted canonical lines that compare equal when both did the same:
 *
 *   mbox PATH N LEN HASH        message N of an mbox file
 *   maildir DIR LEN HASH        a file in DIR/new or DIR/cur
 *   mh DIR LEN HASH             a numbered file in DIR
 *   dir DIR LEN HASH            procmail's msg.* file in DIR
 *   prog NAME ARGS LEN HASH     a run of a stub program (recorded by
 *                               tests/import/stub.sh in HOME/.rec)
 *   reply ADDRESS               an automatic reply: sendmail -t (the To:
 *                               of formail -r's answer) or sendmail -f <>
 *                               (weir's reply); its text is not compared
 *
 * A message is canonical without: a leading From_ line, the
 * Content-Length field (procmail rewrites it), the empty lines at its end,
 * and the '>' that mbox formats put before "From " (procmail writes
 * mboxo, weir mboxrd: ">*From " lines lose every leading '>').  The
 * sendmail stub's arguments become the recipients alone (procmail runs
 * "sendmail -oi ADDR", weir "sendmail -oi -f SENDER -- ADDR").  weir's
 * state (~/.weir), the harness's own files (.weir-out, .rec), log files
 * (by name, or by content: procmail's LOGFILE wherever an rcfile puts
 * it), lock files and formail -D's caches (by content) are not
 * deliveries; folders whose names start with '.' (~/.maildir/,
 * Maildir/.Spam/) are.
 *
 * A message a forward handed to sendmail loses the loop marker weir puts
 * first ("X-Loop: VALUE", lda/prog/commit.h) when -l VALUE says so: weir
 * adds it, procmail's `!` does not.
 *
 * usage: pm_outcome [-v] [-l VALUE] HOME...   (one block "== HOME" per
 *        argument; -v prints each message's canonical text too)
 */
#include "config.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int verbose;
static const char *loop_value;     /* -l: weir's loop marker */

static void canon_lines(const char *p, size_t n, struct buf *out);

struct lines {
    char **v;
    size_t n;
};

static void
add(struct lines *l, char *s)
{
    l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
    l->v[l->n++] = s;
}

static int
cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
slurp(const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    char tmp[8192];
    size_t n;

    if (f == NULL)
        return -1;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(out, tmp, n);
    fclose(f);
    return 0;
}

static unsigned long long
fnv(const char *p, size_t n)
{
    unsigned long long h = 1469598103934665603ull;

    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static int
cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The canonical form of one message (p, n): its header fields sorted
 * (weir's header add puts a field first, formail -A last), without
 * Content-Length; then the body. */
static void
canon(const char *p, size_t n, struct buf *out)
{
    struct buf raw = BUF_INIT;
    size_t hend;

    canon_lines(p, n, &raw);
    /* the header: fields (with their continuation lines) as units */
    {
        const char *d = raw.data ? raw.data : "";
        const char *e = strstr(d, "\n\n");
        char **f = NULL;
        size_t nf = 0;

        hend = e ? (size_t)(e - d) + 1 : raw.len;
        for (size_t i = 0; i < hend;) {
            size_t j = i;
            do {
                while (j < hend && d[j] != '\n')
                    j++;
                if (j < hend)
                    j++;
            } while (j < hend && (d[j] == ' ' || d[j] == '\t'));
            f = xreallocarray(f, nf + 1, sizeof *f);
            f[nf++] = xstrndup(d + i, j - i);
            i = j;
        }
        if (nf)
            qsort(f, nf, sizeof *f, cmpstr);
        for (size_t k = 0; k < nf; k++) {
            buf_adds(out, f[k]);
            free(f[k]);
        }
        free(f);
        buf_add(out, d + hend, raw.len - hend);
    }
    buf_free(&raw);
}

/* Lines of one message (p, n) without the From_ line, Content-Length,
 * mbox quoting and empty lines at the end. */
static void
canon_lines(const char *p, size_t n, struct buf *out)
{
    size_t i = 0;
    int in_header = 1, skip_field = 0;

    if (n >= 5 && memcmp(p, "From ", 5) == 0) {
        while (i < n && p[i] != '\n')
            i++;
        if (i < n)
            i++;
    }
    while (i < n) {
        size_t e = i, s;
        while (e < n && p[e] != '\n')
            e++;
        s = i;
        if (in_header) {
            if (e == i) {
                in_header = 0;
                skip_field = 0;
            } else if (p[i] == ' ' || p[i] == '\t') {
                if (skip_field)
                    goto next;
            } else {
                skip_field = e - i >= 15 && strncasecmp(p + i, "Content-Length:", 15) == 0;
                if (skip_field)
                    goto next;
            }
        }
        {
            size_t k = s;
            while (k < e && p[k] == '>')
                k++;
            if (k > s && e - k >= 5 && memcmp(p + k, "From ", 5) == 0)
                s = k;
        }
        buf_add(out, p + s, e - s);
        buf_addc(out, '\n');
    next:
        i = e < n ? e + 1 : e;
    }
    while (out->len >= 2 && out->data[out->len - 1] == '\n' && out->data[out->len - 2] == '\n')
        out->len--;
    if (out->data)
        out->data[out->len] = '\0';
}

static void
one(struct lines *l, const char *kind, const char *where, const char *p, size_t n)
{
    struct buf c = BUF_INIT;

    canon(p, n, &c);
    add(l, xasprintf("%s %s %zu %016llx", kind, where, c.len, fnv(c.data ? c.data : "", c.len)));
    if (verbose) {
        printf("---- %s %s\n%s", kind, where, c.data ? c.data : "");
        puts("----");
    }
    buf_free(&c);
}

/* An mbox: messages start at "From " lines after an empty line (or at
 * the start). */
static void
mbox(struct lines *l, const char *rel, const struct buf *b)
{
    size_t start = 0, k = 0;
    int nmsg = 0;
    char where[4200];

    for (size_t i = 0; i <= b->len; i++) {
        int boundary = i == b->len ||
                       (i > 0 && i + 5 <= b->len && memcmp(b->data + i, "From ", 5) == 0 &&
                        b->data[i - 1] == '\n' && (i < 2 || b->data[i - 2] == '\n'));
        if (!boundary)
            continue;
        if (i > start) {
            snprintf(where, sizeof where, "%s %d", rel, ++nmsg);
            one(l, "mbox", where, b->data + start, i - start);
        }
        start = i;
        k++;
    }
}

/* procmail's log (LOGFILE, wherever an rcfile puts it): "From " abstract
 * lines, " Subject:" and "  Folder:" lines, procmail's messages; never
 * the empty line every delivered message has after its header. */
static int
procmail_log(const struct buf *b)
{
    return b->len > 0 && memmem(b->data, b->len, "\n\n", 2) == NULL &&
           (memmem(b->data, b->len, "  Folder: ", 10) != NULL ||
            memmem(b->data, b->len, "procmail: ", 10) != NULL);
}

static int
numeric(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* A stub's record: "name\n+ARG\n...\n\n" then the message. */
static void
record(struct lines *l, const struct buf *b)
{
    const char *p = b->data ? b->data : "", *end = p + b->len;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    struct buf args = BUF_INIT, canon_args = BUF_INIT;
    char *name;
    int sendmail;

    if (nl == NULL)
        return;
    name = xstrndup(p, (size_t)(nl - p));
    sendmail = strcmp(name, "sendmail") == 0;
    p = nl + 1;
    while (p < end && *p != '\n') {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (e == NULL)
            e = end;
        buf_addc(&args, ' ');
        if (*p == '+')          /* stub.sh: "+ARG", so that "" is not the end */
            p++;
        if (p == e)
            buf_adds(&args, "''");
        else
            buf_add(&args, p, (size_t)(e - p));
        p = e + 1;
    }
    if (p < end)
        p++;
    if (sendmail && loop_value) {
        size_t vl = strlen(loop_value);
        if ((size_t)(end - p) > 8 + vl && memcmp(p, "X-Loop: ", 8) == 0 &&
            memcmp(p + 8, loop_value, vl) == 0 && p[8 + vl] == '\n')
            p += 9 + vl;
    }
    if (sendmail && (strstr(args.data ? args.data : "", " -t") ||
                     strstr(args.data ? args.data : "", " -f <>"))) {
        /* an automatic reply: procmail's formail -r | sendmail -t, weir's
         * reply (sent with the null sender); only whom it answers is
         * compared, weir writes its own reply (weir-import(1)) */
        char *to = NULL;
        if (strstr(args.data, " -t")) {
            const char *h = p;
            while (h < end && *h != '\n') {
                const char *e = memchr(h, '\n', (size_t)(end - h));
                if (e == NULL)
                    e = end;
                if (e - h > 3 && strncasecmp(h, "To:", 3) == 0) {
                    const char *a = memchr(h, '<', (size_t)(e - h)), *z;
                    if (a && (z = memchr(a, '>', (size_t)(e - a))) != NULL)
                        to = xstrndup(a + 1, (size_t)(z - a - 1));
                    else {
                        a = h + 3;
                        while (a < e && (*a == ' ' || *a == '\t'))
                            a++;
                        to = xstrndup(a, (size_t)(e - a));
                    }
                    break;
                }
                h = e + 1;
            }
        } else {
            const char *dd = strstr(args.data, " -- ");
            to = xstrdup(dd ? dd + 4 : "");
        }
        add(l, xasprintf("reply %s", to ? to : "?"));
        free(to);
        free(name);
        buf_free(&args);
        buf_free(&canon_args);
        return;
    }
    if (sendmail) {
        /* recipients only: skip options, -f X, and "--" */
        char *save = NULL, *copy = xstrdup(args.data ? args.data : "");
        int skipnext = 0;
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
            if (skipnext) {
                skipnext = 0;
                continue;
            }
            if (strcmp(t, "-f") == 0 || strcmp(t, "-F") == 0) {
                skipnext = 1;
                continue;
            }
            if (t[0] == '-')
                continue;
            buf_addc(&canon_args, ' ');
            buf_adds(&canon_args, t);
        }
        free(copy);
    } else {
        buf_add(&canon_args, args.data ? args.data : "", args.len);
    }
    if (sendmail && canon_args.len) {
        /* one line per recipient: one run with two addresses is the
         * same as two runs with one */
        char *save = NULL, *copy = xstrdup(canon_args.data);
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
            char *where = xasprintf("%s %s", name, t);
            one(l, "prog", where, p, (size_t)(end - p));
            free(where);
        }
        free(copy);
    } else {
        char *where = xasprintf("%s%s", name, canon_args.data ? canon_args.data : "");
        one(l, "prog", where, p, (size_t)(end - p));
        free(where);
    }
    free(name);
    buf_free(&args);
    buf_free(&canon_args);
}

static void
walk(struct lines *l, const char *root, const char *rel)
{
    char *path = rel[0] ? xasprintf("%s/%s", root, rel) : xstrdup(root);
    DIR *d = opendir(path);
    struct dirent *de;
    int has_maildir = 0;

    if (d == NULL) {
        free(path);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        char *r, *full;
        struct stat st;

        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 ||
            (rel[0] == '\0' && (strcmp(n, ".weir") == 0 || strcmp(n, ".weir-out") == 0))) {
            continue;           /* weir's state and the harness's log of it */
        }
        if (strcmp(n, ".rec") == 0) {
            if (rel[0] == '\0') {
                /* the stubs' records */
                char *rp = xasprintf("%s/.rec", root);
                DIR *rd = opendir(rp);
                struct dirent *re;
                while (rd && (re = readdir(rd)) != NULL) {
                    struct buf b = BUF_INIT;
                    char *f;
                    if (re->d_name[0] == '.' || strncmp(re->d_name, "running.", 8) == 0)
                        continue;
                    f = xasprintf("%s/%s", rp, re->d_name);
                    if (slurp(f, &b) == 0)
                        record(l, &b);
                    buf_free(&b);
                    free(f);
                }
                if (rd)
                    closedir(rd);
                free(rp);
            }
            continue;
        }
        r = rel[0] ? xasprintf("%s/%s", rel, n) : xstrdup(n);
        full = xasprintf("%s/%s", root, r);
        if (lstat(full, &st) != 0) {
            free(r);
            free(full);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (strcmp(n, "new") == 0 || strcmp(n, "cur") == 0) {
                DIR *md = opendir(full);
                struct dirent *me;
                has_maildir = 1;
                while (md && (me = readdir(md)) != NULL) {
                    struct buf b = BUF_INIT;
                    char *f;
                    if (me->d_name[0] == '.')
                        continue;
                    f = xasprintf("%s/%s", full, me->d_name);
                    if (slurp(f, &b) == 0)
                        one(l, "maildir", rel[0] ? rel : ".", b.data ? b.data : "", b.len);
                    buf_free(&b);
                    free(f);
                }
                if (md)
                    closedir(md);
            } else if (strcmp(n, "tmp") != 0 && strcmp(n, "bin") != 0) {
                walk(l, root, r);
            }
        } else if (S_ISREG(st.st_mode)) {
            size_t nl = strlen(n);
            struct buf b = BUF_INIT;
            int skip = strcmp(n, "log") == 0 || (nl > 4 && strcmp(n + nl - 4, ".log") == 0) ||
                       (nl > 5 && strcmp(n + nl - 5, ".lock") == 0) ||
                       strcmp(n, "maildirfolder") == 0;
            if (!skip && slurp(full, &b) == 0) {
                if (numeric(n))
                    one(l, "mh", rel[0] ? rel : ".", b.data ? b.data : "", b.len);
                else if (strncmp(n, "msg.", 4) == 0)
                    one(l, "dir", rel[0] ? rel : ".", b.data ? b.data : "", b.len);
                else if (b.len == 0)
                    ;           /* an empty file is no delivery */
                else if (procmail_log(&b))
                    ;           /* an rcfile's own LOGFILE */
                else if (b.len >= 2 && b.data[b.len - 1] == '\0' && b.data[b.len - 2] == '\0')
                    ;           /* formail -D's cache (NUL-separated, ends in two) */
                else
                    mbox(l, r, &b);
            }
            buf_free(&b);
        }
        free(r);
        free(full);
    }
    closedir(d);
    (void)has_maildir;
    free(path);
}

int
main(int argc, char **argv)
{
    int i = 1;

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
            loop_value = argv[++i];
        else {
            fprintf(stderr, "usage: pm_outcome [-v] [-l VALUE] HOME...\n");
            return 64;
        }
    }
    for (; i < argc; i++) {
        struct lines l = { NULL, 0 };

        walk(&l, argv[i], "");
        if (l.n)
            qsort(l.v, l.n, sizeof *l.v, cmp);
        printf("== %s\n", strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i]);
        if (l.n == 0)
            puts("nothing");
        for (size_t k = 0; k < l.n; k++) {
            puts(l.v[k]);
            free(l.v[k]);
        }
        free(l.v);
    }
    return 0;
}
