/*
 * mime_text.c -- the decoded body text the `body` tests read
 * (mime_body_text, mime.h): the text/plain and text/html parts of a
 * message that are not attachments, transfer-decoded, converted to
 * UTF-8, HTML reduced to its text, at most limits.body_scan bytes.
 *
 * Entry points: mime_body_text(), mime_utf8_text() (mime_int.h).  It
 * cannot fail: an unknown charset is read as UTF-8 with Latin-1 for
 * ill-formed bytes, bytes invalid in their charset become U+FFFD.  Each
 * part is streamed (mime_stream) through a fixed pipeline, so memory is
 * the output plus small buffers.
 *
 * ---------------------------------------------------------------------
 * BODY TEXT RULES (the text for weir-rules(5), "Body")
 *   - Parts: in document order, every text/plain and text/html part
 *     that is not an attachment (MIME WALK RULES in mime.c), also inside
 *     enclosed messages; both alternatives of a multipart/alternative.
 *     Parts are separated by one line end.  At most limits.mime_decode
 *     decoded bytes of one part are read.
 *   - Charset: the part's charset parameter (the aliases of RFC 2047
 *     decoding apply, mailparse.h); none, US-ASCII, UTF-8 or an unknown
 *     one: UTF-8 where well-formed, other bytes as Latin-1.
 *   - Line ends: CRLF and a lone CR become LF.  A NUL becomes a space.
 *   - HTML: removed are tags (<...>, a '>' inside a quoted attribute
 *     value does not end one), comments (<!-- ... -->), declarations
 *     (<!...>), processing instructions (<?...>) and the content of
 *     <script> and <style> elements.  The tags br, p, div, tr, li, h1 to
 *     h6, table, blockquote, hr, pre, ul, ol, dl, dt, dd and title (open
 *     or close) become a line end, td and th a space; every other tag
 *     becomes nothing (so "V<b></b>iagra" reads "Viagra").  Character
 *     references &amp; &lt; &gt; &quot; &apos; &nbsp; (a space) and
 *     numeric ones (&#65; &#x41;) are decoded; others are kept as
 *     written.  A '<' not followed by a letter, '/', '!' or '?' is text.
 *     White space is not collapsed.
 *   - The whole text is cut at limits.body_scan bytes, on a character
 *     boundary.
 */
#include "config.h"
#include "mailparse.h"
#include "mime_int.h"
#include "mp_internal.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_STEP 8192
#define TAG_NAME_MAX 16
#define ENTITY_MAX 12

enum hstate {
    H_TEXT = 0, H_LT, H_NAME, H_ATTR, H_BANG, H_BANG_DASH, H_COMMENT, H_DECL,
    H_RAW, H_ENTITY
};

struct text {
    struct buf *out;
    size_t cap;                 /* out->len may not pass it */
    int full;
    /* newline normalisation */
    int prev_cr;
    /* html */
    int html;
    enum hstate hs;
    char name[TAG_NAME_MAX + 1];
    size_t nname;
    int closing;
    char quote;
    unsigned dashes;
    const char *raw_end;        /* "</script" or "</style" while in H_RAW */
    size_t raw_match;
    char ent[ENTITY_MAX + 1];
    size_t nent;
    /* charset */
    iconv_t cd;
    char held[16];              /* an incomplete sequence between chunks */
    size_t nheld;
};

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* Bytes at the end of p that may start a UTF-8 sequence cut short. */
static size_t
utf8_tail(const unsigned char *p, size_t n)
{
    for (size_t back = 1; back <= 3 && back <= n; back++) {
        unsigned char c = p[n - back];

        if (c < 0x80)
            return 0;
        if (c >= 0xc0) {
            size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

            return need > back ? back : 0;
        }
    }
    return 0;
}


