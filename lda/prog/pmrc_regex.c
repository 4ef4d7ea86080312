/*
 * pmrc_regex.c -- procmail's egrep dialect translated into PCRE2
 * (pmrc.h).  Entry points: pmre_macros(), pmre_translate(),
 * pmre_literal().  Pure functions; nothing is allocated except in the
 * caller's buffers; bad input gives -1 and a reason, never a crash.
 *
 * The translation targets the subject builtins/bi_procmail.c presents:
 * the searched text with one newline added before and after it, and
 * every byte >= 0x80 as the code point of the same value.  On that
 * subject procmail's semantics (procmailrc(5), and its matcher, which
 * feeds a virtual newline before the text and after it) are expressed
 * exactly:
 *
 *   ^  $      match (consume) one newline            -> \n
 *   ^^ first  the very start of the search area      -> \A\n
 *   ^^ last   the very end of the search area        -> (?=\n\z)
 *   .         any byte but newline                   -> .
 *   [..]      a byte set; [^..] never has newline    -> [..] / [^..\n]
 *   \< \>     one byte that is not [a-zA-Z0-9_] (a
 *             newline too)                            -> [^0-9A-Z_a-z]
 *   \c        c literally (procmail has no escapes)  -> c, quoted
 *   * + ?     once after an atom; where no atom is,
 *             or a second time, a literal character
 *   {         literal (no intervals)                  -> \{
 *   case      A-Z = a-z unless D; other bytes exact   -> flag i, and
 *             (?-i:..) around bytes >= 0x80
 *   \/        MATCH = what matches the right part      -> ( ... )
 *
 * For \/ procmail finds the earliest place the left part can end
 * ("leftmost shortest") and then the longest right part; the left
 * part's quantifiers are made lazy and the right part's kept greedy,
 * which agrees with procmail except where alternatives in the right
 * part overlap (procmail takes the longest, PCRE2 the first that fits)
 * or an alternation spans the split: the result then says approx.
 */
#include "config.h"
#include "pmrc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PMRE_MAX_DEPTH 200      /* nested groups (procmail recurses too) */

/* ------------------------------------------------------------------ */
/* macros                                                              */
/* ------------------------------------------------------------------ */

int
pmre_macros(const char *re, struct buf *out, int *force_caseless)
{
    static const struct { const char *key, *subst; } regs[] = {
        { "^FROM_DAEMON", PMRE_FROM_DAEMON },
        { "^TO_", PMRE_TO_ },
        { "^TO", PMRE_TO },
        { "^FROM_MAILER", PMRE_FROM_MAILER },
    };
    struct buf cur = BUF_INIT;
    int n = 0;

    buf_adds(&cur, re);
    for (size_t k = 0; k < sizeof regs / sizeof regs[0];) {
        char *hit = strstr(cur.data, regs[k].key);

        /* procmail looks at the first occurrence only, and skips the key
         * when a backslash stands before it */
        if (hit == NULL || (hit > cur.data && hit[-1] == '\\') || n > 64) {
            k++;
            continue;
        }
        {
            struct buf nb = BUF_INIT;
            size_t off = (size_t)(hit - cur.data), kl = strlen(regs[k].key);

            buf_add(&nb, cur.data, off);
            buf_adds(&nb, regs[k].subst);
            buf_adds(&nb, cur.data + off + kl);
            buf_free(&cur);
            cur = nb;
        }
        if (k == 0 && force_caseless)
            *force_caseless = 1;
        n++;
        k = 0;
    }
    buf_add(out, cur.data ? cur.data : "", cur.len);
    buf_free(&cur);
    return n;
}

/* ------------------------------------------------------------------ */
/* translation                                                         */
/* ------------------------------------------------------------------ */

