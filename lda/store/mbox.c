/*
 * mbox.c -- mbox (mboxrd) delivery with crash repair (see mbox.h).
 *
 * Order of a delivery: dotlock, open(O_RDWR|O_NOFOLLOW|O_NONBLOCK) (creating
 * the file 0600 with O_EXCL if it is missing), fstat checks, fcntl lock,
 * repair from a leftover append record, write the new record, append
 * (separator, From_ line, quoted message, blank line), fsync.  Commit:
 * unlink the record, fsync its directory, close, remove the dotlock.  On
 * any error before the commit completes: ftruncate to the original size,
 * fsync, unlink the record; if the truncation itself fails the record is
 * left for the next delivery to finish the job.
 *
 * Quoting (mboxrd): a line that matches /^>*From / gets one more ">".
 *
 * SECURITY: the mailbox is opened O_NOFOLLOW and O_NONBLOCK (a FIFO cannot
 * block us) and must then be a regular file owned by the effective uid
 * with exactly one link; a symlinked, hard-linked, foreign or special
 * mailbox is refused before a byte is written.  Only lda/lock.c raises the
 * mail group, around the spool dotlock.
 */
#include "config.h"
#include "mbox.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MBOX_IO_CHUNK   (64 * 1024)
#define RECORD_MAX      1024

static const char *
space_code(int err)
{
    return (err == ENOSPC || err == EDQUOT || err == EFBIG) ? "4.2.2" : "4.2.0";
}

char *
mbox_from_line(const char *sender, time_t when)
{
    struct buf b = BUF_INIT;
    struct tm tm;
    char date[64];
    size_t n = 0;

    buf_adds(&b, "From ");
    if (sender == NULL || *sender == '\0')
        buf_adds(&b, "MAILER-DAEMON");
    for (const char *s = sender ? sender : ""; *s && n < MBOX_SENDER_MAX; s++, n++) {
        unsigned char c = (unsigned char)*s;

        buf_addc(&b, (c <= ' ' || c == 0x7f) ? '_' : c);
    }
    if (localtime_r(&when, &tm) == NULL ||
        strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &tm) == 0)
        snprintf(date, sizeof date, "Thu Jan  1 00:00:00 1970");
    buf_printf(&b, " %s\n", date);
    return buf_steal(&b);
}

/*
 * mboxrd quoting as a stream: at the start of each line, hold back a run
 * of '>' and up to five bytes matching "From "; a full match emits one
 * extra '>' before them, a mismatch emits them unchanged.
 */
struct quoter {
    int fd;
    struct buf out;
    int in_prefix;              /* at a line start, deciding */
    size_t gt;                  /* '>' held back */
    size_t k;                   /* bytes of "From " held back */
};

static int
qflush(struct quoter *q, int force)
{
    if (q->out.len && (force || q->out.len >= MBOX_IO_CHUNK)) {
        if (write_all(q->fd, q->out.data, q->out.len) < 0)
            return -1;
        buf_reset(&q->out);
    }
    return 0;
}

static void
release_held(struct quoter *q, int quote)
{
    if (quote)
        buf_addc(&q->out, '>');
    for (size_t i = 0; i < q->gt; i++)
        buf_addc(&q->out, '>');
    buf_add(&q->out, "From ", q->k);
    q->gt = q->k = 0;
    q->in_prefix = 0;
}

static int
quote_chunk(struct quoter *q, const char *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        if (q->in_prefix) {
            char c = p[i];

            if (q->k == 0 && c == '>') {
                q->gt++;
                i++;
            } else if (c == "From "[q->k]) {
                q->k++;
                i++;
                if (q->k == 5)
                    release_held(q, 1);
            } else {
                release_held(q, 0);     /* c is handled as a plain byte */
            }
            continue;
        }
        {
            const char *nl = memchr(p + i, '\n', n - i);
            size_t take = nl ? (size_t)(nl - (p + i)) + 1 : n - i;

            buf_add(&q->out, p + i, take);
            i += take;
            if (nl)
                q->in_prefix = 1;
        }
        if (qflush(q, 0) < 0)
            return -1;
    }
    return 0;
}

/* Write m to fd, quoted, followed by the separating blank line. */
static int
write_quoted(int fd, const struct message *m)
{
    struct quoter q = { fd, BUF_INIT, 1, 0, 0 };
    char *chunk = NULL;
    size_t off = 0;
    int rc = -1, e = 0;

    if (m->fd < 0) {
        if (quote_chunk(&q, m->mem, m->len) < 0)
            goto out;
    } else {
        chunk = xmalloc(MBOX_IO_CHUNK);
        while (off < m->len) {
            ssize_t r = message_pread(m, chunk, MBOX_IO_CHUNK, off);

            if (r <= 0) {
                if (r == 0)
                    errno = EIO;
                goto out;
            }
            if (quote_chunk(&q, chunk, (size_t)r) < 0)
                goto out;
            off += (size_t)r;
        }
    }
    if (q.in_prefix)
        release_held(&q, 0);
    buf_addc(&q.out, '\n');
    rc = qflush(&q, 1);
out:
    e = errno;
    buf_free(&q.out);
    free(chunk);
    errno = e;
    return rc;
}

