/*
 * mp_2047.c -- RFC 2047 encoded-word decoding to UTF-8 (mp_decode_2047).
 *
 * Entry point: mp_decode_2047() (mailparse.h); the exact rules are in the
 * NORMALISATION RULES block of mailparse.c.  It cannot fail: what cannot
 * be decoded is kept literally, invalid bytes become Latin-1 or U+FFFD,
 * and the result is always valid UTF-8.
 *
 * Work is linear in the input: an encoded-word candidate is scanned only
 * up to the next '?' that does not belong to it, every iconv(3) error
 * consumes a byte, and at most MP_ICONV_OPEN_MAX charsets are looked up
 * per value (hostile input cannot make it open thousands of converters).
 *
 * SECURITY: charset names come from the message; only names made of
 * token characters without '/' reach iconv_open(), so no "//TRANSLIT" or
 * path-like suffix can be injected.  Conversion is only ever *from* the
 * named charset to UTF-8.
 */
#include "config.h"
#include "mailparse.h"
#include "mp_internal.h"
#include "util.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

/* Distinct charsets passed to iconv_open() per decoded value (each
 * converter stays open until the value is done). */
#define MP_ICONV_OPEN_MAX 8
/* iconv output chunk. */
#define MP_ICONV_CHUNK 1024

enum cs_kind {
    CS_RAW,         /* UTF-8, US-ASCII, unknown-8bit: the raw-text rule */
    CS_LATIN1,      /* ISO-8859-1: decoded here */
    CS_ICONV,       /* through iconv */
    CS_UNKNOWN      /* keep the encoded-word literally */
};

struct cs_cache {
    char name[MP_CHARSET_MAX + 1];  /* normalised name iconv was asked for */
    iconv_t cd;                     /* (iconv_t)-1 when iconv refused it */
};

struct decoder {
    struct cs_cache cache[MP_ICONV_OPEN_MAX];
    size_t ncache;                  /* = iconv_open() calls so far */
};

/* One encoded-word, as found in the input. */
struct ew {
    const char *charset;            /* without the *language suffix */
    size_t charset_len;
    int enc;                        /* 'B' or 'Q' */
    const char *text;
    size_t text_len;
    size_t end;                     /* offset just past "?=" */
};

static const struct {
    const char *from, *to;
} cs_alias[] = {
    { "gb2312", "GB18030" },
    { "gbk", "GB18030" },
    { "x-gbk", "GB18030" },
    { "cp936", "GB18030" },
    { "shift_jis", "CP932" },
    { "shift-jis", "CP932" },
    { "sjis", "CP932" },
    { "x-sjis", "CP932" },
    { "windows-31j", "CP932" },
    { "ks_c_5601-1987", "CP949" },
    { "euc-kr", "CP949" },
    { "iso-8859-8-i", "ISO-8859-8" },
    { "iso-2022-jp", "ISO-2022-JP-3" },
};

static const char *const cs_raw[] = {
    "utf-8", "utf8", "us-ascii", "ascii", "unknown-8bit", "x-unknown",
    "unknown", "x-user-defined",
};

static const char *const cs_latin1[] = {
    "iso-8859-1", "iso8859-1", "latin1", "iso_8859-1", "l1",
};

/* RFC 2045 token characters allowed in a charset name (not '/' or '*'). */
static int
is_cs_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'+^_`{}~.-", c));
}