struct rx {
    const unsigned char *s;
    size_t n, i;
    int caseless;
    struct buf *out;            /* NULL: scanning only */
    int depth;
    int err;
    /* \/ : the last one at paren depth 0 wins (procmail restarts MATCH
     * at each); nested ones cannot be a PCRE2 group spanning to the end */
    size_t split;               /* source index of the top-level \/, or n */
    int nested_split;
    int split_branch_alt;       /* an alternation at top level (approx) */
    int right_alt;              /* alternatives right of the split */
    int in_left;                /* emitting the left part: lazy */
    int in_right;
    int close_split;            /* a capture group is open */
};

static void
put(struct rx *r, const char *s)
{
    if (r->out)
        buf_adds(r->out, s);
}

static void
putc_(struct rx *r, int c)
{
    if (r->out)
        buf_addc(r->out, c);
}

/* One byte as a PCRE2 literal outside a class. */
static void
lit(struct rx *r, unsigned c)
{
    char tmp[24];

    if (r->out == NULL)
        return;
    if (c >= 0x80) {
        snprintf(tmp, sizeof tmp, r->caseless ? "(?-i:\\x{%02x})" : "\\x{%02x}", c);
        buf_adds(r->out, tmp);
    } else if (c == '\t') {
        buf_adds(r->out, "\\t");
    } else if (c < 0x20 || c == 0x7f) {
        snprintf(tmp, sizeof tmp, "\\x%02x", c);
        buf_adds(r->out, tmp);
    } else if (strchr("\\^$.|?*+()[]{}/", (int)c)) {
        buf_addc(r->out, '\\');
        buf_addc(r->out, (int)c);
    } else {
        buf_addc(r->out, (int)c);
    }
}

/* One byte inside a PCRE2 class. */
static void
class_char(struct buf *b, unsigned c)
{
    char tmp[16];

    if (c >= 0x80 || c < 0x20 || c == 0x7f) {
        if (c == '\t')
            buf_adds(b, "\\t");
        else if (c == '\n')
            buf_adds(b, "\\n");
        else {
            snprintf(tmp, sizeof tmp, c >= 0x80 ? "\\x{%02x}" : "\\x%02x", c);
            buf_adds(b, tmp);
        }
    } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == ' ' || c == '_' || c == '@' || c == ',' || c == ':' || c == ';' ||
               c == '=' || c == '%' || c == '&' || c == '\'' || c == '"' || c == '!' ||
               c == '#' || c == '<' || c == '>' || c == '~' || c == '`') {
        buf_addc(b, (int)c);
    } else {
        buf_addc(b, '\\');
        buf_addc(b, (int)c);
    }
}

static int
is_upper(unsigned c)
{
    return c >= 'A' && c <= 'Z';
}

/* Emit a byte set: positive, or negated (then newline is excluded as
 * procmail excludes it: the set passed in is the marked one). */
static void
emit_set(struct rx *r, const unsigned char set[256], int negated)
{
    struct buf b = BUF_INIT;
    unsigned char s[256];
    int high = 0, any = 0;

    if (r->out == NULL)
        return;
    memcpy(s, set, sizeof s);
    if (negated)
        s['\n'] = 1;            /* [^..] never matches a newline */
    for (unsigned c = 0x80; c < 256; c++)
        high |= s[c];
    /* With the i flag an ASCII letter stands for both cases (procmail's
     * sets always hold both); bytes >= 0x80 must not fold, so a set with
     * such bytes is written case-exact inside (?-i:...). */
    if (r->caseless && !high)
        for (unsigned c = 'A'; c <= 'Z'; c++)
            if (s[c] && s[c + 32])
                s[c] = 0;
    for (unsigned c = 0; c < 256; c++)
        any |= s[c];
    if (!any && !negated) {
        put(r, "(?!)");         /* an empty set: cannot match */
        return;
    }
    if (r->caseless && high)
        buf_adds(&b, "(?-i:");
    buf_adds(&b, negated ? "[^" : "[");
    for (unsigned c = 0; c < 256;) {
        unsigned e = c;

        if (!s[c]) {
            c++;
            continue;
        }
        while (e + 1 < 256 && s[e + 1])
            e++;
        /* ranges only within one kind, so they stay readable */
        if (e >= c + 2) {
            unsigned stop = c;
            while (stop < e && ((c >= '0' && stop + 1 <= '9') || (c >= 'a' && c <= 'z' && stop + 1 <= 'z') ||
                                (is_upper(c) && stop + 1 <= 'Z') ||
                                !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || is_upper(c))))
                stop++;
            if (stop >= c + 2) {
                class_char(&b, c);
                buf_addc(&b, '-');
                class_char(&b, stop);
                c = stop + 1;
                continue;
            }
        }
        class_char(&b, c);
        c++;
    }
    buf_addc(&b, ']');
    if (r->caseless && high)
        buf_addc(&b, ')');
    buf_add(r->out, b.data, b.len);
    buf_free(&b);
}

