/*
 * parse.c -- the front end of the rule language: recursive descent
 * parser, tokens (lex.h) -> AST (ast.h).  Each parse function has its
 * grammar line above it.  Includes are read through
 * the host's callback, resolved relative to the including file, depth
 * limited and cycle checked, and spliced into the tree in place.
 *
 * Entry points: rl_parse() (returns the number of errors added to
 * f->diags; the tree is built as far as possible), rl_front_free().
 * Every error carries file, line, column span and, where a likely fix is
 * known, a help text; after an error the parser resynchronises at the next
 * line so that one run reports every error.
 */
#include "config.h"
#include "ast.h"
#include "hints.h"
#include "lex.h"
#include "registry.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEST 64             /* nested blocks / parentheses */
#define MAX_IF_DEPTH 1000       /* elif branches plus nested ifs: each is a
                                   level of recursion in parser, compiler
                                   and tree walk */
#define MAX_TERMS 1000          /* tests in one condition (the compiler and
                                   the tree walk recurse over them) */

struct parser {
    struct rl_front *f;
    const struct rl_reader *reader;
    const struct rl_limits *lim;
    int file;                   /* index into f->src */
    struct lexer lx;            /* the current file's tokens (lex.h) */
    int depth;                  /* include depth */
    int nest;
    int terms;                  /* tests in the current condition */
    int ifdepth;                /* parse_if recursion depth */
    int in_rule;
    int errors;
    char **stack;               /* include stack (for cycles) */
    size_t nstack;
};

const char *const rl_cmp_names[RL_CMP_COUNT] = {
    "exists", "is", "contains", "matches", "glob"
};
/* NULL-terminated: unknown_field() and rl_hint_synonym() walk it to the end. */
const char *const rl_part_names[RL_PART_COUNT + 1] = {
    "all", "localpart", "domain", "name", "detail", "user", "orgdomain", NULL
};
const char *const rl_rel_names[RL_REL_COUNT] = { ">", ">=", "<", "<=", "==", "!=" };

/* Words a statement can start with (for "did you mean"): the actions'
 * keywords come from actions.def. */
static const char *const stmt_words[] = {
    "set", "if", "rule", "include", "stop", "final", "copy",
#define ACTION(k, name, word, ...) word,
#include "actions.def"
#undef ACTION
    "score", NULL
};
/* Tests the parser knows itself; the builtins add their names
 * (test_suggest). */
static const char *const test_words[] = {
    "header", "address", "score", "true", "false", "not", NULL
};

/* ------------------------------------------------------------------ */
/* diagnostics helpers                                                 */
/* ------------------------------------------------------------------ */

static void
verr(struct parser *p, enum rl_severity sev, int line, int col, int end_col,
     const char *help, const char *msg)
{
    const struct rl_parse_src *src = &p->f->src[p->file];

    rl_diag_add(p->f->diags, sev, src->path, src->text, src->len, line, col,
                end_col, help, "%s", msg);
    if (sev == RL_SEV_ERROR)
        p->errors++;
}

__attribute__((format(printf, 3, 4)))
static void
err_tok(struct parser *p, const char *help, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    verr(p, RL_SEV_ERROR, p->lx.tok.line, p->lx.tok.col, p->lx.tok.end_col, help, b.data);
    buf_free(&b);
}

__attribute__((format(printf, 7, 8)))
static void
diag_at(struct parser *p, enum rl_severity sev, int line, int col, int end_col,
        const char *help, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    verr(p, sev, line, col, end_col, help, b.data);
    buf_free(&b);
}

static size_t
edit_distance(const char *a, const char *b)
{
    /* Damerau-Levenshtein (optimal string alignment), case-blind */
    size_t la = strlen(a), lb = strlen(b), d[32][32];

    if (la >= 31 || lb >= 31)
        return 99;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int ai = tolower((unsigned char)a[i - 1]), bj = tolower((unsigned char)b[j - 1]);
            size_t c = d[i - 1][j - 1] + (ai != bj);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == bj && d[i - 2][j - 2] + 1 < c)
                c = d[i - 2][j - 2] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

/* "did you mean 'x'?" into buf (returns buf), or NULL. */
static const char *
suggest(const char *word, const char *const *cands, char *buf, size_t n)
{
    const char *best = NULL;
    size_t bd = 3;

    if (word == NULL)
        return NULL;
    for (size_t i = 0; cands[i]; i++) {
        size_t d = edit_distance(word, cands[i]);
        if (d < bd) {
            bd = d;
            best = cands[i];
        }
    }
    if (best == NULL || bd > (strlen(word) > 4 ? 2u : 1u))
        return NULL;
    int w = snprintf(buf, n, "did you mean '%s'?", best);
    return w > 0 && (size_t)w < n ? buf : NULL;
}

/* ------------------------------------------------------------------ */
/* AST helpers                                                         */
/* ------------------------------------------------------------------ */

void
ast_free(struct ast *a)
{
    while (a) {
        struct ast *n = a->next;

        ast_free(a->cond);
        ast_free(a->body);
        ast_free(a->els);
        ast_free(a->l);
        ast_free(a->r);
        free(a->name);
        free(a->desc);
        ast_str_free(a->s1);
        ast_str_free(a->s2);
        ast_str_free(a->s3);
        ast_str_free(a->s4);
        for (size_t i = 0; i < sizeof a->bargs / sizeof a->bargs[0]; i++)
            ast_str_free(a->bargs[i]);
        free(a);
        a = n;
    }
}

static struct ast *
node(struct parser *p, enum ast_kind k, const struct token *t)
{
    struct ast *a = xcalloc(1, sizeof *a);

    a->kind = k;
    a->file = p->file;
    a->line = t->line;
    a->col = t->col;
    a->end_col = t->end_col;
    return a;
}

static void
next(struct parser *p)
{
    lex_next(&p->lx);
}

/* ------------------------------------------------------------------ */
/* parser                                                              */
/* ------------------------------------------------------------------ */

static int
is_word(const struct parser *p, const char *w)
{
    return p->lx.tok.t == T_IDENT && strcmp(p->lx.tok.text, w) == 0;
}

static const char *
tok_desc(const struct token *t)
{
    switch (t->t) {
    case T_EOF: return "end of file";
    case T_IDENT: return "word";
    case T_STRING: return "string";
    case T_REGEX: return "regex";
    case T_NUMBER: return "number";
    case T_LBRACE: return "'{'";
    case T_RBRACE: return "'}'";
    case T_LPAREN: return "'('";
    case T_RPAREN: return "')'";
    case T_ASSIGN: return "'='";
    case T_REL: return "comparison";
    case T_BAD: return "invalid token";
    }
    return "token";
}

/* Report the current token as unexpected (a lexer error reports itself). */
static void
unexpected(struct parser *p, const char *expected, const char *help)
{
    if (p->lx.tok.t == T_BAD)
        err_tok(p, p->lx.tok.help, "%s", p->lx.tok.text);
    else if ((p->lx.tok.nl_before || p->lx.tok.t == T_EOF) && p->lx.prev_line > 0)
        /* nothing more on the line: point just after its last token */
        diag_at(p, RL_SEV_ERROR, p->lx.prev_line, p->lx.prev_end_col, p->lx.prev_end_col + 1,
                help, "expected %s at the end of the line", expected);
    else if (p->lx.tok.t == T_IDENT)
        err_tok(p, help, "expected %s, found '%s'", expected, p->lx.tok.text);
    else
        err_tok(p, help, "expected %s, found %s", expected, tok_desc(&p->lx.tok));
}

