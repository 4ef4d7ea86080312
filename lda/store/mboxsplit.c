/*
 * mboxsplit.c -- split an mbox held in memory into messages and undo the
 * writer's ">From " quoting (rules in mboxsplit.h and weir-test(1)).
 *
 * Entry points: mbox_detect(), mbox_reader_init() + mbox_next(),
 * mbox_is_from_line(), mbox_write().  Pure functions of their input; they
 * cannot fail (allocation failure exits 75 in util.c).
 */
#include "config.h"
#include "mboxsplit.h"

#include <string.h>

#define FROM_PREFIX     "From "
#define FROM_PREFIX_LEN 5

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

int
mbox_is_from_line(const char *line, size_t len)
{
    size_t i = FROM_PREFIX_LEN;

    if (len < FROM_PREFIX_LEN || memcmp(line, FROM_PREFIX, FROM_PREFIX_LEN) != 0)
        return 0;
    /* the address field: at least one byte that is not white space */
    if (i >= len || line[i] == ' ' || line[i] == '\t')
        return 0;
    while (i < len && line[i] != ' ' && line[i] != '\t')
        i++;
    /* then a date with a time in it: d:dd */
    for (; i + 3 < len; i++)
        if (is_digit((unsigned char)line[i]) && line[i + 1] == ':' &&
            is_digit((unsigned char)line[i + 2]) && is_digit((unsigned char)line[i + 3]))
            return 1;
    return 0;
}

/* Length of the line at off, without its '\n'. */
static size_t
line_len(const char *data, size_t len, size_t off)
{
    const char *nl = memchr(data + off, '\n', len - off);

    return nl ? (size_t)(nl - (data + off)) : len - off;
}

/* Whether the line that ends just before off (data[off-1] == '\n') is
 * empty ("\n" or "\r\n").  off == 0 counts as "after an empty line". */
static int
after_empty_line(const char *data, size_t off)
{
    if (off == 0)
        return 1;
    if (data[off - 1] != '\n')
        return 0;
    if (off == 1)
        return 1;
    if (data[off - 2] == '\n')
        return 1;
    return data[off - 2] == '\r' && (off == 2 || data[off - 3] == '\n');
}

/* Offset of the next From_ line at or after off (at a line start), or len.
 * Only lines that start with "From " are looked at (memmem finds them). */
static size_t
find_from(const char *data, size_t len, size_t off)
{
    if (off == 0 && len >= FROM_PREFIX_LEN && mbox_is_from_line(data, line_len(data, len, 0)))
        return 0;
    while (off < len) {
        const char *hit = memmem(data + off, len - off, "\n" FROM_PREFIX, FROM_PREFIX_LEN + 1);
        size_t at;

        if (hit == NULL)
            break;
        at = (size_t)(hit - data) + 1;
        if (after_empty_line(data, at) && mbox_is_from_line(data + at, line_len(data, len, at)))
            return at;
        off = at;
    }
    return len;
}

int
mbox_detect(const char *data, size_t len)
{
    return mbox_is_from_line(data, line_len(data, len, 0));
}

enum mbox_quoting
mbox_quoting_parse(const char *name)
{
    if (strcmp(name, "mboxrd") == 0)
        return MBOX_RD;
    if (strcmp(name, "mboxo") == 0)
        return MBOX_O;
    if (strcmp(name, "raw") == 0)
        return MBOX_RAW;
    return 0;
}

void
mbox_reader_init(struct mbox_reader *r, const char *data, size_t len,
                 enum mbox_quoting quoting)
{
    r->data = data;
    r->len = len;
    r->off = 0;
    r->lineno = 1;
    r->quoting = quoting;
}

/* Whether a line (len bytes) is quoted and loses its first '>'. */
static int
quoted(const char *p, size_t len, enum mbox_quoting q)
{
    size_t i = 0;

    if (q == MBOX_RAW || len == 0 || p[0] != '>')
        return 0;
    if (q == MBOX_O)
        return len > FROM_PREFIX_LEN && memcmp(p + 1, FROM_PREFIX, FROM_PREFIX_LEN) == 0;
    while (i < len && p[i] == '>')
        i++;
    return len - i >= FROM_PREFIX_LEN && memcmp(p + i, FROM_PREFIX, FROM_PREFIX_LEN) == 0;
}

static size_t
count_lines(const char *p, size_t n)
{
    size_t c = 0;

    for (const char *e = p + n; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
        c++;
    return c;
}

int
mbox_next(struct mbox_reader *r, struct buf *msg, char **from_line, size_t *lineno)
{
    size_t start, end, next, body;

    if (from_line)
        *from_line = NULL;
    if (r->off >= r->len)
        return 0;
    start = r->off;
    body = start;
    if (mbox_is_from_line(r->data + start, line_len(r->data, r->len, start))) {
        size_t ll = line_len(r->data, r->len, start);

        if (from_line)
            *from_line = xstrndup(r->data + start, ll);
        body = start + ll + (start + ll < r->len);
    }
    next = find_from(r->data, r->len, body);
    end = next;
    /* drop the separator: one empty line before the next From_ line, or
     * at the end of the archive */
    if (end > body && r->data[end - 1] == '\n') {
        if (end - body >= 2 && r->data[end - 2] == '\n')
            end -= 1;
        else if (end - body >= 3 && r->data[end - 2] == '\r' && r->data[end - 3] == '\n')
            end -= 2;
        else if (end - body == 1)
            end -= 1;
    }
    if (lineno)
        *lineno = r->lineno;

    /* copy, dropping the quoting '>' of the lines that have one: only
     * lines that start with '>' need a look (memmem finds them) */
    buf_reset(msg);
    buf_reserve(msg, end - body);
    for (size_t off = body; off < end;) {
        const char *hit;
        size_t stop;

        if (r->data[off] == '>' && quoted(r->data + off, line_len(r->data, end, off), r->quoting))
            off++;
        hit = r->quoting == MBOX_RAW ? NULL : memmem(r->data + off, end - off, "\n>", 2);
        stop = hit ? (size_t)(hit - r->data) + 1 : end;
        buf_add(msg, r->data + off, stop - off);
        off = stop;
    }
    r->lineno += count_lines(r->data + start, next - start);
    r->off = next;
    return 1;
}

void
mbox_write(struct buf *out, const char *from_line, const char *msg, size_t len,
           enum mbox_quoting quoting)
{
    size_t off = 0;

    buf_adds(out, from_line);
    buf_addc(out, '\n');
    while (off < len) {
        size_t ll = line_len(msg, len, off);
        const char *p = msg + off;
        int quote = 0;

        if (quoting == MBOX_O)
            quote = ll >= FROM_PREFIX_LEN && memcmp(p, FROM_PREFIX, FROM_PREFIX_LEN) == 0;
        else if (quoting == MBOX_RD) {
            size_t i = 0;

            while (i < ll && p[i] == '>')
                i++;
            quote = ll - i >= FROM_PREFIX_LEN && memcmp(p + i, FROM_PREFIX, FROM_PREFIX_LEN) == 0;
        }
        if (quote)
            buf_addc(out, '>');
        buf_add(out, p, ll);
        buf_addc(out, '\n');
        off += ll + 1;
    }
    buf_addc(out, '\n');
}