/* procmail's bseti(): mark c, and its other case when ignoring case. */
static void
mark(unsigned char set[256], unsigned c, int caseless, int val)
{
    set[c & 0xff] = (unsigned char)val;
    if (caseless) {
        if (c >= 'A' && c <= 'Z')
            set[c + 32] = (unsigned char)val;
        else if (c >= 'a' && c <= 'z')
            set[c - 32] = (unsigned char)val;
    }
}

/* A class at r->i (just after '['), read the way procmail reads it: a
 * leading ^ negates; ] or - right at the start is literal; a-z marks a
 * range from the previous byte; - before ] or the end is literal; there
 * is no escape; a missing ] ends the class at the end of the pattern. */
static void
parse_class(struct rx *r)
{
    unsigned char set[256];
    int neg = 0;
    unsigned prev = 0;

    memset(set, 0, sizeof set);
    if (r->i < r->n && r->s[r->i] == '^') {
        neg = 1;
        r->i++;
    }
    if (r->i < r->n && (r->s[r->i] == ']' || r->s[r->i] == '-')) {
        prev = r->s[r->i];
        mark(set, prev, r->caseless, 1);
        r->i++;
    }
    for (;;) {
        unsigned c;

        if (r->i >= r->n)
            break;
        c = r->s[r->i];
        if (c == ']') {
            r->i++;
            break;
        }
        if (c == '-') {
            if (r->i + 1 >= r->n || r->s[r->i + 1] == ']') {
                mark(set, '-', r->caseless, 1);
                prev = '-';
                r->i++;
                continue;
            }
            c = r->s[++r->i];
            for (unsigned k = prev + 1; k < c; k++)
                mark(set, k, r->caseless, 1);
        }
        mark(set, c, r->caseless, 1);
        prev = c;
        r->i++;
    }
    emit_set(r, set, neg);
}

static void parse_alt(struct rx *r);

/* Right of \/ procmail takes the longest match, PCRE2 the first
 * alternative that fits: a group of plain literal alternatives,
 * (a|ab), is written longest first, (?:ab|a), which gives the same. */
static int
literal_alts(struct rx *r)
{
    size_t i = r->i + 1, start = i, nalt = 0;
    struct { size_t off, len; } alt[32];

    for (;; i++) {
        if (i >= r->n)
            return 0;
        if (r->s[i] == '|' || r->s[i] == ')') {
            if (nalt == sizeof alt / sizeof alt[0])
                return 0;
            alt[nalt].off = start;
            alt[nalt++].len = i - start;
            start = i + 1;
            if (r->s[i] == ')')
                break;
            continue;
        }
        if (strchr("\\[](){}*+?.^$", r->s[i]))
            return 0;
    }
    if (nalt < 2)
        return 0;
    /* stable: longest first, equal lengths in their order */
    for (size_t a = 1; a < nalt; a++)
        for (size_t b = a; b > 0 && alt[b - 1].len < alt[b].len; b--) {
            size_t o = alt[b].off, l = alt[b].len;
            alt[b] = alt[b - 1];
            alt[b - 1].off = o;
            alt[b - 1].len = l;
        }
    put(r, "(?:");
    for (size_t a = 0; a < nalt; a++) {
        if (a)
            putc_(r, '|');
        for (size_t k = 0; k < alt[a].len; k++)
            lit(r, r->s[alt[a].off + k]);
    }
    putc_(r, ')');
    r->i = i + 1;
    return 1;
}