static int
b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Parse an encoded-word at s[i] (n = strlen(s)).  1 with *ew set, or 0. */
static int
parse_ew(const char *s, size_t i, size_t n, struct ew *ew)
{
    size_t p = i + 2, cs_start, cs_end, t;

    if (i + 1 >= n || s[i] != '=' || s[i + 1] != '?')
        return 0;
    cs_start = p;
    while (p < n && p - cs_start <= MP_CHARSET_MAX && is_cs_char((unsigned char)s[p]))
        p++;
    cs_end = p;
    if (cs_end == cs_start || p - cs_start > MP_CHARSET_MAX)
        return 0;
    if (p < n && s[p] == '*') {         /* RFC 2231 language: skip it */
        p++;
        while (p < n && p - cs_start <= 2 * MP_CHARSET_MAX &&
               is_cs_char((unsigned char)s[p]))
            p++;
    }
    if (p + 2 >= n || s[p] != '?' || s[p + 2] != '?')
        return 0;
    ew->enc = s[p + 1] == 'b' || s[p + 1] == 'B' ? 'B'
            : s[p + 1] == 'q' || s[p + 1] == 'Q' ? 'Q' : 0;
    if (!ew->enc)
        return 0;
    p += 3;
    t = p;
    /* The text runs to the first '?'; it must be the one of "?=". */
    while (p < n && s[p] != '?') {
        unsigned char c = (unsigned char)s[p];

        if (c <= ' ' || c == 0x7f)
            return 0;
        /* Raw 8-bit bytes in Q text (seen in the wild) are taken as
         * bytes of the word's charset; B text is strictly base64. */
        if (ew->enc == 'B' && c != '=' && b64val(c) < 0)
            return 0;
        p++;
    }
    if (p + 1 >= n || s[p + 1] != '=')
        return 0;
    ew->charset = s + cs_start;
    ew->charset_len = cs_end - cs_start;
    ew->text = s + t;
    ew->text_len = p - t;
    ew->end = p + 2;
    return 1;
}

/* Append the decoded bytes of ew to b. */
static void
ew_bytes(const struct ew *ew, struct buf *b)
{
    size_t i;

    if (ew->enc == 'Q') {
        for (i = 0; i < ew->text_len; i++) {
            int c = (unsigned char)ew->text[i], h, l;

            if (c == '_')
                c = ' ';
            else if (c == '=' && i + 2 < ew->text_len &&
                     (h = hex_digit((unsigned char)ew->text[i + 1])) >= 0 &&
                     (l = hex_digit((unsigned char)ew->text[i + 2])) >= 0) {
                c = h << 4 | l;
                i += 2;
            }
            buf_addc(b, c);
        }
    } else {
        unsigned acc = 0, bits = 0;

        for (i = 0; i < ew->text_len; i++) {
            int v = b64val((unsigned char)ew->text[i]);

            if (v < 0) {                /* '=': padding ends a chunk */
                bits = 0;
                acc = 0;
                continue;
            }
            acc = (acc << 6 | (unsigned)v) & 0xffffff;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                buf_addc(b, (int)((acc >> bits) & 0xff));
            }
        }
    }
}

/* Lower-case a charset name (n <= MP_CHARSET_MAX) into out. */
static void
cs_lower(const char *cs, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++)
        out[i] = (char)mp_lower((unsigned char)cs[i]);
    out[n] = '\0';
}

