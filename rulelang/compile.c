/*
 * compile.c -- the back end of the rule language: AST (ast.h) -> bytecode
 * (struct rl_program, opcodes from opcodes.def), plus rl_compile(), the
 * entry point that runs the front end and then this.
 *
 * Conditions compile to test instructions that set the test flag and
 * conditional jumps (short-circuit and/or/not need no stack).  Strings
 * with ${...} become template constants; names are resolved here: a
 * variable must be set earlier in the file, a named capture must be
 * defined by an earlier regex.  Every instruction gets its source line.
 *
 * rl_compile() returns NULL when any error was reported (diagnostics in
 * the caller's struct rl_diags); it never exits on bad input.
 */
#include "config.h"
#include "ast.h"
#include "lint.h"
#include "registry.h"

#include <stdlib.h>
#include <string.h>

const char *const rl_special_names[RL_SP_COUNT] = {
    "user", "home", "extension", "sender", "recipient", "client", "score", "reasons"
};

struct comp {
    struct rl_program *p;
    struct rl_front *f;
    struct rl_diags *diags;
    int errors;
    char **ncaps;               /* named captures seen so far */
    size_t nncaps;
    int file, line;             /* current statement, for the line table */
};

static const struct rl_limits rl_defaults = {
    .steps = 1000000,                   /* VM instructions per run */
    .match_limit = 100000,              /* PCRE2 match limit */
    .depth_limit = 10000,               /* PCRE2 backtracking depth */
    .heap_limit = 20 * 1024,            /* PCRE2 heap, KiB */
    .include_depth = 8,                 /* nested include levels */
    .source_max = 4 * 1024 * 1024,      /* bytes per source file */
    .string_max = 64 * 1024,            /* interpolated string bytes */
    .jit = 0,
};

void
rl_limits_default(struct rl_limits *lim)
{
    *lim = rl_defaults;
}

const char *
rl_pcre2_version(void)
{
    static char v[64];          /* constant once set: library version */

    if (v[0] == 0 && pcre2_config(PCRE2_CONFIG_VERSION, v) < 0)
        strcpy(v, "unknown");
    return v;
}

uint32_t
rl_regex_options(uint32_t flags)
{
    uint32_t o = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C;

    if (flags & RL_RE_I) o |= PCRE2_CASELESS;
    if (flags & RL_RE_M) o |= PCRE2_MULTILINE;
    if (flags & RL_RE_S) o |= PCRE2_DOTALL;
    if (flags & RL_RE_X) o |= PCRE2_EXTENDED;
    return o;
}

/* Regexes are compiled without JIT: bench/run.sh measures JIT compile at
 * ~10 us per pattern against ~0.3 us per interpreted match, and a delivery
 * (one process per message) matches each pattern about once. */
pcre2_code *
rl_regex(struct rl_const *k, char *err, size_t errlen)
{
    int ec;
    PCRE2_SIZE off;

    if (k->kind != RL_K_REGEX)
        return NULL;
    if (k->re_state == 0) {
        k->re = pcre2_compile((PCRE2_SPTR)k->s, k->len, rl_regex_options(k->flags),
                              &ec, &off, NULL);
        k->re_state = k->re ? 1 : -1;
        if (k->re == NULL && err && errlen) {
            pcre2_get_error_message(ec, (PCRE2_UCHAR *)err, errlen);
        }
    }
    return k->re;
}

static void const_free(struct rl_const *k, int pooled);

void
rl_const_free(struct rl_const *k)
{
    const_free(k, 0);
}

static void
const_free(struct rl_const *k, int pooled)
{
    if (!pooled) {
        free(k->s);
        for (size_t i = 0; i < k->nparts; i++)
            free(k->parts[i].s);
    }
    free(k->parts);
    free(k->list);
    free(k->pf);
    if (k->re)
        pcre2_code_free(k->re);
}

void
rl_program_free(struct rl_program *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nk; i++)
        const_free(&p->k[i], p->strpool != NULL);
    if (p->strpool == NULL) {
        for (size_t i = 0; i < p->nvars; i++)
            free(p->vars[i]);
        for (size_t i = 0; i < p->nsrcs; i++)
            free(p->srcs[i]);
    }
    free(p->strpool);
    free(p->k);
    free(p->vars);
    free(p->srcs);
    free(p->code);
    free(p->lines);
    free(p->files);
    free(p);
}

