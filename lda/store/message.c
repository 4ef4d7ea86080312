/*
 * message.c -- message intake and access (see message.h).
 *
 * Reads in READ_CHUNK pieces, normalises on the fly (From_ line, CRLF, final
 * newline) and appends to the spool: memory while small, then an unlinked
 * O_TMPFILE (or mkstemp+unlink) file.  Failure leaves no file behind: the
 * spool file has no name from the start.
 */
#include "config.h"
#include "message.h"
#include "child.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK      (64 * 1024)
#define OUT_CHUNK       (128 * 1024)
#define FROM_LINE_MAX   4096        /* longer From_ lines are cut when kept */

struct sink {
    struct message *m;
    const struct intake_limits *lim;
    struct buf mem;                 /* while in memory */
    char *obuf;                     /* file mode: output buffer */
    size_t olen;
    int fd;
    size_t total;
    int last[2];                    /* last two bytes written, -1 if none */
    int in_header;
    struct buf header;              /* copy of the header (file mode only) */
    struct status *st;
    int failed;
};

static const struct intake_limits intake_defaults = {
    /* 1 MiB, not 4: the in-memory buffer is most of a large message's
     * peak RSS (50 MB message, anchor bench: 6.3 MB at 4 MiB, 3.6 MB at
     * 1 MiB; issue 17), and a message over 1 MiB is rare and costs one
     * more write when spooled. */
    .mem_max = 1024 * 1024,
    .size_max = (size_t)256 * 1024 * 1024,
    .header_max = 1024 * 1024,
    .spool_dir = "/var/tmp",
};

void
message_limits_default(struct intake_limits *lim)
{
    *lim = intake_defaults;
}

static int
spool_open(const char *dir)
{
    int fd;

#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
#endif
    {
        char *tmpl = xasprintf("%s/weir-spool.XXXXXX", dir);
        int saved;

        fd = mkostemp(tmpl, O_CLOEXEC);
        saved = errno;
        if (fd >= 0)
            (void)unlink(tmpl);
        free(tmpl);
        errno = saved;
    }
    return fd;
}

static int
sink_flush(struct sink *s)
{
    if (s->olen && write_all(s->fd, s->obuf, s->olen) < 0) {
        status_errno(s->st, errno == ENOSPC || errno == EDQUOT ? "4.3.1" : "4.3.0",
                     errno, "cannot write spool file in %s", s->lim->spool_dir);
        s->failed = 1;
        return -1;
    }
    s->olen = 0;
    return 0;
}

static int
sink_to_file(struct sink *s)
{
    s->fd = spool_open(s->lim->spool_dir);
    if (s->fd < 0) {
        status_errno(s->st, "4.3.0", errno, "cannot create spool file in %s",
                     s->lim->spool_dir);
        s->failed = 1;
        return -1;
    }
    s->obuf = xmalloc(OUT_CHUNK);
    s->olen = 0;
    if (s->mem.len && write_all(s->fd, s->mem.data, s->mem.len) < 0) {
        status_errno(s->st, "4.3.1", errno, "cannot write spool file in %s",
                     s->lim->spool_dir);
        s->failed = 1;
        return -1;
    }
    /* Keep only the header part of the memory copy (bytes before the
     * chunk being added; the caller adds that chunk's header part). */
    {
        size_t hdr = (!s->in_header && s->m->header_len <= s->mem.len)
                     ? s->m->header_len : s->mem.len;
        buf_add(&s->header, s->mem.data, hdr < s->lim->header_max ? hdr : s->lim->header_max);
    }
    buf_free(&s->mem);
    return 0;
}

static void
track_header(struct sink *s, const char *p, size_t n, size_t start)
{
    /* Find the end of the header: the first empty line. */
    for (size_t i = 0; i < n && s->in_header; i++) {
        int c = (unsigned char)p[i];

        if (c == '\n' && (s->last[1] == '\n' || s->last[1] == -1)) {
            s->in_header = 0;
            s->m->header_len = start + i + 1;
        }
        s->last[0] = s->last[1];
        s->last[1] = c;
    }
    if (!s->in_header && n) {
        s->last[0] = n > 1 ? (unsigned char)p[n - 2] : s->last[1];
        s->last[1] = (unsigned char)p[n - 1];
    }
}

