/*
 * prefilter.c -- required literals of a regex (prefilter.h).
 *
 * Entry points: rl_prefilter_build(), rl_prefilter_may_match().  Neither
 * fails on bad input: a pattern the scan does not understand simply has
 * no prefilter, and the regex runs as before.
 *
 * Why the condition is exact (a skipped regex could not have matched):
 *  - Every literal found is a run of pattern characters that each match
 *    exactly one fixed character and that no quantifier can remove, so
 *    any match contains the run (or, for a group, the run of one of its
 *    alternatives) byte for byte.  Anything else -- `.`, classes of more
 *    than one character, escapes like \d, optional or repeated items,
 *    assertions -- ends the run; a group counts only when every
 *    alternative has a literal and the group is not optional.
 *  - Caseless (/i): the regexes are compiled with PCRE2_UTF, where the
 *    ASCII letters k and s also match U+212A KELVIN SIGN and U+017F LONG
 *    S (checked against the PCRE2 in use by tests/rulelang/prefilter.sh),
 *    and a non-ASCII letter matches its other cases.  So under /i those
 *    end a run too; the other ASCII letters are compared case-blind,
 *    everything else byte for byte.
 *  - The scan gives up (no prefilter) on anything whose meaning it does
 *    not model exactly: /x, (? other than (?: and named groups, (*VERB),
 *    \Q, backreferences and every escape with an argument, POSIX classes,
 *    a '{' that is not a {n}, {n,} or {n,m} quantifier, NUL bytes, a
 *    nesting deeper than RL_PF_DEPTH.
 * The subject is the value the regex would have been run on, unchanged:
 * the prefilter never changes what a test sees, only whether pcre2 runs.
 */
#include "config.h"
#include "prefilter.h"
#include "rl_int.h"

#include <string.h>

#define RL_PF_DEPTH 8               /* group nesting scanned */

struct cond {                       /* one of lit[0..n) must occur; n 0: none */
    size_t n;
    char lit[RL_PREFILTER_MAX_LITS][RL_PREFILTER_MAX_LEN];
    size_t len[RL_PREFILTER_MAX_LITS];
};

struct ps {
    const unsigned char *p, *end;
    int caseless;
    int fail;
    int depth;
};

enum akind { A_CHAR, A_ANY, A_ZERO, A_GROUP };
enum qkind { Q_ONE, Q_PLUS, Q_OPT };