/* Skip to the start of the next line (or a '}' / end).  When the skipped
 * text opened a block, skip that block too so one error stays one. */
static void
sync_line(struct parser *p)
{
    int open = 0, moved = 0;

    for (;;) {
        if (p->lx.tok.t == T_EOF)
            break;
        if (p->lx.tok.t == T_RBRACE && open == 0)
            break;              /* it closes an enclosing block */
        if (moved && p->lx.tok.nl_before && open == 0)
            break;
        if (p->lx.tok.t == T_LBRACE)
            open++;
        else if (p->lx.tok.t == T_RBRACE)
            open--;
        next(p);
        moved = 1;
    }
}

static struct ast_str *
take_str(struct parser *p)
{
    struct ast_str *s = p->lx.tok.str;

    s->line = p->lx.tok.line;
    s->col = p->lx.tok.col;
    s->end_col = p->lx.tok.end_col;
    p->lx.tok.str = NULL;
    next(p);
    return s;
}

/* A string operand; NULL (error reported) when there is none. */
static struct ast_str *
expect_string(struct parser *p, const char *what, const char *help)
{
    if (p->lx.tok.t == T_STRING)
        return take_str(p);
    if (p->lx.tok.t == T_REGEX) {
        err_tok(p, help ? help : "only 'matches' takes a /regex/; write the text in double quotes",
                "expected %s, found a regex", what);
        return NULL;
    }
    unexpected(p, what, help);
    return NULL;
}

static struct ast_str *
str_of_text(const char *s, const struct token *t)
{
    struct ast_str *r = xcalloc(1, sizeof *r);

    ast_str_add(r, RL_TP_LIT, s, strlen(s), 0);
    r->line = t->line;
    r->col = t->col;
    r->end_col = t->end_col;
    return r;
}

static struct ast *parse_cond(struct parser *p);

/* A Sieve tag (":contains", ":is") where weir expects a name or a
 * comparison: report it with the weir spelling.  1 when reported. */
static int
sieve_tag(struct parser *p)
{
    size_t n = 0;
    const char *tag = p->lx.tok.t == T_BAD ? rl_hint_sieve_tag(p->lx.s, p->lx.len,
                                                             p->lx.tok.off, &n) : NULL;

    if (tag == NULL)
        return 0;
    err_tok(p, "see MIGRATING FROM SIEVE in weir-rules(5)",
            "':%.*s' is Sieve syntax: weir writes it after the header name, as in %s",
            (int)n, p->lx.s + p->lx.tok.off + 1, tag);
    return 1;
}

/* cmp   := ['not'] ( 'exists' | 'is' ['not'] STRING | 'contains' STRING
 *          | 'glob' STRING | 'matches' REGEX )      (exists: header only) */
static int
parse_cmp(struct parser *p, struct ast *a, int allow_exists, int *neg)
{
    char hb[64];
    static const char *const cmps[] = { "exists", "is", "contains", "matches", "glob", NULL };

    *neg = 0;
    if (is_word(p, "not")) {
        *neg = 1;
        next(p);
    }
    if (sieve_tag(p))
        return -1;
    if (p->lx.tok.t != T_IDENT) {
        if (p->lx.tok.t == T_REL)
            unexpected(p, "a comparison (is, contains, matches, glob)",
                       "'==' and friends compare numbers; for text write 'is \"...\"'");
        else
            unexpected(p, "a comparison (is, contains, matches, glob)", NULL);
        return -1;
    }
    for (int i = 0; i < RL_CMP_COUNT; i++) {
        if (strcmp(p->lx.tok.text, rl_cmp_names[i]) != 0)
            continue;
        if (i == RL_CMP_EXISTS && !allow_exists) {
            err_tok(p, NULL, "'exists' applies to header tests only");
            return -1;
        }
        a->cmp = i;
        next(p);
        if (i == RL_CMP_IS && is_word(p, "not")) {
            *neg = !*neg;
            next(p);
        }
        if (i == RL_CMP_EXISTS)
            return 0;
        if (i == RL_CMP_MATCHES) {
            if (p->lx.tok.t == T_REGEX) {
                a->s2 = take_str(p);
                return 0;
            }
            if (p->lx.tok.t == T_STRING) {
                err_tok(p, "write the pattern between slashes: /.../ (flags after it: /.../i)",
                        "'matches' takes a regex, found a string");
                return -1;
            }
            unexpected(p, "a regex /.../ after 'matches'", NULL);
            return -1;
        }
        a->s2 = expect_string(p, "a string to compare with",
                              i == RL_CMP_GLOB ? NULL :
                              "to compare with a regex, write 'matches /.../'");
        return a->s2 ? 0 : -1;
    }
    err_tok(p, suggest(p->lx.tok.text, cmps, hb, sizeof hb),
            "unknown comparison '%s' (expected is, contains, matches, glob%s)",
            p->lx.tok.text, allow_exists ? " or exists" : "");
    return -1;
}

static struct ast *
negate(struct parser *p, struct ast *a, int neg)
{
    struct ast *n;

    if (!neg)
        return a;
    n = xcalloc(1, sizeof *n);
    *n = (struct ast){ .kind = A_NOT, .file = a->file, .line = a->line,
                       .col = a->col, .end_col = a->end_col, .l = a };
    (void)p;
    return n;
}

/* A word where a field (an address part, a builtin's FIELD) or a
 * comparison may stand that is neither: report it as an unknown field
 * when it is not a comparison word either, naming the fields and the one
 * another filter's word means ("host": domain).  1 when reported. */
static int
unknown_field(struct parser *p, const char *what, const char *const *names)
{
    struct buf exp = BUF_INIT, help = BUF_INIT;
    const char *syn, *w = p->lx.tok.text;
    char hb[64];

    if (p->lx.tok.t != T_IDENT || strcmp(w, "not") == 0)
        return 0;
    for (int i = 0; i < RL_CMP_COUNT; i++)
        if (strcmp(w, rl_cmp_names[i]) == 0)
            return 0;
    for (int i = 0; names[i]; i++)
        buf_printf(&exp, "%s%s", i == 0 ? "" : names[i + 1] ? ", " : " or ", names[i]);
    if ((syn = rl_hint_synonym(w, names)) != NULL)
        buf_printf(&help, "write '%s'%s%s%s", syn, rl_hint_part_desc(syn) ? " (" : "",
                   rl_hint_part_desc(syn) ? rl_hint_part_desc(syn) : "",
                   rl_hint_part_desc(syn) ? ")" : "");
    else if (suggest(w, names, hb, sizeof hb))
        buf_adds(&help, hb);
    else
        buf_adds(&help, "or a comparison: is, contains, matches, glob");
    err_tok(p, help.data, "unknown %s '%s' (expected %s)", what, w, exp.data);
    buf_free(&exp);
    buf_free(&help);
    return 1;
}

/* Whether the current word is one of the form's own words after item i
 * (an optional FIELD left out before `domain "x"` or `returns ...`): then
 * it is no misspelt field. */
static int
later_word(struct parser *p, const struct rl_bi_item *items, int nitems, int i)
{
    if (p->lx.tok.t != T_IDENT)
        return 0;
    for (int j = i + 1; j < nitems; j++)
        if ((items[j].kind == RL_BI_WORD || items[j].kind == RL_BI_OPT_WORD) &&
            strcmp(items[j].word, p->lx.tok.text) == 0)
            return 1;
    return 0;
}

