/*
 * mp_address.c -- RFC 5322 address lists (mp_address_parse_list,
 * mp_address_list_free, mp_address_spec).
 *
 * The value is cut into tokens once (atoms, quoted strings, comments,
 * domain literals, specials), then walked left to right, one address at a
 * time, with the tolerant rules listed in the NORMALISATION RULES block of
 * mailparse.c.  It cannot fail: garbage is skipped, unterminated quotes,
 * comments and domain literals lose their opening character.  Work is
 * linear in the input: each token is looked at a bounded number of times
 * and an unterminated construct is scanned for its end at most once per
 * kind.
 */
#include "config.h"
#include "mailparse.h"
#include "mp_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

enum tok_type {
    T_ATOM, T_QSTR, T_COMMENT, T_DLIT,
    T_DOT, T_AT, T_COMMA, T_SEMI, T_COLON, T_LT, T_GT
};

struct tok {
    enum tok_type t;
    int ws;             /* white space or a comment came before it */
    int own;            /* text is in the arena (unescaped), else in the value */
    size_t off, len;
};

struct lexed {
    const char *src;
    struct tok *tok;
    size_t n, cap;
    struct buf arena;   /* unescaped text of quoted strings, comments, literals */
};

struct alist {
    struct mp_address *a;
    size_t n, cap;
};

struct seg_cache {
    int valid;
    size_t from, end;
};

static int
is_special(int c)
{
    return c != '\0' && strchr("()<>[]:;@\\,.\"", c) != NULL;
}

static int
is_space_or_ctl(int c)
{
    return c <= ' ' || c == 0x7f;
}

static void
push(struct lexed *lx, enum tok_type t, int ws, int own, size_t off, size_t len)
{
    struct tok *k;

    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 32;
        lx->tok = xreallocarray(lx->tok, lx->cap, sizeof(*lx->tok));
    }
    k = &lx->tok[lx->n++];
    k->t = t;
    k->ws = ws;
    k->own = own;
    k->off = off;
    k->len = len;
}

static const char *
tok_text(const struct lexed *lx, const struct tok *k)
{
    if (!k->own)
        return lx->src + k->off;
    /* Only empty strings ("" or ()) so far: the arena is not allocated. */
    return lx->arena.data ? lx->arena.data + k->off : "";
}

/* Scan a bracketed construct starting at s[i] (the opening character):
 * a quoted string ("..."), a comment ((...), nested) or a domain literal
 * ([...]).  On success append the unescaped content to the arena (for a
 * domain literal with its brackets), return the offset after the closing
 * character; 0 when it is unterminated. */
static size_t
scan_delimited(struct lexed *lx, size_t i, size_t n, size_t *off, size_t *len)
{
    const char *s = lx->src;
    char open = s[i];
    char close = open == '(' ? ')' : open == '[' ? ']' : '"';
    size_t j, start = lx->arena.len, depth = 1;

    if (open == '[')
        buf_addc(&lx->arena, '[');
    for (j = i + 1; j < n; j++) {
        char c = s[j];

        if (c == '\\' && j + 1 < n) {
            buf_addc(&lx->arena, s[++j]);
            continue;
        }
        if (open == '(' && c == '(')
            depth++;
        else if (c == close && --depth == 0) {
            if (open == '[')
                buf_addc(&lx->arena, ']');
            *off = start;
            *len = lx->arena.len - start;
            return j + 1;
        } else if (open == '[' && c == '[')
            break;                      /* not dtext: unterminated */
        buf_addc(&lx->arena, c);
    }
    lx->arena.len = start;              /* drop what was copied */
    if (lx->arena.data)
        lx->arena.data[start] = '\0';
    return 0;
}

