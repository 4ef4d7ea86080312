/*
 * lex.c -- the lexer of the rule language: source text -> tokens (lex.h).
 * Words, "strings" with escapes and ${...} interpolations split into
 * parts, /regexes/flags, numbers with k/M/G suffixes, punctuation and the
 * comparison operators; comments and white space are skipped.  A bad
 * token becomes T_BAD with a description and a likely fix, which the
 * parser reports at its position; the lexer itself never fails.
 */
#include "config.h"
#include "lex.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NUM  1e15           /* largest number literal */

/* ------------------------------------------------------------------ */
/* AST strings                                                         */
/* ------------------------------------------------------------------ */

void
ast_str_free(struct ast_str *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].s);
    free(s->v);
    free(s->pattern);
    free(s);
}

void
ast_str_add(struct ast_str *s, int kind, const char *txt, size_t len, int col)
{
    if (kind == RL_TP_LIT && s->n && s->v[s->n - 1].kind == RL_TP_LIT) {
        struct ast_part *l = &s->v[s->n - 1];
        l->s = xrealloc(l->s, l->len + len + 1);
        memcpy(l->s + l->len, txt, len);
        l->len += len;
        l->s[l->len] = 0;
        return;
    }
    s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
    s->v[s->n].kind = kind;
    s->v[s->n].s = xstrndup(txt, len);
    s->v[s->n].len = len;
    s->v[s->n].col = col;
    s->v[s->n].mods = 0;
    s->n++;
}

/* The conversions ${date:FORMAT} takes: numbers, names (C locale, as weir
 * never calls setlocale), zones -- none that yields a newline or a tab. */
int
rl_date_format_ok(const char *s, size_t n, char *bad)
{
    static const char conv[] = "aAbBCdDeFgGhHIjklmMpRsSTuUVwWyYzZ%";

    *bad = 0;
    if (n == 0 || memchr(s, 0, n) != NULL || memchr(s, '%', n) == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' || s[i] == '}' || s[i] == '"' || s[i] == '\\' || s[i] == '$')
            return 0;
        if (s[i] != '%')
            continue;
        if (++i == n)
            return 0;
        if (s[i] == 0 || strchr(conv, s[i]) == NULL) {
            *bad = s[i];
            return 0;
        }
    }
    return 1;
}

