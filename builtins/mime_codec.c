/*
 * mime_codec.c -- streaming Content-Transfer-Encoding decoders for the
 * MIME walk: base64, quoted-printable, uuencode, and pass-through.
 *
 * Entry points: mime_dec_init(), mime_dec_feed(), mime_dec_finish(),
 * mime_uu_line(), mime_uu_line_valid() (mime_int.h).  Input arrives in
 * pieces of any size; state crosses pieces, so memory is a fixed struct.
 * Decoding never fails: what cannot be decoded is skipped or kept as
 * described per decoder, and a defect bit is set in d->defects.
 *
 * base64: characters outside the alphabet are skipped (white space
 * silently, anything else with "bad base64"); '=' ends a quantum (2 or 3
 * characters give 1 or 2 bytes) and decoding goes on after it, so
 * concatenated base64 works; missing padding is accepted; a lone
 * character at the end is dropped ("bad base64").
 *
 * quoted-printable: "=XX" (hex in either case) is a byte; "=" at the end
 * of a line, also followed by spaces or tabs, is a soft line break; white
 * space at the end of a line is dropped (RFC 2045 6.7 rule 3); any other
 * "=" is kept literally ("bad quoted-printable").  Line ends are kept as
 * they are (LF or CRLF).
 *
 * uuencode: lines of data after an optional "begin" line, up to a
 * length-0 line or "end"; a line's length character says how many bytes
 * it holds (missing characters count as zero bits, as uudecode's own
 * tolerance for stripped trailing spaces, but never more bytes than the
 * characters present and three stripped ones hold); lines that are not
 * uuencoded data are skipped ("bad uuencode").
 */
#include "config.h"
#include "mime_int.h"
#include "util.h"

#include <string.h>

enum { QP_TEXT, QP_CR, QP_EQ, QP_EQ1, QP_EQ_WS, QP_EQ_CR };

/* base64 character values: 0-63, B64_WS, B64_PAD, or B64_BAD. */
#define B64_WS 64
#define B64_PAD 65
#define B64_BAD 66

