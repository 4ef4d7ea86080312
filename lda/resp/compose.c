/*
 * compose.c -- safe header fields and small helpers for the mail weir
 * writes (see compose.h for the contract and the SECURITY rules).
 */
#include "config.h"
#include "compose.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define FOLD_AT 78              /* preferred line length */
#define EW_LINE 76              /* longest line holding encoded-words */
#define EW_OVERHEAD 12          /* "=?UTF-8?B?" + "?=" */

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
    uint32_t cp;
    size_t len;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        len = 2, cp = p[0] & 0x1f;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        len = 3, cp = p[0] & 0x0f;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        len = 4, cp = p[0] & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* A cleaned copy of s: valid UTF-8 (invalid bytes '?'), control
 * characters (C0, DEL, C1) as spaces except '\n' and '\t' when keep_nl;
 * at most max bytes, cut on a character boundary. */
static char *
clean(const char *s, size_t max, int keep_nl)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p);
    struct buf b = BUF_INIT;

    buf_reserve(&b, n < max ? n + 1 : max + 1);
    while (*p) {
        size_t l = utf8_len(p, n);

        if (l == 0) {
            l = 1;
            if (b.len + 1 > max)
                break;
            buf_addc(&b, '?');
        } else if (l == 1) {
            int c = *p;

            if (b.len + 1 > max)
                break;
            if (keep_nl && (c == '\n' || c == '\t'))
                buf_addc(&b, c);
            else
                buf_addc(&b, c < 0x20 || c == 0x7f ? ' ' : c);
        } else {
            if (b.len + l > max)
                break;
            if (l == 2 && p[0] == 0xc2 && p[1] < 0xa0)
                buf_addc(&b, ' ');              /* C1 control */
            else
                buf_add(&b, p, l);
        }
        p += l;
        n -= l;
    }
    return buf_steal(&b);
}

/* Collapse runs of white space to one space and trim, in place. */
static void
squeeze(char *s)
{
    char *w = s;
    int sp = 1;

    for (char *r = s; *r; r++) {
        if (*r == ' ' || *r == '\t') {
            if (!sp)
                *w++ = ' ';
            sp = 1;
        } else {
            *w++ = *r;
            sp = 0;
        }
    }
    if (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
}

static int
needs_encoding(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80)
            return 1;
    return strstr(s, "=?") != NULL;
}

static void
base64(struct buf *b, const unsigned char *p, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;

        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        buf_addc(b, tab[(v >> 18) & 63]);
        buf_addc(b, tab[(v >> 12) & 63]);
        buf_addc(b, i + 1 < n ? tab[(v >> 6) & 63] : '=');
        buf_addc(b, i + 2 < n ? tab[v & 63] : '=');
    }
}

/* Encoded-words for s (clean UTF-8), starting at column col; each line
 * stays within EW_LINE, words split only between characters. */
static void
encode_words(struct buf *b, const char *s, size_t col)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    int first = 1;

    while (n > 0) {
        size_t room = EW_LINE - (first ? col : 1);
        size_t raw = room > EW_OVERHEAD ? (room - EW_OVERHEAD) / 4 * 3 : 3;
        size_t take = 0;

        if (raw < 6)
            raw = 6;
        while (take < n) {
            size_t l = utf8_len(p + take, n - take);

            if (l == 0)
                l = 1;
            if (take + l > raw)
                break;
            take += l;
        }
        if (!first)
            buf_adds(b, "\n ");
        buf_adds(b, "=?UTF-8?B?");
        base64(b, p, take);
        buf_adds(b, "?=");
        p += take;
        n -= take;
        first = 0;
    }
}

/* Plain text folded at white space near FOLD_AT. */
static void
fold_plain(struct buf *b, const char *s, size_t col)
{
    while (*s) {
        const char *sp = strchr(s, ' ');
        size_t w = sp ? (size_t)(sp - s) : strlen(s);

        if (col > 0 && col + 1 + w > FOLD_AT) {
            buf_adds(b, "\n ");
            col = 1;
        } else if (col > 0) {
            buf_addc(b, ' ');
            col++;
        }
        buf_add(b, s, w);
        col += w;
        s += w;
        while (*s == ' ')
            s++;
    }
}

void
resp_header_text(struct buf *b, const char *name, const char *value)
{
    char *v = clean(value, RESP_HEADER_VALUE_MAX, 0);
    size_t col = strlen(name) + 2;

    squeeze(v);
    buf_printf(b, "%s: ", name);
    if (needs_encoding(v))
        encode_words(b, v, col);
    else {
        /* fold_plain's first word goes right after "Name: ". */
        const char *s = v;
        const char *sp = strchr(s, ' ');
        size_t w = sp ? (size_t)(sp - s) : strlen(s);

        buf_add(b, s, w);
        s += w;
        while (*s == ' ')
            s++;
        fold_plain(b, s, col + w);
    }
    buf_addc(b, '\n');
    free(v);
}