size_t
rl_program_nsources(const struct rl_program *p)
{
    return p->nsrcs;
}

const char *
rl_program_source(const struct rl_program *p, size_t i)
{
    return i < p->nsrcs ? p->srcs[i] : NULL;
}

int
rl_program_uses(const struct rl_program *p, const char *builtin)
{
    int i = rl_builtin_find(builtin);

    if (i < 0)
        return 0;
    for (size_t pc = 0; pc < p->ncode; pc++)
        if (p->code[pc].op == RL_OP_BUILTIN && p->code[pc].c == (uint32_t)i)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ */

__attribute__((format(printf, 5, 6)))
static void
cerr(struct comp *c, enum rl_severity sev, const struct ast_str *at_s,
     const char *help, const char *fmt, ...)
{
    /* at_s gives the position; fall back to the current statement */
    const struct rl_parse_src *src = &c->f->src[c->file];
    struct buf b = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (at_s)
        rl_diag_add(c->diags, sev, src->path, src->text, src->len, at_s->line,
                    at_s->col, at_s->end_col, help, "%s", b.data);
    else
        rl_diag_add(c->diags, sev, src->path, src->text, src->len, c->line, 1, 2,
                    help, "%s", b.data);
    if (sev == RL_SEV_ERROR)
        c->errors++;
    buf_free(&b);
}

static uint32_t
emit(struct comp *c, int op, int a, int b, uint32_t cc, uint32_t d)
{
    struct rl_program *p = c->p;

    if (p->ncode == p->capcode) {
        p->capcode = p->capcode ? p->capcode * 2 : 64;
        p->code = xreallocarray(p->code, p->capcode, sizeof *p->code);
        p->lines = xreallocarray(p->lines, p->capcode, sizeof *p->lines);
        p->files = xreallocarray(p->files, p->capcode, sizeof *p->files);
    }
    p->code[p->ncode] = (struct rl_insn){ (uint8_t)op, (uint8_t)a, (uint16_t)b, cc, d };
    p->lines[p->ncode] = (uint32_t)c->line;
    p->files[p->ncode] = (uint16_t)c->file;
    return (uint32_t)p->ncode++;
}

static uint32_t
add_const(struct comp *c, const struct rl_const *k)
{
    struct rl_program *p = c->p;

    if (p->nk == p->capk) {
        p->capk = p->capk ? p->capk * 2 : 32;
        p->k = xreallocarray(p->k, p->capk, sizeof *p->k);
    }
    p->k[p->nk] = *k;
    return (uint32_t)p->nk++;
}

static uint32_t
knum(struct comp *c, double v)
{
    struct rl_const k = { .kind = RL_K_NUM, .num = v };

    return add_const(c, &k);
}

static int
var_index(struct comp *c, const char *name)
{
    for (size_t i = 0; i < c->p->nvars; i++)
        if (strcmp(c->p->vars[i], name) == 0)
            return (int)i;
    return -1;
}

static int
is_ncap(struct comp *c, const char *name)
{
    for (size_t i = 0; i < c->nncaps; i++)
        if (strcmp(c->ncaps[i], name) == 0)
            return 1;
    return 0;
}

/* "builtin.fact" naming a fact a builtin exports: the fact name, with the
 * builtin's index in *bi; else NULL. */
static const char *
fact_ref(const char *name, int *bi)
{
    const char *dot = strchr(name, '.');
    char b[64];

    if (dot == NULL || (size_t)(dot - name) >= sizeof b)
        return NULL;
    memcpy(b, name, (size_t)(dot - name));
    b[dot - name] = '\0';
    if ((*bi = rl_builtin_find(b)) < 0 || rl_builtin_fact(rl_builtins[*bi], dot + 1) < 0)
        return NULL;
    return dot + 1;
}

/* A string (possibly with ${...}) -> STR or TMPL constant. */
static uint32_t
kstr(struct comp *c, const struct ast_str *s)
{
    struct rl_const k = { .kind = RL_K_STR };
    int lit = 1;

    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].kind != RL_TP_LIT)
            lit = 0;
    if (lit) {
        struct buf b = BUF_INIT;
        for (size_t i = 0; i < s->n; i++)
            buf_add(&b, s->v[i].s, s->v[i].len);
        k.len = b.len;
        k.s = buf_steal(&b);
        return add_const(c, &k);
    }
    k.kind = RL_K_TMPL;
    k.parts = xcalloc(s->n, sizeof *k.parts);
    for (size_t i = 0; i < s->n; i++) {
        const struct ast_part *a = &s->v[i];
        struct rl_tpart *t = &k.parts[k.nparts++];
        int vi, bi;
        const char *fact;

        if (a->kind == RL_TP_LIT) {
            t->kind = RL_TP_LIT;
            t->s = xstrndup(a->s, a->len);
            t->len = a->len;
            continue;
        }
        if (a->kind == RL_TP_DATE) {
            t->kind = RL_TP_DATE;
            t->s = xstrndup(a->s, a->len);
            t->len = a->len;
            continue;
        }
        t->kind = RL_TP_SPECIAL;
        t->mods = (uint8_t)a->mods;
        if (a->len == 1 && a->s[0] >= '0' && a->s[0] <= '9') {
            t->kind = RL_TP_CAP;
            t->idx = (uint32_t)(a->s[0] - '0');
            continue;
        }
        for (int j = 0; j < RL_SP_COUNT; j++)
            if (strcmp(a->s, rl_special_names[j]) == 0) {
                t->idx = (uint32_t)j;
                goto next;
            }
        if ((fact = fact_ref(a->s, &bi)) != NULL) {
            t->kind = RL_TP_FACT;
            t->idx = (uint32_t)bi;
            t->s = xstrdup(fact);
            t->len = strlen(t->s);
            continue;
        }
        if (strncmp(a->s, "env.", 4) == 0 && a->s[4]) {
            t->kind = RL_TP_ENV;
            t->s = xstrdup(a->s + 4);
            t->len = strlen(t->s);
            continue;
        }
        if ((vi = var_index(c, a->s)) >= 0) {
            t->kind = RL_TP_VAR;
            t->idx = (uint32_t)vi;
            continue;
        }
        if (is_ncap(c, a->s)) {
            t->kind = RL_TP_NCAP;
            t->s = xstrdup(a->s);
            t->len = a->len;
            continue;
        }
        {
            struct ast_str at = { .line = s->line, .col = a->col,
                                  .end_col = a->col + (int)a->len + 3 };
            t->kind = RL_TP_LIT;
            t->mods = 0;
            t->s = xstrdup("");
            cerr(c, RL_SEV_ERROR, &at,
                 "set it first (set NAME = \"...\"), or name a capture (?<NAME>...) in an earlier regex",
                 "unknown variable '%s'", a->s);
        }
    next:;
    }
    return add_const(c, &k);
}

