/*
 * mbox.c -- mbox (mboxrd) delivery with crash repair (see mbox.h).
 *
 * Order of a delivery: dotlock, open(O_RDWR|O_NOFOLLOW|O_NONBLOCK) (creating
 * the file 0600 with O_EXCL if it is missing), fstat checks, fcntl lock,
 * repair from a leftover append record, count the append's length (a
 * quoting pass that writes nothing), write the new record (size, length,
 * first bytes), extend the file to its final length, write the append
 * (separator, From_ line, quoted message, blank line) into it, fsync.  Commit:
 * unlink the record, fsync its directory, close, remove the dotlock.  On
 * any error before the commit completes: ftruncate to the original size,
 * fsync, unlink the record; if the truncation itself fails the record is
 * left for the next delivery to finish the job.
 *
 * Quoting (mboxrd): a line that matches /^>*From / gets one more ">".
 * No line is ever held whole in memory (at most MBOX_IO_CHUNK bytes are
 * buffered), so a huge line costs no memory.
 *
 * Repair never removes a byte another program wrote: see repair().
 *
 * SECURITY: the mailbox is opened O_NOFOLLOW and O_NONBLOCK (a FIFO cannot
 * block us) and must then be a regular file owned by the effective uid
 * with exactly one link; a symlinked, hard-linked, foreign or special
 * mailbox is refused before a byte is written.  Only lda/lock.c raises the
 * mail group, around the spool dotlock.
 */
#include "config.h"
#include "mbox.h"
#include "undo.h"
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
#define MBOX_RECORD_VERSION 2

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
 * of '>' (counted, not stored) and up to five bytes matching "From "; a
 * full match emits one extra '>' before them, a mismatch emits them
 * unchanged.  Output goes through a buffer of at most MBOX_IO_CHUNK bytes;
 * longer pieces of a line are written straight from the message, so no
 * line, however long, is ever held in memory.  With fd -1 nothing is
 * written: the quoter only counts (the append's length, known before the
 * append starts).
 */
struct quoter {
    int fd;                     /* -1: count only */
    struct buf out;
    uintmax_t n;                /* bytes produced */
    int in_prefix;              /* at a line start, deciding */
    size_t gt;                  /* '>' held back */
    size_t k;                   /* bytes of "From " held back */
};

static int
qflush(struct quoter *q)
{
    if (q->out.len) {
        if (write_all(q->fd, q->out.data, q->out.len) < 0)
            return -1;
        buf_reset(&q->out);
    }
    return 0;
}

static int
emit(struct quoter *q, const char *p, size_t n)
{
    q->n += n;
    if (q->fd < 0 || n == 0)
        return 0;
    if (q->out.len + n <= MBOX_IO_CHUNK) {
        buf_add(&q->out, p, n);
        return q->out.len == MBOX_IO_CHUNK ? qflush(q) : 0;
    }
    if (qflush(q) < 0)
        return -1;
    if (n >= MBOX_IO_CHUNK)
        return write_all(q->fd, p, n);
    buf_add(&q->out, p, n);
    return 0;
}

static int
release_held(struct quoter *q, int quote)
{
    static const char gts[64] = ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>"
                                ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>";
    size_t gt = q->gt + (quote ? 1 : 0);

    while (gt > 0) {
        size_t take = gt < sizeof gts ? gt : sizeof gts;

        if (emit(q, gts, take) < 0)
            return -1;
        gt -= take;
    }
    if (emit(q, "From ", q->k) < 0)
        return -1;
    q->gt = q->k = 0;
    q->in_prefix = 0;
    return 0;
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
                if (q->k == 5 && release_held(q, 1) < 0)
                    return -1;
            } else if (release_held(q, 0) < 0) {    /* c: a plain byte */
                return -1;
            }
            continue;
        }
        {
            const char *nl = memchr(p + i, '\n', n - i);
            size_t take = nl ? (size_t)(nl - (p + i)) + 1 : n - i;

            if (emit(q, p + i, take) < 0)
                return -1;
            i += take;
            if (nl)
                q->in_prefix = 1;
        }
    }
    return 0;
}

/* Write m to fd, quoted, followed by the separating blank line; with fd
 * -1 only count.  *len gets the bytes produced.  0, or -1 with errno. */