/* part  := [ 'all' | 'localpart' | 'domain' | 'name' | 'detail' | 'user'
 *          | 'orgdomain' ] */
static int
parse_part(struct parser *p, struct ast *a)
{
    a->part = RL_PART_ALL;
    if (p->lx.tok.t != T_IDENT)
        return 0;
    for (int i = 0; i < RL_PART_COUNT; i++)
        if (strcmp(p->lx.tok.text, rl_part_names[i]) == 0) {
            a->part = i;
            next(p);
            return 0;
        }
    return unknown_field(p, "address part", rl_part_names) ? -1 : 0;
}

/* rel   := ( '>' | '>=' | '<' | '<=' | '==' | '!=' ) NUMBER */
static int
parse_rel(struct parser *p, struct ast *a, const char *what)
{
    if (p->lx.tok.t != T_REL) {
        unexpected(p, "a comparison (>, >=, <, <=, ==, !=)",
                   what);
        return -1;
    }
    a->rel = p->lx.tok.rel;
    next(p);
    if (p->lx.tok.t == T_STRING || (p->lx.tok.t == T_BAD && p->lx.tok.off + 1 < p->lx.len &&
                                    p->lx.s[p->lx.tok.off] == '$' &&
                                    p->lx.s[p->lx.tok.off + 1] == '{')) {
        err_tok(p, "numbers in conditions are written out (5, 100k); variables and "
                "strings are not allowed there",
                "expected a number after '%s', found %s", rl_rel_names[a->rel],
                p->lx.tok.t == T_STRING ? "a string" : "a variable");
        return -1;
    }
    if (p->lx.tok.t != T_NUMBER) {
        unexpected(p, "a number", "sizes take k, M or G suffixes: 100k, 5M");
        return -1;
    }
    a->num = p->lx.tok.num;
    a->has_num = 1;
    a->end_col = p->lx.tok.end_col;
    next(p);
    return 0;
}

_Static_assert(sizeof ((struct ast *)0)->bargs / sizeof ((struct ast *)0)->bargs[0] ==
               RL_BI_MAX_ARGS, "ast bargs and RL_BI_MAX_ARGS differ");

/* The identifier after the current token, read ahead in the source
 * without consuming it (for fields of several words, "declared type");
 * "" when the next thing is not an identifier on the same line. */
static void
peek_word(const struct parser *p, char *out, size_t n)
{
    size_t i = p->lx.pos, k = 0;

    while (i < p->lx.len && (p->lx.s[i] == ' ' || p->lx.s[i] == '\t'))
        i++;
    while (i < p->lx.len && k + 1 < n &&
           (isalnum((unsigned char)p->lx.s[i]) || p->lx.s[i] == '_' || p->lx.s[i] == '-'))
        out[k++] = p->lx.s[i++];
    if (i < p->lx.len && k + 1 >= n)
        k = 0;                  /* too long to be a field word */
    out[k] = '\0';
}

/* Whether field f (one or two words) starts at the current token. */
static int
field_here(const struct parser *p, const char *f)
{
    const char *sp = strchr(f, ' ');
    char w2[40];

    if (p->lx.tok.t != T_IDENT)
        return 0;
    if (sp == NULL)
        return strcmp(p->lx.tok.text, f) == 0;
    if (strlen(p->lx.tok.text) != (size_t)(sp - f) || strncmp(p->lx.tok.text, f, (size_t)(sp - f)) != 0)
        return 0;
    peek_word(p, w2, sizeof w2);
    return strcmp(w2, sp + 1) == 0;
}

/* The field of b at the current token (longest first), or -1. */
static int
find_field(const struct parser *p, const struct rl_builtin *b)
{
    int best = -1;

    for (int i = 0; b->fields && b->fields[i]; i++)
        if (field_here(p, b->fields[i]) &&
            (best < 0 || strlen(b->fields[i]) > strlen(b->fields[best])))
            best = i;
    return best;
}

/* Whether item it of a form can start at the current token. */
static int
item_starts(const struct parser *p, const struct rl_builtin *b, const struct rl_bi_item *it)
{
    switch (it->kind) {
    case RL_BI_WORD: case RL_BI_OPT_WORD: return is_word(p, it->word);
    case RL_BI_FIELD: case RL_BI_OPT_FIELD: return find_field(p, b) >= 0;
    case RL_BI_TEXT:
        if (p->lx.tok.t != T_IDENT)
            return 0;
        if (strcmp(p->lx.tok.text, "not") == 0)
            return 1;
        for (int i = RL_CMP_IS; i < RL_CMP_COUNT; i++)
            if (strcmp(p->lx.tok.text, rl_cmp_names[i]) == 0)
                return 1;
        return 0;
    case RL_BI_NUM: return p->lx.tok.t == T_REL;
    case RL_BI_STR: return p->lx.tok.t == T_STRING;
    case RL_BI_RAW: return p->lx.tok.t != T_EOF && !p->lx.tok.nl_before;
    }
    return 0;
}

/* How a form starts, for "expected ...": its first word, a field list,
 * or the kind of its first item. */
static void
form_start_desc(const struct rl_builtin *b, const struct rl_bi_item *it, struct buf *out)
{
    switch (it->kind) {
    case RL_BI_WORD: case RL_BI_OPT_WORD: buf_printf(out, "'%s'", it->word); break;
    case RL_BI_FIELD: case RL_BI_OPT_FIELD:
        for (int i = 0; b->fields && b->fields[i]; i++)
            buf_printf(out, "%s'%s'", i ? ", " : "", b->fields[i]);
        break;
    case RL_BI_TEXT: buf_adds(out, "a comparison (is, contains, matches, glob)"); break;
    case RL_BI_NUM: buf_adds(out, "a comparison (>, >=, <, <=, ==, !=) and a number"); break;
    case RL_BI_STR: buf_adds(out, "a string in double quotes"); break;
    case RL_BI_RAW: buf_adds(out, "a value"); break;
    }
}

/* Whether item i of it[0..n) exists and belongs to optional group g. */
static int
in_group(const struct rl_bi_item *it, int n, int i, int g)
{
    return i >= 0 && i < n && it[i].optional && it[i].group == g;
}

/* A form as users write it: "envelope from [all|localpart|...]
 * is|contains|matches|glob \"...\"", "dnsbl \"...\" [on all relays]
 * [returns VALUE]". */
static void
form_usage(const struct rl_builtin *b, int form, struct buf *out)
{
    struct rl_bi_item it[RL_BI_MAX_ITEMS];
    int n = rl_bi_form_parse(b->forms[form].syntax, it, RL_BI_MAX_ITEMS, NULL, NULL);

    buf_adds(out, b->name);
    for (int i = 0; i < n; i++) {
        int opt = it[i].optional;
        const char *open = opt && !in_group(it, n, i - 1, it[i].group) ? "[" : "";
        const char *close = opt && !in_group(it, n, i + 1, it[i].group) ? "]" : "";

        switch (it[i].kind) {
        case RL_BI_WORD: buf_printf(out, " %s", it[i].word); break;
        case RL_BI_OPT_WORD:
            buf_printf(out, " %s%s%s", open, it[i].word, close);
            break;
        case RL_BI_FIELD: case RL_BI_OPT_FIELD:
            buf_adds(out, it[i].kind == RL_BI_OPT_FIELD ? " [" : " ");
            for (int f = 0; b->fields && b->fields[f]; f++)
                buf_printf(out, "%s%s", f ? "|" : "", b->fields[f]);
            if (it[i].kind == RL_BI_OPT_FIELD)
                buf_addc(out, ']');
            break;
        case RL_BI_TEXT: buf_adds(out, " is|contains|matches|glob \"...\""); break;
        case RL_BI_NUM: buf_adds(out, " >|>=|<|<=|==|!= NUMBER"); break;
        case RL_BI_STR: buf_printf(out, " %s\"...\"%s", open, close); break;
        case RL_BI_RAW: buf_printf(out, " %sVALUE%s", open, close); break;
        }
    }
}