static void
hex(struct buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%02x", (unsigned char)p[i]);
}

/* Read a record: 0 with *size and head (raw bytes, *hlen), -1 if there
 * is none, -2 if it is unreadable. */
static int
read_record(const char *path, off_t *size, char *head, size_t *hlen)
{
    char buf[RECORD_MAX + 1], hx[2 * MBOX_RECORD_HEAD + 1];
    intmax_t n;
    ssize_t r;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0)
        return errno == ENOENT ? -1 : -2;
    r = read_retry(fd, buf, RECORD_MAX);
    close(fd);
    if (r <= 0)
        return -2;
    buf[r] = '\0';
    if (sscanf(buf, "weir-append 1\nsize %jd\nhead %128[0-9a-f]\n", &n, hx) != 2 ||
        n < 0 || strlen(hx) % 2)
        return -2;
    *size = (off_t)n;
    *hlen = strlen(hx) / 2;
    for (size_t i = 0; i < *hlen; i++) {
        unsigned v;
        if (sscanf(hx + 2 * i, "%2x", &v) != 1)
            return -2;
        head[i] = (char)v;
    }
    return 0;
}

/* A record left by a killed delivery: put the mailbox back. */
static int
repair(struct mbox_txn *t, const struct stat *sb, struct status *st)
{
    char head[MBOX_RECORD_HEAD], got[MBOX_RECORD_HEAD];
    off_t size;
    size_t hlen;

    int rr = read_record(t->record, &size, head, &hlen);

    if (rr == -1)
        return 0;
    if (rr < 0) {
        msg_warn("ignoring unreadable append record %s", t->record);
    } else if (sb->st_size > size) {
        ssize_t r = pread(t->fd, got, hlen, size);

        if (r == (ssize_t)hlen && memcmp(got, head, hlen) == 0) {
            if (ftruncate(t->fd, size) != 0 || fsync(t->fd) != 0) {
                status_errno(st, "4.2.0", errno,
                             "cannot repair %s after an interrupted delivery", t->path);
                return -1;
            }
            msg_warn("%s: removed %jd bytes left by an interrupted delivery",
                     t->path, (intmax_t)(sb->st_size - size));
        } else {
            msg_warn("%s: changed since an interrupted delivery; left as it is",
                     t->path);
        }
    }
    if (unlink(t->record) != 0 && errno != ENOENT) {
        status_errno(st, "4.2.0", errno, "cannot remove %s", t->record);
        return -1;
    }
    return 0;
}

static int
write_record(struct mbox_txn *t, const char *head, size_t hlen, struct status *st)
{
    struct buf b = BUF_INIT;
    char *tmp = xasprintf("%s.new", t->record);
    int fd, e = 0;

    buf_printf(&b, "weir-append 1\nsize %jd\nhead ", (intmax_t)t->orig);
    hex(&b, head, hlen < MBOX_RECORD_HEAD ? hlen : MBOX_RECORD_HEAD);
    buf_addc(&b, '\n');
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || write_all(fd, b.data, b.len) < 0 || fsync(fd) != 0)
        e = errno;
    if (fd >= 0 && close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, t->record) != 0)
        e = errno;
    if (!e && fsync_dir(t->record_dir) != 0)
        e = errno;
    if (e) {
        status_errno(st, space_code(e), e, "cannot write append record %s", t->record);
        (void)unlink(tmp);
        (void)unlink(t->record);
    }
    buf_free(&b);
    free(tmp);
    return e ? -1 : 0;
}