static void
lex(struct lexed *lx, const char *s)
{
    size_t n = strlen(s), i = 0, end, off, len;
    int ws = 0, failed_q = 0, failed_c = 0, failed_d = 0;

    lx->src = s;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        enum tok_type t;

        if (is_space_or_ctl(c)) {
            ws = 1;
            i++;
            continue;
        }
        switch (c) {
        case '"': case '(': case '[': {
            int *failed = c == '"' ? &failed_q : c == '(' ? &failed_c : &failed_d;

            if (!*failed && (end = scan_delimited(lx, i, n, &off, &len)) != 0) {
                t = c == '"' ? T_QSTR : c == '(' ? T_COMMENT : T_DLIT;
                push(lx, t, ws, 1, off, len);
                ws = t == T_COMMENT;
                i = end;
                continue;
            }
            /* Unterminated: later ones would be too, skip them all. */
            *failed = 1;
            ws = 1;
            i++;
            continue;
        }
        case ')': case ']': case '\\':
            ws = 1;                     /* stray: a separator */
            i++;
            continue;
        case '.': t = T_DOT; break;
        case '@': t = T_AT; break;
        case ',': t = T_COMMA; break;
        case ';': t = T_SEMI; break;
        case ':': t = T_COLON; break;
        case '<': t = T_LT; break;
        case '>': t = T_GT; break;
        default:
            for (end = i; end < n && !is_space_or_ctl((unsigned char)s[end]) &&
                          !is_special((unsigned char)s[end]); end++)
                ;
            push(lx, T_ATOM, ws, 0, i, end - i);
            ws = 0;
            i = end;
            continue;
        }
        push(lx, t, ws, 0, i, 1);
        ws = 0;
        i++;
    }
}

static int
is_word(enum tok_type t)
{
    return t == T_ATOM || t == T_QSTR;
}

/* The local part ending just before the '@' at index at: walk back over
 * dots, words not directly after another word, and comments.  Returns the
 * index of its first token (== at when empty). */
static size_t
local_start(const struct lexed *lx, size_t lo, size_t at)
{
    size_t k = at, first = at;
    int after_word = 0;

    while (k > lo) {
        enum tok_type t = lx->tok[k - 1].t;

        if (t == T_COMMENT) {
            k--;
            continue;
        }
        if (t == T_DOT)
            after_word = 0;
        else if (is_word(t) && !after_word)
            after_word = 1;
        else
            break;
        first = --k;
    }
    return first;
}

/* The domain starting after the '@' at index at, up to hi: dots and atoms
 * or domain literals not directly after another one.  Returns the index
 * after its last token. */
static size_t
domain_end(const struct lexed *lx, size_t at, size_t hi)
{
    /* cppcheck-suppress duplicateAssignExpression ; both start after 'at' */
    size_t k = at + 1, last = at + 1;
    int after_word = 0;

    while (k < hi) {
        enum tok_type t = lx->tok[k].t;

        if (t == T_COMMENT) {
            k++;
            continue;
        }
        if (t == T_DOT)
            after_word = 0;
        else if ((t == T_ATOM || t == T_DLIT) && !after_word)
            after_word = 1;
        else
            break;
        last = ++k;
    }
    return last;
}

/* Concatenate the words and dots of [a, b) (no separators). */
static void
join_parts(const struct lexed *lx, size_t a, size_t b, struct buf *out)
{
    size_t k;

    for (; a < b; a++) {
        const struct tok *t = &lx->tok[a];

        if (t->t == T_ATOM || t->t == T_QSTR || t->t == T_DLIT || t->t == T_DOT)
            buf_add(out, tok_text(lx, t), t->len);
    }
    for (k = 0; k < out->len; k++)
        if (out->data[k] == '\r' || out->data[k] == '\n')
            out->data[k] = ' ';
}

static char *
trim_decode(const char *s, size_t n)
{
    char *tmp, *dec;
    size_t a = 0, e = n;

    while (a < e && mp_is_wsp((unsigned char)s[a]))
        a++;
    while (e > a && mp_is_wsp((unsigned char)s[e - 1]))
        e--;
    tmp = xstrndup(s + a, e - a);
    dec = mp_decode_2047(tmp);
    free(tmp);
    /* Decoding can leave white space at the ends ("=?x?q?_a?="). */
    n = strlen(dec);
    for (a = 0; a < n && mp_is_wsp((unsigned char)dec[a]); a++)
        ;
    for (e = n; e > a && mp_is_wsp((unsigned char)dec[e - 1]); e--)
        ;
    if (a > 0 || e < n) {
        memmove(dec, dec + a, e - a);
        dec[e - a] = '\0';
    }
    return dec;
}