static int
write_quoted(int fd, const struct message *m, uintmax_t *len)
{
    struct quoter q = { fd, BUF_INIT, 0, 1, 0, 0 };
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
    if (q.in_prefix && release_held(&q, 0) < 0)
        goto out;
    if (emit(&q, "\n", 1) < 0)
        goto out;
    rc = q.fd < 0 ? 0 : qflush(&q);
out:
    e = errno;
    *len = q.n;
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

/* What an append record says (format version MBOX_RECORD_VERSION). */
struct record {
    off_t size;                 /* the mailbox's size before the append */
    off_t length;               /* bytes the append writes, in all */
    size_t lead;                /* of which the separator and From_ line */
    char head[MBOX_RECORD_HEAD];    /* the first bytes it writes */
    size_t hlen;
};

/* Read a record: 0 with *r, -1 if there is none, -2 if it is unreadable,
 * -3 if it is of an older format (no length: its extent is unknown). */
static int
read_record(const char *path, struct record *r)
{
    char buf[RECORD_MAX + 1], hx[2 * MBOX_RECORD_HEAD + 1];
    intmax_t n, len;
    size_t lead;
    int version;
    ssize_t got;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0)
        return errno == ENOENT ? -1 : -2;
    got = read_retry(fd, buf, RECORD_MAX);
    close(fd);
    if (got <= 0)
        return -2;
    buf[got] = '\0';
    if (sscanf(buf, "weir-append %d\n", &version) != 1)
        return -2;
    if (version != MBOX_RECORD_VERSION)
        return -3;
    if (sscanf(buf, "weir-append %*d\nsize %jd\nlength %jd\nlead %zu\nhead %128[0-9a-f]\n",
               &n, &len, &lead, hx) != 4 ||
        n < 0 || len <= 0 || strlen(hx) % 2 || strlen(hx) == 0 ||
        (uintmax_t)n > (uintmax_t)INTMAX_MAX - (uintmax_t)len)
        return -2;
    r->size = (off_t)n;
    r->length = (off_t)len;
    r->lead = lead;
    r->hlen = strlen(hx) / 2;
    for (size_t i = 0; i < r->hlen; i++) {
        unsigned v;
        if (sscanf(hx + 2 * i, "%2x", &v) != 1)
            return -2;
        r->head[i] = (char)v;
    }
    return 0;
}

/* Whether the bytes at r->size are this append's: its recorded first
 * bytes, of which a prefix may be missing at the end, read as NUL (the
 * file was extended to its full length before anything was written). */
static int
region_is_ours(int fd, const struct record *r)
{
    char got[MBOX_RECORD_HEAD];
    size_t n = r->hlen;

    if ((off_t)n > r->length)
        n = (size_t)r->length;
    if (pread(fd, got, n, r->size) != (ssize_t)n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (got[i] == r->head[i])
            continue;
        for (; i < n; i++)
            if (got[i] != '\0')
                return 0;
    }
    return 1;
}

/* Overwrite [off, off+n) with newlines, text first (cut to fit). */
static int
fill_lines(int fd, off_t off, off_t n, const char *text)
{
    char nl[4096];
    size_t tl = strlen(text);

    if ((off_t)tl > n)
        tl = 0;
    if (tl && pwrite(fd, text, tl, off) != (ssize_t)tl)
        return -1;
    off += (off_t)tl;
    n -= (off_t)tl;
    memset(nl, '\n', sizeof nl);
    while (n > 0) {
        size_t take = n < (off_t)sizeof nl ? (size_t)n : sizeof nl;
        ssize_t w = pwrite(fd, nl, take, off);

        if (w <= 0)
            return -1;
        off += w;
        n -= w;
    }
    return 0;
}

/* Where the NUL bytes at the end of [from, to) start (to when there are
 * none), or -1 on a read error. */
static off_t
nul_tail(int fd, off_t from, off_t to)
{
    char buf[MBOX_IO_CHUNK];
    off_t end = to;

    while (end > from) {
        size_t take = end - from < (off_t)sizeof buf ? (size_t)(end - from) : sizeof buf;
        ssize_t r = pread(fd, buf, take, end - (off_t)take);

        if (r != (ssize_t)take)
            return -1;
        for (size_t i = take; i > 0; i--)
            if (buf[i - 1] != '\0')
                return end - (off_t)take + (off_t)i;
        end -= (off_t)take;
    }
    return from;
}

#define MBOX_MARK_PARTIAL "\n\n[weir: this delivery was interrupted here; " \
    "the message is incomplete]\n"