/* A RAW argument: the builtin scans the source text itself from the
 * start of the current token; the lexer resumes after what it took. */
static struct ast_str *
parse_raw(struct parser *p, const struct rl_builtin *b, int arg)
{
    struct buf val = BUF_INIT;
    char err[160] = "";
    size_t end = p->lx.tok.off;
    ssize_t n;
    struct ast_str *r;
    struct token start = p->lx.tok;

    while (end < p->lx.len && p->lx.s[end] != '\n' && p->lx.s[end] != '#' && p->lx.s[end] != '{')
        end++;
    n = b->scan_raw ? b->scan_raw(arg, p->lx.s + p->lx.tok.off, end - p->lx.tok.off, &val,
                                  err, sizeof err) : -1;
    if (n <= 0) {
        err_tok(p, NULL, "%s", err[0] ? err : "expected a value here");
        buf_free(&val);
        return NULL;
    }
    /* Re-lex from the end of what the builtin consumed. */
    p->lx.pos = p->lx.tok.off;
    p->lx.line = p->lx.tok.line;
    p->lx.col = p->lx.tok.col;
    for (ssize_t i = 0; i < n; i++)
        lex_adv(&p->lx);
    r = xcalloc(1, sizeof *r);
    ast_str_add(r, RL_TP_LIT, val.data ? val.data : "", val.len, 0);
    r->line = start.line;
    r->col = start.col;
    r->end_col = p->lx.col;
    buf_free(&val);
    next(p);
    return r;
}

/* builtin := NAME form, form from the builtin's syntax strings: a call of builtin bi, checked against its forms
 * (builtins/registry.h): the first form whose first item fits the
 * current word is taken, then every item must follow. */
static struct ast *
parse_builtin(struct parser *p, const struct token *t, int bi)
{
    const struct rl_builtin *b = rl_builtins[bi];
    struct rl_bi_item items[RL_BI_MAX_ITEMS];
    struct ast *a;
    int nitems = -1, form = -1, neg = 0;

    if (b->eval == NULL) {
        char help[200];
        snprintf(help, sizeof help, "'%s' would test %s; weir-rules(5) lists the tests "
                 "this version has", b->name, b->summary);
        err_tok(p, help, "'%s' is not available in this version of weir", b->name);
        return NULL;
    }
    next(p);
    for (int f = 0; b->forms[f].syntax; f++) {
        nitems = rl_bi_form_parse(b->forms[f].syntax, items, RL_BI_MAX_ITEMS, NULL, NULL);
        if (nitems > 0 && item_starts(p, b, &items[0])) {
            form = f;
            break;
        }
        if (nitems == 0) {      /* a form that is only the name */
            form = f;
            break;
        }
    }
    if (form < 0) {
        struct buf exp = BUF_INIT, help = BUF_INIT;

        for (int f = 0; b->forms[f].syntax; f++) {
            struct rl_bi_item it[RL_BI_MAX_ITEMS];

            if (rl_bi_form_parse(b->forms[f].syntax, it, RL_BI_MAX_ITEMS, NULL, NULL) <= 0)
                continue;
            if (f)
                buf_adds(&exp, b->forms[f + 1].syntax ? ", " : " or ");
            form_start_desc(b, &it[0], &exp);
        }
        buf_printf(&exp, " after '%s'", b->name);
        buf_adds(&help, "usage: ");
        form_usage(b, 0, &help);
        unexpected(p, exp.data, help.data);
        buf_free(&exp);
        buf_free(&help);
        return NULL;
    }
    a = node(p, A_BUILTIN, t);
    a->builtin = bi;
    a->which = form;
    for (int i = 0; i < nitems; i++) {
        const struct rl_bi_item *it = &items[i];

        switch (it->kind) {
        case RL_BI_WORD:
            if (!is_word(p, it->word)) {
                char e[48];
                snprintf(e, sizeof e, "'%s'", it->word);
                unexpected(p, e, NULL);
                goto fail;
            }
            next(p);
            break;
        case RL_BI_OPT_WORD:
            if (!is_word(p, it->word)) {
                if (i > 0 && items[i - 1].kind == RL_BI_OPT_WORD &&
                    items[i - 1].group == it->group && (a->bflags & (1u << it->group))) {
                    char e[48];
                    snprintf(e, sizeof e, "'%s'", it->word);
                    unexpected(p, e, NULL);
                    goto fail;
                }
                /* group absent: skip its remaining words and argument */
                while (i + 1 < nitems && items[i + 1].optional &&
                       items[i + 1].group == it->group)
                    i++;
                break;
            }
            a->bflags |= 1u << it->group;
            next(p);
            break;
        case RL_BI_FIELD: case RL_BI_OPT_FIELD: {
            int f = find_field(p, b);

            if (f < 0 && it->kind == RL_BI_FIELD) {
                struct buf exp = BUF_INIT;
                form_start_desc(b, it, &exp);
                unexpected(p, exp.data, NULL);
                buf_free(&exp);
                goto fail;
            }
            if (f < 0 && b->fields && !later_word(p, items, nitems, i) &&
                unknown_field(p, "field", (const char *const *)b->fields))
                goto fail;
            a->part = f < 0 ? 0 : f;
            if (f >= 0) {
                if (strchr(b->fields[f], ' '))
                    next(p);
                next(p);
            }
            break;
        }
        case RL_BI_TEXT:
            if (parse_cmp(p, a, 0, &neg) < 0)
                goto fail;
            break;
        case RL_BI_NUM: {
            char e[80];
            snprintf(e, sizeof e, "e.g. %s > 5", b->name);
            if (parse_rel(p, a, e) < 0)
                goto fail;
            break;
        }
        case RL_BI_STR:
            if ((a->bargs[it->arg] = expect_string(p, "a string in double quotes", NULL)) == NULL)
                goto fail;
            break;
        case RL_BI_RAW:
            if ((a->bargs[it->arg] = parse_raw(p, b, it->arg)) == NULL)
                goto fail;
            break;
        }
    }
    if (b->check) {
        struct rl_bi_call call = { .form = form, .id = b->forms[form].id, .field = a->part,
                                   .flags = a->bflags, .cmp = a->cmp, .rel = a->rel,
                                   .num = a->num };
        const char *help = NULL, *msg;

        for (int i = 0; i < RL_BI_MAX_ARGS; i++) {
            const struct ast_str *as = a->bargs[i];
            if (as && as->n == 1 && as->v[0].kind == RL_TP_LIT) {
                call.arg[i] = as->v[0].s;
                call.arglen[i] = as->v[0].len;
            } else if (as && as->n == 0) {
                call.arg[i] = "";
            }
        }
        if ((msg = b->check(&call, &help)) != NULL) {
            diag_at(p, RL_SEV_ERROR, t->line, t->col, p->lx.prev_end_col, help, "%s", msg);
            ast_free(a);
            return NULL;
        }
    }
    return negate(p, a, neg);
fail:
    ast_free(a);
    return NULL;
}