/* Display name from the phrase tokens [a, b). */
static char *
phrase(const struct lexed *lx, size_t a, size_t b)
{
    struct buf p = BUF_INIT;
    char *r;
    int pending_ws = 0;

    for (; a < b; a++) {
        const struct tok *t = &lx->tok[a];

        if (t->t != T_ATOM && t->t != T_QSTR && t->t != T_DOT && t->t != T_AT) {
            pending_ws = 1;             /* comments and stray specials */
            continue;
        }
        if (p.len && (t->ws || pending_ws))
            buf_addc(&p, ' ');
        pending_ws = 0;
        buf_add(&p, tok_text(lx, t), t->len);
    }
    r = trim_decode(p.data ? p.data : "", p.len);
    buf_free(&p);
    return r;
}

/* Display name from the first comment in [a, b), white space collapsed;
 * NULL when there is none. */
static char *
comment_name(const struct lexed *lx, size_t a, size_t b)
{
    struct buf p = BUF_INIT;
    char *r;
    size_t i;

    for (; a < b; a++)
        if (lx->tok[a].t == T_COMMENT)
            break;
    if (a >= b)
        return NULL;
    {
        const char *s = tok_text(lx, &lx->tok[a]);
        int sp = 0;

        for (i = 0; i < lx->tok[a].len; i++) {
            unsigned char c = (unsigned char)s[i];

            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                sp = 1;
                continue;
            }
            if (sp && p.len)
                buf_addc(&p, ' ');
            sp = 0;
            buf_addc(&p, c);
        }
    }
    r = trim_decode(p.data ? p.data : "", p.len);
    buf_free(&p);
    if (*r == '\0') {
        free(r);
        return NULL;
    }
    return r;
}

static int
has_word(const struct lexed *lx, size_t a, size_t b)
{
    for (; a < b; a++)
        if (is_word(lx->tok[a].t))
            return 1;
    return 0;
}

/* Add an address: local part [la, lb), domain [da, db), display (taken).
 * Dropped when the local part has no word, or local part and domain are
 * both empty (a lone ""). */
static void
emit(struct alist *out, const struct lexed *lx, char *display,
     size_t la, size_t lb, size_t da, size_t db)
{
    struct buf raw = BUF_INIT, local = BUF_INIT, domain = BUF_INIT;
    struct mp_address *a;
    size_t k;

    if (!has_word(lx, la, lb)) {
        free(display);
        return;
    }
    join_parts(lx, la, lb, &raw);
    mp_utf8_add(&local, raw.data ? raw.data : "", raw.len);
    buf_reset(&raw);
    join_parts(lx, da, db, &raw);
    for (k = 0; k < raw.len; k++)
        raw.data[k] = (char)mp_lower((unsigned char)raw.data[k]);
    mp_utf8_add(&domain, raw.data ? raw.data : "", raw.len);
    buf_free(&raw);
    if (local.len == 0 && domain.len == 0) {
        buf_free(&local);
        buf_free(&domain);
        free(display);
        return;
    }
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 4;
        out->a = xreallocarray(out->a, out->cap, sizeof(*out->a));
    }
    a = &out->a[out->n++];
    a->display = display ? display : xstrdup("");
    a->local = buf_steal(&local);
    a->domain = buf_steal(&domain);
}

/* After an address ending before index k: words up to the next ',' or
 * ';' are dropped, unless an '@' or '<' comes first (a missing comma).
 * Returns where the next address starts. */
static size_t
skip_trailing(const struct lexed *lx, size_t k)
{
    size_t j;

    for (j = k; j < lx->n; j++) {
        enum tok_type t = lx->tok[j].t;

        if (t == T_COMMA || t == T_SEMI)
            return j + 1;
        if (t == T_AT || t == T_LT)
            return k;
    }
    return lx->n;
}

/* A segment [a, b) with neither '@' nor '<': a lone word or dot-run is a
 * local part without domain; anything else is garbage. */
static void
lone_word(struct alist *out, const struct lexed *lx, size_t a, size_t b)
{
    size_t first = local_start(lx, a, b), k;

    for (k = a; k < first; k++)
        if (lx->tok[k].t != T_COMMENT)
            return;                     /* more than one word, or specials */
    emit(out, lx, comment_name(lx, a, b), first, b, b, b);
}

/* name-addr: display [start, lt), then the bracketed part.  Returns where
 * the next address starts. */