static int
sink_add(struct sink *s, const char *p, size_t n)
{
    size_t start = s->total;
    int was_in_header = s->in_header;

    if (s->failed)
        return -1;
    if (n == 0)
        return 0;
    if (s->lim->size_max && s->total + n > s->lim->size_max) {
        status_set(s->st, "5.3.4", "message too big for weir (limit %zu bytes)",
                   s->lim->size_max);
        s->failed = 1;
        return -1;
    }
    if (s->in_header) {
        track_header(s, p, n, start);
    } else {
        s->last[0] = n > 1 ? (unsigned char)p[n - 2] : s->last[1];
        s->last[1] = (unsigned char)p[n - 1];
    }
    s->total += n;
    if (s->fd < 0) {
        if (s->mem.len + n <= s->lim->mem_max) {
            buf_add(&s->mem, p, n);
            return 0;
        }
        if (sink_to_file(s) < 0)
            return -1;
    }
    if (was_in_header) {
        size_t room = s->header.len < s->lim->header_max
                      ? s->lim->header_max - s->header.len : 0;
        size_t hn = s->in_header ? n : s->m->header_len - start;

        buf_add(&s->header, p, hn < room ? hn : room);
    }
    while (n) {
        size_t take = OUT_CHUNK - s->olen < n ? OUT_CHUNK - s->olen : n;

        memcpy(s->obuf + s->olen, p, take);
        s->olen += take;
        p += take;
        n -= take;
        if (s->olen == OUT_CHUNK && sink_flush(s) < 0)
            return -1;
    }
    return 0;
}

static int
kept_name(const char *name, size_t n)
{
    static const char *const keep[] = INTAKE_KEEP_FIELDS;

    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        n--;
    for (const char *const *k = keep; *k; k++) {
        size_t kl = strlen(*k);

        if ((*k)[kl - 1] == '-' ? n > kl && strncasecmp(name, *k, kl) == 0
                                : n == kl && strncasecmp(name, *k, kl) == 0)
            return 1;
    }
    return 0;
}

/*
 * The header is longer than max: m->header becomes its fields up to max
 * (cut where a field starts) followed by the INTAKE_KEEP_FIELDS found
 * after that (whole fields with their continuation lines, at most
 * INTAKE_KEEP_MAX bytes in all) and the blank line.  The rest of the
 * header is read once, in chunks, from the message (memory or spool).
 */
static void
keep_fields(struct message *m, size_t max)
{
    struct buf v = BUF_INIT, field = BUF_INIT, extra = BUF_INIT;
    char chunk[8192], name[80];
    size_t cut = max - 1, off, nlen = 0;
    int at_start = 1, state = 0;        /* 0 name, 1 kept, 2 skipped */

    /* the last field start before max (header[max] may not be held) */
    while (cut > 0 && !(m->header[cut - 1] == '\n' && m->header[cut] != ' ' &&
                        m->header[cut] != '\t'))
        cut--;
    buf_add(&v, m->header, cut);
    for (off = cut; off < m->header_end - 1;) {
        size_t want = m->header_end - 1 - off < sizeof chunk ? m->header_end - 1 - off
                                                             : sizeof chunk;
        ssize_t r = message_pread(m, chunk, want, off);

        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r; i++) {
            char c = chunk[i];

            if (at_start && c != ' ' && c != '\t') {
                /* a new field: the one before is complete */
                if (state == 1 && extra.len + field.len <= INTAKE_KEEP_MAX)
                    buf_add(&extra, field.data, field.len);
                buf_reset(&field);
                state = 0;
                nlen = 0;
            }
            at_start = c == '\n';
            if (state == 0) {
                if (c == ':') {
                    state = kept_name(name, nlen) ? 1 : 2;
                    if (state == 1)
                        buf_add(&field, name, nlen);
                } else if (c == '\n' || nlen == sizeof name) {
                    state = 2;
                } else {
                    name[nlen++] = c;
                }
            }
            if (state == 1) {
                if (field.len < INTAKE_KEEP_MAX)
                    buf_addc(&field, c);
                else
                    state = 2;          /* too long to keep at all */
            }
        }
        off += (size_t)r;
    }
    if (state == 1 && extra.len + field.len <= INTAKE_KEEP_MAX)
        buf_add(&extra, field.data, field.len);
    if (extra.len && extra.data[extra.len - 1] != '\n')
        buf_addc(&extra, '\n');
    buf_add(&v, extra.data ? extra.data : "", extra.len);
    buf_addc(&v, '\n');
    buf_free(&field);
    buf_free(&extra);
    if (m->header_own)
        free(m->header);
    m->header_len = v.len;
    m->header = buf_steal(&v);
    m->header_own = 1;
}