/* test  := '(' cond ')' | 'true' | 'false'
 *        | 'header' ['raw'] STRING cmp | 'address' STRING part cmp
 *        | 'score' rel | BUILTIN form            (parse_builtin) */
static struct ast *
parse_test(struct parser *p)
{
    struct token t = p->lx.tok;
    struct ast *a;
    int neg = 0, bi;
    char hb[64];

    t.text = NULL;
    t.str = NULL;
    if (++p->terms > MAX_TERMS) {
        if (p->terms == MAX_TERMS + 1)
            err_tok(p, "split it into several if statements, or use a regex alternation",
                    "condition has more than %d tests", MAX_TERMS);
        return NULL;
    }
    if (p->lx.tok.t == T_LPAREN) {
        if (++p->nest > MAX_NEST) {
            err_tok(p, NULL, "parentheses nested too deeply");
            return NULL;
        }
        next(p);
        a = parse_cond(p);
        p->nest--;
        if (a == NULL)
            return NULL;
        if (p->lx.tok.t != T_RPAREN) {
            unexpected(p, "')'", "every '(' needs a matching ')'");
            ast_free(a);
            return NULL;
        }
        next(p);
        return a;
    }
    if (p->lx.tok.t != T_IDENT) {
        if (p->lx.tok.t == T_LBRACE)
            err_tok(p, "write a test after 'if', e.g. header \"Subject\" contains \"x\"",
                    "expected a test, found '{'");
        else
            unexpected(p, "a test (header, address, envelope, size, score, body...)", NULL);
        return NULL;
    }
    if (is_word(p, "true") || is_word(p, "false")) {
        a = node(p, is_word(p, "true") ? A_TRUE : A_FALSE, &p->lx.tok);
        next(p);
        return a;
    }
    if (is_word(p, "header")) {
        a = node(p, A_HEADER, &t);
        next(p);
        if (is_word(p, "raw")) {
            a->mode = 1;
            next(p);
        } else if (is_word(p, "decoded")) {
            err_tok(p, "header tests compare the decoded value unless told otherwise: write "
                    "header \"Name\"; write header raw \"Name\" for the value as written",
                    "'decoded' is the default and is not written");
            goto fail;
        }
        if (sieve_tag(p) ||
            (a->s1 = expect_string(p, "a header name in double quotes", NULL)) == NULL)
            goto fail;
        if (parse_cmp(p, a, 1, &neg) < 0)
            goto fail;
        return negate(p, a, neg);
    }
    if (is_word(p, "address")) {
        a = node(p, A_ADDRESS, &t);
        next(p);
        if (sieve_tag(p) ||
            (a->s1 = expect_string(p, "a header name in double quotes",
                                   "e.g. address \"From\" domain is \"example.org\"")) == NULL)
            goto fail;
        if (parse_part(p, a) < 0 || parse_cmp(p, a, 0, &neg) < 0)
            goto fail;
        return negate(p, a, neg);
    }
    if (is_word(p, "score")) {
        a = node(p, A_SCORE_IS, &t);
        next(p);
        if (parse_rel(p, a, "e.g. score >= 5") < 0)
            goto fail;
        return a;
    }
    if ((bi = rl_builtin_find(p->lx.tok.text)) >= 0)
        return parse_builtin(p, &t, bi);
    {
        const char *words[64];
        size_t n = 0;

        for (size_t w = 0; test_words[w] && n + 1 < sizeof words / sizeof words[0]; w++)
            words[n++] = test_words[w];
        for (size_t w = 0; w < rl_nbuiltins && n + 1 < sizeof words / sizeof words[0]; w++)
            words[n++] = rl_builtins[w]->name;
        words[n] = NULL;
        err_tok(p, suggest(p->lx.tok.text, words, hb, sizeof hb),
                "unknown test '%s'", p->lx.tok.text);
    }
    return NULL;
fail:
    ast_free(a);
    return NULL;
}

/* not   := 'not' not | test */
static struct ast *
parse_not(struct parser *p)
{
    if (is_word(p, "not")) {
        struct ast *a = node(p, A_NOT, &p->lx.tok);
        if (++p->nest > MAX_NEST) {
            err_tok(p, NULL, "'not' nested too deeply");
            free(a);
            return NULL;
        }
        next(p);
        a->l = parse_not(p);
        p->nest--;
        if (a->l == NULL) {
            free(a);
            return NULL;
        }
        return a;
    }
    return parse_test(p);
}

/* and   := not { 'and' not } */
static struct ast *
parse_and(struct parser *p)
{
    struct ast *l = parse_not(p);

    while (l && is_word(p, "and")) {
        struct ast *a = node(p, A_AND, &p->lx.tok);
        next(p);
        a->l = l;
        a->r = parse_not(p);
        if (a->r == NULL) {
            ast_free(a);
            return NULL;
        }
        l = a;
    }
    return l;
}

/* cond  := and { 'or' and } */
static struct ast *
parse_cond(struct parser *p)
{
    struct ast *l = parse_and(p);

    while (l && is_word(p, "or")) {
        struct ast *a = node(p, A_OR, &p->lx.tok);
        next(p);
        a->l = l;
        a->r = parse_and(p);
        if (a->r == NULL) {
            ast_free(a);
            return NULL;
        }
        l = a;
    }
    if (l && (is_word(p, "&&") || is_word(p, "||")))
        err_tok(p, NULL, "write 'and' / 'or'");
    return l;
}

static struct ast *parse_stmts(struct parser *p, int in_block);

/* block := '{' stmts '}'; returns the list; *okp 0 on a missing brace. */
static struct ast *
parse_block(struct parser *p, int *okp)
{
    struct token open = p->lx.tok;
    struct ast *body;

    *okp = 1;
    if (p->lx.tok.t != T_LBRACE) {
        if (p->lx.tok.t == T_IDENT && (is_word(p, "then") || is_word(p, "do")))
            err_tok(p, "blocks are written in braces: if ... { ... }",
                    "expected '{', found '%s'", p->lx.tok.text);
        else
            unexpected(p, "'{'", "blocks are written in braces: if ... { ... }");
        *okp = 0;
        return NULL;
    }
    if (++p->nest > MAX_NEST) {
        err_tok(p, NULL, "blocks nested too deeply");
        *okp = 0;
        return NULL;
    }
    next(p);
    body = parse_stmts(p, 1);
    p->nest--;
    if (p->lx.tok.t != T_RBRACE) {
        diag_at(p, RL_SEV_ERROR, open.line, open.col, open.end_col,
                "add the '}' that closes this block", "unclosed '{'");
        *okp = 0;
        return body;
    }
    next(p);
    return body;
}

static struct ast *parse_if(struct parser *p);
static struct ast *parse_if1(struct parser *p);

/* if    := 'if' cond block { 'elif' cond block } [ 'else' block ] */
static struct ast *
parse_if(struct parser *p)
{
    struct ast *a;

    if (p->ifdepth >= MAX_IF_DEPTH) {
        err_tok(p, "use several if statements instead of a long elif chain",
                "more than %d elif branches and nested ifs", MAX_IF_DEPTH);
        return NULL;
    }
    p->ifdepth++;
    a = parse_if1(p);
    p->ifdepth--;
    return a;
}