static size_t
angle(struct alist *out, const struct lexed *lx, size_t start, size_t lt)
{
    size_t k = lt + 1, cstart = k, cend, at = 0, ls, de;
    int route = k < lx->n && lx->tok[k].t == T_AT, have_at = 0;

    for (; k < lx->n; k++) {
        enum tok_type t = lx->tok[k].t;

        if (t == T_GT)
            break;
        if (t == T_COLON) {             /* end of a route, or junk: drop */
            route = 0;
            cstart = k + 1;
            have_at = 0;
        } else if (t == T_COMMA && route) {
            /* "@a,@b:" goes on only with another '@' (or ','). */
            if (k + 1 < lx->n && (lx->tok[k + 1].t == T_AT || lx->tok[k + 1].t == T_COMMA))
                continue;
            break;
        } else if (t == T_COMMA || t == T_SEMI || t == T_LT)
            break;                      /* missing '>' */
        else if (t == T_AT && !route && !have_at) {
            have_at = 1;
            at = k;
        }
    }
    cend = k;
    if (route) {                        /* "<@a,@b>": a route and nothing else */
        cstart = cend;
        have_at = 0;
    }
    if (have_at) {
        ls = local_start(lx, cstart, at);
        de = domain_end(lx, at, cend);
        emit(out, lx, phrase(lx, start, lt), ls, at, at + 1, de);
    } else {
        ls = local_start(lx, cstart, cend);
        emit(out, lx, phrase(lx, start, lt), ls, cend, cend, cend);
    }
    if (k < lx->n && lx->tok[k].t == T_GT)
        return skip_trailing(lx, k + 1);
    return k;                           /* let the caller see ',' ';' '<' */
}

/* addr-spec at the '@' at index at, segment started at start. */
static size_t
bare(struct alist *out, const struct lexed *lx, size_t start, size_t at)
{
    size_t ls = local_start(lx, start, at);
    size_t de = domain_end(lx, at, lx->n), end = de;
    char *display;

    while (end < lx->n && lx->tok[end].t == T_COMMENT)
        end++;
    display = phrase(lx, start, ls);
    if (*display == '\0') {
        char *c = comment_name(lx, start, end);

        if (c) {
            free(display);
            display = c;
        }
    }
    emit(out, lx, display, ls, at, at + 1, de);
    return skip_trailing(lx, end);
}

/* The end of the segment holding index start: the first ',' ';' '<' or
 * ':' at or after it.  Cached: every index up to that end shares it, so
 * the list is scanned once however the addresses in it are cut. */
static size_t
segment_end(struct seg_cache *c, const struct lexed *lx, size_t start)
{
    size_t j;

    if (c->valid && start >= c->from && start <= c->end)
        return c->end;
    for (j = start; j < lx->n; j++) {
        enum tok_type t = lx->tok[j].t;

        if (t == T_COMMA || t == T_SEMI || t == T_LT || t == T_COLON)
            break;
    }
    c->valid = 1;
    c->from = start;
    c->end = j;
    return j;
}

/* One address (or group opener) from index start; returns the next. */
static size_t
one(struct alist *out, const struct lexed *lx, struct seg_cache *c, size_t start)
{
    size_t j, k;

    for (;;) {
        j = segment_end(c, lx, start);
        if (j < lx->n && lx->tok[j].t == T_COLON) {
            start = j + 1;              /* group: drop its name */
            continue;
        }
        if (j < lx->n && lx->tok[j].t == T_LT)
            return angle(out, lx, start, j);    /* an '@' before it is display */
        for (k = start; k < j; k++)
            if (lx->tok[k].t == T_AT)
                return bare(out, lx, start, k);
        lone_word(out, lx, start, j);
        return j < lx->n ? j + 1 : lx->n;
    }
}

size_t
mp_address_parse_list(const char *value, struct mp_address **out)
{
    struct lexed lx;
    struct alist list = { NULL, 0, 0 };
    struct seg_cache cache = { 0, 0, 0 };
    size_t k = 0;

    memset(&lx, 0, sizeof(lx));
    buf_init(&lx.arena);
    lex(&lx, value);
    while (k < lx.n)
        k = one(&list, &lx, &cache, k);
    free(lx.tok);
    buf_free(&lx.arena);
    *out = list.a;
    return list.n;
}

void
mp_address_list_free(struct mp_address *a, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(a[i].display);
        free(a[i].local);
        free(a[i].domain);
    }
    free(a);
}

char *
mp_address_spec(const struct mp_address *a)
{
    if (a->domain == NULL || a->domain[0] == '\0')
        return xstrdup(a->local ? a->local : "");
    return xasprintf("%s@%s", a->local, a->domain);
}
