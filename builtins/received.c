/*
 * received.c -- Received: header fields (see received.h for the rules).
 *
 * A small scanner over the value: comments (nested, with quoted pairs),
 * address literals in brackets, and words.  Nothing is allocated; the
 * field is read once, left to right.
 */
#include "config.h"
#include "received.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Comment nesting followed; deeper text is still skipped correctly. */
#define RCV_DEPTH_MAX 16

struct scan {
    const char *p, *end;
    struct rcv_hop *hop;
    int best;                   /* how of the address taken so far (5: none) */
    int skip_next;              /* the next word/literal is a HELO claim */
};

static int
is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A keyword that ends the from clause, at a word boundary. */
static int
clause_end(const char *w, size_t n)
{
    static const char *const kw[] = { "by", "via", "with", "id", "for", NULL };

    for (size_t i = 0; kw[i]; i++)
        if (strlen(kw[i]) == n && strncasecmp(w, kw[i], n) == 0)
            return 1;
    return 0;
}

static void
copy_name(char *dst, const char *s, size_t n)
{
    if (n >= RCV_NAME_MAX)
        n = RCV_NAME_MAX - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    dst[n] = '\0';
}

static void
offer(struct scan *sc, const char *s, size_t n, int how)
{
    struct na_addr a;

    if (how >= sc->best)
        return;
    if (na_parse(s, n, &a) != 0)
        return;
    sc->hop->ip = a;
    sc->hop->has_ip = 1;
    sc->hop->how = how;
    sc->best = how;
}

/* A word inside a comment: maybe "HELO", "helo=x", "user@ip", an ip. */
static void
comment_word(struct scan *sc, const char *w, size_t n)
{
    const char *at;

    while (n > 0 && (w[n - 1] == ',' || w[n - 1] == ';' || w[n - 1] == '.'))
        n--;
    if (n == 0)
        return;
    if (sc->skip_next) {
        sc->skip_next = 0;
        return;
    }
    if (n == 4 && (strncasecmp(w, "HELO", 4) == 0 || strncasecmp(w, "EHLO", 4) == 0 ||
                   strncasecmp(w, "LHLO", 4) == 0)) {
        sc->skip_next = 1;
        return;
    }
    if (n >= 5 && strncasecmp(w, "helo=", 5) == 0)
        return;                 /* helo=name or helo=[literal]: a claim */
    at = memchr(w, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - w);
        w = at + 1;
    }
    if (n > 0 && w[0] == '[') {
        const char *close = memchr(w, ']', n);

        if (close)              /* Exim's "[ip]:port" */
            offer(sc, w, (size_t)(close - w) + 1, 1);
        return;
    }
    offer(sc, w, n, 2);
}

/* Scan a comment starting at '(' (sc->p); returns past its end. */
static void
comment(struct scan *sc)
{
    int depth = 0;
    const char *w = NULL;

    sc->skip_next = 0;
    while (sc->p < sc->end) {
        char c = *sc->p;

        if (c == '\\' && sc->p + 1 < sc->end) {
            sc->p += 2;
            continue;
        }
        if (c == '(' || c == ')' || is_ws((unsigned char)c)) {
            if (w && depth >= 1) {
                if (depth <= RCV_DEPTH_MAX)
                    comment_word(sc, w, (size_t)(sc->p - w));
                w = NULL;
            }
            if (c == '(')
                depth++;
            else if (c == ')' && --depth == 0) {
                sc->p++;
                return;
            }
            sc->p++;
            continue;
        }
        if (w == NULL)
            w = sc->p;
        sc->p++;
    }
    if (w && depth >= 1 && depth <= RCV_DEPTH_MAX)
        comment_word(sc, w, (size_t)(sc->p - w));
}

static void
skip_ws(struct scan *sc)
{
    while (sc->p < sc->end && is_ws((unsigned char)*sc->p))
        sc->p++;
}

/* A word outside comments: up to white space, '(' or ';'. */
static size_t
word(struct scan *sc, const char **w)
{
    *w = sc->p;
    if (sc->p < sc->end && *sc->p == '[') {
        const char *close = memchr(sc->p, ']', (size_t)(sc->end - sc->p));

        if (close) {
            sc->p = close + 1;
            /* Exim appends :port to a literal */
            while (sc->p < sc->end && !is_ws((unsigned char)*sc->p) &&
                   *sc->p != '(' && *sc->p != ';')
                sc->p++;
            return (size_t)(sc->p - *w);
        }
    }
    while (sc->p < sc->end && !is_ws((unsigned char)*sc->p) && *sc->p != '(' &&
           *sc->p != ';')
        sc->p++;
    return (size_t)(sc->p - *w);
}

static void
literal_word(struct scan *sc, const char *w, size_t n, int how)
{
    if (n > 0 && w[0] == '[') {
        const char *close = memchr(w, ']', n);

        if (close)
            offer(sc, w, (size_t)(close - w) + 1, how);
        return;
    }
    if (how == 4)
        offer(sc, w, n, how);
}

void
rcv_parse(const char *value, size_t len, struct rcv_hop *hop)
{
    struct scan sc = { value, value + len, hop, 5, 0 };
    const char *w;
    size_t n;
    int in_from = 0, seen_from_name = 0;

    memset(hop, 0, sizeof *hop);
    while (sc.p < sc.end) {
        skip_ws(&sc);
        if (sc.p >= sc.end)
            break;
        if (*sc.p == '(') {
            if (in_from)
                comment(&sc);
            else {
                struct rcv_hop scratch;
                struct scan sk = { sc.p, sc.end, &scratch, 0, 0 };

                comment(&sk);   /* skipped: best 0 takes nothing */
                sc.p = sk.p;
            }
            continue;
        }
        if (*sc.p == ';')
            break;
        n = word(&sc, &w);
        if (n == 0) {
            sc.p++;
            continue;
        }
        if (n == 4 && strncasecmp(w, "from", 4) == 0 && !in_from && !seen_from_name &&
            hop->by[0] == '\0') {
            in_from = 1;
            continue;
        }
        if (clause_end(w, n)) {
            in_from = 0;
            if (n == 2 && strncasecmp(w, "by", 2) == 0 && hop->by[0] == '\0') {
                skip_ws(&sc);
                n = word(&sc, &w);
                copy_name(hop->by, w, n);
            }
            continue;
        }
        if (in_from) {
            if (!seen_from_name) {
                seen_from_name = 1;
                copy_name(hop->from, w, n);
                literal_word(&sc, w, n, 4);
            } else
                literal_word(&sc, w, n, 3);
        }
    }
}