static const unsigned char b64[256] = {
#define X B64_BAD
    X, X, X, X, X, X, X, X, X, B64_WS, B64_WS, X, X, B64_WS, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    B64_WS, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, B64_PAD, X, X,
    X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, X,
    X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

static void
flush_out(struct mime_dec *d)
{
    if (d->nout) {
        d->sink(d->ctx, d->out, d->nout);
        d->nout = 0;
    }
}

static inline void
put(struct mime_dec *d, int c)
{
    if (d->nout == sizeof d->out)
        flush_out(d);
    d->out[d->nout++] = (char)c;
}

static void
put_n(struct mime_dec *d, const char *p, size_t n)
{
    if (n >= sizeof d->out) {
        flush_out(d);
        d->sink(d->ctx, p, n);
        return;
    }
    if (d->nout + n > sizeof d->out)
        flush_out(d);
    memcpy(d->out + d->nout, p, n);
    d->nout += n;
}

void
mime_dec_init(struct mime_dec *d, enum mime_enc enc, mime_sink sink, void *ctx)
{
    memset(d, 0, sizeof *d);
    d->enc = enc;
    d->sink = sink;
    d->ctx = ctx;
}

void
mime_dec_count_only(struct mime_dec *d)
{
    d->count_only = 1;
}

/* ---------------------------------------------------------------- */
/* base64                                                            */
/* ---------------------------------------------------------------- */

static void
b64_feed(struct mime_dec *d, const unsigned char *p, size_t n)
{
    uint32_t acc = d->acc;
    unsigned nq = d->nq;
    size_t i = 0;

    while (i < n) {
        /* Fast path: whole quanta of four alphabet characters. */
        if (nq == 0 && d->count_only) {
            size_t i0 = i;

            while (i + 4 <= n && (b64[p[i]] | b64[p[i + 1]] | b64[p[i + 2]] |
                                  b64[p[i + 3]]) < 64)
                i += 4;
            d->counted += (i - i0) / 4 * 3;
            if (i >= n)
                break;
        } else if (nq == 0) {
            while (i + 4 <= n) {
                unsigned a = b64[p[i]], b = b64[p[i + 1]], c = b64[p[i + 2]],
                         e = b64[p[i + 3]];

                if ((a | b | c | e) >= 64)
                    break;
                acc = a << 18 | b << 12 | c << 6 | e;
                if (d->nout + 3 > sizeof d->out)
                    flush_out(d);
                d->out[d->nout++] = (char)(acc >> 16);
                d->out[d->nout++] = (char)(acc >> 8);
                d->out[d->nout++] = (char)acc;
                i += 4;
            }
            if (i >= n)
                break;
        }
        unsigned v = b64[p[i++]];

        if (v < 64) {
            acc = acc << 6 | v;
            if (++nq == 4) {
                put(d, (int)((acc >> 16) & 0xff));
                put(d, (int)((acc >> 8) & 0xff));
                put(d, (int)(acc & 0xff));
                nq = 0;
                acc = 0;
            }
        } else if (v == B64_PAD) {
            if (nq == 2)
                put(d, (int)((acc >> 4) & 0xff));
            else if (nq == 3) {
                put(d, (int)((acc >> 10) & 0xff));
                put(d, (int)((acc >> 2) & 0xff));
            } else if (nq == 1)
                d->defects |= MIME_D(BAD_BASE64);
            nq = 0;
            acc = 0;
        } else if (v == B64_BAD)
            d->defects |= MIME_D(BAD_BASE64);
    }
    d->acc = acc;
    d->nq = nq;
}

static void
b64_finish(struct mime_dec *d)
{
    if (d->nq == 2)
        put(d, (int)((d->acc >> 4) & 0xff));
    else if (d->nq == 3) {
        put(d, (int)((d->acc >> 10) & 0xff));
        put(d, (int)((d->acc >> 2) & 0xff));
    } else if (d->nq == 1)
        d->defects |= MIME_D(BAD_BASE64);
    d->nq = 0;
}

/* ---------------------------------------------------------------- */
/* quoted-printable                                                  */
/* ---------------------------------------------------------------- */

static void
qp_hold_ws(struct mime_dec *d, int c)
{
    if (d->nws == sizeof d->ws) {       /* not trailing after all, mostly */
        put_n(d, d->ws, d->nws);
        d->nws = 0;
    }
    d->ws[d->nws++] = (char)c;
}

static void
qp_flush_ws(struct mime_dec *d)
{
    if (d->nws) {
        put_n(d, d->ws, d->nws);
        d->nws = 0;
    }
}

static void
qp_feed(struct mime_dec *d, const unsigned char *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        int c = p[i];

        switch (d->qstate) {
        case QP_TEXT:
            if (d->nws == 0) {          /* fast path: plain text run */
                size_t j = i;

                while (j < n && p[j] != '=' && p[j] != ' ' && p[j] != '\t' &&
                       p[j] != '\r' && p[j] != '\n')
                    j++;
                if (j > i) {
                    put_n(d, (const char *)p + i, j - i);
                    i = j;
                    continue;
                }
            }
            if (c == '=') {
                d->qstate = QP_EQ;
            } else if (c == ' ' || c == '\t') {
                qp_hold_ws(d, c);
            } else if (c == '\r') {
                d->qstate = QP_CR;
            } else if (c == '\n') {
                d->nws = 0;             /* trailing white space */
                put(d, '\n');
            } else {
                qp_flush_ws(d);
                put(d, c);
            }
            i++;
            break;
        case QP_CR:
            if (c == '\n') {
                d->nws = 0;
                put(d, '\r');
                put(d, '\n');
                i++;
            } else {
                qp_flush_ws(d);
                put(d, '\r');
            }
            d->qstate = QP_TEXT;
            break;
        case QP_EQ:
            qp_flush_ws(d);
            i++;
            if (hex_digit(c) >= 0) {
                d->qhex = c;
                d->qstate = QP_EQ1;
            } else if (c == '\n') {
                d->qstate = QP_TEXT;    /* soft line break */
            } else if (c == '\r') {
                d->qstate = QP_EQ_CR;
            } else if (c == ' ' || c == '\t') {
                d->qstate = QP_EQ_WS;
                d->nws = 0;
                qp_hold_ws(d, c);
            } else {
                d->defects |= MIME_D(BAD_QP);
                put(d, '=');
                d->qstate = QP_TEXT;
                i--;                    /* read c again as text */
            }
            break;
        case QP_EQ1:
            if (hex_digit(c) >= 0) {
                put(d, hex_digit(d->qhex) << 4 | hex_digit(c));
                i++;
            } else {
                d->defects |= MIME_D(BAD_QP);
                put(d, '=');
                put(d, d->qhex);
            }
            d->qstate = QP_TEXT;
            break;
        case QP_EQ_WS:
            if (c == ' ' || c == '\t') {
                qp_hold_ws(d, c);
                i++;
            } else if (c == '\n') {
                d->nws = 0;
                d->qstate = QP_TEXT;
                i++;
            } else if (c == '\r') {
                d->qstate = QP_EQ_CR;
                i++;
            } else {
                d->defects |= MIME_D(BAD_QP);
                put(d, '=');
                qp_flush_ws(d);
                d->qstate = QP_TEXT;
            }
            break;
        case QP_EQ_CR:
            if (c == '\n') {
                d->nws = 0;
                i++;
            } else {
                d->defects |= MIME_D(BAD_QP);
                put(d, '=');
                qp_flush_ws(d);
                put(d, '\r');
            }
            d->qstate = QP_TEXT;
            break;
        }
    }
}