/* one 'if'/'elif' arm and what follows it (see parse_if) */
static struct ast *
parse_if1(struct parser *p)
{
    struct ast *a = node(p, A_IF, &p->lx.tok);
    int okb;

    next(p);
    p->terms = 0;
    a->cond = parse_cond(p);
    if (a->cond == NULL) {
        ast_free(a);
        return NULL;
    }
    a->body = parse_block(p, &okb);
    if (!okb) {
        ast_free(a);
        return NULL;
    }
    if (is_word(p, "elif")) {
        a->els = parse_if(p);
        if (a->els == NULL) {
            ast_free(a);
            return NULL;
        }
    } else if (is_word(p, "else")) {
        next(p);
        if (is_word(p, "if")) {
            err_tok(p, "write 'elif'", "'else if' is written 'elif'");
            ast_free(a);
            return NULL;
        }
        a->els = parse_block(p, &okb);
        if (!okb) {
            ast_free(a);
            return NULL;
        }
    }
    return a;
}

/* Lexically normalise a path: drop "." segments and empty ones, fold
 * "dir/.." (not past the start), so that one file has one spelling for the
 * include-cycle check. */
static char *
normalize_path(const char *in)
{
    size_t n = strlen(in), nseg = 0;
    char *copy = xstrdup(in), *save = NULL;
    char **seg = xcalloc(n / 2 + 2, sizeof *seg);
    struct buf b = BUF_INIT;
    int abs = in[0] == '/';

    for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (strcmp(t, ".") == 0)
            continue;
        if (strcmp(t, "..") == 0 && nseg > 0 && strcmp(seg[nseg - 1], "..") != 0) {
            nseg--;
            continue;
        }
        if (strcmp(t, "..") == 0 && abs)
            continue;               /* "/.." is "/" */
        seg[nseg++] = t;
    }
    if (abs)
        buf_addc(&b, '/');
    for (size_t i = 0; i < nseg; i++) {
        if (i)
            buf_addc(&b, '/');
        buf_adds(&b, seg[i]);
    }
    if (b.len == 0)
        buf_addc(&b, '.');
    free(seg);
    free(copy);
    return buf_steal(&b);
}

static char *
resolve_path(const char *base, const struct ast_str *s)
{
    struct buf b = BUF_INIT;
    const char *slash;
    char *r;

    for (size_t i = 0; i < s->n; i++)
        buf_add(&b, s->v[i].s, s->v[i].len);
    if ((b.data && b.data[0] == '/') || (slash = strrchr(base, '/')) == NULL) {
        r = normalize_path(b.data ? b.data : "");
    } else {
        char *j = xasprintf("%.*s/%s", (int)(slash - base), base, b.data ? b.data : "");
        r = normalize_path(j);
        free(j);
    }
    buf_free(&b);
    return r;
}

static int parse_file(struct parser *p, const char *path, const char *text,
                      size_t len, struct ast **out);

/* incl  := 'include' STRING          (read through the host, spliced in) */
static struct ast *
parse_include(struct parser *p)
{
    struct ast_str *s;
    struct ast *list = NULL;
    struct buf content = BUF_INIT;
    char errtxt[256];
    char *path;

    next(p);
    if ((s = expect_string(p, "a file name in double quotes", NULL)) == NULL)
        return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].kind != RL_TP_LIT) {
            diag_at(p, RL_SEV_ERROR, s->line, s->col, s->end_col, NULL,
                    "an include file name cannot contain '${...}'");
            ast_str_free(s);
            return NULL;
        }
    path = resolve_path(p->f->src[p->file].path, s);
    if (p->depth + 1 > p->lim->include_depth) {
        diag_at(p, RL_SEV_ERROR, s->line, s->col, s->end_col, NULL,
                "includes nested deeper than %d levels", p->lim->include_depth);
        goto out;
    }
    for (size_t i = 0; i < p->nstack; i++)
        if (strcmp(p->stack[i], path) == 0) {
            diag_at(p, RL_SEV_ERROR, s->line, s->col, s->end_col,
                    "remove one of the includes that form the cycle",
                    "include cycle: '%s' includes itself", path);
            goto out;
        }
    if (p->reader == NULL || p->reader->read_file == NULL) {
        diag_at(p, RL_SEV_ERROR, s->line, s->col, s->end_col, NULL,
                "include is not possible here (no file access)");
        goto out;
    }
    errtxt[0] = 0;
    if (p->reader->read_file(p->reader->ctx, path, &content, errtxt, sizeof errtxt) < 0) {
        diag_at(p, RL_SEV_ERROR, s->line, s->col, s->end_col, NULL,
                "cannot include '%s': %s", path, errtxt[0] ? errtxt : "read error");
        goto out;
    }
    if (content.len > p->lim->source_max) {
        diag_at(p, RL_SEV_ERROR, s->line, s->col, s->end_col, NULL,
                "'%s' is larger than %zu bytes", path, p->lim->source_max);
        goto out;
    }
    {
        struct parser sub = *p;

        memset(&sub.lx.tok, 0, sizeof sub.lx.tok);
        sub.depth = p->depth + 1;
        sub.errors = 0;
        sub.nest = 0;
        parse_file(&sub, path, content.data ? content.data : "", content.len, &list);
        p->errors += sub.errors;
        p->stack = sub.stack;
        p->nstack = sub.nstack;
    }
out:
    buf_free(&content);
    free(path);
    ast_str_free(s);
    return list;
}

/* The first kind whose keyword is w (actions.def), or 0. */
static unsigned
action_word(const char *w)
{
    for (unsigned k = 1; k < ACT_COUNT; k++)
        if (strcmp(actions_table[k].word, w) == 0)
            return k;
    return 0;
}

static int
is_action_word(const char *w)
{
    return action_word(w) != 0 || strcmp(w, "score") == 0;
}

/* From actions.def: "'add', 'set' or 'remove'" (the sub-words of `word`)
 * or, with word NULL, "file, forward and pipe" (the keywords of the kinds
 * with prop). */
static void
action_words(struct buf *b, const char *word, unsigned prop)
{
    const char *v[ACT_COUNT];
    size_t n = 0;

    for (unsigned k = 1; k < ACT_COUNT; k++) {
        const struct action_info *ai = &actions_table[k];

        if (word ? strcmp(ai->word, word) == 0 && ai->sub : (ai->props & prop) != 0)
            v[n++] = word ? ai->sub : ai->word;
    }
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s%s%s%s", i == 0 ? "" : i + 1 < n ? ", " : word ? " or " : " and ",
                   word ? "'" : "", v[i], word ? "'" : "");
}

/* act   := 'file' STRING | 'discard' | 'bounce' [STRING] | 'defer' [STRING]
 *        | 'fakebounce' [STRING]
 *        | 'reply' { 'days' NUMBER | 'subject' STRING | 'from' STRING | 'text' STRING }
 *        | 'forward' STRING | 'pipe' STRING | 'filter' STRING
 *        | 'header' ('add'|'set') STRING STRING | 'header' 'remove' STRING
 *        | 'log' STRING | 'score' NUMBER [STRING]
 *   (after 'copy' and/or 'final' where the action allows them) */