#define MBOX_MARK_HEADER "Subject: [weir: interrupted delivery]\n\n" \
    "[weir: a delivery was interrupted before its message was written]\n"

/*
 * An interrupted append [r->size, r->size + r->length) followed by bytes
 * another program appended: leave those alone, and make what the
 * interrupted append left a readable part of the mailbox.  Its unwritten
 * rest (NUL bytes) becomes newlines, after a line that says the message
 * is incomplete; when not even its From_ line was written, the region
 * becomes a placeholder message.  Only bytes of the interrupted append
 * are written.  0, or -1 with errno.
 */
static int
mark_interrupted(int fd, const struct record *r, off_t *written)
{
    off_t end = r->size + r->length, nul = nul_tail(fd, r->size, end);
    size_t sep = 0;

    *written = nul < 0 ? 0 : nul - r->size;
    if (nul < 0)
        return -1;
    if (nul == end)
        return 0;                       /* complete: nothing to mark */
    if (nul - r->size >= (off_t)r->lead)
        return fill_lines(fd, nul, end - nul, MBOX_MARK_PARTIAL);
    /* The From_ line itself is incomplete: a placeholder message, after
     * the separating newlines the append started with. */
    while (sep < r->hlen && r->head[sep] == '\n')
        sep++;
    {
        char *from = mbox_from_line("", time(NULL));
        char *text = xasprintf("%s%s", from, MBOX_MARK_HEADER);
        int rc;

        if ((off_t)(sep + strlen(text) + 1) > r->length) {
            free(text);
            text = xstrdup("");         /* too small for it: newlines */
        }
        rc = fill_lines(fd, r->size, (off_t)sep, "") < 0 ? -1
             : fill_lines(fd, r->size + (off_t)sep, r->length - (off_t)sep, text);
        free(from);
        free(text);
        return rc;
    }
}

/*
 * A record left by a killed delivery (the next delivery holds the locks,
 * so its writer is dead): put the mailbox back without ever removing a
 * byte someone else wrote.  The append extended the file to exactly
 * size + length before writing, so
 *  - shorter than size + length, or other bytes at size: the append never
 *    started; whatever is there was written by others: left alone;
 *  - exactly size + length, our bytes at size: all ours; truncated back;
 *  - longer: another program appended after the kill; its bytes are left
 *    where they are, and ours are marked (mark_interrupted()).
 */
static int
repair(struct mbox_txn *t, const struct stat *sb, struct status *st)
{
    struct record r;
    int rr = read_record(t->record, &r);

    if (rr == -1)
        return 0;
    if (rr == -2) {
        msg_warn("ignoring unreadable append record %s", t->record);
    } else if (rr == -3) {
        msg_warn("%s: append record %s is of an older format; the mailbox is left as "
                 "it is", t->path, t->record);
    } else if (sb->st_size > r.size) {
        off_t end = r.size + r.length;

        if (sb->st_size < end || !region_is_ours(t->fd, &r)) {
            msg_warn("%s: changed since an interrupted delivery; left as it is", t->path);
        } else if (sb->st_size == end) {
            if (ftruncate(t->fd, r.size) != 0 || fsync(t->fd) != 0) {
                status_errno(st, "4.2.0", errno,
                             "cannot repair %s after an interrupted delivery", t->path);
                return -1;
            }
            msg_warn("%s: removed %jd bytes left by an interrupted delivery",
                     t->path, (intmax_t)r.length);
        } else {
            off_t written = 0;

            if (mark_interrupted(t->fd, &r, &written) != 0 || fsync(t->fd) != 0)
                msg_warn("%s: cannot mark the message of an interrupted delivery: %m",
                         t->path);
            if (written == r.length)
                msg_warn("%s: kept %jd bytes another program appended after an interrupted "
                         "delivery; its message (complete, %jd bytes, at offset %jd) is left "
                         "in place: the MTA's retry will deliver it again", t->path,
                         (intmax_t)(sb->st_size - end), (intmax_t)r.length, (intmax_t)r.size);
            else
                msg_warn("%s: kept %jd bytes another program appended after an interrupted "
                         "delivery; its message (%jd of %jd bytes written, at offset %jd) is "
                         "left in place, marked incomplete", t->path,
                         (intmax_t)(sb->st_size - end), (intmax_t)written,
                         (intmax_t)r.length, (intmax_t)r.size);
        }
    }
    if (unlink(t->record) != 0 && errno != ENOENT) {
        status_errno(st, "4.2.0", errno, "cannot remove %s", t->record);
        return -1;
    }
    return 0;
}