char *
message_parse_from_line(const char *line)
{
    const char *p, *e;

    if (strncmp(line, "From ", 5) != 0)
        return NULL;
    p = line + 5;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0')
        return NULL;
    e = p;
    if (*e == '"') {
        /* Quoted local part may contain spaces: "a b"@example.org */
        for (e++; *e && *e != '"'; e++)
            if (*e == '\\' && e[1])
                e++;
        if (*e == '"')
            e++;
    }
    while (*e && *e != ' ' && *e != '\t')
        e++;
    if (e - p == 2 && p[0] == '<' && p[1] == '>')
        return xstrdup("");
    if ((size_t)(e - p) == strlen("MAILER-DAEMON") &&
        strncasecmp(p, "MAILER-DAEMON", (size_t)(e - p)) == 0)
        return xstrdup("");
    if (*p == '<' && e > p + 1 && e[-1] == '>')
        return xstrndup(p + 1, (size_t)(e - p - 2));
    return xstrndup(p, (size_t)(e - p));
}

struct intake {
    struct sink s;
    struct buf fromline;
    int in_from;            /* inside the leading From_ line */
    int pending_cr;         /* a CR ended the previous chunk */
};

/* Whether the n bytes at p, which start with "From ", are the field
 * "From" followed by blanks and a colon. */
static int
from_field(const char *p, size_t n)
{
    size_t k = 4;

    while (k < n && (p[k] == ' ' || p[k] == '\t'))
        k++;
    return k < n && p[k] == ':';
}

/* Whether the first got bytes read (of at most cap) tell whether the
 * message starts with a From_ line: they do not start with "From ", or
 * something other than a blank follows "From", or there is no room for
 * more. */
static int
first_line_decided(const char *p, size_t got, size_t cap)
{
    size_t k = 4;

    if (got < 5)
        return 0;
    if (memcmp(p, "From ", 5) != 0 || got >= cap)
        return 1;
    while (k < got && (p[k] == ' ' || p[k] == '\t'))
        k++;
    return k < got;
}

/* Normalise one chunk of input and append it to the spool. */
static void
intake_chunk(struct intake *in, const char *p, const char *end)
{
    struct sink *s = &in->s;

    if (in->in_from) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

        if (in->fromline.len < FROM_LINE_MAX)
            buf_add(&in->fromline, p, n < FROM_LINE_MAX - in->fromline.len
                                      ? n : FROM_LINE_MAX - in->fromline.len);
        if (!nl)
            return;
        in->in_from = 0;
        p = nl + 1;
        /* A CRLF-terminated From_ line: drop the CR. */
        if (in->fromline.len && in->fromline.data[in->fromline.len - 1] == '\r')
            in->fromline.data[--in->fromline.len] = '\0';
    }
    if (in->pending_cr && p < end) {
        in->pending_cr = 0;
        if (*p == '\n')
            s->m->had_crlf = 1;
        else if (sink_add(s, "\r", 1) < 0)
            return;
    }
    while (p < end) {
        const char *cr = memchr(p, '\r', (size_t)(end - p));

        if (cr == NULL) {
            sink_add(s, p, (size_t)(end - p));
            return;
        }
        if (sink_add(s, p, (size_t)(cr - p)) < 0)
            return;
        if (cr + 1 == end) {
            in->pending_cr = 1;
            return;
        }
        if (cr[1] == '\n')
            s->m->had_crlf = 1;
        else if (sink_add(s, "\r", 1) < 0)
            return;
        p = cr + 1;
    }
}

int
message_read(struct message *m, int fd, const struct intake_limits *lim,
             struct status *st)
{
    struct intake in;
    struct sink *s = &in.s;
    char *rbuf = xmalloc(READ_CHUNK);
    size_t got = 0;
    int eof = 0, has_from = 0;

    memset(m, 0, sizeof *m);
    m->fd = -1;
    memset(&in, 0, sizeof in);
    buf_init(&in.fromline);
    s->m = m;
    s->lim = lim;
    s->fd = -1;
    s->last[0] = s->last[1] = -1;
    s->in_header = 1;
    s->st = st;
    buf_init(&s->mem);
    buf_init(&s->header);
    status_ok(st);