static struct ast *
parse_action(struct parser *p, unsigned flags, const struct token *start)
{
    struct ast *a = node(p, A_ACTION, start);
    const char *w = p->lx.tok.text;
    const struct action_info *ai;
    unsigned k;

    a->flags = flags;
    if (strcmp(w, "score") == 0) {
        a->kind = A_SCORE;
        if (flags) {
            err_tok(p, NULL, "'copy' and 'final' do not apply to 'score'");
            goto fail;
        }
        next(p);
        if (p->lx.tok.t == T_REL) {
            err_tok(p, "tests go after 'if': if score >= 5 { ... }",
                    "'score %s' is a test, not a statement", rl_rel_names[p->lx.tok.rel]);
            goto fail;
        }
        if (p->lx.tok.t != T_NUMBER) {
            unexpected(p, "a number of points", "e.g. score 3 \"reason\"");
            goto fail;
        }
        a->num = p->lx.tok.num;
        a->has_num = 1;
        next(p);
        if ((a->s1 = expect_string(p, "a reason in double quotes",
                                   "e.g. score 3 \"From and envelope disagree\"")) == NULL)
            goto fail;
        return a;
    }
    /* the keyword (and sub-keyword) name the kind; the arguments follow
     * its row of actions.def */
    k = action_word(w);
    next(p);
    if (actions_table[k].sub) {
        const char *word = actions_table[k].word;

        while (k < ACT_COUNT && !(strcmp(actions_table[k].word, word) == 0 &&
                                  is_word(p, actions_table[k].sub)))
            k++;
        if (k == ACT_COUNT) {
            struct buf e = BUF_INIT, h = BUF_INIT;

            action_words(&e, word, 0);
            buf_printf(&e, " after '%s'", word);
            buf_printf(&h, "%s tests go after 'if'", word);
            unexpected(p, e.data, h.data);
            buf_free(&e);
            buf_free(&h);
            goto fail;
        }
        next(p);
    }
    ai = &actions_table[k];
    a->act = (int)k;
    if (k != ACT_REPLY) {
        if ((ai->c == ACT_O_TARGET || ai->c == ACT_O_NAME) &&
            (a->s1 = expect_string(p, ai->c_expected, ai->c_help)) == NULL)
            goto fail;
        /* filter "cmd" else defer: a failing filter defers the message
         * instead of letting it continue unchanged */
        if (k == ACT_FILTER && is_word(p, "else") && !p->lx.tok.nl_before) {
            next(p);
            if (!is_word(p, "defer")) {
                unexpected(p, "'defer' after 'else'",
                           "filter \"cmd\" else defer: a failing filter defers the message");
                goto fail;
            }
            next(p);
            a->flags |= RL_AF_DEFER;
        }
        if (ai->d == ACT_O_TEXT_OPT) {
            if (p->lx.tok.t == T_STRING && !p->lx.tok.nl_before)
                a->s2 = take_str(p);
        } else if (ai->d != ACT_O_NONE &&
                   (a->s2 = expect_string(p, ai->d_expected, ai->d_help)) == NULL)
            goto fail;
    } else {
        /* reply [days N] [subject "s"] [from "addr"] text "body", any order */
        for (;;) {
            if (is_word(p, "days")) {
                next(p);
                if (p->lx.tok.t != T_NUMBER || p->lx.tok.num < 0 || p->lx.tok.num > 1e6 || p->lx.tok.num != (double)(long)p->lx.tok.num) {
                    unexpected(p, "a whole number of days", NULL);
                    goto fail;
                }
                a->num = p->lx.tok.num;
                a->has_num = 1;
                next(p);
            } else if (is_word(p, "subject")) {
                next(p);
                ast_str_free(a->s3);
                if ((a->s3 = expect_string(p, "a subject in double quotes", NULL)) == NULL)
                    goto fail;
            } else if (is_word(p, "from")) {
                next(p);
                ast_str_free(a->s4);
                if ((a->s4 = expect_string(p, "an address in double quotes", NULL)) == NULL)
                    goto fail;
            } else if (is_word(p, "text")) {
                next(p);
                ast_str_free(a->s2);
                if ((a->s2 = expect_string(p, ai->d_expected, NULL)) == NULL)
                    goto fail;
            } else {
                break;
            }
        }
        if (a->s2 == NULL) {
            diag_at(p, RL_SEV_ERROR, start->line, start->col, start->end_col,
                    ai->d_help, "'%s' needs a text", ai->name);
            goto fail;
        }
    }
    if ((flags & RL_AF_COPY) && !(ai->props & ACT_P_COPY)) {
        struct buf h = BUF_INIT;

        buf_adds(&h, "'copy' goes with ");
        action_words(&h, NULL, ACT_P_COPY);
        diag_at(p, RL_SEV_ERROR, start->line, start->col, start->end_col, h.data,
                "'copy' does not apply to '%s'", ai->name);
        buf_free(&h);
        goto fail;
    }
    return a;
fail:
    ast_free(a);
    return NULL;
}

/* stmt  := 'set' NAME '=' STRING | if | 'rule' STRING [STRING] ['shadow'] block
 *        | incl | 'stop' | ['final'] ['copy'] act
 * One statement; NULL with p->errors raised on error (or for an empty
 * include). */