static int
write_record(struct mbox_txn *t, const char *head, size_t hlen, off_t length,
             struct status *st)
{
    struct buf b = BUF_INIT;
    char *tmp = xasprintf("%s.new", t->record);
    int fd, e = 0;

    buf_printf(&b, "weir-append %d\nsize %jd\nlength %jd\nlead %zu\nhead ",
               MBOX_RECORD_VERSION, (intmax_t)t->orig, (intmax_t)length, hlen);
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

/* undo flag bits */
#define MBOX_UNDO_SPOOL     1       /* the dotlock is in the spool */
#define MBOX_UNDO_APPENDING 2       /* fd, size, path[0] (record) are set */

/*
 * The fatal-error undo of an mbox transaction (lda/sys/undo.h): truncate
 * the mailbox back to its size before the append (then the record goes),
 * remove the dotlock.  The fcntl lock goes with the process.  path[1] is
 * the dotlock.
 */
static void
mbox_undo(struct undo_rec *r)
{
    if ((r->flag & MBOX_UNDO_APPENDING) && r->fd >= 0) {
        if (ftruncate(r->fd, r->size) == 0 && fsync(r->fd) == 0) {
            if (r->path[0])
                (void)unlink(r->path[0]);
            msg_warn("fatal error during an mbox append: truncated back to %jd bytes "
                     "(lock %s)", (intmax_t)r->size, r->path[1] ? r->path[1] : "-");
        } else {
            msg_warn("fatal error during an mbox append: cannot truncate back: %m "
                     "(the next delivery repairs it)");
        }
    }
    if (r->path[1]) {
        struct dotlock dl = { r->path[1], (r->flag & MBOX_UNDO_SPOOL) != 0 };

        dotlock_release(&dl);           /* frees the path */
        r->path[1] = NULL;
    }
}

static void
release(struct mbox_txn *t)
{
    undo_drop(t->undo);
    t->undo = 0;
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
    struct undo_rec *u;

    if (unlink(t->record) != 0) {
        status_errno(st, "4.2.0", errno, "cannot remove append record %s", t->record);
        return -1;              /* still locked: the caller aborts */
    }
    /* Committed: a fatal error from here on leaves the message. */
    if ((u = undo_get(t->undo)) != NULL)
        u->flag &= ~MBOX_UNDO_APPENDING;
    if (fsync_dir(t->record_dir) != 0) {
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
    uintmax_t qlen = 0, wlen = 0;
    off_t length;
    int fd, e;

    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->path = xstrdup(path);
    if (make_record_dir(o->record_dir, st) < 0)
        goto fail;
    if (dotlock_acquire(&t->dl, path, o->spool, deadline, o->stale_sec, st) < 0)
        goto fail;
    t->undo = undo_push(mbox_undo);
    undo_set_path(t->undo, 1, t->dl.path);
    undo_get(t->undo)->flag = o->spool ? MBOX_UNDO_SPOOL : 0;
    fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && o->spool)
        fd = spool_create(path);        /* /var/mail/<login>: 0660, group mail */
    else if (fd < 0 && errno == ENOENT)
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

    /* The append's length, known before it starts: the record says how
     * far it reaches, and the file is extended to exactly that length
     * before the first byte is written, so that a later repair can tell
     * its bytes from anything appended after it (repair()). */
    if (write_quoted(-1, m, &qlen) < 0) {
        status_errno(st, "4.3.0", errno, "cannot read the message");
        free(t->record);
        t->record = NULL;
        goto fail;
    }
    length = (off_t)(lead.len + qlen);
    {
        struct undo_rec *u;

        /* From here a fatal error truncates back (and the record goes). */
        undo_set_path(t->undo, 0, t->record);
        u = undo_get(t->undo);
        u->fd = fd;
        u->size = t->orig;
        u->flag |= MBOX_UNDO_APPENDING;
    }
    if (write_record(t, lead.data, lead.len, length, st) < 0) {
        free(t->record);
        t->record = NULL;
        goto fail;
    }
    if (ftruncate(fd, t->orig + length) != 0 || lseek(fd, t->orig, SEEK_SET) < 0 ||
        write_all(fd, lead.data, lead.len) < 0 || write_quoted(fd, m, &wlen) < 0 ||
        (wlen != qlen && (errno = EIO)) || fsync(fd) != 0) {
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