static int
isalnum_ascii(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Patterns where an unescaped '^' or '$' sits between other characters can
 * never match without the m flag (a common slip for a literal dollar). */
static int
anchor_impossible(const char *s, uint32_t flags)
{
    size_t n = strlen(s);
    int cls = 0;

    if (flags & (RL_RE_M | RL_RE_X))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\') {
            i++;
            continue;
        }
        if (cls) {
            if (s[i] == ']')
                cls = 0;
            continue;
        }
        if (s[i] == '[') {
            cls = 1;
            if (i + 1 < n && s[i + 1] == ']')
                i++;
            continue;
        }
        if (s[i] == '$' && i + 1 < n && s[i + 1] != ')' && s[i + 1] != '|' &&
            s[i + 1] != '$' && i > 0 && s[i - 1] != '(' && s[i - 1] != '|' &&
            (isalnum_ascii(s[i + 1])))
            return 1;
        if (s[i] == '^' && i > 0 && s[i - 1] != '(' && s[i - 1] != '|' &&
            s[i - 1] != '^' && isalnum_ascii(s[i - 1]))
            return 1;
    }
    return 0;
}

static uint32_t
kregex(struct comp *c, const struct ast_str *s)
{
    struct rl_const k = { .kind = RL_K_REGEX };
    char msg[256];
    int ec;
    PCRE2_SIZE off;

    k.s = xstrdup(s->pattern);
    k.len = strlen(k.s);
    k.flags = s->reflags;
    k.re = pcre2_compile((PCRE2_SPTR)k.s, k.len, rl_regex_options(k.flags), &ec,
                         &off, NULL);
    if (k.re == NULL) {
        struct ast_str at = *s;
        pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
        at.col = s->col + 1 + (int)(off < k.len ? off : k.len);
        at.end_col = at.col + 1;
        if (at.col >= s->end_col)
            at.col = s->end_col - 1;
        cerr(c, RL_SEV_ERROR, &at, NULL, "bad regex: %s", msg);
        k.re_state = -1;
    } else {
        uint32_t cnt = 0, esz = 0;
        PCRE2_SPTR tab;

        k.re_state = 1;
        pcre2_pattern_info(k.re, PCRE2_INFO_NAMECOUNT, &cnt);
        pcre2_pattern_info(k.re, PCRE2_INFO_NAMEENTRYSIZE, &esz);
        pcre2_pattern_info(k.re, PCRE2_INFO_NAMETABLE, &tab);
        for (uint32_t i = 0; i < cnt; i++) {
            const char *nm = (const char *)tab + (size_t)i * esz + 2;
            if (!is_ncap(c, nm)) {
                c->ncaps = xreallocarray(c->ncaps, c->nncaps + 1, sizeof *c->ncaps);
                c->ncaps[c->nncaps++] = xstrdup(nm);
            }
        }
        if (anchor_impossible(k.s, k.flags))
            cerr(c, RL_SEV_WARNING, s,
                 "'^' and '$' match only at the start and end; for a literal character write \\^ or \\$ (or add the m flag)",
                 "this regex can never match");
    }
    return add_const(c, &k);
}