static int
atext(int c)
{
    return isalnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

void
resp_header_addr(struct buf *b, const char *name, const char *display, const char *addr)
{
    buf_printf(b, "%s: ", name);
    if (display && *display) {
        char *d = clean(display, 200, 0);

        squeeze(d);
        if (needs_encoding(d)) {
            encode_words(b, d, strlen(name) + 2);
            buf_adds(b, "\n");
        } else {
            int plain = *d != '\0';

            for (const char *p = d; *p; p++)
                if (!atext((unsigned char)*p) && *p != ' ')
                    plain = 0;
            if (plain)
                buf_adds(b, d);
            else {
                buf_addc(b, '"');
                for (const char *p = d; *p; p++) {
                    if (*p == '"' || *p == '\\')
                        buf_addc(b, '\\');
                    buf_addc(b, *p);
                }
                buf_addc(b, '"');
            }
        }
        buf_addc(b, ' ');
        free(d);
    }
    buf_printf(b, "<%s>\n", addr);
}

int
resp_addr_plain(const char *s)
{
    const char *at, *p;
    size_t n;

    if (s == NULL)
        return 0;
    n = strlen(s);
    at = strrchr(s, '@');
    if (n == 0 || n > RESP_ADDR_MAX || at == NULL || at == s || at[1] == '\0')
        return 0;
    /* local part: dot-atom */
    if (s[0] == '.' || at[-1] == '.')
        return 0;
    for (p = s; p < at; p++) {
        if (*p == '.') {
            if (p[1] == '.')
                return 0;
        } else if (!atext((unsigned char)*p))
            return 0;
    }
    p = at + 1;
    if (*p == '[') {
        size_t l = strlen(p);

        if (l < 3 || p[l - 1] != ']')
            return 0;
        for (const char *q = p + 1; q < p + l - 1; q++)
            if (!isxdigit((unsigned char)*q) && *q != '.' && *q != ':')
                return 0;
        return 1;
    }
    if (*p == '.' || *p == '-')
        return 0;
    for (; *p; p++) {
        if (*p == '.') {
            if (p[1] == '.' || p[1] == '\0' || p[1] == '-' || p[-1] == '-')
                return 0;
        } else if (!isalnum((unsigned char)*p) && *p != '-')
            return 0;
    }
    return at[strlen(at) - 1] != '-';
}

size_t
resp_msgids(const char *value, char **out, size_t max)
{
    size_t n = 0;
    const char *p = value;

    while (p && n < max && (p = strchr(p, '<')) != NULL) {
        const char *q = p + 1;
        int good = 1, at = 0;

        while (*q && *q != '>') {
            unsigned char c = (unsigned char)*q;

            if (c <= 0x20 || c >= 0x7f || c == '<') {
                good = 0;
                break;
            }
            at |= c == '@';
            q++;
        }
        if (*q != '>')
            good = 0;
        if (good && at && (size_t)(q - p + 1) <= RESP_MSGID_MAX && q > p + 1)
            out[n++] = xstrndup(p, (size_t)(q - p + 1));
        p = (*q == '>') ? q + 1 : (*q ? q : NULL);
    }
    return n;
}

void
resp_date(struct buf *b, time_t t)
{
    static const char *const day[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                       "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;
    long off;

    if (localtime_r(&t, &tm) == NULL) {
        gmtime_r(&t, &tm);
        tm.tm_gmtoff = 0;
    }
    off = tm.tm_gmtoff / 60;
    buf_printf(b, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld", day[tm.tm_wday % 7], tm.tm_mday,
               mon[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
               off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

void
resp_message_id(struct buf *b, const char *host, time_t now)
{
    unsigned long long r = 0;
    const char *h = host && *host ? host : "localhost";

    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
        r ^= (unsigned long long)(uintptr_t)&r ^ (unsigned long long)getpid() << 32;
    for (const char *p = h; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-') {
            h = "localhost";
            break;
        }
    buf_printf(b, "<%lld.%ld.%016llx@%s>", (long long)now, (long)getpid(), r, h);
}

/* Length of one reply prefix ("Re:", "RE[2]:", "Aw: ") at s, or 0. */
static size_t
re_prefix(const char *s)
{
    static const char *const words[] = { "re", "aw", "sv", "antw", "vs", NULL };

    for (size_t i = 0; words[i]; i++) {
        size_t n = strlen(words[i]);
        const char *p = s + n;

        if (strncasecmp(s, words[i], n) != 0)
            continue;
        if (*p == '[' || *p == '(') {
            char close = *p == '[' ? ']' : ')';

            p++;
            while (isdigit((unsigned char)*p))
                p++;
            if (*p != close)
                continue;
            p++;
        }
        if (*p != ':')
            continue;
        return (size_t)(p + 1 - s);
    }
    return 0;
}

char *
resp_re_subject(const char *subject)
{
    char *c = clean(subject, RESP_SUBJECT_MAX, 0), *r;
    const char *s;
    size_t n;

    squeeze(c);
    s = c;
    while ((n = re_prefix(s)) > 0) {
        s += n;
        while (*s == ' ')
            s++;
    }
    r = xasprintf("Re: %s", *s ? s : "your message");
    free(c);
    return r;
}

char *
resp_body_text(const char *s)
{
    char *c = clean(s, (size_t)-1 / 2, 1);
    size_t n = strlen(c);

    if (n == 0 || c[n - 1] != '\n') {
        c = xrealloc(c, n + 2);
        c[n] = '\n';
        c[n + 1] = '\0';
    }
    return c;
}

int
resp_glob(const char *pat, const char *s)
{
    while (*pat) {
        if (*pat == '*') {
            while (*pat == '*')
                pat++;
            if (*pat == '\0')
                return 1;
            for (; *s; s++)
                if (resp_glob(pat, s))
                    return 1;
            return 0;
        }
        if (*s == '\0' || tolower((unsigned char)*pat) != tolower((unsigned char)*s))
            return 0;
        pat++;
        s++;
    }
    return *s == '\0';
}