static int
make_record_dir(const char *dir, struct status *st)
{
    struct stat sb;
    char *slash, *parent;

    if (mkdir(dir, 0700) == 0 || errno == EEXIST) {
        if (lstat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
            return 0;
    } else if (errno == ENOENT && (slash = strrchr(dir, '/')) && slash != dir) {
        parent = xstrndup(dir, (size_t)(slash - dir));
        if (mkdir(parent, 0700) != 0 && errno != EEXIST) {
            free(parent);
            goto fail;
        }
        free(parent);
        if (mkdir(dir, 0700) == 0 || errno == EEXIST)
            return 0;
    }
fail:
    status_errno(st, "4.3.0", errno, "cannot create %s", dir);
    return -1;
}

static void
release(struct mbox_txn *t)
{
    if (t->fd >= 0)
        close(t->fd);           /* drops the fcntl lock */
    t->fd = -1;
    dotlock_release(&t->dl);
    free(t->path);
    free(t->record);
    free(t->record_dir);
    t->path = t->record = t->record_dir = NULL;
}

void
mbox_abort(struct mbox_txn *t)
{
    if (t->fd >= 0 && t->record) {
        if (ftruncate(t->fd, t->orig) == 0 && fsync(t->fd) == 0)
            (void)unlink(t->record);
        else
            msg_warn("cannot truncate %s back to %jd bytes: %m (the next "
                     "delivery repairs it)", t->path, (intmax_t)t->orig);
    }
    release(t);
}

int
mbox_commit(struct mbox_txn *t, struct status *st)
{
    if (unlink(t->record) != 0 || fsync_dir(t->record_dir) != 0) {
        status_errno(st, "4.2.0", errno, "cannot remove append record %s", t->record);
        return -1;              /* still locked: the caller aborts */
    }
    release(t);
    return 0;
}

int
mbox_prepare(struct mbox_txn *t, const char *path, const struct message *m,
             const struct mbox_opts *o, struct status *st)
{
    struct stat sb;
    struct buf lead = BUF_INIT;
    char *from;
    char tail[2];
    double deadline = o->deadline > 0 ? o->deadline : lock_deadline(o->wait_sec);
    int fd, e;

    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->path = xstrdup(path);
    if (make_record_dir(o->record_dir, st) < 0)
        goto fail;
    if (dotlock_acquire(&t->dl, path, o->spool, deadline, o->stale_sec, st) < 0)
        goto fail;
    fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0) {
        e = errno;
        status_errno(st, e == ELOOP ? "4.2.0" : space_code(e), e, "cannot open %s%s",
                     path, e == ELOOP ? " (a symbolic link?)" : "");
        goto fail;
    }
    t->fd = fd;
    if (fstat(fd, &sb) != 0) {
        status_errno(st, "4.2.0", errno, "cannot stat %s", path);
        goto fail;
    }
    if (!S_ISREG(sb.st_mode)) {
        status_set(st, "4.2.0", "%s is not a regular file: refused", path);
        goto fail;
    }
    if (sb.st_uid != geteuid()) {
        status_set(st, "4.2.0", "%s is owned by uid %ld, not %ld: refused", path,
                   (long)sb.st_uid, (long)geteuid());
        goto fail;
    }
    if (sb.st_nlink != 1) {
        status_set(st, "4.2.0", "%s has %ld links: refused", path, (long)sb.st_nlink);
        goto fail;
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        status_errno(st, "4.3.0", errno, "cannot set %s blocking", path);
        goto fail;
    }
    if (lock_fcntl(fd, path, deadline, st) < 0)
        goto fail;

    t->record_dir = xstrdup(o->record_dir);
    t->record = xasprintf("%s/%ju.%ju", o->record_dir, (uintmax_t)sb.st_dev,
                          (uintmax_t)sb.st_ino);
    if (repair(t, &sb, st) < 0 || fstat(fd, &sb) != 0) {
        if (st->cls == STATUS_OK)
            status_errno(st, "4.2.0", errno, "cannot stat %s", path);
        free(t->record);
        t->record = NULL;
        goto fail;
    }
    t->orig = sb.st_size;

    /* Blank-line separation from what is already there. */
    if (t->orig > 0) {
        size_t want = t->orig >= 2 ? 2 : 1;
        if (pread(fd, tail, want, t->orig - (off_t)want) != (ssize_t)want) {
            status_errno(st, "4.2.0", errno, "cannot read %s", path);
            free(t->record);
            t->record = NULL;
            goto fail;
        }
        if (tail[want - 1] != '\n')
            buf_adds(&lead, "\n\n");
        else if (want == 2 && tail[0] != '\n')
            buf_adds(&lead, "\n");
    }
    from = mbox_from_line(o->sender, o->when);
    buf_adds(&lead, from);
    free(from);

    if (write_record(t, lead.data, lead.len, st) < 0) {
        free(t->record);
        t->record = NULL;
        goto fail;
    }
    if (lseek(fd, t->orig, SEEK_SET) < 0 || write_all(fd, lead.data, lead.len) < 0 ||
        write_quoted(fd, m) < 0 || fsync(fd) != 0) {
        e = errno;
        status_errno(st, space_code(e), e, "cannot append to %s", path);
        buf_free(&lead);
        mbox_abort(t);
        return -1;
    }
    buf_free(&lead);
    return 0;

fail:
    buf_free(&lead);
    release(t);
    return -1;
}

int
mbox_deliver(const char *path, const struct message *m, const struct mbox_opts *o,
             struct status *st)
{
    struct mbox_txn t;

    if (mbox_prepare(&t, path, m, o, st) < 0)
        return -1;
    if (mbox_commit(&t, st) < 0) {
        mbox_abort(&t);
        return -1;
    }
    return 0;
}