static uint32_t
koperand(struct comp *c, const struct ast *a)
{
    if (a->cmp == RL_CMP_EXISTS)
        return RL_NONE;
    if (a->cmp == RL_CMP_MATCHES)
        return kregex(c, a->s2);
    return kstr(c, a->s2);
}

/* Emit code that jumps to a new label when cond == sense; the jumps to
 * patch are collected in *list. */
struct jlist { uint32_t *v; size_t n; };

static void
jl_add(struct jlist *l, uint32_t at)
{
    l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
    l->v[l->n++] = at;
}

static void
jl_patch(struct comp *c, struct jlist *l, uint32_t target)
{
    for (size_t i = 0; i < l->n; i++)
        c->p->code[l->v[i]].c = target;
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* BUILTIN form cmp-or-rel builtin call-list (registry.h, rl_int.h). */
static void
emit_builtin(struct comp *c, const struct ast *a)
{
    const struct rl_builtin *b = rl_builtins[a->builtin];
    struct rl_bi_item items[RL_BI_MAX_ITEMS];
    struct rl_const k = { .kind = RL_K_LIST };
    int nitems, nargs = 0, cmpop = 0;

    nitems = rl_bi_form_parse(b->forms[a->which].syntax, items, RL_BI_MAX_ITEMS, &nargs, NULL);
    k.nlist = RL_CALL_ARGS + (size_t)nargs;
    k.list = xcalloc(k.nlist, sizeof *k.list);
    k.list[RL_CALL_FIELD] = (uint32_t)a->part;
    k.list[RL_CALL_FLAGS] = a->bflags;
    for (int i = 0; i < nitems; i++) {
        const struct rl_bi_item *it = &items[i];
        uint32_t *slot = &k.list[RL_CALL_ARGS + it->arg];

        switch (it->kind) {
        case RL_BI_TEXT: *slot = koperand(c, a); cmpop = a->cmp; break;
        case RL_BI_NUM: *slot = knum(c, a->num); cmpop = a->rel; break;
        case RL_BI_STR: case RL_BI_RAW:
            *slot = a->bargs[it->arg] ? kstr(c, a->bargs[it->arg]) : RL_NONE;
            break;
        default: break;
        }
    }
    emit(c, RL_OP_BUILTIN, a->which, cmpop, (uint32_t)a->builtin, add_const(c, &k));
}

static void
emit_test(struct comp *c, const struct ast *a)
{
    int save = c->line;

    c->line = a->line;
    switch (a->kind) {
    case A_TRUE: emit(c, RL_OP_TRUE, 0, 0, 0, 0); break;
    case A_FALSE: emit(c, RL_OP_FALSE, 0, 0, 0, 0); break;
    case A_HEADER: {
        uint32_t n = kstr(c, a->s1);
        emit(c, RL_OP_HEADER, a->mode, a->cmp, n, koperand(c, a));
        break;
    }
    case A_ADDRESS: {
        uint32_t n = kstr(c, a->s1);
        emit(c, RL_OP_ADDRESS, a->part, a->cmp, n, koperand(c, a));
        break;
    }
    case A_SCORE_IS:
        emit(c, RL_OP_SCORE_IS, 0, a->rel, 0, knum(c, a->num));
        break;
    case A_BUILTIN:
        emit_builtin(c, a);
        break;
    default:
        break;
    }
    c->line = save;
}

/* Jump to `to` when condition a is `sense`, else fall through.
 *
 * Undecided tests (weir-rules(5), CONDITIONS): `neg` is the parity of the
 * `not`s above a.  An undecided test counts as false where it stands
 * under an even number of `not`s and as true under an odd number: the
 * value that makes the whole condition less true.  As every test occurs
 * once in a condition, the condition is then taken exactly when it is
 * true whatever the undecided tests would have given (Kleene's strong
 * three-valued logic: `undecided or true` is taken, `not undecided` is
 * not).  The jump after a test carries that value in operand a. */
static void
emit_branch(struct comp *c, const struct ast *a, int sense, int neg, struct jlist *to)
{
    struct jlist skip = { NULL, 0 };

    switch (a->kind) {
    case A_NOT:
        emit_branch(c, a->l, !sense, !neg, to);
        return;
    case A_AND:
        if (!sense) {
            emit_branch(c, a->l, 0, neg, to);
            emit_branch(c, a->r, 0, neg, to);
        } else {
            emit_branch(c, a->l, 0, neg, &skip);
            emit_branch(c, a->r, 1, neg, to);
            jl_patch(c, &skip, (uint32_t)c->p->ncode);
        }
        return;
    case A_OR:
        if (sense) {
            emit_branch(c, a->l, 1, neg, to);
            emit_branch(c, a->r, 1, neg, to);
        } else {
            emit_branch(c, a->l, 1, neg, &skip);
            emit_branch(c, a->r, 0, neg, to);
            jl_patch(c, &skip, (uint32_t)c->p->ncode);
        }
        return;
    default:
        emit_test(c, a);
        jl_add(to, emit(c, sense ? RL_OP_JT : RL_OP_JF, neg, 0, 0, 0));
        return;
    }
}

static uint32_t
kopt(struct comp *c, const struct ast_str *s)
{
    return s ? kstr(c, s) : RL_NONE;
}

static void emit_stmts(struct comp *c, const struct ast *a);

static void
emit_stmt(struct comp *c, const struct ast *a)
{
    c->file = a->file;
    c->line = a->line;
    switch (a->kind) {
    case A_SET: {
        uint32_t v = kstr(c, a->s1);   /* the value may use the old value */
        int vi = var_index(c, a->name);
        if (vi < 0) {
            if (c->p->nvars >= RL_MAX_VARS) {
                cerr(c, RL_SEV_ERROR, NULL, NULL, "too many variables");
                return;
            }
            c->p->vars = xreallocarray(c->p->vars, c->p->nvars + 1, sizeof *c->p->vars);
            c->p->vars[c->p->nvars] = xstrdup(a->name);
            vi = (int)c->p->nvars++;
        }
        emit(c, RL_OP_SET, 0, 0, (uint32_t)vi, v);
        return;
    }
    case A_IF: {
        struct jlist f = { NULL, 0 };
        uint32_t start = (uint32_t)c->p->ncode;
        emit_branch(c, a->cond, 0, 0, &f);
        emit_stmts(c, a->body);
        if (a->els) {
            /* else (and elif) mean "the condition is false": not known
             * when one of its tests was undecided, so JU skips the whole
             * chain then (an undecided condition runs neither branch). */
            uint32_t j, u;
            c->file = a->file;
            c->line = a->line;
            j = emit(c, RL_OP_JMP, 0, 0, 0, 0);
            jl_patch(c, &f, (uint32_t)c->p->ncode);
            u = emit(c, RL_OP_JU, 0, 0, 0, start);
            emit_stmts(c, a->els);
            c->p->code[j].c = (uint32_t)c->p->ncode;
            c->p->code[u].c = (uint32_t)c->p->ncode;
        } else {
            jl_patch(c, &f, (uint32_t)c->p->ncode);
        }
        return;
    }
    case A_RULE: {
        struct rl_const n = { .kind = RL_K_STR, .s = xstrdup(a->name), .len = strlen(a->name) };
        uint32_t kn = add_const(c, &n), kd = RL_NONE;
        if (a->desc) {
            struct rl_const d = { .kind = RL_K_STR, .s = xstrdup(a->desc), .len = strlen(a->desc) };
            kd = add_const(c, &d);
        }
        emit(c, RL_OP_RULE, 0, (int)a->flags, kn, kd);
        emit_stmts(c, a->body);
        c->file = a->file;
        c->line = a->line;
        emit(c, RL_OP_ENDRULE, 0, 0, 0, 0);
        return;
    }
    case A_STOP:
        emit(c, RL_OP_STOP, 0, 0, 0, 0);
        return;
    case A_SCORE: {
        uint32_t n = knum(c, a->num);
        emit(c, RL_OP_SCORE, 0, 0, n, kstr(c, a->s1));
        return;
    }
    case A_ACTION: {
        uint32_t t, x;
        if (a->act == ACT_REPLY && (a->s4 || a->has_num)) {
            /* One constant at a time: the order of a call's arguments is
             * unspecified, and the pool's order must not depend on the
             * compiler (gcc and clang differ here).  Days first, as the
             * golden dumps have it. */
            uint32_t days = a->has_num ? knum(c, a->num) : RL_NONE;
            uint32_t from = kopt(c, a->s4);

            emit(c, RL_OP_REPLYOPT, 0, 0, from, days);
        }
        t = kopt(c, a->act == ACT_REPLY ? a->s3 : a->s1);
        x = kopt(c, a->s2);
        emit(c, RL_OP_ACTION, a->act, (int)a->flags, t, x);
        return;
    }
    default:
        return;
    }
}

static void
emit_stmts(struct comp *c, const struct ast *a)
{
    for (; a; a = a->next)
        emit_stmt(c, a);
}

struct rl_program *
rl_compile(const char *path, const char *source, size_t len,
           const struct rl_reader *reader, const struct rl_limits *limits,
           struct rl_diags *diags)
{
    struct rl_limits dl;
    struct rl_front f;
    struct rl_diags local;
    struct comp c;
    int errs;

    if (limits == NULL) {
        rl_limits_default(&dl);
        limits = &dl;
    }
    if (diags == NULL) {
        rl_diags_init(&local);
        diags = &local;
    }
    memset(&f, 0, sizeof f);
    f.diags = diags;
    errs = rl_parse(&f, path, source, len, reader, limits);
    errs += rl_lint(&f);
    memset(&c, 0, sizeof c);
    c.f = &f;
    c.diags = diags;
    c.p = xcalloc(1, sizeof *c.p);
    for (size_t i = 0; i < f.nsrc; i++) {
        c.p->srcs = xreallocarray(c.p->srcs, c.p->nsrcs + 1, sizeof *c.p->srcs);
        c.p->srcs[c.p->nsrcs++] = xstrdup(f.src[i].path);
    }
    if (f.nsrc)
        emit_stmts(&c, f.top);
    c.line = 0;
    c.file = 0;
    emit(&c, RL_OP_HALT, 0, 0, 0, 0);
    errs += c.errors;
    if (c.p->ncode >= RL_MAX_CODE || c.p->nk >= RL_MAX_CONST) {
        rl_diag_add(diags, RL_SEV_ERROR, path, NULL, 0, 0, 0, 0, NULL,
                    "rule file too large to compile");
        errs++;
    }
    for (size_t i = 0; i < c.nncaps; i++)
        free(c.ncaps[i]);
    free(c.ncaps);
    rl_front_free(&f);
    rl_diags_sort(diags);
    if (diags == &local)
        rl_diags_free(&local);
    if (errs) {
        rl_program_free(c.p);
        return NULL;
    }
    return c.p;
}