/* Whether only closing parentheses follow position i (a ^^ there is
 * procmail's end-of-text anchor). */
static int
only_closers(const struct rx *r, size_t i)
{
    for (; i < r->n; i++)
        if (r->s[i] != ')')
            return 0;
    return 1;
}

/* One atom at r->i; returns 0, or 1 when it was the \/ marker (no atom),
 * or 2 when it cannot take a postfix operator (the ^^ anchors). */
static int
parse_atom(struct rx *r)
{
    unsigned c = r->s[r->i];

    switch (c) {
    case '(':
        if (r->in_right && r->out && literal_alts(r))
            return 0;
        r->i++;
        if (++r->depth > PMRE_MAX_DEPTH) {
            r->err = 1;
            return 0;
        }
        put(r, "(?:");
        parse_alt(r);
        if (r->i >= r->n || r->s[r->i] != ')') {
            r->err = 1;         /* procmail: Invalid regexp */
            return 0;
        }
        r->i++;
        r->depth--;
        putc_(r, ')');
        return 0;
    case '[':
        r->i++;
        parse_class(r);
        return 0;
    case '.':
        r->i++;
        put(r, ".");
        return 0;
    case '^':
        if (r->i + 1 < r->n && r->s[r->i + 1] == '^') {
            r->i += 2;
            if (only_closers(r, r->i))
                put(r, "(?=\\n\\z)");
            else
                put(r, "\\A\\n");
            return 2;
        }
        /* fall through */
    case '$':
        r->i++;
        /* Right of \/ the newline after the text is matched without being
         * taken: procmail never puts that virtual newline into MATCH. */
        put(r, r->in_right ? "(?:\\n(?!\\z)|(?=\\n\\z))" : "\\n");
        return 0;
    case '\\':
        r->i++;
        if (r->i >= r->n) {
            lit(r, '\\');       /* nothing to quote: a backslash */
            return 0;
        }
        c = r->s[r->i++];
        if (c == '/') {
            if (r->depth > 0)
                r->nested_split = 1;
            else if (r->out && r->i - 2 == r->split) {
                put(r, "(");
                r->close_split = 1;
                r->in_left = 0;
                r->in_right = 1;
            }
            return 1;
        }
        if (c == '<' || c == '>') {
            put(r, r->in_right ? "(?:(?!\\n\\z)[^0-9A-Z_a-z]|(?=\\n\\z))" : "[^0-9A-Z_a-z]");
            return 0;
        }
        lit(r, c);
        return 0;
    default:
        r->i++;
        lit(r, c);              /* includes * + ? where no atom is */
        return 0;
    }
}

/* branch := { atom [*+?] }, up to | or ) or the end */
static void
parse_branch(struct rx *r)
{
    while (r->i < r->n && !r->err) {
        unsigned c = r->s[r->i];
        int k;

        if (c == '|' || c == ')')
            return;
        k = parse_atom(r);
        if (r->err)
            return;
        if (k == 1)
            continue;           /* after \/ a postfix is a literal */
        if (r->i < r->n && strchr("*+?", r->s[r->i])) {
            if (k == 2) {
                /* a quantified anchor: procmail loops on it; the anchor
                 * matches once at most, so '?' and '*' make it optional */
                if (r->s[r->i] != '+' && r->out) {
                    size_t l = 0;
                    const char *a = r->out->data + r->out->len;
                    /* find the anchor just written */
                    if (r->out->len >= 8 && memcmp(a - 8, "(?=\\n\\z)", 8) == 0)
                        l = 8;
                    else if (r->out->len >= 4 && memcmp(a - 4, "\\A\\n", 4) == 0)
                        l = 4;
                    if (l) {
                        char save[16];
                        memcpy(save, a - l, l);
                        r->out->len -= l;
                        buf_adds(r->out, "(?:");
                        buf_add(r->out, save, l);
                        buf_adds(r->out, ")?");
                    }
                }
                r->i++;
                continue;
            }
            putc_(r, r->s[r->i]);
            if (r->in_left)
                putc_(r, '?');  /* shortest left part */
            r->i++;
        }
    }
}