int
rl_date_tainted(const char *fmt)
{
    for (const char *p = fmt; (p = strchr(p, '%')) != NULL && p[1]; p += 2)
        if (p[1] == 'Z')
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* lexer                                                               */
/* ------------------------------------------------------------------ */

static int
peekc(struct lexer *p, size_t k)
{
    return p->pos + k < p->len ? (unsigned char)p->s[p->pos + k] : -1;
}

void
lex_adv(struct lexer *p)
{
    if (p->pos < p->len) {
        if (p->s[p->pos] == '\n') {
            p->line++;
            p->col = 1;
        } else {
            p->col++;
        }
        p->pos++;
    }
}

void
lex_tok_clear(struct token *t)
{
    free(t->text);
    ast_str_free(t->str);
    t->text = NULL;
    t->str = NULL;
}

static void
bad(struct lexer *p, const char *what, const char *help)
{
    p->tok.t = T_BAD;
    p->tok.text = xstrdup(what);
    p->tok.help = help;
}

/* A mistake inside a string: report it, then skip the rest of the string
 * (to its closing quote or the end of the line), so that the lexer goes
 * on after it rather than reading the string's text as rules. */
static void
bad_in_string(struct lexer *p, const char *what, const char *help)
{
    int c;

    bad(p, what, help);
    while ((c = peekc(p, 0)) >= 0 && c != '\n' && c != '"') {
        if (c == '\\' && peekc(p, 1) >= 0 && peekc(p, 1) != '\n')
            lex_adv(p);
        lex_adv(p);
    }
    if (c == '"')
        lex_adv(p);
}

static void
lex_string(struct lexer *p)
{
    struct ast_str *s = xcalloc(1, sizeof *s);

    p->tok.t = T_STRING;
    p->tok.str = s;
    lex_adv(p);
    for (;;) {
        int c = peekc(p, 0);

        if (c < 0 || c == '\n') {
            p->tok.end_col = p->tok.col + 1;
            bad(p, "unterminated string", "close it with \" on the same line (write \\n for a line break)");
            return;
        }
        if (c == '"') {
            lex_adv(p);
            break;
        }
        if (c == '\\') {
            int e = peekc(p, 1);
            char ch;
            switch (e) {
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case '\\': ch = '\\'; break;
            case '"': ch = '"'; break;
            case '$': ch = '$'; break;
            case 'x':
                if (hex_digit(peekc(p, 2)) >= 0 && hex_digit(peekc(p, 3)) >= 0) {
                    ch = (char)(hex_digit(peekc(p, 2)) * 16 + hex_digit(peekc(p, 3)));
                    if (ch == 0) {
                        p->tok.line = p->line;
                        p->tok.col = p->col;
                        p->tok.end_col = p->col + 4;
                        bad_in_string(p, "\\x00: strings cannot contain NUL bytes", NULL);
                        return;
                    }
                    lex_adv(p); lex_adv(p);
                    break;
                }
                /* fall through */
            default:
                p->tok.line = p->line;
                p->tok.col = p->col;
                p->tok.end_col = p->col + 2;
                bad_in_string(p, "unknown escape sequence in string", "escapes are \\n \\t \\r \\\\ \\\" \\$ and \\xHH");
                return;
            }
            lex_adv(p); lex_adv(p);
            ast_str_add(s, RL_TP_LIT, &ch, 1, 0);
            continue;
        }
        if (c == '$' && peekc(p, 1) == '{') {
            int col = p->col;
            size_t st;
            lex_adv(p); lex_adv(p);
            st = p->pos;
            while (peekc(p, 0) >= 0 && peekc(p, 0) != '}' && peekc(p, 0) != '"' &&
                   peekc(p, 0) != '\n')
                lex_adv(p);
            if (peekc(p, 0) != '}') {
                p->tok.line = p->line;
                p->tok.col = col;
                p->tok.end_col = p->col;
                bad_in_string(p, "'${' without a closing '}'", "write ${name}, or \\$ for a dollar sign");
                return;
            }
            size_t nl = p->pos - st;
            const char *colon = memchr(p->s + st, ':', nl);
            unsigned mods = 0;
            int okname;

            if (colon && colon - (p->s + st) == 4 && memcmp(p->s + st, "date", 4) == 0 &&
                memchr(colon + 1, '%', nl - 5) != NULL) {
                /* ${date:%Y-%m}: the delivery time, by strftime */
                char bad = 0;

                if (!rl_date_format_ok(colon + 1, nl - 5, &bad)) {
                    char msg[80];

                    p->tok.line = p->line;
                    p->tok.col = col;
                    p->tok.end_col = p->col + 1;
                    size_t pct = 0;

                    while (pct < nl - 5 && colon[nl - 5 - pct] == '%')
                        pct++;
                    if (bad)
                        snprintf(msg, sizeof msg, "unknown conversion '%%%c' in '${date:...}'", bad);
                    else if (pct % 2)
                        snprintf(msg, sizeof msg, "'%%' at the end of '${date:...}'");
                    else
                        snprintf(msg, sizeof msg, "'\\' or '$' in '${date:...}'");
                    bad_in_string(p, msg, "conversions are %Y %y %C %m %d %e %j %H %I %k %l %M %S %p %a %A %b %h %B "
                                  "%F %D %T %R %u %w %U %W %V %G %g %s %z %Z %%");
                    return;
                }
                ast_str_add(s, RL_TP_DATE, colon + 1, nl - 5, col);
                lex_adv(p);
                continue;
            }
            if (colon) {        /* ${name:lower} */
                size_t ml = nl - (size_t)(colon + 1 - (p->s + st));

                if (ml == 5 && memcmp(colon + 1, "lower", 5) == 0)
                    mods = RL_TM_LOWER;
                else if (ml == 5 && memcmp(colon + 1, "upper", 5) == 0)
                    mods = RL_TM_UPPER;
                else {
                    p->tok.line = p->line;
                    p->tok.col = col;
                    p->tok.end_col = p->col + 1;
                    bad_in_string(p, "unknown modifier in '${...}'",
                        "write ${name:lower} or ${name:upper}");
                    return;
                }
                nl = (size_t)(colon - (p->s + st));
            }
            okname = nl > 0;
            for (size_t i = st; i < st + nl; i++)
                if (!(isalnum((unsigned char)p->s[i]) || p->s[i] == '_' || p->s[i] == '.'))
                    okname = 0;
            if (!okname) {
                p->tok.line = p->line;
                p->tok.col = col;
                p->tok.end_col = p->col + 1;
                bad_in_string(p, "bad name in '${...}'", "names are letters, digits, '_' and '.'");
                return;
            }
            ast_str_add(s, RL_TP_VAR, p->s + st, nl, col);
            s->v[s->n - 1].mods = mods;
            lex_adv(p);
            continue;
        }
        {
            /* A run of plain bytes goes in at once: byte by byte, the
             * literal is reallocated per byte (quadratic where realloc
             * always moves, as under ASan: 40 strings of 60 KB took
             * minutes). */
            size_t st = p->pos;

            while ((c = peekc(p, 0)) > 0 && c != '"' && c != '\\' && c != '\n' &&
                   !(c == '$' && peekc(p, 1) == '{'))
                lex_adv(p);
            if (p->pos > st) {
                ast_str_add(s, RL_TP_LIT, p->s + st, p->pos - st, 0);
                continue;
            }
        }
        char ch = (char)c;
        if (ch == 0) {
            p->tok.line = p->line;
            p->tok.col = p->col;
            p->tok.end_col = p->col + 1;
            bad_in_string(p, "NUL byte in string", NULL);
            return;
        }
        ast_str_add(s, RL_TP_LIT, &ch, 1, 0);
        lex_adv(p);
    }
    p->tok.end_col = p->col;
}

static void
lex_regex(struct lexer *p)
{
    struct buf b = BUF_INIT;
    struct ast_str *s;

    lex_adv(p);
    for (;;) {
        int c = peekc(p, 0);
        if (c < 0 || c == '\n') {
            buf_free(&b);
            p->tok.end_col = p->tok.col + 1;
            bad(p, "unterminated regex", "close it with / on the same line; write \\/ for a slash inside");
            return;
        }
        if (c == 0) {
            buf_free(&b);
            bad(p, "NUL byte in regex", NULL);
            return;
        }
        if (c == '/')
            break;
        if (c == '\\' && peekc(p, 1) == '/') {   /* \/ is a slash */
            buf_addc(&b, '/');
            lex_adv(p); lex_adv(p);
            continue;
        }
        if (c == '\\' && peekc(p, 1) >= 0 && peekc(p, 1) != '\n') {
            buf_addc(&b, '\\');
            buf_addc(&b, peekc(p, 1));
            lex_adv(p); lex_adv(p);
            continue;
        }
        buf_addc(&b, c);
        lex_adv(p);
    }
    lex_adv(p);
    s = xcalloc(1, sizeof *s);
    s->is_regex = 1;
    s->pattern = buf_steal(&b);
    while (isalpha(peekc(p, 0))) {
        int c = peekc(p, 0);
        uint32_t fl = c == 'i' ? RL_RE_I : c == 'm' ? RL_RE_M : c == 's' ? RL_RE_S :
                      c == 'x' ? RL_RE_X : 0;
        if (fl == 0) {
            ast_str_free(s);
            p->tok.line = p->line;
            p->tok.col = p->col;
            p->tok.end_col = p->col + 1;
            bad(p, "unknown regex flag", "flags are i (ignore case), m (multi-line), s (dot matches newline), x (extended)");
            return;
        }
        s->reflags |= fl;
        lex_adv(p);
    }
    p->tok.t = T_REGEX;
    p->tok.str = s;
    p->tok.end_col = p->col;
}

static void
lex_number(struct lexer *p)
{
    size_t st = p->pos;
    char tmp[64];
    double v;

    if (peekc(p, 0) == '-')
        lex_adv(p);
    while (isdigit(peekc(p, 0)) || peekc(p, 0) == '.')
        lex_adv(p);
    if (p->pos - st >= sizeof tmp) {
        bad(p, "number too long", NULL);
        p->tok.end_col = p->col;
        return;
    }
    memcpy(tmp, p->s + st, p->pos - st);
    tmp[p->pos - st] = 0;
    char *end;
    errno = 0;
    v = strtod(tmp, &end);
    if (*end || errno || strcmp(tmp, "-") == 0) {
        p->tok.end_col = p->col;
        bad(p, "malformed number", NULL);
        return;
    }
    switch (peekc(p, 0)) {
    case 'k': case 'K': v *= 1024; lex_adv(p); break;
    case 'M': v *= 1024 * 1024; lex_adv(p); break;
    case 'G': v *= 1024.0 * 1024 * 1024; lex_adv(p); break;
    default: break;
    }
    p->tok.end_col = p->col;
    if (isalnum(peekc(p, 0))) {
        while (isalnum(peekc(p, 0)))
            lex_adv(p);
        p->tok.end_col = p->col;
        bad(p, "unknown size suffix", "sizes take k, M or G suffixes: 100k, 5M");
        return;
    }
    if (!(v <= MAX_NUM && v >= -MAX_NUM)) {
        bad(p, "number too large", NULL);
        return;
    }
    p->tok.t = T_NUMBER;
    p->tok.num = v;
}

void
lex_next(struct lexer *p)
{
    int c, nl = 0;

    if (p->tok.line) {
        p->prev_line = p->tok.line;
        p->prev_end_col = p->tok.end_col;
    }
    lex_tok_clear(&p->tok);
    for (;;) {
        c = peekc(p, 0);
        if (c == '\n') {
            nl = 1;
            lex_adv(p);
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            lex_adv(p);
        } else if (c == '#') {
            while (peekc(p, 0) >= 0 && peekc(p, 0) != '\n')
                lex_adv(p);
        } else {
            break;
        }
    }
    memset(&p->tok, 0, sizeof p->tok);
    p->tok.off = p->pos;
    p->tok.line = p->line;
    p->tok.col = p->col;
    p->tok.nl_before = nl || p->pos == 0;
    if (c < 0) {
        p->tok.t = T_EOF;
        p->tok.end_col = p->col + 1;
        return;
    }
    if (isalpha(c) || c == '_') {
        size_t st = p->pos;
        while (isalnum(peekc(p, 0)) || peekc(p, 0) == '_' || peekc(p, 0) == '-')
            lex_adv(p);
        p->tok.t = T_IDENT;
        p->tok.text = xstrndup(p->s + st, p->pos - st);
        p->tok.end_col = p->col;
        return;
    }
    if (isdigit(c) || (c == '-' && isdigit(peekc(p, 1)))) {
        lex_number(p);
        return;
    }
    if (c == '"') {
        lex_string(p);
        return;
    }
    if (c == '/') {
        lex_regex(p);
        return;
    }
    lex_adv(p);
    p->tok.end_col = p->col;
    switch (c) {
    case '{': p->tok.t = T_LBRACE; return;
    case '}': p->tok.t = T_RBRACE; return;
    case '(': p->tok.t = T_LPAREN; return;
    case ')': p->tok.t = T_RPAREN; return;
    case '>': case '<': case '=': case '!':
        if (peekc(p, 0) == '=') {
            lex_adv(p);
            p->tok.end_col = p->col;
            p->tok.t = T_REL;
            p->tok.rel = c == '>' ? RL_REL_GE : c == '<' ? RL_REL_LE :
                         c == '=' ? RL_REL_EQ : RL_REL_NE;
            return;
        }
        if (c == '=') { p->tok.t = T_ASSIGN; return; }
        if (c == '!') { bad(p, "unexpected '!'", "write 'not' to negate a test, '!=' to compare numbers"); return; }
        p->tok.t = T_REL;
        p->tok.rel = c == '>' ? RL_REL_GT : RL_REL_LT;
        return;
    case '\'':
        bad(p, "strings are written in double quotes", "write \"...\"");
        return;
    case '&': case '|':
        bad(p, c == '&' ? "unexpected '&'" : "unexpected '|'",
            "write 'and' / 'or' to combine tests");
        return;
    default:
        bad(p, "unexpected character", NULL);
        return;
    }
}

void
lex_init(struct lexer *p, const char *s, size_t len)
{
    memset(p, 0, sizeof *p);
    p->s = s;
    p->len = len;
    p->line = 1;
    p->col = 1;
}