static int
in_list(const char *name, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

/* Classify a lower-cased charset name; for CS_ICONV the name iconv
 * should be asked for (aliases applied) is returned in *name. */
static enum cs_kind
charset_class(const char *lower, const char **name)
{
    size_t i;

    if (in_list(lower, cs_raw, sizeof(cs_raw) / sizeof(cs_raw[0])))
        return CS_RAW;
    if (in_list(lower, cs_latin1, sizeof(cs_latin1) / sizeof(cs_latin1[0])))
        return CS_LATIN1;
    *name = lower;
    for (i = 0; i < sizeof(cs_alias) / sizeof(cs_alias[0]); i++)
        if (strcmp(lower, cs_alias[i].from) == 0) {
            *name = cs_alias[i].to;
            break;
        }
    return CS_ICONV;
}

const char *
mp_charset_iconv(const char *cs, char *buf)
{
    size_t n = strlen(cs), i;
    const char *name = NULL;

    if (n == 0 || n > MP_CHARSET_MAX)
        return NULL;
    for (i = 0; i < n; i++)
        if (!is_cs_char((unsigned char)cs[i]))
            return NULL;
    cs_lower(cs, n, buf);
    switch (charset_class(buf, &name)) {
    case CS_LATIN1:
        return "ISO-8859-1";
    case CS_ICONV:
        return name;
    default:
        return NULL;
    }
}

/* Classify a charset; for CS_ICONV set *cd to an open converter (reset). */
static enum cs_kind
charset_kind(struct decoder *d, const char *cs, size_t n, iconv_t *cd)
{
    char lower[MP_CHARSET_MAX + 1];
    const char *name = NULL;
    enum cs_kind k;
    size_t i;
    struct cs_cache *c;

    cs_lower(cs, n, lower);
    if ((k = charset_class(lower, &name)) != CS_ICONV)
        return k;
    for (i = 0; i < d->ncache; i++) {
        c = &d->cache[i];
        if (strcmp(c->name, name) == 0) {
            if (c->cd == (iconv_t)-1)
                return CS_UNKNOWN;
            iconv(c->cd, NULL, NULL, NULL, NULL);
            *cd = c->cd;
            return CS_ICONV;
        }
    }
    if (d->ncache >= MP_ICONV_OPEN_MAX)
        return CS_UNKNOWN;
    c = &d->cache[d->ncache++];
    strcpy(c->name, name);              /* fits: name <= MP_CHARSET_MAX */
    c->cd = iconv_open("UTF-8", name);
    if (c->cd == (iconv_t)-1)
        return CS_UNKNOWN;
    *cd = c->cd;
    return CS_ICONV;
}

static void
decoder_free(struct decoder *d)
{
    size_t i;

    for (i = 0; i < d->ncache; i++)
        if (d->cache[i].cd != (iconv_t)-1)
            iconv_close(d->cache[i].cd);
}

static void
add_replacement(struct buf *out)
{
    buf_add(out, "\xef\xbf\xbd", 3);
}

/* Convert n bytes with cd and append them to out as UTF-8.  A sequence
 * invalid in the charset (or cut off at the end) becomes U+FFFD and one
 * byte is skipped; the shift state is kept, as iconv(3) leaves it. */
static void
convert_iconv(iconv_t cd, const char *p, size_t n, struct buf *out)
{
    char chunk[MP_ICONV_CHUNK];
    char *in = (char *)p;               /* iconv(3) takes char ** */
    char *o;
    size_t inleft = n, oleft, r;

    while (inleft > 0) {
        o = chunk;
        oleft = sizeof(chunk);
        errno = 0;
        r = iconv(cd, &in, &inleft, &o, &oleft);
        mp_utf8_add(out, chunk, (size_t)(o - chunk));
        if (r != (size_t)-1 || inleft == 0 || (errno == E2BIG && o != chunk))
            continue;
        add_replacement(out);           /* EILSEQ, EINVAL: no progress */
        in++;
        inleft--;
    }
    o = chunk;
    oleft = sizeof(chunk);
    if (iconv(cd, NULL, NULL, &o, &oleft) != (size_t)-1)
        mp_utf8_add(out, chunk, (size_t)(o - chunk));
}

static int
same_charset(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i;

    if (an != bn)
        return 0;
    for (i = 0; i < an; i++)
        if (mp_lower((unsigned char)a[i]) != mp_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* UTF-16 and UTF-32 without a byte order mark are big-endian (RFC 2781),
 * whatever iconv assumes; with one, the mark is dropped.  Returns the
 * charset to use instead (or NULL) and the bytes to skip. */
static const char *
bom_charset(const char *cs, size_t n, const unsigned char *b, size_t len, size_t *skip)
{
    *skip = 0;
    if (same_charset(cs, n, "utf-16", 6)) {
        if (len >= 2 && b[0] == 0xfe && b[1] == 0xff)
            *skip = 2;
        else if (len >= 2 && b[0] == 0xff && b[1] == 0xfe) {
            *skip = 2;
            return "utf-16le";
        }
        return "utf-16be";
    }
    if (same_charset(cs, n, "utf-32", 6)) {
        if (len >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xfe && b[3] == 0xff)
            *skip = 4;
        else if (len >= 4 && b[0] == 0xff && b[1] == 0xfe && b[2] == 0 && b[3] == 0) {
            *skip = 4;
            return "utf-32le";
        }
        return "utf-32be";
    }
    return NULL;
}

/* Convert the pending bytes of one run of same-charset words. */
static void
flush(struct decoder *d, const char *cs, size_t cs_len, struct buf *bytes,
      struct buf *out)
{
    iconv_t cd = (iconv_t)-1;
    const unsigned char *p = (const unsigned char *)(bytes->len ? bytes->data : "");
    size_t i, len = bytes->len, skip;
    const char *alt;

    if (cs == NULL)
        return;
    if ((alt = bom_charset(cs, cs_len, p, len, &skip)) != NULL) {
        cs = alt;
        cs_len = strlen(alt);
    }
    p += skip;
    len -= skip;
    switch (charset_kind(d, cs, cs_len, &cd)) {
    case CS_RAW:
    case CS_UNKNOWN:    /* only if the converter budget ran out just now */
        mp_utf8_add(out, (const char *)p, len);
        break;
    case CS_LATIN1:
        for (i = 0; i < len; i++) {
            unsigned char c = p[i];

            if (c == 0 || c == '\r' || c == '\n')
                buf_addc(out, ' ');
            else if (c < 0x80)
                buf_addc(out, c);
            else {
                buf_addc(out, 0xc0 | (c >> 6));
                buf_addc(out, 0x80 | (c & 0x3f));
            }
        }
        break;
    case CS_ICONV:
        convert_iconv(cd, (const char *)p, len, out);
        break;
    }
    buf_reset(bytes);
}

/* An encoded-word at s[i] that can be decoded (known charset). */
static int
usable_ew(struct decoder *d, const char *s, size_t i, size_t n, struct ew *ew)
{
    iconv_t cd;

    return parse_ew(s, i, n, ew) &&
           charset_kind(d, ew->charset, ew->charset_len, &cd) != CS_UNKNOWN;
}

static int
plain_ascii(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    for (; *p; p++)
        if (*p >= 0x80 || *p == '\r' || *p == '\n' || (p[0] == '=' && p[1] == '?'))
            return 0;
    return 1;
}

char *
mp_decode_2047(const char *s)
{
    struct decoder d;
    struct buf out = BUF_INIT, bytes = BUF_INIT;
    const char *cs = NULL;              /* charset of the pending run */
    size_t cs_len = 0, n, i = 0, lit;
    struct ew ew;

    if (plain_ascii(s))
        return xstrdup(s);
    memset(&d, 0, sizeof(d));
    n = strlen(s);
    buf_reserve(&out, n);
    while (i < n) {
        if (s[i] == '=' && usable_ew(&d, s, i, n, &ew)) {
            if (cs && !same_charset(cs, cs_len, ew.charset, ew.charset_len))
                flush(&d, cs, cs_len, &bytes, &out);
            cs = ew.charset;
            cs_len = ew.charset_len;
            ew_bytes(&ew, &bytes);
            i = ew.end;
            /* White space up to another usable encoded-word is dropped. */
            if (i < n && (mp_is_wsp((unsigned char)s[i]) || s[i] == '\r' || s[i] == '\n')) {
                size_t j = i;
                struct ew next;

                while (j < n && (mp_is_wsp((unsigned char)s[j]) ||
                                 s[j] == '\r' || s[j] == '\n'))
                    j++;
                if (j < n && s[j] == '=' && usable_ew(&d, s, j, n, &next))
                    i = j;
            }
            continue;
        }
        if (cs) {
            flush(&d, cs, cs_len, &bytes, &out);
            cs = NULL;
        }
        /* Literal text up to the next "=?" candidate. */
        lit = i + 1;
        while (lit < n && s[lit] != '=')
            lit++;
        mp_utf8_add(&out, s + i, lit - i);
        i = lit;
    }
    if (cs)
        flush(&d, cs, cs_len, &bytes, &out);
    decoder_free(&d);
    buf_free(&bytes);
    return buf_steal(&out);
}

void
mp_charset_decode(const char *cs, const char *p, size_t n, struct buf *out)
{
    struct decoder d;
    struct buf bytes = BUF_INIT;
    size_t cs_len = strlen(cs), i;

    for (i = 0; i < cs_len && is_cs_char((unsigned char)cs[i]); i++)
        ;
    if (cs_len == 0 || cs_len > MP_CHARSET_MAX || i < cs_len) {
        mp_utf8_add(out, p, n);
        return;
    }
    memset(&d, 0, sizeof(d));
    buf_add(&bytes, p, n);
    flush(&d, cs, cs_len, &bytes, out);
    decoder_free(&d);
    buf_free(&bytes);
}