static int
is_alnum(unsigned c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_letter(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned
lower(unsigned c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The length of the UTF-8 character starting with byte c (2..4), or 0. */
static size_t
utf8_len(unsigned c)
{
    if (c >= 0xc2 && c <= 0xdf) return 2;
    if (c >= 0xe0 && c <= 0xef) return 3;
    if (c >= 0xf0 && c <= 0xf4) return 4;
    return 0;
}

/* A character of the pattern that matches exactly itself (bytes b, n):
 * under /i an ASCII letter other than k and s (compared case-blind);
 * any character without /i. */
static int
fixed_char(const struct ps *s, const unsigned char *b, size_t n)
{
    if (!s->caseless)
        return 1;
    if (n != 1)
        return 0;               /* a non-ASCII character has other cases */
    return lower(b[0]) != 'k' && lower(b[0]) != 's';
}

static size_t
score(const struct cond *c)
{
    size_t m = (size_t)-1;

    for (size_t i = 0; i < c->n; i++)
        if (c->len[i] < m)
            m = c->len[i];
    return m;
}

/* Keep the better of *best and cand: the longer shortest literal, then
 * the fewer literals. */
static void
offer(struct cond *best, const struct cond *cand)
{
    if (cand->n == 0)
        return;
    if (best->n == 0 || score(cand) > score(best) ||
        (score(cand) == score(best) && cand->n < best->n))
        *best = *cand;
}

static void
offer_run(struct cond *best, const char *run, size_t len)
{
    struct cond c;

    if (len == 0)
        return;
    c.n = 1;
    memcpy(c.lit[0], run, len);
    c.len[0] = len;
    offer(best, &c);
}

struct atom {
    enum akind kind;
    unsigned char b[4];         /* A_CHAR: the character's bytes */
    size_t n;
    struct cond g;              /* A_GROUP */
};

static void parse_alt(struct ps *s, struct cond *out);

/* A character class at s->p ('['): one character, or A_ANY. */
static void
parse_class(struct ps *s, struct atom *a)
{
    const unsigned char *p = s->p + 1;
    int neg = 0, members = 0, range = 0;
    unsigned char one = 0;

    if (p < s->end && *p == '^') {
        neg = 1;
        p++;
    }
    for (int first = 1; ; first = 0) {
        unsigned c;

        if (p >= s->end) {
            s->fail = 1;
            return;
        }
        c = *p;
        if (c == ']' && !first)
            break;
        if (c == 0 || (c == '[' && p + 1 < s->end &&
                       (p[1] == ':' || p[1] == '.' || p[1] == '='))) {
            s->fail = 1;
            return;
        }
        if (c == '\\') {
            unsigned e;

            if (p + 1 >= s->end) {
                s->fail = 1;
                return;
            }
            e = p[1];
            p += 2;
            if (e >= 0x80 || e == 0) {
                s->fail = 1;
                return;
            }
            if (!is_alnum(e)) {
                one = (unsigned char)e;
                members++;
            } else if (strchr("dDwWsShHvV", (int)e)) {
                members += 2;
            } else {
                s->fail = 1;
                return;
            }
            continue;
        }
        if (c >= 0x80) {
            members += 2;       /* not modelled as one character */
            p++;
            continue;
        }
        if (c == '-' && !first && p + 1 < s->end && p[1] != ']')
            range = 1;
        one = (unsigned char)c;
        members++;
        p++;
    }
    s->p = p + 1;
    a->kind = A_ANY;
    if (!neg && !range && members == 1) {
        a->b[0] = one;
        a->n = 1;
        if (fixed_char(s, a->b, 1))
            a->kind = A_CHAR;
    }
}

static void
parse_atom(struct ps *s, struct atom *a)
{
    unsigned c = *s->p;

    a->kind = A_ANY;
    switch (c) {
    case '(':
        if (s->p + 1 < s->end && s->p[1] == '?') {
            const unsigned char *p = s->p + 2;
            unsigned close = 0;

            if (p < s->end && *p == ':') {
                p++;
            } else {
                if (p < s->end && *p == 'P')
                    p++;
                if (p < s->end && *p == '<')
                    close = '>';
                else if (p < s->end && *p == '\'')
                    close = '\'';
                if (close == 0 || p + 1 >= s->end ||
                    !(is_letter(p[1]) || p[1] == '_')) {
                    s->fail = 1;        /* lookaround, inline options, ... */
                    return;
                }
                for (p++; p < s->end && (is_alnum(*p) || *p == '_'); p++)
                    ;
                if (p >= s->end || *p != close) {
                    s->fail = 1;
                    return;
                }
                p++;
            }
            s->p = p;
        } else if (s->p + 1 < s->end && s->p[1] == '*') {
            s->fail = 1;                /* (*VERB) */
            return;
        } else {
            s->p++;
        }
        if (++s->depth > RL_PF_DEPTH) {
            s->fail = 1;
            return;
        }
        parse_alt(s, &a->g);
        s->depth--;
        if (s->fail || s->p >= s->end || *s->p != ')') {
            s->fail = 1;
            return;
        }
        s->p++;
        a->kind = A_GROUP;
        return;
    case '[':
        parse_class(s, a);
        return;
    case '.':
        s->p++;
        return;
    case '^': case '$':
        s->p++;
        a->kind = A_ZERO;
        return;
    case '\\': {
        unsigned e;
        if (s->p + 1 >= s->end) {
            s->fail = 1;
            return;
        }
        e = s->p[1];
        s->p += 2;
        if (e == 0 || e >= 0x80) {
            s->fail = 1;
        } else if (!is_alnum(e)) {
            a->b[0] = (unsigned char)e;
            a->n = 1;
            a->kind = A_CHAR;           /* punctuation: never a letter */
        } else if (e == 'N' && s->p < s->end && *s->p == '{') {
            s->fail = 1;
        } else if (strchr("dDwWsShHvVRNX", (int)e)) {
            a->kind = A_ANY;
        } else if (strchr("bBAzZG", (int)e)) {
            a->kind = A_ZERO;
        } else if (strchr("ntrfea", (int)e)) {
            static const char from[] = "ntrfea", to[] = "\n\t\r\f\033\a";

            a->b[0] = (unsigned char)to[strchr(from, (int)e) - from];
            a->n = 1;
            a->kind = A_CHAR;
        } else {
            s->fail = 1;                /* \Q, \x, \1, \p, \g, \k, \K, ... */
        }
        return;
    }
    case '*': case '+': case '?': case '{': case 0:
        s->fail = 1;
        return;
    default:
        if (c < 0x80) {
            a->b[0] = (unsigned char)c;
            a->n = 1;
        } else {
            size_t n = utf8_len(c);

            if (n == 0 || (size_t)(s->end - s->p) < n) {
                s->fail = 1;
                return;
            }
            for (size_t i = 1; i < n; i++)
                if ((s->p[i] & 0xc0) != 0x80) {
                    s->fail = 1;
                    return;
                }
            memcpy(a->b, s->p, n);
            a->n = n;
        }
        s->p += a->n;
        a->kind = fixed_char(s, a->b, a->n) ? A_CHAR : A_ANY;
        return;
    }
}

/* {n}, {n,} or {n,m} at s->p: 1 with *min set, 0 when it is none. */
static int
brace_quant(struct ps *s, unsigned long *min)
{
    const unsigned char *p = s->p + 1;
    unsigned long n = 0;
    int digits = 0;

    for (; p < s->end && *p >= '0' && *p <= '9'; p++, digits++)
        n = n < 100000 ? n * 10 + (*p - '0') : n;
    if (digits == 0)
        return 0;
    if (p < s->end && *p == ',') {
        for (p++; p < s->end && *p >= '0' && *p <= '9'; p++)
            ;
    }
    if (p >= s->end || *p != '}')
        return 0;
    s->p = p + 1;
    *min = n;
    return 1;
}

static enum qkind
parse_quant(struct ps *s)
{
    enum qkind q;
    unsigned long min;

    if (s->p >= s->end)
        return Q_ONE;
    switch (*s->p) {
    case '?': case '*':
        q = Q_OPT;
        s->p++;
        break;
    case '+':
        q = Q_PLUS;
        s->p++;
        break;
    case '{':
        if (!brace_quant(s, &min)) {
            s->fail = 1;        /* a literal '{' (or a newer syntax) */
            return Q_ONE;
        }
        q = min == 0 ? Q_OPT : Q_PLUS;
        break;
    default:
        return Q_ONE;
    }
    if (s->p < s->end && (*s->p == '?' || *s->p == '+'))
        s->p++;                 /* lazy or possessive: same characters */
    return q;
}

/* 1: an ASCII character that stands for itself outside a class; 2: a
 * quantifier (0: neither).  Bytes >= 0x80 are never plain. */
static const unsigned char plain[256] = {
    [' '] = 1, ['!'] = 1, ['"'] = 1, ['#'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
    [','] = 1, ['-'] = 1, ['/'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1, ['='] = 1,
    ['>'] = 1, ['@'] = 1, [']'] = 1, ['_'] = 1, ['`'] = 1, ['}'] = 1, ['~'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
    ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
    ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
    ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
    ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['?'] = 2, ['*'] = 2, ['+'] = 2, ['{'] = 2,
};

/* A sequence up to '|', ')' or the end: its best required literal(s). */
static void
parse_seq(struct ps *s, struct cond *best)
{
    char run[RL_PREFILTER_MAX_LEN];
    size_t rl = 0;
    struct atom a;

    best->n = 0;
    while (s->p < s->end && *s->p != '|' && *s->p != ')') {
        enum qkind q;
        unsigned c = *s->p;

        /* Fast path: a plain ASCII character with no quantifier after it
         * (what most of a pattern is) joins the run at once. */
        if (plain[c] == 1 && (s->p + 1 == s->end || plain[s->p[1]] != 2) &&
            fixed_char(s, s->p, 1)) {
            if (rl == sizeof run) {
                offer_run(best, run, rl);
                rl = 0;
            }
            run[rl++] = (char)c;
            s->p++;
            continue;
        }
        parse_atom(s, &a);
        if (s->fail)
            return;
        q = parse_quant(s);
        if (s->fail)
            return;
        if (a.kind == A_CHAR && q != Q_OPT) {
            if (rl + a.n > sizeof run) {
                offer_run(best, run, rl);
                rl = 0;
            }
            memcpy(run + rl, a.b, a.n);
            rl += a.n;
            if (q == Q_PLUS) {      /* "ab+c" holds "ab" and "bc" */
                offer_run(best, run, rl);
                memcpy(run, a.b, a.n);
                rl = a.n;
            }
            continue;
        }
        offer_run(best, run, rl);
        rl = 0;
        if (a.kind == A_GROUP && q != Q_OPT)
            offer(best, &a.g);
    }
    offer_run(best, run, rl);
}

/* Alternatives: one literal of each must occur, so the union of their
 * literals; none when one alternative has none. */
static void
parse_alt(struct ps *s, struct cond *out)
{
    struct cond b;
    int none = 0;

    out->n = 0;
    for (;;) {
        parse_seq(s, &b);
        if (s->fail)
            return;
        if (b.n == 0 || out->n + b.n > RL_PREFILTER_MAX_LITS)
            none = 1;
        if (!none) {
            for (size_t i = 0; i < b.n; i++) {
                memcpy(out->lit[out->n], b.lit[i], b.len[i]);
                out->len[out->n++] = b.len[i];
            }
        }
        if (s->p < s->end && *s->p == '|') {
            s->p++;
            continue;
        }
        break;
    }
    if (none)
        out->n = 0;
}

int
rl_prefilter_build(const char *pat, size_t len, uint32_t flags, struct rl_prefilter *pf)
{
    struct ps s = { (const unsigned char *)pat, (const unsigned char *)pat + len,
                    (flags & RL_RE_I) != 0, 0, 0 };
    struct cond c;

    pf->n = 0;
    pf->caseless = s.caseless;
    if (flags & RL_RE_X)
        return 0;
    parse_alt(&s, &c);
    if (s.fail || s.p != s.end || c.n == 0)
        return 0;
    for (size_t i = 0; i < c.n; i++) {
        memcpy(pf->lit[i], c.lit[i], c.len[i]);
        pf->len[i] = c.len[i];
    }
    pf->n = c.n;
    return 1;
}

/* ASCII case-blind compare of n bytes (lit already as written). */
static int
caseeq(const unsigned char *a, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i] && lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

static int
found(const unsigned char *h, size_t hn, const unsigned char *lit, size_t len, int caseless)
{
    const unsigned char *p, *last;
    size_t a = 0;

    if (len > hn)
        return 0;
    if (!caseless)
        return memmem(h, hn, lit, len) != NULL;
    /* Anchor on a byte that has one case when there is one: one memchr. */
    while (a < len && is_letter(lit[a]))
        a++;
    last = h + (hn - len) + (a < len ? a : 0);     /* last place of the anchor */
    if (a < len) {
        for (p = h + a; p <= last; p++) {
            p = memchr(p, lit[a], (size_t)(last - p) + 1);
            if (p == NULL)
                return 0;
            if (caseeq(p - a, lit, len))
                return 1;
        }
        return 0;
    }
    /* All letters: the next lower-case and upper-case first byte. */
    {
        unsigned lo = lower(lit[0]), up = lo - ('a' - 'A');
        const unsigned char *nl = memchr(h, (int)lo, (size_t)(last - h) + 1);
        const unsigned char *nu = memchr(h, (int)up, (size_t)(last - h) + 1);

        while (nl || nu) {
            p = nu == NULL || (nl && nl < nu) ? nl : nu;
            if (caseeq(p, lit, len))
                return 1;
            if (p == last)
                return 0;
            if (p == nl)
                nl = memchr(p + 1, (int)lo, (size_t)(last - p));
            else
                nu = memchr(p + 1, (int)up, (size_t)(last - p));
        }
        return 0;
    }
}

int
rl_prefilter_may_match(const struct rl_prefilter *pf, const char *s, size_t n)
{
    if (pf == NULL || pf->n == 0)
        return 1;
    for (size_t i = 0; i < pf->n; i++)
        if (found((const unsigned char *)s, n, (const unsigned char *)pf->lit[i],
                  pf->len[i], pf->caseless))
            return 1;
    return 0;
}

const struct rl_prefilter *
rl_regex_prefilter(struct rl_const *k)
{
    if (k->kind != RL_K_REGEX)
        return NULL;
    if (k->pf_state == 0) {
        struct rl_prefilter pf;

        k->pf_state = 1;
        if (rl_prefilter_build(k->s, k->len, k->flags, &pf)) {
            k->pf = xmalloc(sizeof *k->pf);
            *k->pf = pf;
        }
    }
    return k->pf;
}