/* alt := branch { | branch } */
static void
parse_alt(struct rx *r)
{
    int top = r->depth == 0;

    for (;;) {
        parse_branch(r);
        if (r->err)
            return;
        if (top && r->close_split) {
            putc_(r, ')');
            r->close_split = 0;
            r->in_right = 0;
        }
        if (r->i < r->n && r->s[r->i] == '|') {
            if (r->in_right)
                r->right_alt = 1;
            if (top)
                r->split_branch_alt = 1;
            r->i++;
            putc_(r, '|');
            if (top && r->split < r->n && r->i <= r->split) {
                /* the branch holding the split starts here or later */
            }
            continue;
        }
        return;
    }
}

/* The index of the token after the one at s[i]: a whole [...] class
 * (skipped as procmail's parser skips it), a \c pair, or one byte. */
static size_t
rx_next(const unsigned char *s, size_t n, size_t i)
{
    if (s[i] == '[') {
        struct rx r = { .s = s, .n = n, .i = i + 1 };
        parse_class(&r);
        return r.i;
    }
    return s[i] == '\\' ? i + 2 : i + 1;
}

/* The source index of the last \/ at paren depth 0 (outside classes), or
 * n. */
static size_t
find_split(const unsigned char *s, size_t n)
{
    size_t last = n;
    int depth = 0;

    for (size_t i = 0; i < n; i = rx_next(s, n, i)) {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == '/' && depth == 0)
            last = i;
        else if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && depth > 0)
            depth--;
    }
    return last;
}

/* A \/ inside parentheses that only group ("^(List-Id: .*<\/[^.]*)":
 * no | at the group's own level, no * + ? after it) is the same regex
 * without those parentheses, with the \/ at the top level, where it sets
 * MATCH.  Writes that regex into out and returns 1; 0 when there is no
 * such \/ (none nested, several, or a group that alternates or repeats). */
static int
unwrap_split(const unsigned char *s, size_t n, struct buf *out)
{
    size_t open[PMRE_MAX_DEPTH], drop[2 * PMRE_MAX_DEPTH], ndrop = 0;
    int alt[PMRE_MAX_DEPTH], depth = 0, nsplit = 0;

    for (size_t i = 0; i < n; i = rx_next(s, n, i)) {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == '/') {
            if (++nsplit > 1 || depth == 0)
                return 0;
            for (int d = 0; d < depth; d++)
                drop[ndrop++] = open[d];        /* the groups around it */
            for (size_t k = 0; k < ndrop; k++)
                drop[ndrop + k] = 0;            /* their ')', found later */
        } else if (s[i] == '(') {
            if (depth == PMRE_MAX_DEPTH)
                return 0;
            alt[depth] = 0;
            open[depth++] = i;
        } else if (s[i] == '|' && depth > 0) {
            alt[depth - 1] = 1;
        } else if (s[i] == ')' && depth > 0) {
            depth--;
            for (size_t k = 0; k < ndrop; k++) {
                if (drop[k] != open[depth])
                    continue;
                /* a group around the split: it must neither alternate
                 * nor repeat */
                if (alt[depth] || (i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '+' ||
                                                  s[i + 1] == '?')))
                    return 0;
                drop[ndrop + k] = i;            /* its ')' */
            }
        }
    }
    if (nsplit != 1 || depth != 0)
        return 0;
    for (size_t k = 0; k < ndrop; k++)
        if (drop[ndrop + k] == 0)
            return 0;                           /* not closed */
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < 2 * ndrop && drop[k] != i)
            k++;
        if (k == 2 * ndrop)
            buf_addc(out, (char)s[i]);
    }
    return 1;
}