    /* The first line decides whether there is a From_ line: "From "
     * starts one, unless blanks and a colon follow "From" (then it is
     * the obsolete-syntax field "From  : name <addr>", RFC 5322 4.5.3,
     * kept in the header: taken for a From_ line it would be lost). */
    while (!first_line_decided(rbuf, got, READ_CHUNK) && !eof) {
        ssize_t r = read_retry(fd, rbuf + got, READ_CHUNK - got);

        if (r < 0) {
            status_errno(st, "4.3.0", errno, "cannot read message");
            s->failed = 1;
            break;
        }
        if (r == 0)
            eof = 1;
        got += (size_t)r;
    }
    if (!s->failed) {
        has_from = got >= 5 && memcmp(rbuf, "From ", 5) == 0 && !from_field(rbuf, got);
        in.in_from = has_from;
        intake_chunk(&in, rbuf, rbuf + got);
    }
    while (!eof && !s->failed) {
        ssize_t r = read_retry(fd, rbuf, READ_CHUNK);

        if (r < 0) {
            status_errno(st, "4.3.0", errno, "cannot read message");
            s->failed = 1;
        } else if (r == 0) {
            eof = 1;
        } else {
            intake_chunk(&in, rbuf, rbuf + r);
        }
    }
    free(rbuf);
    if (!s->failed && in.pending_cr)
        sink_add(s, "\r", 1);
    if (!s->failed && s->total > 0 && s->last[1] != '\n') {
        m->added_newline = 1;
        sink_add(s, "\n", 1);
    }
    if (!s->failed && s->fd >= 0)
        sink_flush(s);
    free(s->obuf);
    if (s->failed) {
        if (s->fd >= 0)
            close(s->fd);
        buf_free(&s->mem);
        buf_free(&s->header);
        buf_free(&in.fromline);
        message_free(m);
        return -1;
    }
    /* in.fromline holds the From_ line (it starts with "From ") exactly
     * when the input started with one: never compare it otherwise (an
     * empty buffer has no five bytes to compare). */
    if (has_from && in.fromline.len >= 5) {
        m->from_line = buf_steal(&in.fromline);
        m->from_sender = message_parse_from_line(m->from_line);
    }
    buf_free(&in.fromline);
    m->len = s->total;
    if (s->in_header)
        m->header_len = s->total;       /* header only, no body */
    if (s->fd >= 0) {
        m->fd = s->fd;
        m->header = buf_steal(&s->header);
        m->header_own = 1;
    } else {
        m->mem = buf_steal(&s->mem);
        m->header = m->mem;
        buf_free(&s->header);
    }
    m->header_end = m->header_len;
    if (m->header_len > lim->header_max) {
        m->header_truncated = 1;
        keep_fields(m, lim->header_max);
    }
    return 0;
}

static ssize_t
input_pread(const void *src, void *buf, size_t n, size_t off)
{
    return message_pread(src, buf, n, off);
}

void
message_input(const struct message *m, struct child_input *in)
{
    in->pread = input_pread;
    in->src = m;
    in->len = m->len;
}

ssize_t
message_pread(const struct message *m, void *buf, size_t n, size_t off)
{
    if (off >= m->len)
        return 0;
    if (n > m->len - off)
        n = m->len - off;
    if (m->fd < 0) {
        memcpy(buf, m->mem + off, n);
        return (ssize_t)n;
    }
    for (;;) {
        ssize_t r = pread(m->fd, buf, n, (off_t)off);

        if (r < 0 && errno == EINTR)
            continue;
        return r;
    }
}

int
message_write(const struct message *m, int fd)
{
    char *tmp;
    size_t off = 0;

    if (m->fd < 0)
        return write_all(fd, m->mem, m->len);
    tmp = xmalloc(OUT_CHUNK);
    while (off < m->len) {
        ssize_t r = message_pread(m, tmp, OUT_CHUNK, off);

        if (r <= 0) {
            int saved = r < 0 ? errno : EIO;
            free(tmp);
            errno = saved;
            return -1;
        }
        if (write_all(fd, tmp, (size_t)r) < 0) {
            int saved = errno;
            free(tmp);
            errno = saved;
            return -1;
        }
        off += (size_t)r;
    }
    free(tmp);
    return 0;
}

char *
message_header_first(const struct message *m, const char *name)
{
    size_t nlen = strlen(name);
    const char *p = m->header, *end = m->header + m->header_len;

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;

        if ((size_t)(end - p) > nlen && strncasecmp(p, name, nlen) == 0 &&
            p[nlen] == ':') {
            struct buf v = BUF_INIT;
            const char *q = p + nlen + 1;

            for (;;) {
                const char *le = memchr(q, '\n', (size_t)(end - q));
                size_t n = le ? (size_t)(le - q) : (size_t)(end - q);

                buf_add(&v, q, n);
                q = le ? le + 1 : end;
                if (q >= end || (*q != ' ' && *q != '\t'))
                    break;
            }
            /* Trim surrounding white space. */
            {
                char *s = v.data ? v.data : (char *)"";
                size_t a = 0, b = v.len;

                while (a < b && isspace((unsigned char)s[a]))
                    a++;
                while (b > a && isspace((unsigned char)s[b - 1]))
                    b--;
                {
                    char *r = xstrndup(s + a, b - a);
                    buf_free(&v);
                    return r;
                }
            }
        }
        p = next;
    }
    return NULL;
}

void
message_free(struct message *m)
{
    if (m->fd >= 0)
        close(m->fd);
    if (m->header_own)
        free(m->header);
    free(m->mem);
    free(m->from_line);
    free(m->from_sender);
    memset(m, 0, sizeof *m);
    m->fd = -1;
}