static void
out_add(struct text *t, const char *p, size_t n)
{
    if (t->full)
        return;
    if (t->out->len + n > t->cap) {
        size_t k = t->cap > t->out->len ? t->cap - t->out->len : 0;

        buf_add(t->out, p, k);
        /* Do not end inside a character. */
        if (t->out->data) {
            t->out->len -= utf8_tail((const unsigned char *)t->out->data, t->out->len);
            t->out->data[t->out->len] = '\0';
        }
        t->full = 1;
        return;
    }
    buf_add(t->out, p, n);
}

static void
out_c(struct text *t, char c)
{
    out_add(t, &c, 1);
}

static void
out_cp(struct text *t, unsigned long cp)
{
    char b[4];

    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = 0xfffd;
    if (cp < 0x80) {
        out_c(t, (char)cp);
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3f));
        out_add(t, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | cp >> 12);
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        out_add(t, b, 3);
    } else {
        b[0] = (char)(0xf0 | cp >> 18);
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        out_add(t, b, 4);
    }
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */
/* ------------------------------------------------------------------ */

static int
is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(int c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

static int
in_words(const char *list, const char *w)
{
    size_t n = strlen(w);

    for (const char *p = list; *p;) {
        const char *e = strchr(p, ' ');
        size_t k = e ? (size_t)(e - p) : strlen(p);

        if (k == n && memcmp(p, w, n) == 0)
            return 1;
        p += k;
        if (*p == ' ')
            p++;
    }
    return 0;
}

static void
tag_done(struct text *t)
{
    static const char *const block =
        "br p div tr li h1 h2 h3 h4 h5 h6 table blockquote hr pre ul ol dl dt dd title";

    t->name[t->nname] = '\0';
    if (in_words(block, t->name))
        out_c(t, '\n');
    else if (in_words("td th", t->name))
        out_c(t, ' ');
    t->hs = H_TEXT;
    if (!t->closing && strcmp(t->name, "script") == 0) {
        t->raw_end = "</script";
        t->raw_match = 0;
        t->hs = H_RAW;
    } else if (!t->closing && strcmp(t->name, "style") == 0) {
        t->raw_end = "</style";
        t->raw_match = 0;
        t->hs = H_RAW;
    }
}

static void
entity_done(struct text *t, int semicolon)
{
    static const struct {
        const char *name;
        unsigned long cp;
    } ents[] = {
        { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
        { "apos", '\'' }, { "nbsp", ' ' },
    };

    t->ent[t->nent] = '\0';
    if (semicolon && t->nent > 1 && t->ent[0] == '#') {
        unsigned long cp = 0;
        const char *d = t->ent + 1;
        int hex = *d == 'x' || *d == 'X', ok = 1;

        if (hex)
            d++;
        if (*d == '\0')
            ok = 0;
        for (; *d && ok; d++) {
            int v = *d >= '0' && *d <= '9' ? *d - '0'
                  : hex && *d >= 'a' && *d <= 'f' ? *d - 'a' + 10
                  : hex && *d >= 'A' && *d <= 'F' ? *d - 'A' + 10 : -1;

            if (v < 0)
                ok = 0;
            else if (cp <= 0x10ffff)
                cp = cp * (hex ? 16 : 10) + (unsigned long)v;
        }
        if (ok) {
            out_cp(t, cp);
            t->hs = H_TEXT;
            return;
        }
    }
    if (semicolon)
        for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
            if (strcmp(t->ent, ents[i].name) == 0) {
                out_c(t, (char)ents[i].cp);
                t->hs = H_TEXT;
                return;
            }
    out_c(t, '&');
    out_add(t, t->ent, t->nent);
    if (semicolon)
        out_c(t, ';');
    t->hs = H_TEXT;
}

static void
html_feed(struct text *t, const char *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        int c = (unsigned char)p[i];

        switch (t->hs) {
        case H_TEXT: {
            size_t j = i;

            while (j < n && p[j] != '<' && p[j] != '&')
                j++;
            out_add(t, p + i, j - i);
            i = j;
            if (i < n) {
                if (p[i] == '<')
                    t->hs = H_LT;
                else {
                    t->hs = H_ENTITY;
                    t->nent = 0;
                }
                i++;
            }
            continue;
        }
        case H_LT:
            t->nname = 0;
            t->closing = 0;
            t->quote = 0;
            if (is_alpha(c)) {
                t->hs = H_NAME;
                continue;               /* read c as the name */
            }
            i++;
            if (c == '/')
                t->closing = 1, t->hs = H_NAME;
            else if (c == '!')
                t->hs = H_BANG;
            else if (c == '?')
                t->hs = H_DECL;
            else {
                out_c(t, '<');
                t->hs = H_TEXT;
                i--;
            }
            continue;
        case H_NAME:
            if (is_alnum(c)) {
                if (t->nname < TAG_NAME_MAX)
                    t->name[t->nname++] = (char)mp_lower(c);
                i++;
                continue;
            }
            t->hs = H_ATTR;
            continue;
        case H_ATTR:
            i++;
            if (t->quote) {
                if (c == t->quote)
                    t->quote = 0;
            } else if (c == '"' || c == '\'')
                t->quote = (char)c;
            else if (c == '>')
                tag_done(t);
            continue;
        case H_BANG:
            if (c == '-') {
                t->hs = H_BANG_DASH;
                i++;
            } else
                t->hs = H_DECL;
            continue;
        case H_BANG_DASH:
            if (c == '-') {
                t->hs = H_COMMENT;
                t->dashes = 0;
                i++;
            } else
                t->hs = H_DECL;
            continue;
        case H_COMMENT:
            i++;
            if (c == '-')
                t->dashes++;
            else if (c == '>' && t->dashes >= 2)
                t->hs = H_TEXT;
            else
                t->dashes = 0;
            continue;
        case H_DECL:
            i++;
            if (c == '>')
                t->hs = H_TEXT;
            continue;
        case H_RAW:
            i++;
            if (mp_lower(c) == t->raw_end[t->raw_match]) {
                if (t->raw_end[++t->raw_match] == '\0') {
                    t->closing = 1;
                    t->nname = 0;
                    t->quote = 0;
                    t->hs = H_ATTR;
                }
            } else
                t->raw_match = mp_lower(c) == '<' ? 1 : 0;
            continue;
        case H_ENTITY:
            if (c == ';') {
                i++;
                entity_done(t, 1);
            } else if ((is_alnum(c) || (c == '#' && t->nent == 0)) && t->nent < ENTITY_MAX) {
                t->ent[t->nent++] = (char)c;
                i++;
            } else
                entity_done(t, 0);      /* c is read again as text */
            continue;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Line ends, then HTML or straight out                                */
/* ------------------------------------------------------------------ */

static void
stage(struct text *t, const char *p, size_t n)
{
    char tmp[TEXT_STEP];
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char c = p[i];

        if (c == '\r') {
            c = '\n';
            t->prev_cr = 1;
        } else if (c == '\n' && t->prev_cr) {
            t->prev_cr = 0;
            continue;
        } else {
            t->prev_cr = 0;
            if (c == '\0')
                c = ' ';
        }
        tmp[k++] = c;
        if (k == sizeof tmp) {
            if (t->html)
                html_feed(t, tmp, k);
            else
                out_add(t, tmp, k);
            k = 0;
        }
    }
    if (k) {
        if (t->html)
            html_feed(t, tmp, k);
        else
            out_add(t, tmp, k);
    }
}

void
mime_utf8_text(struct buf *b, const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;

    while (i < n) {
        size_t j = i;

        while (j < n && s[j] < 0x80)
            j++;
        buf_add(b, p + i, j - i);
        i = j;
        if (i >= n)
            break;
        size_t k = mp_utf8_seq(s + i, n - i);

        if (k) {
            buf_add(b, p + i, k);
            i += k;
        } else {
            buf_addc(b, 0xc0 | (s[i] >> 6));
            buf_addc(b, 0x80 | (s[i] & 0x3f));
            i++;
        }
    }
}

/* Decoded bytes of the part, in its charset. */
static void
convert(struct text *t, const char *p, size_t n, int last)
{
    struct buf tmp = BUF_INIT;
    char joined[TEXT_STEP + sizeof t->held];
    size_t len;

    while (n > 0 || (last && t->nheld)) {
        size_t take = n < TEXT_STEP ? n : TEXT_STEP;

        memcpy(joined, t->held, t->nheld);
        memcpy(joined + t->nheld, p, take);
        len = t->nheld + take;
        t->nheld = 0;
        p += take;
        n -= take;
        buf_reset(&tmp);
        if (t->cd == (iconv_t)-1) {
            size_t tail = last && n == 0 ? 0 : utf8_tail((unsigned char *)joined, len);

            mime_utf8_text(&tmp, joined, len - tail);
            memcpy(t->held, joined + len - tail, tail);
            t->nheld = tail;
        } else {
            char *in = joined, obuf[4 * TEXT_STEP];
            size_t inleft = len;

            while (inleft > 0) {
                char *o = obuf;
                size_t oleft = sizeof obuf, r;

                r = iconv(t->cd, &in, &inleft, &o, &oleft);
                mime_utf8_text(&tmp, obuf, (size_t)(o - obuf));
                if (r != (size_t)-1 || errno == E2BIG)
                    continue;
                if (errno == EINVAL && !(last && n == 0) && inleft < sizeof t->held) {
                    memcpy(t->held, in, inleft);
                    t->nheld = inleft;
                    break;
                }
                buf_add(&tmp, "\xef\xbf\xbd", 3);   /* EILSEQ, or cut off */
                in++;
                inleft--;
            }
        }
        stage(t, tmp.data ? tmp.data : "", tmp.len);
        if (t->full)
            break;
    }
    buf_free(&tmp);
}

static void
text_part(struct mime_tree *tree, const struct mime_part *p, struct buf *out, size_t cap)
{
    struct text t;
    struct mime_stream *s = mime_stream_open(tree, p);
    char csbuf[MP_CHARSET_MAX + 1], chunk[TEXT_STEP];
    const char *ic;
    size_t left = tree->lim.decode, r;

    if (s == NULL)
        return;
    memset(&t, 0, sizeof t);
    t.out = out;
    t.cap = cap;
    t.html = strcmp(p->type, "text/html") == 0;
    t.cd = (iconv_t)-1;
    ic = p->charset ? mp_charset_iconv(p->charset, csbuf) : NULL;
    if (ic)
        t.cd = iconv_open("UTF-8", ic);
    while (left > 0 && !t.full &&
           (r = mime_stream_read(s, chunk, left < sizeof chunk ? left : sizeof chunk)) > 0) {
        left -= r;
        convert(&t, chunk, r, 0);
    }
    convert(&t, "", 0, 1);
    if (t.hs == H_ENTITY)
        entity_done(&t, 0);
    if (t.cd != (iconv_t)-1)
        iconv_close(t.cd);
    mime_stream_close(s);
}

void
mime_body_text(struct mime_tree *t, struct buf *out)
{
    size_t start = out->len, cap = start + t->lim.body_scan;

    buf_reserve(out, 0);
    for (size_t i = 0; i < t->nparts; i++) {
        const struct mime_part *p = &t->parts[i];

        if (p->kind != MIME_LEAF || p->attachment || p->nlayers == 0 ||
            (strcmp(p->type, "text/plain") != 0 && strcmp(p->type, "text/html") != 0))
            continue;
        if (out->len >= cap)
            break;
        if (out->len > start) {
            buf_addc(out, '\n');
            if (out->len >= cap)
                break;
        }
        text_part(t, p, out, cap);
    }
}