static void
qp_finish(struct mime_dec *d)
{
    switch (d->qstate) {
    case QP_CR:
        put(d, '\r');
        break;
    case QP_EQ1:
        d->defects |= MIME_D(BAD_QP);
        put(d, '=');
        put(d, d->qhex);
        break;
    case QP_EQ_CR:
        put(d, '\r');
        break;
    default:                            /* "=" at the very end: soft break */
        break;
    }
    d->nws = 0;                         /* trailing white space */
    d->qstate = QP_TEXT;
}

/* ---------------------------------------------------------------- */
/* uuencode                                                          */
/* ---------------------------------------------------------------- */

#define UU(c) (((c) - ' ') & 0x3f)

int
mime_uu_line(const char *p, size_t n, unsigned char *out)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t len, i, o = 0;

    while (n > 0 && s[n - 1] == '\r')
        n--;
    if (n == 0)
        return -1;
    for (i = 0; i < n; i++)
        if (s[i] < ' ' || s[i] > '`')
            return -1;
    len = UU(s[0]);
    if (len == 0)
        return 0;
    /* No more bytes than the characters there (and up to three
     * stripped trailing spaces) can hold. */
    if (len > (n - 1 + 3) * 3 / 4)
        len = (n - 1 + 3) * 3 / 4;
    for (i = 1; o < len; i += 4) {
        unsigned c0 = i < n ? UU(s[i]) : 0, c1 = i + 1 < n ? UU(s[i + 1]) : 0,
                 c2 = i + 2 < n ? UU(s[i + 2]) : 0, c3 = i + 3 < n ? UU(s[i + 3]) : 0;

        out[o++] = (unsigned char)(c0 << 2 | c1 >> 4);
        if (o < len)
            out[o++] = (unsigned char)((c1 << 4 | c2 >> 2) & 0xff);
        if (o < len)
            out[o++] = (unsigned char)((c2 << 6 | c3) & 0xff);
    }
    return (int)len;
}

int
mime_uu_line_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t len, need, i;

    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (n == 0)
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] < ' ' || s[i] > '`')
            return 0;
    len = UU(s[0]);
    if (len == 0)
        return n <= 2;
    need = (len + 2) / 3 * 4;           /* characters after the length */
    /* Encoders may strip trailing spaces (zero characters) or add one
     * checksum character; accept a short line only by what a stripped
     * last group can lose. */
    return n - 1 <= need + 1 && n - 1 + 3 >= need && n >= 2;
}

static void
uu_line(struct mime_dec *d)
{
    unsigned char out[64];
    const char *s = d->line;
    size_t n = d->nline;
    int r;

    while (n > 0 && s[n - 1] == '\r')
        n--;
    if (d->uu_state == 2)
        return;
    if (!d->uu_started && n >= 6 && memcmp(s, "begin ", 6) == 0) {
        d->uu_started = 1;
        return;
    }
    d->uu_started = 1;
    if ((n == 3 && memcmp(s, "end", 3) == 0) ||
        (n > 3 && memcmp(s, "end", 3) == 0 && (s[3] == ' ' || s[3] == '\t'))) {
        d->uu_state = 2;
        return;
    }
    if (n == 0)
        return;
    if (d->line_long) {
        d->defects |= MIME_D(BAD_UU);
        return;
    }
    r = mime_uu_line(s, n, out);
    if (r < 0) {
        d->defects |= MIME_D(BAD_UU);
        return;
    }
    if (r == 0) {
        d->uu_state = 1;
        return;
    }
    if (d->uu_state == 1)               /* data after the length-0 line */
        d->defects |= MIME_D(BAD_UU);
    put_n(d, (const char *)out, (size_t)r);
}

static void
uu_feed(struct mime_dec *d, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            uu_line(d);
            d->nline = 0;
            d->line_long = 0;
        } else if (d->nline < sizeof d->line)
            d->line[d->nline++] = p[i];
        else
            d->line_long = 1;
    }
}

/* ---------------------------------------------------------------- */

void
mime_dec_feed(struct mime_dec *d, const char *p, size_t n)
{
    switch (d->enc) {
    case MIME_ENC_BASE64:
    case MIME_ENC_BASE64_BLOCK:
        b64_feed(d, (const unsigned char *)p, n);
        break;
    case MIME_ENC_QP:
        qp_feed(d, (const unsigned char *)p, n);
        break;
    case MIME_ENC_UUENCODE:
        uu_feed(d, p, n);
        break;
    default:
        flush_out(d);
        if (n)
            d->sink(d->ctx, p, n);
        return;
    }
}

void
mime_dec_finish(struct mime_dec *d)
{
    switch (d->enc) {
    case MIME_ENC_BASE64:
    case MIME_ENC_BASE64_BLOCK:
        b64_finish(d);
        break;
    case MIME_ENC_QP:
        qp_finish(d);
        break;
    case MIME_ENC_UUENCODE:
        if (d->nline)
            uu_line(d);
        d->nline = 0;
        break;
    default:
        break;
    }
    flush_out(d);
}