int
pmre_translate(const char *re, size_t len, unsigned flags, struct buf *out,
               struct pmre_result *res, char *err, size_t errlen)
{
    struct rx r;
    size_t start = out->len;

    if (!(flags & PMRE_NO_SPLIT) && find_split((const unsigned char *)re, len) == len) {
        struct buf flat = BUF_INIT;
        if (unwrap_split((const unsigned char *)re, len, &flat)) {
            int rc = pmre_translate(flat.data, flat.len, flags, out, res, err, errlen);
            buf_free(&flat);
            return rc;
        }
        buf_free(&flat);
    }
    memset(res, 0, sizeof *res);
    memset(&r, 0, sizeof r);
    r.s = (const unsigned char *)re;
    r.n = len;
    r.caseless = (flags & PMRE_CASELESS) != 0;
    r.out = out;
    r.split = (flags & PMRE_NO_SPLIT) ? len : find_split(r.s, len);
    if (r.split < len) {
        /* The left part is lazy in the branch holding the split. */
        r.in_left = 1;
        /* a branch before the split's branch is not "left": find the
         * top-level | before the split */
        {
            size_t i = 0;
            int depth = 0;
            size_t branch_start = 0;
            while (i < r.split) {
                unsigned c = r.s[i];
                if (c == '[') {
                    struct rx t = { .s = r.s, .n = len, .i = i + 1 };
                    parse_class(&t);
                    i = t.i;
                    continue;
                }
                if (c == '\\') { i += 2; continue; }
                if (c == '(') depth++;
                else if (c == ')' && depth > 0) depth--;
                else if (c == '|' && depth == 0) branch_start = i + 1;
                i++;
            }
            if (branch_start > 0) {
                /* emit the branches before it greedy: translate them
                 * first, then the rest with in_left */
                r.in_left = 0;
                r.n = branch_start - 1;
                parse_alt(&r);
                if (r.err)
                    goto bad;
                r.n = len;
                r.i = branch_start;
                buf_addc(out, '|');
                r.in_left = 1;
                r.split_branch_alt = 1;
            }
        }
    }
    if (len == 0 && r.i == 0)
        buf_adds(out, "(?:)");
    parse_alt(&r);
    if (r.err)
        goto bad;
    if (r.i < r.n) {
        /* a ')' with no '(' */
        snprintf(err, errlen, "unbalanced ')' at offset %zu", r.i);
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
        return -1;
    }
    res->split = r.split < len && !(flags & PMRE_NO_SPLIT);
    if (r.nested_split) {
        res->approx = 1;
        res->why = "\\/ inside parentheses: MATCH is not set";
    } else if (res->split && (r.right_alt || r.split_branch_alt)) {
        res->approx = 1;
        res->why = "alternatives around \\/: procmail takes the earliest-ending, longest match for MATCH, weir the first that fits";
    }
    return 0;
bad:
    snprintf(err, errlen, r.depth > PMRE_MAX_DEPTH ? "parentheses nested too deeply"
                                                   : "'(' without a closing ')'");
    out->len = start;
    if (out->data)
        out->data[start] = '\0';
    return -1;
}

void
pmre_literal(const char *s, size_t len, unsigned flags, struct buf *out)
{
    struct rx r;

    memset(&r, 0, sizeof r);
    r.caseless = (flags & PMRE_CASELESS) != 0;
    r.out = out;
    for (size_t i = 0; i < len; i++)
        lit(&r, (unsigned char)s[i]);
}