static struct ast *
parse_stmt(struct parser *p)
{
    struct token t = p->lx.tok;
    char hb[64];
    unsigned flags = 0;

    t.text = NULL;
    t.str = NULL;
    {
        const char *what;
        enum rl_foreign fl = rl_hint_foreign(p->lx.s, p->lx.len, p->lx.tok.off, &what);

        if (fl != RL_FOREIGN_NONE) {
            err_tok(p, rl_hint_migration(fl), "this is %s, not a weir rule", what);
            while (p->lx.tok.t != T_EOF)    /* one error, not one per line */
                next(p);
            return NULL;
        }
    }
    if (p->lx.tok.t != T_IDENT) {
        if (p->lx.tok.t == T_LBRACE) {
            err_tok(p, "a block belongs to an if, elif, else or rule", "unexpected '{'");
            return NULL;
        }
        unexpected(p, "a statement", NULL);
        return NULL;
    }
    if (is_word(p, "set")) {
        struct ast *a = node(p, A_SET, &t);
        next(p);
        if (p->lx.tok.t != T_IDENT) {
            unexpected(p, "a variable name after 'set'", "e.g. set mail = \"~/Maildir\"");
            ast_free(a);
            return NULL;
        }
        a->name = xstrdup(p->lx.tok.text);
        a->col = p->lx.tok.col;
        a->end_col = p->lx.tok.end_col;
        if (strchr(a->name, '-') || rl_builtin_find(a->name) >= 0) {
            err_tok(p, "variable names are letters, digits and '_'",
                    "'%s' cannot be a variable name", a->name);
            ast_free(a);
            return NULL;
        }
        for (int i = 0; i < RL_SP_COUNT; i++)
            if (strcmp(a->name, rl_special_names[i]) == 0) {
                err_tok(p, "choose another name", "'%s' is a predefined name and cannot be set",
                        a->name);
                ast_free(a);
                return NULL;
            }
        next(p);
        if (p->lx.tok.t != T_ASSIGN) {
            unexpected(p, "'='", "e.g. set mail = \"~/Maildir\"");
            ast_free(a);
            return NULL;
        }
        next(p);
        if (p->lx.tok.t == T_NUMBER) {
            char num[64];
            snprintf(num, sizeof num, "%.15g", p->lx.tok.num);
            a->s1 = str_of_text(num, &p->lx.tok);
            next(p);
        } else if ((a->s1 = expect_string(p, "a value in double quotes", NULL)) == NULL) {
            ast_free(a);
            return NULL;
        }
        return a;
    }
    if (is_word(p, "if"))
        return parse_if(p);
    if (is_word(p, "elif") || is_word(p, "else")) {
        err_tok(p, "put it right after the '}' of an if block",
                "'%s' without a preceding if", p->lx.tok.text);
        return NULL;
    }
    if (is_word(p, "include"))
        return parse_include(p);
    if (is_word(p, "stop")) {
        struct ast *a = node(p, A_STOP, &t);
        next(p);
        return a;
    }
    if (is_word(p, "rule")) {
        struct ast *a = node(p, A_RULE, &t);
        int okb;

        if (p->in_rule || p->nest > 0) {
            err_tok(p, "rules are written at the top level of a file",
                    "a rule cannot be inside a block");
            ast_free(a);
            return NULL;
        }
        next(p);
        if (p->lx.tok.t != T_STRING) {
            unexpected(p, "a rule name in double quotes", "e.g. rule \"lists\" \"File mailing lists\" { ... }");
            ast_free(a);
            return NULL;
        }
        struct ast_str *n = take_str(p);
        if (n->n != 1 || n->v[0].kind != RL_TP_LIT || n->v[0].len == 0) {
            diag_at(p, RL_SEV_ERROR, n->line, n->col, n->end_col, NULL,
                    "a rule name is plain, non-empty text");
            ast_str_free(n);
            ast_free(a);
            return NULL;
        }
        a->name = xstrdup(n->v[0].s);
        ast_str_free(n);
        if (p->lx.tok.t == T_STRING) {
            struct ast_str *d = take_str(p);
            struct buf b = BUF_INIT;
            for (size_t i = 0; i < d->n; i++)
                if (d->v[i].kind == RL_TP_LIT)
                    buf_add(&b, d->v[i].s, d->v[i].len);
            a->desc = buf_steal(&b);
            ast_str_free(d);
        }
        if (is_word(p, "shadow")) {
            a->flags |= RL_RF_SHADOW;
            next(p);
        }
        p->in_rule = 1;
        a->body = parse_block(p, &okb);
        p->in_rule = 0;
        if (!okb) {
            ast_free(a);
            return NULL;
        }
        return a;
    }
    while (is_word(p, "final") || is_word(p, "copy")) {
        flags |= is_word(p, "final") ? RL_AF_FINAL : RL_AF_COPY;
        next(p);
        if (p->lx.tok.t != T_IDENT) {
            unexpected(p, "an action after 'final'/'copy'", NULL);
            return NULL;
        }
    }
    if (is_action_word(p->lx.tok.text))
        return parse_action(p, flags, &t);
    if (rl_builtin_find(p->lx.tok.text) >= 0 || strcmp(p->lx.tok.text, "address") == 0 ||
        strcmp(p->lx.tok.text, "envelope") == 0 || strcmp(p->lx.tok.text, "size") == 0) {
        err_tok(p, "tests go after 'if': if ... { ... }",
                "'%s' is a test, not a statement", p->lx.tok.text);
        return NULL;
    }
    err_tok(p, suggest(p->lx.tok.text, stmt_words, hb, sizeof hb),
            "unknown statement or action '%s'", p->lx.tok.text);
    return NULL;
}

/* stmts := { stmt }                   (until '}' in a block, or the end) */
static struct ast *
parse_stmts(struct parser *p, int in_block)
{
    struct ast *head = NULL, **tail = &head;
    const struct ast *stop = NULL;
    int warned = 0;

    for (;;) {
        if (p->lx.tok.t == T_EOF)
            break;
        if (p->lx.tok.t == T_RBRACE) {
            if (in_block)
                break;
            err_tok(p, "remove it, or add the '{' it should close",
                    "unexpected '}' with no open block");
            next(p);
            continue;
        }
        int before = p->errors;
        struct token t = p->lx.tok;
        struct ast *s = parse_stmt(p);

        if (p->errors > before) {
            ast_free(s);
            /* resynchronise unless already at a fresh line */
            if (!(p->lx.tok.nl_before && p->lx.tok.line > t.line) || p->lx.tok.t == T_BAD)
                sync_line(p);
            continue;
        }
        if (s == NULL)
            continue;
        if (stop && !warned) {
            diag_at(p, RL_SEV_WARNING, s->line, s->col, s->end_col,
                    "move it before the 'stop', or remove it",
                    "unreachable: this comes after 'stop'");
            warned = 1;
        }
        if (!p->lx.tok.nl_before && p->lx.tok.t != T_EOF && p->lx.tok.t != T_RBRACE) {
            /* two statements on one line are fine; garbage is not */
            if (p->lx.tok.t != T_IDENT) {
                unexpected(p, "the end of the statement", NULL);
                ast_free(s);
                sync_line(p);
                continue;
            }
        }
        *tail = s;
        while (*tail) {
            if ((*tail)->kind == A_STOP)
                stop = *tail;
            tail = &(*tail)->next;
        }
    }
    return head;
}

/* file  := stmts EOF                  (one source text; includes recurse) */
static int
parse_file(struct parser *p, const char *path, const char *text, size_t len,
           struct ast **out)
{
    struct rl_front *f = p->f;

    if (f->nsrc == f->capsrc) {
        f->capsrc = f->capsrc ? f->capsrc * 2 : 4;
        f->src = xreallocarray(f->src, f->capsrc, sizeof *f->src);
    }
    if (f->nsrc >= RL_MAX_SRCS) {
        diag_at(p, RL_SEV_ERROR, 0, 0, 0, NULL, "too many included files");
        return -1;
    }
    p->file = (int)f->nsrc;
    f->src[f->nsrc].path = xstrdup(path);
    f->src[f->nsrc].text = xmalloc(len + 1);
    memcpy(f->src[f->nsrc].text, text, len);
    f->src[f->nsrc].text[len] = 0;
    f->src[f->nsrc].len = len;
    f->nsrc++;
    lex_init(&p->lx, f->src[p->file].text, len);
    p->stack = xreallocarray(p->stack, p->nstack + 1, sizeof *p->stack);
    p->stack[p->nstack++] = normalize_path(path);
    if (memchr(text, 0, len)) {
        const char *z = memchr(text, 0, len);
        int line = 1;
        for (const char *q = text; q < z; q++)
            line += *q == '\n';
        diag_at(p, RL_SEV_ERROR, line, 1, 2, "rule files are text", "NUL byte in rule file");
        p->nstack--;
        free(p->stack[p->nstack]);
        return -1;
    }
    next(p);
    *out = parse_stmts(p, 0);
    lex_tok_clear(&p->lx.tok);
    p->nstack--;
    free(p->stack[p->nstack]);
    return 0;
}

int
rl_parse(struct rl_front *f, const char *path, const char *text, size_t len,
         const struct rl_reader *reader, const struct rl_limits *lim)
{
    struct parser p;

    memset(&p, 0, sizeof p);
    p.f = f;
    p.reader = reader;
    p.lim = lim;
    if (len > lim->source_max) {
        rl_diag_add(f->diags, RL_SEV_ERROR, path, NULL, 0, 0, 0, 0, NULL,
                    "rule file larger than %zu bytes", lim->source_max);
        return 1;
    }
    parse_file(&p, path, text, len, &f->top);
    free(p.stack);
    return p.errors;
}

void
rl_front_free(struct rl_front *f)
{
    for (size_t i = 0; i < f->nsrc; i++) {
        free(f->src[i].path);
        free(f->src[i].text);
    }
    free(f->src);
    ast_free(f->top);
    memset(f, 0, sizeof *f);
}
