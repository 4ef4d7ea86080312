/*
 * pmrc_emit.c -- procmail rcfile items (pmrc_int.h) into weir rules
 * (pmrc.h: pmrc_translate).  Each original statement is written above its
 * translation as a comment; comments and empty lines pass through.
 *
 * Recipes: the conditions become one `if` (split into nested ifs where a
 * \/ match must set MATCH between two conditions, and into if/else where a
 * negated condition sets MATCH); a delivering action is followed by
 * `stop` unless the recipe has `c` (then `copy`).  The chain flags A, a,
 * E, e are kept in two variables when the file uses them: pm_last (the
 * conditions of the last recipe without A/a were met: procmail's
 * lastcond) and pm_prev (the previous recipe ran, for E: prevcond);
 * procmail restores both to "met" after a block, and so does the
 * translation.  Weir decides before it delivers, so an action's success is
 * not known while the rules run: `a` is translated as `A` (assuming the
 * previous action worked) and `e` recipes are reported.
 *
 * Values known when translating (constants, HOME and LOGNAME, procmail's
 * defaults) are followed through assignments, INCLUDERC files and blocks,
 * so that $ conditions and INCLUDERC names can be written as fixed regexes
 * and paths; a block whose conditions are not known makes what it assigns
 * unknown afterwards.
 *
 * Never fails on input: what cannot be translated is left as a comment
 * with a PMRC_UNTRANSLATED note.
 */
#include "config.h"
#include "pmrc_emit.h"

#include <ctype.h>
#include <math.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PM_SIZE_MAX 999999999999999L  /* the largest size bound written */
#define PM_MAX_WEIGHTED 8       /* weighted conditions decided exactly
                                   (their 2^n sums are enumerated) */

/* the text of the file being translated, by line, for the comments */
struct lines {
    const char *text;
    size_t len;
    size_t *off;                /* start of each line (1-based index) */
    int n;
};

static struct lines cur_lines;  /* set per file by translate_file */

static void emit_items(struct em *e, const struct pm_item *it);

/* ------------------------------------------------------------------ */
/* source comments                                                     */
/* ------------------------------------------------------------------ */

static void
lines_init(struct lines *l, const char *text, size_t len)
{
    memset(l, 0, sizeof *l);
    l->text = text;
    l->len = len;
    l->off = xcalloc(2, sizeof *l->off);
    l->off[1] = 0;
    l->n = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n' && i + 1 < len) {
            l->off = xreallocarray(l->off, (size_t)l->n + 2, sizeof *l->off);
            l->off[++l->n] = i + 1;
        }
}

/* Source lines from..to as "# " comments, those not shown yet. */
static void
show_src(struct em *e, int from, int to)
{
    for (int ln = from; ln <= to && ln <= cur_lines.n; ln++) {
        size_t s, t;
        struct buf b = BUF_INIT;

        if (ln <= e->printed_line)
            continue;
        s = cur_lines.off[ln];
        t = s;
        while (t < cur_lines.len && cur_lines.text[t] != '\n')
            t++;
        for (size_t k = s; k < t; k++) {
            unsigned char c = (unsigned char)cur_lines.text[k];
            buf_addc(&b, c == '\r' || c == 0 ? ' ' : c);
        }
        /* a comment line stays as it is; other lines become comments */
        {
            const char *p = b.data ? b.data : "";
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p == '#')
                em_line(e, "%s", p);
            else if (*p == '\0')
                em_line(e, "#");
            else
                em_line(e, "# %s", p);
        }
        buf_free(&b);
        e->printed_line = ln;
    }
}

/* ------------------------------------------------------------------ */
/* symbol knowledge across conditional code                            */
/* ------------------------------------------------------------------ */

struct snap {
    size_t n;
    int *known, *tainted;
    struct buf *raw, *w;
    struct pm_alts *alts;
};

static void
snap_take(struct em *e, struct snap *s)
{
    s->n = e->nsyms;
    s->known = xcalloc(s->n + 1, sizeof *s->known);
    s->tainted = xcalloc(s->n + 1, sizeof *s->tainted);
    s->raw = xcalloc(s->n + 1, sizeof *s->raw);
    s->w = xcalloc(s->n + 1, sizeof *s->w);
    s->alts = xcalloc(s->n + 1, sizeof *s->alts);
    for (size_t i = 0; i < s->n; i++) {
        const struct pm_sym *y = e->syms[i];
        s->known[i] = y->known;
        s->tainted[i] = y->tainted;
        buf_add(&s->raw[i], y->raw.data ? y->raw.data : "", y->raw.len);
        buf_add(&s->w[i], y->wstr.data ? y->wstr.data : "", y->wstr.len);
        em_alts_copy(&s->alts[i], &y->alts);
    }
}

static int
buf_eq(const struct buf *a, const struct buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* Whether a weir string body refers to no variable but ${home} and
 * ${user} (its value cannot change after it was set). */
static int
w_fixed(const struct buf *w)
{
    const char *p = w->data ? w->data : "";

    while ((p = strstr(p, "${")) != NULL) {
        if (strncmp(p, "${home}", 7) != 0 && strncmp(p, "${user}", 7) != 0)
            return 0;
        p += 2;
    }
    return 1;
}

/* Add one possible value to a set: 0, or -1 when the set cannot hold it
 * (full, a value differing only in ASCII case: weir's `is` ignores case,
 * or a value that refers to other variables). */
static int
alts_add(struct pm_alts *a, const struct buf *raw, const struct buf *w)
{
    for (size_t i = 0; i < a->n; i++) {
        if (buf_eq(&a->raw[i], raw))
            return 0;
        if (a->raw[i].len == raw->len && strncasecmp(a->raw[i].data ? a->raw[i].data : "",
                                                     raw->data ? raw->data : "", raw->len) == 0)
            return -1;
    }
    if (a->n == PM_MAX_ALTS || !w_fixed(w) || memchr(raw->data ? raw->data : "", '\0', raw->len))
        return -1;
    buf_init(&a->raw[a->n]);
    buf_init(&a->w[a->n]);
    buf_add(&a->raw[a->n], raw->data ? raw->data : "", raw->len);
    buf_add(&a->w[a->n], w->data ? w->data : "", w->len);
    a->n++;
    return 0;
}

/* After code that may or may not have run: a variable keeps what is known
 * of it only if both ways agree; otherwise, when each way leaves it one
 * of a few known values, it keeps that set (struct pm_alts). */
static void
snap_merge(struct em *e, struct snap *s)
{
    static const struct buf empty = BUF_INIT;

    for (size_t i = 0; i < e->nsyms; i++) {
        struct pm_sym *y = e->syms[i];
        int before_known = i < s->n ? s->known[i] : 1;
        const struct buf *br = i < s->n ? &s->raw[i] : &empty;
        const struct buf *bw = i < s->n ? &s->w[i] : &empty;
        struct pm_alts set;
        int ok = 1;

        if (i < s->n)
            y->tainted |= s->tainted[i];
        if (y->known && before_known && buf_eq(br, &y->raw))
            continue;
        /* first met in between (HOME in an INCLUDERC name) and not
         * assigned: its first value, before and after */
        if (i >= s->n && !y->assigned)
            continue;
        memset(&set, 0, sizeof set);
        if (y->tainted || y->special)
            ok = 0;
        if (ok && before_known)
            ok = alts_add(&set, br, bw) == 0;
        else if (ok && s->alts[i].n)
            for (size_t k = 0; ok && k < s->alts[i].n; k++)
                ok = alts_add(&set, &s->alts[i].raw[k], &s->alts[i].w[k]) == 0;
        else
            ok = 0;
        if (ok && y->known)
            ok = alts_add(&set, &y->raw, &y->wstr) == 0;
        else if (ok && y->alts.n)
            for (size_t k = 0; ok && k < y->alts.n; k++)
                ok = alts_add(&set, &y->alts.raw[k], &y->alts.w[k]) == 0;
        else
            ok = 0;
        y->known = 0;
        em_alts_clear(&y->alts);
        if (ok)
            y->alts = set;
        else
            em_alts_clear(&set);
    }
}

static void
snap_free(struct snap *s)
{
    for (size_t i = 0; i < s->n; i++) {
        buf_free(&s->raw[i]);
        buf_free(&s->w[i]);
        em_alts_clear(&s->alts[i]);
    }
    free(s->raw);
    free(s->w);
    free(s->alts);
    free(s->known);
    free(s->tainted);
}

/* ------------------------------------------------------------------ */
/* conditions                                                          */
/* ------------------------------------------------------------------ */

struct tcond {
    int line;
    int neg;
    int split;                  /* sets MATCH (${1}) */
    int dyn;                    /* a regex put together at delivery:
                                   MATCH is ${procmail.match} */
    int weighted;
    double w, x;
    int stat;                   /* -1 unknown when translating, 0, 1 */
    struct buf expr;            /* the weir test (positive) */
};

/* A string's length compared with n, as a regex on the string.  The dot
 * takes (?s) from the front rather than a (?s:.) group: PCRE2 copies a
 * repeated group once per repetition, and "(?s:.){40001}" was too large
 * to compile (fuzz_pmrc), while a repeated single dot stays one item. */
static void
len_test(struct buf *expr, const char *var_w, int gt, long n)
{
    if (n < 0 || n >= 65535)
        buf_adds(expr, gt ? (n < 0 ? "true" : "false") : (n < 0 ? "false" : "true"));
    else if (gt)
        buf_printf(expr, "string \"${%s}\" matches /(?s)\\A.{%ld}/", var_w, n + 1);
    else if (n == 0)
        buf_adds(expr, "false");
    else
        buf_printf(expr, "string \"${%s}\" matches /(?s)\\A.{0,%ld}\\z/", var_w, n - 1);
}

/* The value of a procmail-side regex over a known string (procmail's
 * search area: newline + text + newline, bytes as Latin-1): 1, 0, or -1
 * when it cannot be decided. */
static int
static_match(const char *pat, unsigned flags, const char *s, size_t n)
{
    struct buf subj = BUF_INIT;
    pcre2_code *re;
    pcre2_match_data *md;
    int ec, rc;
    PCRE2_SIZE off;

    re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                       PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C |
                       ((flags & PMRE_CASELESS) ? PCRE2_CASELESS : 0), &ec, &off, NULL);
    if (re == NULL)
        return -1;
    buf_addc(&subj, '\n');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            buf_addc(&subj, c);
        } else {
            buf_addc(&subj, 0xc0 | (c >> 6));
            buf_addc(&subj, 0x80 | (c & 0x3f));
        }
    }
    buf_addc(&subj, '\n');
    md = pcre2_match_data_create_from_pattern(re, NULL);
    rc = pcre2_match(re, (PCRE2_SPTR)subj.data, subj.len, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    buf_free(&subj);
    return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* Parse a weight "w^x" at the start of *p (procmail's stod: a sign,
 * digits, '.' or ',' as decimal point). */
static int
weight(const char **p, double *w, double *x)
{
    const char *s = *p;
    char *end;
    struct buf t = BUF_INIT;
    double a, b;

    /* ',' is a decimal point too */
    for (const char *q = s; *q && *q != ' ' && *q != '\t'; q++)
        buf_addc(&t, *q == ',' ? '.' : *q);
    buf_addc(&t, '\0');
    a = strtod(t.data, &end);
    if (end == t.data || *end != '^') {
        buf_free(&t);
        return 0;
    }
    {
        char *x0 = end + 1, *x1;
        b = strtod(x0, &x1);
        if (x1 == x0) {
            buf_free(&t);
            return 0;
        }
        *p = s + (x1 - t.data);
    }
    buf_free(&t);
    *w = a;
    *x = b;
    return 1;
}

static const char *sh_command(struct em *e, const char *raw, int line, struct buf *out);
static const char *sh_line(struct em *e, const char *raw, int dq, struct buf *out);
/* weir-rules(5) INTERPOLATION: a command built from message text is never
 * run (the action is refused and the message goes to the default mailbox) */
#define TAINTED_CMD "a command with text from the message in it (MATCH, a header " \
    "value...): weir never runs such a command (weir-rules(5), tainted text)"

static void maildir_cd(struct em *e, struct buf *out);

/* `? command`: weir's program test.  procmail feeds the program the
 * part of the message the recipe's H and B flags select (the header by
 * default, From_ line included) and runs it in MAILDIR; exit status 0 is
 * true.  weir's `program shell ... with message` gets the whole message
 * (without the From_ line), so sed cuts the part out (the body with the
 * newline procmail puts after it: an empty body is "\n"). */
static const char *
tr_program_cond(struct em *e, const char *cmdtext, int area, struct tcond *c, int line, int dq)
{
    struct buf cmd = BUF_INIT, full = BUF_INIT;
    const char *why;

    if (!(e->opt->have & PMRC_HAVE_PROGRAM_TEST))
        return "a `? program` condition (weir's program test is not in this version)";
    if (c->weighted)
        return "a weighted `? program` condition (procmail scores the exit status: weir's "
               "score does not compute it)";
    while (*cmdtext == ' ' || *cmdtext == '\t')
        cmdtext++;
    if (*cmdtext == '\0')
        return "a `?` condition without a program";
    why = dq ? sh_line(e, cmdtext, 1, &cmd) : sh_command(e, cmdtext, line, &cmd);
    if (why) {
        buf_free(&cmd);
        return why;
    }
    maildir_cd(e, &full);
    if (area == 0)
        buf_printf(&full, "sed -n '1,/^\\$/p' | (%s)", cmd.data ? cmd.data : "");
    else if (area == 1)
        buf_printf(&full, "{ sed '1,/^\\$/d'; echo; } | (%s)", cmd.data ? cmd.data : "");
    else
        buf_add(&full, cmd.data ? cmd.data : "", cmd.len);
    buf_printf(&c->expr, "program shell \"%s\" with message", full.data ? full.data : "");
    em_note(e, PMRC_INFO, line, "`? program` becomes weir's program test: the program gets the "
            "%s without procmail's From_ line; weir test runs it only with --run-programs",
            area == 0 ? "header" : area == 1 ? "body" : "message");
    buf_free(&cmd);
    buf_free(&full);
    return NULL;
}

static const char *tr_cond(struct em *e, const struct pm_item *r, const char *text, int line,
                           struct tcond *c);

#define PM_DYN_VALUES 2         /* variables a `procmail search` takes */

/* A $ condition whose regex is only known at delivery (a header value or
 * MATCH in it): weir's `procmail search` puts the values into the regex
 * then and translates it as this translator does (bi_procmail.c).  The
 * text is the condition after the `$` and the modifiers before it were
 * taken (c->neg); NULL, or why it cannot be translated. */
static const char *
dyn_cond(struct em *e, const struct pm_item *r, const char *text, int line, struct tcond *c)
{
    static const char *const unknown = "it uses a variable only known at delivery where the "
        "regex cannot take it (before the regex, or more than 2 variables)";
    struct pm_words ws = { NULL, 0 };
    struct buf t = BUF_INIT, probe = BUF_INIT, pc = BUF_INIT, esc = BUF_INIT;
    struct pm_sym *slot[PM_DYN_VALUES];
    size_t nslot = 0, body0 = e->body.len;
    const char *why = unknown, *p;
    const char *var = NULL;
    int area = pm_has_flag(r, 'B') ? (pm_has_flag(r, 'H') ? 2 : 1) : 0;
    unsigned flags = pm_has_flag(r, 'D') ? 0 : PMRE_CASELESS;
    struct pmre_result rr;
    char err[160];

    if (!(e->opt->have & PMRC_HAVE_SEARCH) || c->weighted)
        return unknown;
    /* the text with each unknown variable as a marker (bi_procmail.c) */
    pm_read_string(text, strlen(text), 2, 1, &ws);
    for (size_t i = 0; i < ws.n; i++) {
        if (i)
            buf_addc(&t, ' ');
        for (size_t k = 0; k < ws.v[i].n; k++) {
            const struct pm_seg *g = &ws.v[i].v[k];
            struct pm_sym *s = g->kind == PM_SEG_VAR ? em_sym(e, g->s) : NULL;

            if (g->kind == PM_SEG_LIT) {
                if (memchr(g->s, '\x01', g->len))
                    goto out;
                buf_add(&t, g->s, g->len);
            } else if (s && !s->known && g->mod == 0) {
                size_t q;
                for (q = 0; q < nslot; q++)
                    if (slot[q] == s)
                        break;
                if (q == nslot) {
                    if (nslot == PM_DYN_VALUES)
                        goto out;
                    slot[nslot++] = s;
                }
                s->used = 1;
                buf_printf(&t, "\x01%c%c", (int)('1' + q), g->rxquote ? 'q' : 'p');
            } else {
                struct pm_word one = { (struct pm_seg *)g, 1 };
                struct pm_val v;
                em_value(e, &one, 0, line, &v);
                if (v.bad || !v.known || memchr(v.raw.data ? v.raw.data : "", '\x01', v.raw.len)) {
                    if (v.bad)
                        why = v.bad;
                    em_val_free(&v);
                    goto out;
                }
                buf_add(&t, v.raw.data ? v.raw.data : "", v.raw.len);
                em_val_free(&v);
            }
        }
    }
    if (nslot == 0 || e->body.len != body0)
        goto out;
    /* procmail's modifiers after the expansion: only fixed text here */
    p = t.data;
    for (;;) {
        const char *q;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '!') {
            c->neg ^= 1;
            p++;
            continue;
        }
        q = p;
        while (isalnum((unsigned char)*q) || *q == '_')
            q++;
        if (q > p && var == NULL) {
            const char *s2 = q;
            while (*s2 == ' ' || *s2 == '\t')
                s2++;
            if (s2[0] == '?' && s2[1] == '?') {
                char *name = xstrndup(p, (size_t)(q - p));
                if (strcmp(name, "H") == 0)
                    area = 0;
                else if (strcmp(name, "B") == 0)
                    area = 1;
                else if (strcmp(name, "HB") == 0 || strcmp(name, "BH") == 0)
                    area = 2;
                else {
                    struct pm_sym *s = em_sym(e, name);
                    s->used = 1;
                    var = s->wname;
                }
                free(name);
                p = s2 + 2;
                continue;
            }
        }
        break;
    }
    if (*p == '\\')
        p++;
    else if ((*p == '\x01' && p[2] != 'q') || *p == '<' || *p == '>' || *p == '?' || *p == '$' ||
             isdigit((unsigned char)*p) || *p == '-' || *p == '+')
        goto out;               /* the value would decide what kind of condition
                                   ($\VAR is safe: it starts with "()") */
    /* the regex checked with a letter for each value: \/ makes MATCH */
    for (const char *q = p; *q; q++) {
        if (*q == '\x01' && q[1] && q[2]) {
            buf_adds(&probe, q[2] == 'q' ? "()x" : "x");
            q += 2;
        } else {
            buf_addc(&probe, *q);
        }
    }
    {
        struct buf ex = BUF_INIT;
        int force = 0, bad;
        pmre_macros(probe.data ? probe.data : "", &ex, &force);
        bad = pmre_translate(ex.data ? ex.data : "", ex.len, flags, &pc, &rr, err, sizeof err) < 0;
        buf_free(&ex);
        if (bad) {
            why = "procmail rejects this regular expression (\"Invalid regexp\")";
            goto out;
        }
    }
    em_wescape(&esc, p, strlen(p));
    if (var)
        buf_printf(&c->expr, "procmail value \"${%s}\" search \"%s\"", var, esc.data ? esc.data : "");
    else
        buf_printf(&c->expr, "procmail search \"%s\"", esc.data ? esc.data : "");
    for (size_t q = 0; q < nslot; q++)
        buf_printf(&c->expr, " %s \"${%s}\"", q ? "also" : "with", slot[q]->wname);
    if (!var)
        buf_printf(&c->expr, " in %s", area == 0 ? "header" : area == 1 ? "body" : "message");
    if (!(flags & PMRE_CASELESS))
        buf_adds(&c->expr, " case sensitive");
    c->split = rr.split;
    c->dyn = 1;
    if (c->split) {
        struct pm_sym *m = em_sym(e, "MATCH");
        m->used = 1;
        m->assigned = 1;
        m->known = 0;
        m->tainted = 1;
        em_alts_clear(&m->alts);
    }
    em_note(e, PMRC_INFO, line, "a regex with values only known at delivery: weir's `procmail "
            "search` puts them in and translates it then");
    why = NULL;
out:
    if (why && e->body.len != body0) {
        e->body.len = body0;
        if (e->body.data)
            e->body.data[body0] = '\0';
    }
    pm_words_free(&ws);
    buf_free(&t);
    buf_free(&probe);
    buf_free(&pc);
    buf_free(&esc);
    return why;
}

/* A $ condition whose variables can each have only a few values: one
 * translation per combination of values, each guarded by the comparison
 * that says the variables hold them. */
static const char *
alts_cond(struct em *e, const struct pm_item *r, const struct pm_expansion *xs, int nx, int line,
          struct tcond *c)
{
    int any = 0;

    buf_addc(&c->expr, '(');
    for (int i = 0; i < nx; i++) {
        struct tcond sub;
        const char *why;

        e->in_alts++;
        why = tr_cond(e, r, xs[i].text.data ? xs[i].text.data : "", line, &sub);
        e->in_alts--;
        if (why == NULL && (sub.split || sub.weighted))
            why = "a $ condition with a \\/ or a weight in a variable's value";
        if (why) {
            buf_free(&sub.expr);
            return why;
        }
        if (sub.stat != 0) {
            buf_printf(&c->expr, "%s(%s", any ? " or " : "", xs[i].guard.data);
            if (sub.stat != 1)
                buf_printf(&c->expr, " and %s%s", sub.neg ? "not " : "", sub.expr.data);
            buf_addc(&c->expr, ')');
            any = 1;
        }
        buf_free(&sub.expr);
    }
    if (!any)
        buf_adds(&c->expr, "false");
    buf_addc(&c->expr, ')');
    c->stat = -1;
    return NULL;
}

/* One condition into c; NULL, or why it cannot be translated. */
static const char *
tr_cond(struct em *e, const struct pm_item *r, const char *text, int line, struct tcond *c)
{
    struct buf cur = BUF_INIT;
    const char *why = NULL;
    int area = pm_has_flag(r, 'B') ? (pm_has_flag(r, 'H') ? 2 : 1) : 0;   /* H B HB */
    const char *var = NULL;     /* VAR ?? */
    char *varname = NULL;
    int sizearea = -1;          /* `< N` counts the whole message unless ?? */
    unsigned flags = pm_has_flag(r, 'D') ? 0 : PMRE_CASELESS;

    memset(c, 0, sizeof *c);
    buf_init(&c->expr);
    c->line = line;
    c->stat = -1;
    buf_adds(&cur, text);
    for (int guard = 0; guard < 64; guard++) {
        const char *p = cur.data ? cur.data : "";
        double w, x;

        while (*p == ' ' || *p == '\t')
            p++;
        if ((isdigit((unsigned char)*p) || *p == '-' || *p == '+' || *p == '.' || *p == ',') &&
            weight(&p, &w, &x)) {
            c->weighted = 1;
            c->w = w;
            c->x = x;
            memmove(cur.data, p, strlen(p) + 1);
            cur.len = strlen(cur.data);
            continue;
        }
        if (*p == '!') {
            c->neg ^= 1;
            p++;
            memmove(cur.data, p, strlen(p) + 1);
            cur.len = strlen(cur.data);
            continue;
        }
        if (*p == '$') {
            struct buf x2 = BUF_INIT;
            if (em_expand_static(e, p + 1, &x2, &why, line) < 0) {
                /* `$ ? program` with values only known at delivery:
                 * procmail puts them into the text and the shell runs it,
                 * which is what weir's program test does with the
                 * interpolated string (never with text from the message) */
                const char *q = p + 1;
                int neg = 0;
                while (*q == ' ' || *q == '\t' || *q == '!')
                    if (*q++ == '!')
                        neg ^= 1;
                buf_free(&x2);
                if (*q != '?' && !e->in_alts) {
                    struct pm_expansion *xs;
                    int nx = em_expand_alts(e, p + 1, line, &xs);
                    if (nx > 0) {
                        why = alts_cond(e, r, xs, nx, line, c);
                        em_expansions_free(xs, nx);
                    } else if (dyn_cond(e, r, p + 1, line, c) == NULL) {
                        why = NULL;
                    }
                    goto out;
                }
                if (*q == '?' && !c->weighted) {
                    const char *why2 = tr_program_cond(e, q + 1, area, c, line, 1);
                    if (why2 == NULL || strcmp(why2, TAINTED_CMD) == 0)
                        why = why2;
                    if (why2 == NULL)
                        c->neg ^= neg;
                }
                goto out;
            }
            buf_reset(&cur);
            buf_add(&cur, x2.data ? x2.data : "", x2.len);
            buf_free(&x2);
            continue;
        }
        if (*p == '?') {
            why = tr_program_cond(e, p + 1, area, c, line, 0);
            goto out;
        }
        if (*p == '<' || *p == '>') {
            char *end;
            long n = strtol(p + 1, &end, 10);
            int gt = *p == '>';
            if (c->weighted) {
                why = "a weighted size condition (procmail adds w*(size/N)^x: a number weir's "
                      "score does not compute)";
                goto out;
            }
            if (var) {
                len_test(&c->expr, var, gt, n);
            } else {
                /* weir's numbers stop at 1e15 (rulelang/lex.c); no message
                 * comes near it, so a larger bound gives the same answers */
                if (n > PM_SIZE_MAX)
                    n = PM_SIZE_MAX;
                if (n < -PM_SIZE_MAX)
                    n = -PM_SIZE_MAX;
                buf_printf(&c->expr, "procmail size %s%s %ld",
                           sizearea == 1 ? "body " : sizearea == 0 ? "header " : "",
                           gt ? ">" : "<", n);
            }
            goto out;
        }
        {
            /* NAME ?? regex */
            const char *q = p;
            while (isalnum((unsigned char)*q) || *q == '_')
                q++;
            if (q > p) {
                const char *s2 = q;
                while (*s2 == ' ' || *s2 == '\t')
                    s2++;
                if (s2[0] == '?' && s2[1] == '?') {
                    size_t nl = (size_t)(q - p);
                    free(varname);
                    varname = xstrndup(p, nl);
                    s2 += 2;
                    while (*s2 == ' ' || *s2 == '\t')
                        s2++;
                    if (strcmp(varname, "H") == 0)
                        area = sizearea = 0;
                    else if (strcmp(varname, "B") == 0)
                        area = sizearea = 1;
                    else if (strcmp(varname, "HB") == 0 || strcmp(varname, "BH") == 0)
                        area = sizearea = 2;
                    else {
                        struct pm_sym *s = em_sym(e, varname);
                        if (strcmp(varname, "LASTFOLDER") == 0 && !s->assigned) {
                            why = PM_LASTFOLDER_WHY;
                            goto out;
                        }
                        em_untr_use(e, s, line);
                        s->used = 1;
                        var = s->wname;
                    }
                    if (var == NULL) {
                        free(varname);
                        varname = NULL;
                    }
                    memmove(cur.data, s2, strlen(s2) + 1);
                    cur.len = strlen(cur.data);
                    continue;
                }
            }
        }
        if (*p == '\\')
            p++;                /* quotes a special first character */
        /* a regular expression */
        {
            struct buf ex = BUF_INIT, pat = BUF_INIT;
            struct pmre_result rr;
            char err[160];
            int force = 0;

            pmre_macros(p, &ex, &force);
            if (force)
                flags |= PMRE_CASELESS;
            if (pmre_translate(ex.data ? ex.data : "", ex.len,
                               flags | (c->weighted ? PMRE_NO_SPLIT : 0), &pat, &rr, err,
                               sizeof err) < 0) {
                em_note(e, PMRC_INFO, line, "the regular expression: %s", err);
                why = "procmail rejects this regular expression (\"Invalid regexp\")";
                buf_free(&ex);
                buf_free(&pat);
                goto out;
            }
            if (rr.approx)
                em_note(e, PMRC_APPROX, line, "%s", rr.why);
            c->split = rr.split;
            if (c->split) {
                struct pm_sym *m = em_sym(e, "MATCH");
                m->used = 1;
                m->assigned = 1;
                m->known = 0;
                m->tainted = 1;
                em_alts_clear(&m->alts);
            }
            if (var) {
                struct pm_sym *s = em_sym(e, varname);
                buf_printf(&c->expr, "string \"\\n${%s}\\n\" matches /%s/%s", var, pat.data,
                           flags & PMRE_CASELESS ? "i" : "");
                if (s->known && !c->split)
                    c->stat = static_match(pat.data, flags, s->raw.data ? s->raw.data : "",
                                           s->raw.len);
            } else {
                buf_printf(&c->expr, "procmail %s matches /%s/%s",
                           area == 0 ? "header" : area == 1 ? "body" : "message", pat.data,
                           flags & PMRE_CASELESS ? "i" : "");
            }
            buf_free(&ex);
            buf_free(&pat);
            goto out;
        }
    }
    why = "a condition procmail expands in a loop";
out:
    if (c->stat >= 0 && c->neg)
        c->stat = !c->stat;
    free(varname);
    buf_free(&cur);
    return why;
}

/* ------------------------------------------------------------------ */
/* actions                                                             */
/* ------------------------------------------------------------------ */

struct tact {
    struct buf lines;           /* statements, one per line, unindented */
    int delivers;               /* ends processing (stop) */
    const char *why;            /* cannot be translated */
    char *test;                 /* the action succeeds when this weir test
                                   is true (formail -D); lines run then */
};

static void
act_line(struct tact *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
act_line(struct tact *a, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&a->lines, fmt, ap);
    va_end(ap);
    buf_addc(&a->lines, '\n');
}

/* Whether a known variable's weir form can be written in its place: it
 * refers to no other variable (whose value may change by then), only to
 * ${home} and ${user}. */
static int
inline_ok(const struct pm_sym *s)
{
    const char *p = s->wstr.data ? s->wstr.data : "";

    if (!s->known)
        return 0;
    while ((p = strstr(p, "${")) != NULL) {
        if (strncmp(p, "${home}", 7) != 0 && strncmp(p, "${user}", 7) != 0)
            return 0;
        p += 2;
    }
    return 1;
}

/* A folder target from a value: "~/x" for paths under the home
 * directory, MAILDIR in front of relative names. */
static void
folder_target(struct em *e, const struct pm_val *v, int line, struct buf *out)
{
    struct buf t = BUF_INIT;
    struct pm_sym *md = em_sym(e, "MAILDIR");

    if (!v->abs) {
        int slash = 0;      /* MAILDIR's value ends in '/' (all of them) */
        if (inline_ok(md)) {
            buf_add(&t, md->wstr.data ? md->wstr.data : "", md->wstr.len);
        } else {
            md->used = 1;
            buf_printf(&t, "${%s}", md->wname);
            if (md->known)
                slash = md->raw.len && md->raw.data[md->raw.len - 1] == '/';
            else if (md->alts.n) {
                slash = 1;
                for (size_t k = 0; k < md->alts.n; k++)
                    if (!md->alts.raw[k].len || md->alts.raw[k].data[md->alts.raw[k].len - 1] != '/')
                        slash = 0;
            }
        }
        if (!slash && (t.len == 0 || t.data[t.len - 1] != '/'))
            buf_addc(&t, '/');      /* MAILDIR=$HOME/Maildir/: no "//" */
    }
    buf_add(&t, v->w.data ? v->w.data : "", v->w.len);
    if (strncmp(t.data, "${home}/", 8) == 0) {
        buf_adds(out, "~/");
        buf_adds(out, t.data + 8);
    } else if (strcmp(t.data, "${home}") == 0) {
        buf_adds(out, "~");
    } else {
        buf_add(out, t.data, t.len);
    }
    if (v->tainted && strncmp(out->data, "~/Mail/", 7) != 0 && strncmp(out->data, "~/Maildir/", 10) != 0)
        em_note(e, PMRC_APPROX, line, "a folder named from the message outside ~/Mail and ~/Maildir: "
                "weir refuses it and files into the default mailbox (weir(1), Folder names from the "
                "message)");
    buf_free(&t);
}

static int
default_box(struct em *e, const struct pm_word *w)
{
    if (w->n == 1 && w->v[0].kind == PM_SEG_VAR && !w->v[0].rxquote && w->v[0].mod == 0 &&
        (strcmp(w->v[0].s, "DEFAULT") == 0 || strcmp(w->v[0].s, "ORGMAIL") == 0)) {
        struct pm_sym *s = em_sym(e, w->v[0].s);
        return !s->assigned && !(strcmp(w->v[0].s, "ORGMAIL") == 0 && em_sym(e, "DEFAULT")->assigned);
    }
    return 0;
}

/* "cd MAILDIR && " before a command: procmail runs programs in MAILDIR,
 * weir in the home. */
static void
maildir_cd(struct em *e, struct buf *out)
{
    struct pm_sym *md = em_sym(e, "MAILDIR");

    if (!md->assigned)
        return;
    if (inline_ok(md)) {
        buf_printf(out, "cd \\\"%s\\\" && ", md->wstr.data ? md->wstr.data : "");
    } else {
        md->used = 1;
        buf_printf(out, "cd \\\"${%s}\\\" && ", md->wname);
    }
}

/* Quote one word for sh. */
static void
sh_quote_lit(struct buf *b, const char *s, size_t n)
{
    int plain = n > 0;

    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || strchr("/._-+=:,@%", s[i])))
            plain = 0;
    if (plain) {
        em_wescape(b, s, n);
        return;
    }
    buf_addc(b, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            buf_adds(b, "'\\\\''");
        else
            em_wescape(b, s + i, 1);
    }
    buf_addc(b, '\'');
}

/* A shell line: $NAME of procmail's variables become weir's values; the
 * shell's own ($$, $?, $1, unknown names) stay.  With dq (the text of a
 * `$` condition, which procmail expands as if inside double quotes before
 * the shell sees it) names inside single quotes are replaced too.
 * Returns NULL, or TAINTED_CMD when a value comes from the message. */
static const char *
sh_line(struct em *e, const char *raw, int dq, struct buf *out)
{
    int sq = 0, tainted = 0;

    for (const char *p = raw; *p; p++) {
        if (*p == '\'' && !dq) {
            sq = !sq;
            buf_addc(out, '\'');
            continue;
        }
        if (!sq && *p == '\\' && p[1]) {
            em_wescape(out, p, 2);
            p++;
            continue;
        }
        if (!sq && *p == '$') {
            const char *q = p + 1;
            int brace = *q == '{';
            const char *n0 = q + brace, *n1 = n0;
            while (isalnum((unsigned char)*n1) || *n1 == '_')
                n1++;
            if (n1 > n0 && !isdigit((unsigned char)*n0) && (!brace || *n1 == '}')) {
                char *name = xstrndup(n0, (size_t)(n1 - n0));
                struct pm_sym *s = em_sym(e, name);
                if (s->assigned || s->init || s->special) {
                    if (s->tainted)
                        tainted = 1;
                    if (inline_ok(s) && !s->special && s->wstr.len) {
                        buf_add(out, s->wstr.data, s->wstr.len);
                    } else {
                        s->used = 1;
                        buf_printf(out, "${%s}", s->wname);
                    }
                    p = n1 + brace - 1;
                    free(name);
                    continue;
                } else if (dq) {
                    /* procmail expands an unset variable to nothing */
                    p = n1 + brace - 1;
                    free(name);
                    continue;
                }
                free(name);
            }
        }
        em_wescape(out, p, 1);
    }
    return tainted ? TAINTED_CMD : NULL;
}

/* The command of a | action, as a weir string body for /bin/sh -c.
 * Without shell metacharacters procmail splits and expands the line
 * itself: each word is quoted for sh.  With them, procmail hands the line
 * to the shell: it is kept, with procmail's own variables put in. */
static const char *
sh_command(struct em *e, const char *raw, int line, struct buf *out)
{
    struct pm_sym *metas = em_sym(e, "SHELLMETAS");
    const char *mset = metas->known && metas->raw.data ? metas->raw.data : "&|<>~;?*[";

    if (strpbrk(raw, mset) == NULL) {
        struct pm_words ws = { NULL, 0 };
        const char *why = NULL;

        size_t nwords = 0;

        pm_read_string(raw, strlen(raw), 0, 0, &ws);
        for (size_t i = 0; i < ws.n; i++) {
            /* procmail drops a word that is nothing but unquoted
             * variables expanding to nothing: `| cmd $EMPTY x` runs
             * "cmd x" (a quoted "$EMPTY" stays an empty argument) */
            struct buf w = BUF_INIT;
            int keep = ws.v[i].n == 0;

            for (size_t k = 0; k < ws.v[i].n; k++) {
                const struct pm_seg *g = &ws.v[i].v[k];
                if (g->kind == PM_SEG_LIT) {
                    sh_quote_lit(&w, g->s, g->len);
                    keep = 1;
                } else if (g->kind == PM_SEG_VAR && g->mod == 0 && !g->rxquote &&
                           em_sym(e, g->s)->special && !em_sym(e, g->s)->tainted) {
                    /* $HOME, $LOGNAME: weir's ${home}, ${user} at delivery
                     * (as the shell-line form and MAILDIR's cd write them) */
                    struct pm_sym *ss = em_sym(e, g->s);
                    ss->used = 1;
                    buf_printf(&w, "\\\"${%s}\\\"", ss->wname);
                    keep = 1;
                } else {
                    struct pm_word one = { (struct pm_seg *)g, 1 };
                    struct pm_val v;
                    em_value(e, &one, 1, line, &v);
                    if (v.bad)
                        why = v.bad;
                    else if (v.tainted)
                        why = TAINTED_CMD;
                    if (v.known) {
                        if (v.raw.len > 0 || g->quoted) {
                            sh_quote_lit(&w, v.raw.data ? v.raw.data : "", v.raw.len);
                            keep = 1;
                        }
                    } else if (g->quoted) {
                        buf_printf(&w, "\\\"%s\\\"", v.w.data ? v.w.data : "");
                        keep = 1;
                    } else {
                        buf_add(&w, v.w.data ? v.w.data : "", v.w.len);
                        keep = 1;
                    }
                    em_val_free(&v);
                }
            }
            if (keep) {
                if (nwords++)
                    buf_addc(out, ' ');
                if (w.len)
                    buf_add(out, w.data, w.len);
                else
                    buf_adds(out, "''");
            }
            buf_free(&w);
        }
        pm_words_free(&ws);
        if (nwords == 0 && why == NULL)
            why = "a pipe to procmail's standard output (the command expands to nothing)";
        return why;
    }
    return sh_line(e, raw, 0, out);
}

/* The From_ line procmail puts before the message it feeds a program,
 * made from the envelope sender (as a weir string body for sh). */
#define FROM_LINE_SH "echo \\\"From \\${SENDER:-MAILER-DAEMON}  \\$(date)\\\""

/* Whether a command runs formail -r without -t: formail then answers the
 * envelope sender, which it reads from the From_ line procmail feeds every
 * program (weir's pipes get the message without it). */
static int
wants_from_line(const char *raw)
{
    const char *p = raw;
    int r = 0, t = 0;

    while ((p = strstr(p, "formail")) != NULL) {
        const char *q = p + 7;
        for (;;) {
            while (*q == ' ' || *q == '\t' || *q == '\\' || *q == '\n')
                q++;
            if (*q != '-' || q[1] == '\0')
                break;
            for (q++; *q && *q != ' ' && *q != '\t'; q++) {
                if (*q == 'r')
                    r = 1;
                if (*q == 't')
                    t = 1;
                if (strchr("AIiaubxXDdms+", *q))
                    break;      /* an option with an argument */
            }
            while (*q && *q != ' ' && *q != '\t')
                q++;
        }
        p += 7;
    }
    return r && !t;
}

/* Whether procmail waits for a pipe's program and checks its exit
 * status: w or W, or a local lockfile (procmail holds the lock until the
 * program is done, and a failure then counts as one). */
static int
waits(const struct pm_item *r)
{
    return pm_has_flag(r, 'w') || pm_has_flag(r, 'W') || r->lock;
}

/* `| formail -D N FILE` with w or W (procmailrc(5), procmailex(5)):
 * formail exits 0 when the message's Message-ID (with -r: the address a
 * reply would go to) is in FILE, its cache of the last N bytes of them,
 * and adds it otherwise; the pipe succeeds, i.e. delivers, only for a
 * duplicate.  weir's `duplicate key` test says the same from its own
 * database, for 7 days, keyed on the Message-ID text formail compares.
 * Returns 1 when raw is that command (a->test set). */
static int
formail_dup(struct em *e, const struct pm_item *r, const char *raw, struct tact *a)
{
    struct pm_words ws = { NULL, 0 };
    int ok = 0, dopt = 0, ropt = 0, haven = 0, havefile = 0;

    char *fixed = NULL, *lastword = NULL;
    size_t last;

    if (!(e->opt->have & PMRC_HAVE_DUPLICATE))
        return 0;
    if (!waits(r))
        return 0;           /* without w the pipe delivers whatever formail says */
    {
        /* $FORMAIL (FORMAIL=/usr/bin/formail, or procmail-lib's
         * ${FORMAIL:-formail}) when it is formail or not known */
        const char *p = raw;
        size_t k = 0;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, "$FORMAIL", 8) == 0 && (p[8] == ' ' || p[8] == '\t'))
            k = 8;
        else if (strncmp(p, "${FORMAIL}", 10) == 0 && (p[10] == ' ' || p[10] == '\t'))
            k = 10;
        if (k) {
            struct pm_sym *fm = em_sym(e, "FORMAIL");
            const char *fv = fm->raw.data ? fm->raw.data : "";
            if (fm->known && fm->raw.len && strcmp(fv, "formail") != 0 &&
                strcmp(fv, "/usr/bin/formail") != 0)
                return 0;
            fixed = xasprintf("formail%s", p + k);
            raw = fixed;
        }
    }
    {
        /* the cache file (the last word) may name a variable or the home
         * ($PMDIR/msgid.cache, ~/.msgid.cache): weir keeps its own */
        size_t len = strlen(raw);
        while (len && (raw[len - 1] == ' ' || raw[len - 1] == '\t'))
            len--;
        last = len;
        while (last && raw[last - 1] != ' ' && raw[last - 1] != '\t')
            last--;
        if (pm_has_flag(r, 'f') || strpbrk(raw, "&|<>;?*[`") ||
            memchr(raw, '$', last) || memchr(raw, '~', last)) {
            free(fixed);
            return 0;
        }
        lastword = xstrndup(raw + last, len - last);
    }
    pm_read_string(raw, strlen(raw), 0, 0, &ws);
    if (ws.n < 3 || ws.v[0].n != 1 || ws.v[0].v[0].kind != PM_SEG_LIT)
        goto out;
    if (!((ws.v[0].v[0].len == 7 && memcmp(ws.v[0].v[0].s, "formail", 7) == 0) ||
          (ws.v[0].v[0].len == 16 && memcmp(ws.v[0].v[0].s, "/usr/bin/formail", 16) == 0)))
        goto out;
    for (size_t i = 1; i < ws.n; i++) {
        const struct pm_seg *g = &ws.v[i].v[0];
        if (haven && !havefile && i == ws.n - 1) {
            /* the cache file: one file whatever the message, i.e. named
             * with variables known now ($PMDIR), not $MATCH (a cache per
             * list is not weir's one database) */
            for (size_t k = 0; k < ws.v[i].n; k++) {
                const struct pm_seg *q = &ws.v[i].v[k];
                if (q->kind == PM_SEG_LIT)
                    continue;
                if (q->kind != PM_SEG_VAR || q->mod != 0 || q->rxquote || !em_sym(e, q->s)->known)
                    goto out;
            }
            havefile = 1;
            continue;
        }
        if (ws.v[i].n != 1 || g->kind != PM_SEG_LIT)
            goto out;
        if (g->s[0] == '-' && !haven) {
            for (size_t k = 1; k < g->len; k++) {
                if (g->s[k] == 'D')
                    dopt = 1;
                else if (g->s[k] == 'r')
                    ropt = 1;
                else
                    goto out;   /* other options change what is compared */
            }
            continue;
        }
        if (dopt && !haven) {
            for (size_t k = 0; k < g->len; k++)
                if (!isdigit((unsigned char)g->s[k]))
                    goto out;
            haven = 1;
            continue;
        }
        goto out;
    }
    if (!dopt || !haven || !havefile)
        goto out;
    /* formail -D keys on the Message-ID text as formail reads it (bytes,
     * the last field of formail's header: bi_procmail.c `formail id`),
     * weir's plain `duplicate` on the parsed msg-id: "000200" is no
     * msg-id, and a Message-ID after a line formail takes for the end of
     * the header is not formail's */
    a->test = ropt ? xstrdup("duplicate key \"${sender}\" within 7 days") :
              xstrdup("procmail formail id and duplicate key \"${procmail.id}\" within 7 days");
    if (!pm_has_flag(r, 'c'))
        act_line(a, "discard");
    a->delivers = !pm_has_flag(r, 'c');
    em_note(e, PMRC_APPROX, r->line, "formail -D%s becomes weir's duplicate test: weir "
            "remembers %s for 7 days in its own database (formail: the last %s bytes of them "
            "in %s)", ropt ? "r" : "", ropt ? "the envelope senders it saw (formail -r: the "
            "reply address)" : "Message-IDs", ws.v[ws.n - 2].v[0].s, lastword);
    ok = 1;
out:
    pm_words_free(&ws);
    free(fixed);
    free(lastword);
    return ok;
}

/* Shell words of s (n bytes) with quotes removed, for the reply idiom:
 * -1 when a word holds something the shell would expand ($ ` \ glob ~). */
static int
plain_words(const char *s, size_t n, char ***out)
{
    char **v = NULL;
    int nv = 0;
    size_t i = 0;

    *out = NULL;
    for (;;) {
        struct buf w = BUF_INIT;
        int any = 0;

        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n)
            break;
        while (i < n && s[i] != ' ' && s[i] != '\t') {
            char q = s[i];
            if (q == '\'' || q == '"') {
                size_t j = i + 1;
                while (j < n && s[j] != q)
                    j++;
                if (j >= n || (q == '"' && memchr(s + i + 1, '$', j - i - 1)) ||
                    (q == '"' && memchr(s + i + 1, '`', j - i - 1)) ||
                    (q == '"' && memchr(s + i + 1, '\\', j - i - 1)))
                    goto bad;
                buf_add(&w, s + i + 1, j - i - 1);
                i = j + 1;
                any = 1;
                continue;
            }
            if (strchr("$`\\*?[~<>&|;(){}", q))
                goto bad;
            buf_addc(&w, q);
            i++;
            any = 1;
        }
        if (any) {
            v = xreallocarray(v, (size_t)nv + 1, sizeof *v);
            v[nv++] = xstrdup(w.data ? w.data : "");
        }
        buf_free(&w);
        continue;
    bad:
        buf_free(&w);
        for (int k = 0; k < nv; k++)
            free(v[k]);
        free(v);
        return -1;
    }
    *out = v;
    return nv;
}

static void
free_words(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The vacation idiom of procmailex(5):
 *   | (formail -r [-I"..."] [-A"..."] ; echo "text" ; ...) | $SENDMAIL -oi -t
 * becomes weir's `reply` with the echoed lines as its text.  Returns 1
 * when raw is that command (a->lines set), 0 otherwise (it then runs as a
 * pipe, which is exact). */
static int
formail_reply(struct em *e, const struct pm_item *r, const char *raw, struct tact *a)
{
    struct buf s = BUF_INIT, text = BUF_INIT;
    size_t i, close = 0, start;
    int depth = 0, ok = 0, have_t = 0, nechos = 0;
    char q = 0;
    char **w = NULL;
    int nw;

    if (!(e->opt->have & PMRC_HAVE_REPLY) || pm_has_flag(r, 'f'))
        return 0;
    for (const char *p = raw; *p; p++) {
        if (p[0] == '\\' && p[1] == '\n') {
            p++;
            continue;
        }
        buf_addc(&s, *p == '\n' || *p == '\t' ? ' ' : *p);
    }
    if (s.data == NULL)
        goto out;
    for (i = 0; i < s.len && s.data[i] == ' '; i++)
        ;
    if (i >= s.len || s.data[i] != '(')
        goto out;
    start = i + 1;
    for (; i < s.len; i++) {
        char c = s.data[i];
        if (q) {
            if (c == q)
                q = 0;
            continue;
        }
        if (c == '\'' || c == '"')
            q = c;
        else if (c == '(')
            depth++;
        else if (c == ')' && --depth == 0) {
            close = i;
            break;
        }
    }
    if (close == 0)
        goto out;
    /* after the parenthesis: | sendmail -oi -t */
    i = close + 1;
    while (i < s.len && s.data[i] == ' ')
        i++;
    if (i >= s.len || s.data[i] != '|')
        goto out;
    {
        const char *t = s.data + i + 1;
        char *dup = xstrdup(t), *save = NULL;
        int first = 1, good = 1;
        for (char *tok = strtok_r(dup, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
            if (first) {
                good = strcmp(tok, "$SENDMAIL") == 0 || strcmp(tok, "${SENDMAIL}") == 0 ||
                       strcmp(tok, "sendmail") == 0 || strcmp(tok, "/usr/sbin/sendmail") == 0 ||
                       strcmp(tok, "/usr/lib/sendmail") == 0;
                first = 0;
            } else if (strcmp(tok, "-t") == 0) {
                have_t = 1;
            } else if (strcmp(tok, "-oi") != 0 && strcmp(tok, "-i") != 0 &&
                       strcmp(tok, "$SENDMAILFLAGS") != 0) {
                good = 0;
            }
            if (!good)
                break;
        }
        free(dup);
        if (!good || first || !have_t)
            goto out;
    }
    /* inside: formail -r ... ; echo ... ; ... */
    {
        size_t b = start;
        int ncmd = 0;
        q = 0;
        for (i = start; i <= close; i++) {
            char c = i < close ? s.data[i] : ';';
            if (q) {
                if (c == q)
                    q = 0;
                continue;
            }
            if (c == '\'' || c == '"') {
                q = c;
                continue;
            }
            if (c != ';')
                continue;
            nw = plain_words(s.data + b, i - b, &w);
            b = i + 1;
            if (nw < 0)
                goto out;
            if (nw == 0) {
                free_words(w, nw);
                w = NULL;
                continue;
            }
            if (ncmd++ == 0) {
                /* formail -r, header edits allowed (weir's reply has its own) */
                int rflag = 0;
                if (strcmp(w[0], "formail") != 0 && strcmp(w[0], "/usr/bin/formail") != 0) {
                    free_words(w, nw);
                    goto out;
                }
                for (int k = 1; k < nw; k++) {
                    const char *o = w[k];
                    if (o[0] != '-') {
                        free_words(w, nw);
                        goto out;
                    }
                    for (o++; *o; o++) {
                        if (*o == 'r')
                            rflag = 1;
                        else if (*o == 't')
                            ;
                        else if (strchr("IAai", *o)) {
                            if (o[1] == '\0')
                                k++;    /* the argument is the next word */
                            break;
                        } else {
                            free_words(w, nw);
                            goto out;
                        }
                    }
                }
                free_words(w, nw);
                w = NULL;
                if (!rflag)
                    goto out;
                continue;
            }
            if (strcmp(w[0], "echo") != 0 ||
                (nw > 1 && w[1][0] == '-' && w[1][1] && strspn(w[1] + 1, "neE") == strlen(w[1] + 1))) {
                free_words(w, nw);
                goto out;
            }
            for (int k = 1; k < nw; k++) {
                if (k > 1)
                    buf_addc(&text, ' ');
                buf_adds(&text, w[k]);
            }
            buf_addc(&text, '\n');
            nechos++;
            free_words(w, nw);
            w = NULL;
        }
        if (q || ncmd == 0 || nechos == 0)
            goto out;
    }
    {
        struct buf esc = BUF_INIT;
        em_wescape(&esc, text.data, text.len);
        act_line(a, "reply text \"%s\"", esc.data ? esc.data : "");
        buf_free(&esc);
    }
    if (!pm_has_flag(r, 'c'))
        act_line(a, "discard");
    a->delivers = !pm_has_flag(r, 'c');
    em_note(e, PMRC_APPROX, r->line, "the vacation idiom (formail -r | sendmail -t) becomes "
            "weir's reply: to the envelope sender (formail: Reply-To or From), at most once a "
            "week per sender, never to lists, daemons or mail not addressed to you (RFC 3834), "
            "with weir's own header fields");
    ok = 1;
out:
    buf_free(&s);
    buf_free(&text);
    return ok;
}

/* formail's header edits (formail(1) -A -I -a) as weir's header actions:
 * `| formail -A "X-Loop: me"` on an f recipe.  Returns 1 when the whole
 * command is such edits (and writes them into a), 0 otherwise (the
 * command then runs as a filter, which is exact too). */
static int
formail_edits(struct em *e, const struct pm_item *r, const char *raw, struct tact *a)
{
    struct pm_words ws = { NULL, 0 };
    struct pm_sym *fm = em_sym(e, "FORMAIL");
    struct buf lines = BUF_INIT;
    struct pm_val first;
    int ok = 0;
    size_t i;

    if (strpbrk(raw, "&|<>~;?*[`"))
        return 0;
    {
        /* continuation lines: "formail \<newline> -I ..." */
        struct buf j = BUF_INIT;
        for (const char *p = raw; *p; p++) {
            if (p[0] == '\\' && p[1] == '\n') {
                buf_addc(&j, ' ');
                p++;
            } else {
                buf_addc(&j, *p);
            }
        }
        pm_read_string(j.data ? j.data : "", j.len, 0, 0, &ws);
        buf_free(&j);
    }
    if (ws.n < 3)
        goto out;
    em_value(e, &ws.v[0], 0, r->line, &first);
    if (ws.v[0].n == 1 && ws.v[0].v[0].kind != PM_SEG_LIT && ws.v[0].v[0].s &&
        strcmp(ws.v[0].v[0].s, "FORMAIL") == 0 && !(first.known && first.raw.len)) {
        /* $FORMAIL (procmail-lib's pm-javar.rc: ${FORMAIL:-"formail"}) */
        em_note(e, PMRC_INFO, r->line, "$FORMAIL is taken to be formail");
    } else if (first.bad || !first.known ||
        !(strcmp(first.raw.data ? first.raw.data : "", "formail") == 0 ||
          strcmp(first.raw.data ? first.raw.data : "", "/usr/bin/formail") == 0)) {
        em_val_free(&first);
        goto out;
    }
    em_val_free(&first);
    (void)fm;
    for (i = 1; i < ws.n; i++) {
        const struct pm_word *w = &ws.v[i];
        char opt;
        struct pm_word argw;
        struct pm_val v;
        const char *colon, *val;
        char *name;

        if (w->n == 0 || w->v[0].kind != PM_SEG_LIT || w->v[0].s[0] != '-' || w->v[0].len < 2)
            goto out;
        opt = w->v[0].s[1];
        if (opt != 'A' && opt != 'I' && opt != 'a')
            goto out;
        if (w->v[0].len > 2 || w->n > 1) {
            /* -A"X: y": the argument in the same word */
            argw.n = w->n;
            argw.v = xcalloc(w->n, sizeof *argw.v);
            memcpy(argw.v, w->v, w->n * sizeof *argw.v);
            argw.v[0].s += 2;
            argw.v[0].len -= 2;
            em_value(e, &argw, 0, r->line, &v);
            argw.v[0].s -= 2;
            free(argw.v);
        } else {
            if (++i >= ws.n)
                goto out;
            em_value(e, &ws.v[i], 0, r->line, &v);
        }
        if (v.bad) {
            em_val_free(&v);
            goto out;
        }
        /* "Name: value" with a literal name; formail keeps the text as
         * written, weir writes "Name: value": only that form is taken */
        colon = strchr(v.w.data ? v.w.data : "", ':');
        if (colon == NULL || colon == v.w.data ||
            memchr(v.w.data, '$', (size_t)(colon - v.w.data)) != NULL) {
            em_val_free(&v);
            goto out;
        }
        name = xstrndup(v.w.data, (size_t)(colon - v.w.data));
        for (const char *q = name; *q; q++)
            if (*q == ' ' || *q == '\t' || *q == '\\' || *q == '"') {
                free(name);
                em_val_free(&v);
                goto out;
            }
        val = colon + 1;
        if (*val != '\0' && *val != ' ') {
            free(name);
            em_val_free(&v);
            goto out;
        }
        while (*val == ' ')
            val++;
        if (strcasecmp(name, "Content-Length") == 0 && !(opt == 'I' && *val == '\0')) {
            /* procmail puts the real length into its mbox; weir writes no
             * Content-Length (its mboxes quote From_ lines instead): the
             * placeholder ("Content-Length: 0000000000") would be wrong */
            em_note(e, PMRC_APPROX, r->line, "formail -%c \"Content-Length: ...\": left out "
                    "(procmail fills in the length when it writes an mbox; weir's mboxes have "
                    "no Content-Length)", opt);
            free(name);
            em_val_free(&v);
            continue;
        }
        if (opt == 'I' && *val == '\0')
            buf_printf(&lines, "header remove \"%s\"\n", name);
        else if (opt == 'I')
            buf_printf(&lines, "header set \"%s\" \"%s\"\n", name, val);
        else if (opt == 'A')
            buf_printf(&lines, "header add \"%s\" \"%s\"\n", name, val);
        else if (*val == '\0') {
            free(name);     /* -a "Message-ID:" makes one up */
            em_val_free(&v);
            goto out;
        } else
            buf_printf(&lines, "if not header \"%s\" exists { header add \"%s\" \"%s\" }\n",
                       name, name, val);
        free(name);
        em_val_free(&v);
    }
    buf_add(&a->lines, lines.data ? lines.data : "", lines.len);
    em_note(e, PMRC_INFO, r->line, "formail's header edits become weir's header actions "
            "(weir puts an added field first, formail last)");
    ok = 1;
out:
    buf_free(&lines);
    pm_words_free(&ws);
    return ok;
}

/* Whether a word is only variables ("$FOLDER", "${A}${B}") that may all
 * be empty at delivery. */
static int
only_vars(struct em *e, const struct pm_word *w)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->v[i].kind != PM_SEG_VAR || w->v[i].rxquote)
            return 0;
    /* one that cannot be empty (every value it may have is not) */
    for (size_t i = 0; i < w->n; i++) {
        const struct pm_sym *s = em_sym(e, w->v[i].s);
        size_t k;
        if (w->v[i].mod != 0)
            continue;
        if (s->known && s->raw.len)
            return 0;
        for (k = 0; !s->known && k < s->alts.n; k++)
            if (s->alts.raw[k].len == 0)
                break;
        if (!s->known && s->alts.n && k == s->alts.n)
            return 0;
    }
    return w->n > 0;
}

/* The next recipe after r at its level, or NULL. */
static const struct pm_item *
next_recipe(const struct pm_item *r)
{
    for (const struct pm_item *it = r->next; it; it = it->next)
        if (it->kind == PM_RECIPE)
            return it;
    return NULL;
}

/* bogofilter's and others' `:0 e` then `{ EXITCODE=75 HOST }` after a
 * filter: when the filter fails, procmail exits 75 (HOST unset stops it)
 * and the MTA tries again later -- weir's `filter ... else defer`. */
static int
defer_e(const struct pm_item *r)
{
    int code = 0, host = 0;

    if (r == NULL || !pm_has_flag(r, 'e') || r->ncond != 0 || r->act != PM_ACT_BLOCK ||
        r->unclosed)
        return 0;
    for (size_t i = 0; r->flags[i]; i++)
        if (r->flags[i] != 'e')
            return 0;
    for (const struct pm_item *it = r->block; it; it = it->next) {
        if (it->kind == PM_BLANK || it->kind == PM_COMMENT)
            continue;
        if (it->kind == PM_ASSIGN && strcmp(it->name, "EXITCODE") == 0 && !code &&
            it->value.n == 1 && it->value.v[0].kind == PM_SEG_LIT && it->value.v[0].len == 2 &&
            memcmp(it->value.v[0].s, "75", 2) == 0)
            code = 1;
        else if (it->kind == PM_UNSET && strcmp(it->name, "HOST") == 0 && code && !host)
            host = 1;
        else
            return 0;
    }
    return code && host;
}

/* Whether the next recipe after r (at its level) is an a or e recipe,
 * which asks how r's action ended. */
static int
next_chains(const struct pm_item *r)
{
    const struct pm_item *it = next_recipe(r);

    return it && (pm_has_flag(it, 'a') || pm_has_flag(it, 'e'));
}

static void
tr_action(struct em *e, const struct pm_item *r, struct tact *a)
{
    int copy = pm_has_flag(r, 'c');
    int h = pm_has_flag(r, 'h'), b = pm_has_flag(r, 'b');
    int part = (h || b) && !(h && b);       /* only one of the two */
    const char *cp = copy ? "copy " : "";

    buf_init(&a->lines);
    switch (r->act) {
    case PM_ACT_NONE:
        a->why = "the recipe has no action line";
        return;
    case PM_ACT_BLOCK:
        return;                 /* emitted in place */
    case PM_ACT_FOLDER: {
        size_t empty = 0;
        int guarded = 0;

        if (r->args.n == 0) {
            a->why = "the recipe has no action line";
            return;
        }
        if (part) {
            /* only the header (or body) into /dev/null: as all of it */
            int null = 1;
            for (size_t i = 0; i < r->args.n; i++) {
                const struct pm_word *w = &r->args.v[i];
                if (w->n != 1 || w->v[0].kind != PM_SEG_LIT || w->v[0].len != 9 ||
                    memcmp(w->v[0].s, "/dev/null", 9) != 0)
                    null = 0;
            }
            if (!null) {
                a->why = h ? "filing only the header (h without b)" : "filing only the body (b without h)";
                return;
            }
        }
        for (size_t i = 0; i < r->args.n; i++) {
            struct pm_val v;
            struct buf t = BUF_INIT;

            if (default_box(e, &r->args.v[i])) {
                /* the default mailbox: weir's implicit keep */
                if (copy)
                    em_note(e, PMRC_APPROX, r->line, "a copy into $DEFAULT: weir keeps a copy in "
                            "the default mailbox only if no later rule files the message");
                continue;
            }
            em_value(e, &r->args.v[i], 0, r->line, &v);
            if (v.bad) {
                a->why = v.bad;
                em_val_free(&v);
                return;
            }
            if (v.known && strcmp(v.raw.data ? v.raw.data : "", "/dev/null") == 0) {
                if (!copy)
                    act_line(a, "discard");
                em_val_free(&v);
                continue;
            }
            if (v.known && v.raw.len == 0) {
                /* "$FOLDER" with FOLDER empty: procmail's delivery fails
                 * ("Error while writing to """) and it goes on */
                em_note(e, PMRC_APPROX, r->line, "the folder name is empty here: procmail's "
                        "delivery fails and it goes on, and so does the translation");
                em_val_free(&v);
                empty++;
                continue;
            }
            if (!v.known && r->args.n == 1 && only_vars(e, &r->args.v[i])) {
                /* empty at delivery: the same, decided then (never
                 * "~/", which would make the home a Maildir) */
                struct buf t2 = BUF_INIT;
                folder_target(e, &v, r->line, &t2);
                act_line(a, "if string \"%s\" is not \"\" {", v.w.data ? v.w.data : "");
                act_line(a, "    %sfile \"%s\"", copy || e->in_clone ? "copy " : "", t2.data);
                if (!copy && !e->in_clone)
                    act_line(a, "    stop");
                act_line(a, "}");
                buf_free(&t2);
                em_val_free(&v);
                guarded = 1;
                continue;
            }
            folder_target(e, &v, r->line, &t);
            if (v.known && e->rd && e->rd->is_dir && v.raw.len && v.raw.data[v.raw.len - 1] != '/' &&
                !(v.raw.len >= 2 && memcmp(v.raw.data + v.raw.len - 2, "/.", 2) == 0)) {
                struct buf path = BUF_INIT;
                struct pm_sym *md = em_sym(e, "MAILDIR");
                if (!v.abs && md->known) {
                    buf_add(&path, md->raw.data ? md->raw.data : "", md->raw.len);
                    buf_addc(&path, '/');
                }
                buf_add(&path, v.raw.data, v.raw.len);
                if (e->rd->is_dir(e->rd->ctx, path.data)) {
                    em_note(e, PMRC_APPROX, r->line, "%s is a directory: procmail files messages "
                            "there as msg.* files; translated as an MH folder (numbered files)",
                            path.data);
                    buf_adds(&t, "/.");
                }
                buf_free(&path);
            }
            act_line(a, "%sfile \"%s\"", cp, t.data);
            buf_free(&t);
            em_val_free(&v);
        }
        if (r->lockfile)
            em_note(e, PMRC_INFO, r->line, "lockfile %s: weir locks each mbox itself "
                    "(mailbox.lock and fcntl) and takes no other lock", r->lockfile);
        a->delivers = !copy && !guarded && empty < r->args.n;
        return;
    }
    case PM_ACT_FORWARD: {
        struct pm_sym *sm = em_sym(e, "SENDMAIL");
        int custom = sm->assigned && !(sm->known && strcmp(sm->raw.data ? sm->raw.data : "",
                                                            "/usr/sbin/sendmail") == 0);
        if (r->capvar) {
            a->why = "capturing the output of a forward";
            return;
        }
        if (part) {
            a->why = "forwarding only the header or only the body";
            return;
        }
        for (size_t i = 0; i < r->args.n && !custom; i++)
            if (r->args.v[i].n && r->args.v[i].v[0].kind == PM_SEG_LIT && r->args.v[i].v[0].s[0] == '-')
                custom = 1;     /* options for sendmail */
        if (custom) {
            /* procmail runs "$SENDMAIL" $SENDMAILFLAGS addresses */
            struct buf cmd = BUF_INIT;
            struct pm_sym *fl = em_sym(e, "SENDMAILFLAGS");
            sm->used = fl->used = 1;
            buf_printf(&cmd, "${%s} ${%s}", sm->wname, fl->wname);
            for (size_t i = 0; i < r->args.n; i++) {
                struct pm_val v;
                em_value(e, &r->args.v[i], 1, r->line, &v);
                if (v.bad) {
                    a->why = v.bad;
                    em_val_free(&v);
                    buf_free(&cmd);
                    return;
                }
                buf_addc(&cmd, ' ');
                if (v.known)
                    sh_quote_lit(&cmd, v.raw.data ? v.raw.data : "", v.raw.len);
                else
                    buf_add(&cmd, v.w.data, v.w.len);
                em_val_free(&v);
            }
            act_line(a, "%spipe \"%s\"", cp, cmd.data);
            buf_free(&cmd);
        } else {
            for (size_t i = 0; i < r->args.n; i++) {
                struct pm_val v;
                em_value(e, &r->args.v[i], 0, r->line, &v);
                if (v.bad) {
                    a->why = v.bad;
                    em_val_free(&v);
                    return;
                }
                if (!v.known)
                    em_note(e, PMRC_APPROX, r->line, "a forward address from a variable: procmail "
                            "splits it at blanks into several addresses, weir forwards to one");
                act_line(a, "%sforward \"%s\"", cp, v.w.data ? v.w.data : "");
                em_val_free(&v);
            }
        }
        if (r->args.n == 0) {
            a->why = "a forward without addresses";
            return;
        }
        a->delivers = !copy;
        return;
    }
    case PM_ACT_PIPE: {
        struct buf cmd = BUF_INIT, full = BUF_INIT;
        const char *why;
        const char *raw = r->action_raw ? r->action_raw : "";

        while (*raw == ' ' || *raw == '\t')
            raw++;
        if (r->capvar && !(b && !h)) {
            /* VAR=| formail -xField: (the header, or all the message:
             * formail reads the header) as VAR=`formail -xField:` */
            struct pm_seg g;
            struct pm_word w;

            memset(&g, 0, sizeof g);
            g.kind = PM_SEG_CMD;
            g.s = (char *)raw;
            g.len = strlen(raw);
            w.v = &g;
            w.n = 1;
            if (em_assign_formail(e, em_sym(e, r->capvar), &w, r->line)) {
                a->delivers = 0;
                return;
            }
        }
        if (r->capvar) {
            em_untr_set(e, em_sym(e, r->capvar), r->line);
            a->why = "VAR=| command (weir does not capture a program's output into a variable)";
            return;
        }
        if (*raw == '\0') {
            a->why = "a pipe to procmail's standard output";
            return;
        }
        if (formail_dup(e, r, raw, a) || formail_reply(e, r, raw, a))
            return;
        if (pm_has_flag(r, 'f') && (!b || h) && formail_edits(e, r, raw, a))
            return;         /* header edits, also with message text in them */
        why = sh_command(e, raw, r->line, &cmd);
        if (why) {
            a->why = why;
            buf_free(&cmd);
            return;
        }
        if (pm_has_flag(r, 'f') && wants_from_line(raw) && !(b && !h)) {
            /* formail -r answers the From_ line procmail feeds filters too */
            struct buf t = BUF_INIT;
            buf_printf(&t, "{ " FROM_LINE_SH "; cat; } | (%s)", cmd.data ? cmd.data : "");
            buf_free(&cmd);
            cmd = t;
            em_note(e, PMRC_INFO, r->line, "formail -r answers the envelope sender: the filter "
                    "gets a From_ line made from $SENDER, as procmail feeds it one");
        }
        if (pm_has_flag(r, 'f')) {
            const char *defer = "";
            if (waits(r) && defer_e(next_recipe(r))) {
                defer = " else defer";
                e->consumed = next_recipe(r);
                em_note(e, PMRC_INFO, r->line, "the filter and the `e` recipe after it, "
                        "EXITCODE=75 and HOST unset (the MTA tries again later when the filter "
                        "fails), become weir's filter ... else defer");
            }
            if (part) {
                /* procmail gives the program only the header (fh) or the
                 * body (fb) and puts its output in that place */
                act_line(a, "filter \"t=\\$(mktemp) && cat > \\\"\\$t\\\" && { %s; rc=\\$?; "
                         "%s; rm -f \\\"\\$t\\\"; exit \\$rc; }\"%s",
                         h ? "sed -n '1,/^\\$/p' \\\"\\$t\\\" | (" : "sed -n '1,/^\\$/p' \\\"\\$t\\\"; sed '1,/^\\$/d' \\\"\\$t\\\" | (",
                         h ? "sed '1,/^\\$/d' \\\"\\$t\\\"" : ":", defer);
                /* the command goes where the parenthesis opened */
                {
                    struct buf t = BUF_INIT;
                    const char *p = a->lines.data;
                    const char *open = strstr(p, "| (");
                    const char *semi = open ? strstr(open, "; rc=") : NULL;
                    if (open && semi) {
                        buf_add(&t, p, (size_t)(open - p) + 3);
                        buf_add(&t, cmd.data, cmd.len);
                        buf_addc(&t, ')');
                        buf_adds(&t, semi);
                        buf_free(&a->lines);
                        a->lines = t;
                    } else {
                        buf_free(&t);
                    }
                }
                em_note(e, PMRC_INFO, r->line, "the filter gets only the %s, and its output "
                        "replaces that part, as with procmail", h ? "header" : "body");
                buf_free(&cmd);
                return;
            }
            act_line(a, "filter \"%s\"%s", cmd.data, defer);
            buf_free(&cmd);
            return;             /* not delivering */
        }
        maildir_cd(e, &full);
        if (part || wants_from_line(raw)) {
            /* procmail feeds only the header (h) or only the body (b);
             * formail -r wants the From_ line procmail puts first */
            int from = wants_from_line(raw) && !(b && !h);
            if (from)
                buf_adds(&full, "{ " FROM_LINE_SH "; ");
            /* procmail feeds the body with a newline after it (the
             * body "\n" of a message without one) */
            if (part)
                buf_adds(&full, h ? "sed -n '1,/^\\$/p'" : "{ sed '1,/^\\$/d'; echo; }");
            else
                buf_adds(&full, "cat");
            buf_adds(&full, from ? "; } | " : " | ");
            buf_printf(&full, "(%s)", cmd.data);
            if (part)
                em_note(e, PMRC_INFO, r->line, "the program gets only the %s through sed, as "
                        "procmail feeds it", h ? "header" : "body");
            if (from)
                em_note(e, PMRC_INFO, r->line, "formail -r answers the envelope sender: the "
                        "program gets a From_ line made from $SENDER, as procmail feeds it one");
        } else {
            buf_add(&full, cmd.data, cmd.len);
        }
        if (waits(r) && next_chains(r)) {
            /* `:0 wc | program` (or w, or a lockfile) and then an a or e
             * recipe: those ask whether the program exited 0, which
             * weir's program test says (it runs the program the same way,
             * once); without c the program took the message */
            a->test = xasprintf("program shell \"%s\" with message", full.data);
            if (!copy)
                act_line(a, "discard");
            em_note(e, PMRC_INFO, r->line, "a pipe procmail waits for (w, W or a lockfile), "
                    "followed by an a or e recipe, becomes weir's program test: the next recipe "
                    "asks for its exit status; weir test runs it only with --run-programs");
        } else {
            act_line(a, "%spipe \"%s\"", cp, full.data);
        }
        buf_free(&cmd);
        buf_free(&full);
        a->delivers = !copy;
        return;
    }
    }
}

/* ------------------------------------------------------------------ */
/* recipes                                                             */
/* ------------------------------------------------------------------ */

static int body_ends_in_stop(const struct buf *b, int indent);

/* Write a recipe's action (or block) at the current place: the chain
 * flags first, then the statements. */
static void
emit_success(struct em *e, const struct pm_item *r, const struct tact *a, int set_last,
             int set_prev)
{
    if (set_last)
        em_line(e, "set pm_last = \"1\"");
    if (set_prev)
        em_line(e, "set pm_prev = \"1\"");
    if (r->act == PM_ACT_BLOCK) {
        int save_clone = e->in_clone;
        if (pm_has_flag(r, 'c')) {
            e->in_clone = 1;
            em_note(e, PMRC_APPROX, r->line, "a block with 'c': procmail runs it in a copy of "
                    "itself; weir files its deliveries as copies and goes on once (assignments "
                    "and filters inside affect what follows)");
        }
        emit_items(e, r->block);
        e->in_clone = save_clone;
        /* procmail restores both after a block (unless the block ended
         * in a delivery: nothing after it runs) */
        if (e->flags_used && !body_ends_in_stop(&e->body, e->indent)) {
            em_line(e, "set pm_last = \"1\"");
            em_line(e, "set pm_prev = \"1\"");
        }
        return;
    }
    if (a->test) {
        /* the action is a test: its lines run when it is true; when it
         * is false the recipe failed (pm_fail, for an e recipe next) */
        em_line(e, "if %s {", a->test);
        e->indent++;
    }
    {
        const char *p = a->lines.data ? a->lines.data : "";
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t l = nl ? (size_t)(nl - p) : strlen(p);
            if (e->in_clone && l >= 4 && strncmp(p, "file", 4) == 0)
                em_line(e, "copy %.*s", (int)l, p);
            else if (e->in_clone && (strncmp(p, "forward", 7) == 0 || strncmp(p, "pipe", 4) == 0))
                em_line(e, "copy %.*s", (int)l, p);
            else if (e->in_clone && strncmp(p, "discard", 7) == 0)
                ;
            else
                em_line(e, "%.*s", (int)l, p);
            p += l + (nl != NULL);
        }
    }
    if (a->delivers && !e->in_clone)
        em_line(e, "stop");
    if (a->test) {
        e->indent--;
        if (e->fail_used) {
            em_line(e, "} else {");
            em_line(e, "    set pm_fail = \"1\"");
        }
        em_line(e, "}");
    }
}

/* Conditions i.. of cs as nested ifs around the success code. */
static void
emit_conds(struct em *e, struct tcond *cs, size_t i, size_t n, const char *guard,
           const struct pm_item *r, const struct tact *a, int set_last, int set_prev)
{
    struct buf cond = BUF_INIT;
    size_t j = i;
    int capture = 0;

    if (guard)
        buf_adds(&cond, guard);
    /* a run of conditions that can share one if: none sets MATCH but
     * possibly the last, which is not negated */
    for (; j < n; j++) {
        if (cs[j].stat == 1 && !cs[j].split)
            continue;           /* true whatever the message */
        if (cs[j].split && cs[j].neg)
            break;
        if (cond.len)
            buf_adds(&cond, " and ");
        if (cs[j].neg)
            buf_printf(&cond, "not %s", cs[j].expr.data);
        else
            buf_adds(&cond, cs[j].expr.data);
        if (cs[j].split) {
            capture = 1;
            j++;
            break;
        }
    }
    if (cond.len)
        em_line(e, "if %s {", cond.data);
    if (cond.len)
        e->indent++;
    if (capture)
        em_line(e, "set MATCH = \"%s\"", cs[j - 1].dyn ? "${procmail.match}" : "${1}");
    if (j < n && cs[j].split && cs[j].neg && !(capture)) {
        /* a negated condition that sets MATCH when it fails */
        em_line(e, "if %s {", cs[j].expr.data);
        e->indent++;
        em_line(e, "set MATCH = \"%s\"", cs[j].dyn ? "${procmail.match}" : "${1}");
        e->indent--;
        em_line(e, "} else {");
        e->indent++;
        emit_conds(e, cs, j + 1, n, NULL, r, a, set_last, set_prev);
        e->indent--;
        em_line(e, "}");
    } else if (j < n) {
        emit_conds(e, cs, j, n, NULL, r, a, set_last, set_prev);
    } else {
        emit_success(e, r, a, set_last, set_prev);
    }
    if (cond.len) {
        e->indent--;
        em_line(e, "}");
    }
    buf_free(&cond);
}

/* Weighted conditions (procmailsc(5)): the recipe runs when the sum of
 * the weights of the conditions that matched is positive.  With every
 * weight and exponent positive or 0 it is positive exactly when a
 * condition of positive weight matched: an "or" of those.  With a
 * negative weight and every exponent 0 the sum depends only on which
 * conditions matched: each is evaluated once into a flag and the subsets
 * whose sum is positive are listed.  Others are not translated. */
static const char *
weighted_expr(struct em *e, struct tcond *cs, size_t n, struct buf *pre, struct buf *expr)
{
    size_t idx[PM_MAX_WEIGHTED] = { 0 }, k = 0;   /* zeroed: cppcheck cannot follow k */
    int nonneg = 1, any_pos = 0;

    /* With no negative weight or exponent, a condition adds w (first
     * match) + w*x + w*x^2 ... (later matches): more than 0 exactly when
     * it matched and w > 0, so how often it matched does not matter. */
    for (size_t i = 0; i < n; i++)
        if (cs[i].weighted && (cs[i].w < 0 || cs[i].x < 0))
            nonneg = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cs[i].weighted)
            continue;
        if (cs[i].x != 0 && cs[i].x != 1 && !nonneg)
            return "a weighted condition with an exponent other than 0 or 1 (procmail's "
                   "match counting)";
        if (cs[i].x == 1 && !cs[i].neg && !nonneg)
            return "a weighted condition with exponent 1 (procmail adds the weight once per "
                   "match; weir's tests do not count matches)";
        if (nonneg) {
            /* no subsets to list: the sum is positive exactly when a
             * condition with a positive weight matched */
            if (cs[i].w > 0)
                buf_printf(expr, "%s(%s%s)", any_pos++ ? " or " : "", cs[i].neg ? "not " : "",
                           cs[i].expr.data);
            cs[i].stat = 1;     /* folded into expr */
            continue;
        }
        if (k == PM_MAX_WEIGHTED)
            return "more than 8 weighted conditions in one recipe, one with a negative weight "
                   "(the sums of every subset of them would be listed)";
        idx[k++] = i;
    }
    if (nonneg) {
        if (!any_pos)
            buf_adds(expr, "false");
        return NULL;
    }
    /* the subsets to list, each a test per condition: within weir's
     * limit on the tests of one condition (1000) */
    {
        unsigned long pos = 0;
        for (unsigned long m = 0; m < (1ul << k); m++) {
            double sum = 0;
            for (size_t q = 0; q < k; q++)
                if (m & (1ul << q))
                    sum += cs[idx[q]].w;
            pos += sum > 0;
        }
        if (pos * k > 512)
            return "weighted conditions with a negative weight whose positive sums are too many "
                   "to list (more than 512 tests)";
    }
    /* each weighted condition's value into pm_wN */
    for (size_t q = 0; q < k; q++) {
        struct tcond *c = &cs[idx[q]];
        buf_printf(pre, "set pm_w%zu = \"\"\n", q);
        buf_printf(pre, "if %s%s { set pm_w%zu = \"1\" }\n", c->neg ? "not " : "", c->expr.data, q);
        c->stat = 1;            /* folded into expr */
    }
    /* the subsets whose weight sum is positive */
    {
        int any = 0;
        for (unsigned long m = 0; m < (1ul << k); m++) {
            double sum = 0;
            for (size_t q = 0; q < k; q++)
                if (m & (1ul << q))
                    sum += cs[idx[q]].w;
            if (sum <= 0)
                continue;
            buf_adds(expr, any ? " or (" : "(");
            for (size_t q = 0; q < k; q++)
                buf_printf(expr, "%sstring \"${pm_w%zu}\" is \"%s\"", q ? " and " : "", q,
                           (m & (1ul << q)) ? "1" : "");
            buf_addc(expr, ')');
            any = 1;
        }
        if (!any)
            buf_adds(expr, "false");
    }
    (void)e;
    return NULL;
}

static void
count_recipes(const struct pm_item *it, int *n)
{
    for (; it; it = it->next)
        if (it->kind == PM_RECIPE) {
            (*n)++;
            count_recipes(it->block, n);
        }
}

/* A recipe left as a comment: its lines (and a block's) shown. */
static void
untranslated(struct em *e, const struct pm_item *r, const char *why)
{
    int inner = 0;

    em_note(e, PMRC_UNTRANSLATED, r->line, "%s", why);
    em_line(e, "# weir import: not translated: %s", why);
    if (r->act == PM_ACT_BLOCK) {
        int last = r->close_line ? r->close_line : r->end_line;
        const struct pm_item *b = r->block;
        while (b) {
            if (b->end_line > last)
                last = b->end_line;
            b = b->next;
        }
        count_recipes(r->block, &inner);
        e->res->recipes += inner;
        show_src(e, r->line, last);
    }
}

static void
emit_recipe(struct em *e, const struct pm_item *r)
{
    struct tcond *cs = NULL;
    struct tact a;
    const char *why = NULL;
    size_t n = r->ncond;
    int known_true = 1;
    char guardbuf[160];
    const char *guard = NULL;
    int is_A = pm_has_flag(r, 'A') || pm_has_flag(r, 'a'), is_E = pm_has_flag(r, 'E');
    int set_last, set_prev;
    struct buf wpre = BUF_INIT, wexpr = BUF_INIT;
    int weighted = 0, prev_test;

    e->res->recipes++;
    if (r == e->consumed) {
        /* translated with the filter before it */
        show_src(e, r->line, r->close_line ? r->close_line : r->end_line);
        em_line(e, "# (translated above: the filter's else defer)");
        e->consumed = NULL;
        e->res->translated++;
        e->prev_test = 0;
        return;
    }
    show_src(e, r->line, r->act == PM_ACT_BLOCK ? r->end_line : r->end_line);
    memset(&a, 0, sizeof a);
    buf_init(&a.lines);
    if (r->unclosed == 1) {
        why = "blocks nested too deep";
        goto fail;
    }
    if (r->unclosed == 2)
        em_note(e, PMRC_INFO, r->line, "a block without its closing '}': procmail ends it at the "
                "end of the file, and so does the translation");
    prev_test = e->prev_test;
    e->prev_test = 0;
    if (pm_has_flag(r, 'e') && !prev_test) {
        why = "an 'e' recipe (it runs when the previous action failed: weir decides before it "
              "delivers, and files into the default mailbox when a delivery fails)";
        goto fail;
    }
    if (pm_has_flag(r, 'a') && !prev_test)
        em_note(e, PMRC_APPROX, r->line, "'a' is translated as 'A': weir decides before it "
                "delivers, so the previous action is taken to have worked");
    cs = xcalloc(n + 1, sizeof *cs);
    for (size_t i = 0; i < n; i++) {
        why = tr_cond(e, r, r->conds[i].text, r->conds[i].line, &cs[i]);
        if (why)
            goto fail;
        if (cs[i].weighted)
            weighted = 1;
        if (cs[i].stat != 1)
            known_true = 0;
    }
    if (weighted) {
        why = weighted_expr(e, cs, n, &wpre, &wexpr);
        if (why)
            goto fail;
        known_true = 0;
    }
    /* the action, into a buffer of its own (its ${X:-y} temporaries come
     * with it, after this recipe's conditions set MATCH) */
    {
        struct buf save = e->body;
        int save_indent = e->indent;

        buf_init(&e->body);
        e->indent = 0;
        tr_action(e, r, &a);
        if (e->body.len) {
            struct buf t = BUF_INIT;
            buf_add(&t, e->body.data, e->body.len);
            buf_add(&t, a.lines.data ? a.lines.data : "", a.lines.len);
            buf_free(&a.lines);
            a.lines = t;
        }
        buf_free(&e->body);
        e->body = save;
        e->indent = save_indent;
        if (a.why) {
            why = a.why;
            goto fail;
        }
    }
    /* the chain */
    set_last = e->flags_used && !is_A;
    set_prev = e->flags_used;
    if (is_E) {
        snprintf(guardbuf, sizeof guardbuf, "string \"${pm_prev}\" is \"\"");
        guard = guardbuf;
        known_true = 0;
    }
    if (pm_has_flag(r, 'e')) {
        /* after a test-like action (formail -D): it ran and was false */
        snprintf(guardbuf, sizeof guardbuf, "string \"${pm_fail}\" is \"1\"");
        guard = guardbuf;
        known_true = 0;
    }
    if (a.test) {
        /* the next recipe may be an e recipe: pm_fail is set by this one */
        e->fail_used = 1;
        em_line(e, "set pm_fail = \"\"");
    }
    if (is_A) {
        snprintf(guardbuf + (guard ? strlen(guardbuf) : 0), sizeof guardbuf - (guard ? strlen(guardbuf) : 0),
                 "%sstring \"${pm_last}\" is \"1\"%s", guard ? " and " : "",
                 /* after a test-like action (formail -D): it ran and was
                  * true (procmailex(5): `:0 Whc` then `:0 a` duplicates) */
                 pm_has_flag(r, 'a') && prev_test ? " and string \"${pm_fail}\" is \"\"" : "");
        guard = guardbuf;
        known_true = 0;
    }
    if (set_last)
        em_line(e, "set pm_last = \"\"");
    if (set_prev && !is_E)
        em_line(e, "set pm_prev = \"\"");
    {
        struct snap sn;
        int cond_known = known_true;

        snap_take(e, &sn);
        if (weighted) {
            const char *p = wpre.data ? wpre.data : "";
            while (*p) {
                const char *nl = strchr(p, '\n');
                em_line(e, "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
                p = nl ? nl + 1 : p + strlen(p);
            }
            /* the sum test joins the other conditions as one more */
            cs = xreallocarray(cs, n + 2, sizeof *cs);
            memset(&cs[n], 0, sizeof cs[n]);
            cs[n].stat = -1;
            buf_init(&cs[n].expr);
            buf_printf(&cs[n].expr, "(%s)", wexpr.data);
            n++;
        }
        emit_conds(e, cs, 0, n, guard, r, &a, set_last, set_prev);
        if (!cond_known)
            snap_merge(e, &sn);
        snap_free(&sn);
    }
    if (r->act == PM_ACT_BLOCK && r->close_src) {
        show_src(e, r->close_line, r->close_line);
    }
    e->res->translated++;
    e->prev_test = a.test != NULL;
    goto done;
fail:
    untranslated(e, r, why);
done:
    for (size_t i = 0; cs && i < n; i++)
        buf_free(&cs[i].expr);
    free(cs);
    buf_free(&a.lines);
    free(a.test);
    buf_free(&wpre);
    buf_free(&wexpr);
}

/* ------------------------------------------------------------------ */
/* files                                                               */
/* ------------------------------------------------------------------ */

static void translate_file(struct em *e, const char *path, const char *text, size_t len);

/* Whether the translation so far ends in a `stop` at nesting level
 * `indent` (then only comments and blank lines): what would follow it at
 * that level cannot run, and weir check would call it unreachable. */
static int
body_ends_in_stop(const struct buf *b, int indent)
{
    size_t end = b->len;

    while (end > 0) {
        size_t start = end, n, i = 0;
        const char *l;

        if (b->data[start - 1] == '\n')
            start--;
        while (start > 0 && b->data[start - 1] != '\n')
            start--;
        l = b->data + start;
        n = end - start;
        if (n && l[n - 1] == '\n')
            n--;
        while (i < n && (l[i] == ' ' || l[i] == '\t'))
            i++;
        if (i < n && l[i] != '#')
            return i == (size_t)indent * 4 && n - i == 4 && memcmp(l + i, "stop", 4) == 0;
        end = start;
    }
    return 0;
}

/* Where procmail would stop: deliver to $DEFAULT when it was set (else
 * weir's implicit keep does it). */
static void
emit_epilogue(struct em *e, int line)
{
    struct pm_sym *d = em_sym(e, "DEFAULT");

    if (!e->default_assigned)
        return;
    d->used = 1;
    if (d->known && strcmp(d->raw.data ? d->raw.data : "", "/dev/null") == 0) {
        em_line(e, "discard");
        return;
    }
    {
        struct pm_val v;
        struct buf t = BUF_INIT;
        memset(&v, 0, sizeof v);
        buf_init(&v.w);
        buf_init(&v.raw);
        buf_printf(&v.w, "${%s}", d->wname);
        v.abs = d->known ? (d->raw.len && d->raw.data[0] == '/') : 1;
        v.tainted = d->tainted;
        if (inline_ok(d) && d->wstr.len) {
            buf_reset(&v.w);
            buf_add(&v.w, d->wstr.data, d->wstr.len);
        }
        folder_target(e, &v, line, &t);
        em_line(e, "%sfile \"%s\"", e->in_clone ? "copy " : "", t.data);
        buf_free(&t);
        em_val_free(&v);
    }
}

static void
include_file(struct em *e, const struct pm_item *it, int is_switch)
{
    struct pm_val v;
    struct buf path = BUF_INIT, content = BUF_INIT;
    char err[256] = "";

    em_value(e, &it->value, 0, it->line, &v);
    if (it->kind == PM_UNSET || (v.known && v.raw.len == 0)) {
        em_val_free(&v);
        if (is_switch) {
            /* unsetting SWITCHRC ends the rcfile here */
            if (e->depth > 0) {
                em_note(e, PMRC_UNTRANSLATED, it->line, "SWITCHRC unset in an included file "
                        "(ends only that file: weir has no way back to the includer)");
                return;
            }
            emit_epilogue(e, it->line);
            em_line(e, "stop");
        }
        return;
    }
    if (v.bad || !v.known) {
        em_note(e, PMRC_UNTRANSLATED, it->line, "%s=...: the file name %s", is_switch ? "SWITCHRC" :
                "INCLUDERC", v.bad ? v.bad : "is only known at delivery");
        em_line(e, "# weir import: not translated (see the summary)");
        em_val_free(&v);
        return;
    }
    if (v.raw.data[0] != '/') {
        struct pm_sym *md = em_sym(e, "MAILDIR");
        if (!md->known) {
            em_note(e, PMRC_UNTRANSLATED, it->line, "INCLUDERC: a relative name and MAILDIR only "
                    "known at delivery");
            em_val_free(&v);
            return;
        }
        buf_add(&path, md->raw.data ? md->raw.data : "", md->raw.len);
        buf_addc(&path, '/');
    }
    buf_add(&path, v.raw.data, v.raw.len);
    em_val_free(&v);
    for (size_t i = 0; i < path.len; i++)
        if ((unsigned char)path.data[i] < 0x20 || path.data[i] == 0x7f) {
            /* no file a user includes; and it could not sit in a comment */
            em_note(e, PMRC_UNTRANSLATED, it->line, "%s=...: a file name with a control "
                    "character in it", is_switch ? "SWITCHRC" : "INCLUDERC");
            em_line(e, "# weir import: not translated (see the summary)");
            buf_free(&path);
            return;
        }
    for (size_t i = 0; i < e->nincstack; i++)
        if (strcmp(e->incstack[i], path.data) == 0) {
            em_note(e, PMRC_UNTRANSLATED, it->line, "%s includes itself (%s): procmail follows "
                    "that at delivery, weir's rules are fixed", path.data,
                    is_switch ? "SWITCHRC" : "INCLUDERC");
            buf_free(&path);
            return;
        }
    if (e->depth >= e->opt->include_depth) {
        em_note(e, PMRC_UNTRANSLATED, it->line, "%s: included files nested deeper than %d",
                path.data, e->opt->include_depth);
        buf_free(&path);
        return;
    }
    if (e->rd == NULL || e->rd->read == NULL ||
        e->rd->read(e->rd->ctx, path.data, &content, err, sizeof err) < 0) {
        em_note(e, PMRC_UNTRANSLATED, it->line, "cannot read %s: %s", path.data,
                err[0] ? err : "no file access");
        em_line(e, "# weir import: not translated (see the summary)");
        buf_free(&path);
        buf_free(&content);
        return;
    }
    em_line(e, "# ---- %s %s, translated here ----", is_switch ? "SWITCHRC" : "INCLUDERC", path.data);
    {
        struct lines save = cur_lines;
        const char *save_file = e->file;
        int save_printed = e->printed_line;

        e->depth++;
        e->incstack = xreallocarray(e->incstack, e->nincstack + 1, sizeof *e->incstack);
        e->incstack[e->nincstack++] = xstrdup(path.data);
        translate_file(e, e->incstack[e->nincstack - 1], content.data ? content.data : "",
                       content.len);
        free(e->incstack[--e->nincstack]);     /* notes keep their own copy */
        e->depth--;
        cur_lines = save;
        e->file = save_file;
        e->printed_line = save_printed;
    }
    em_line(e, "# ---- end of %s ----", path.data);
    if (is_switch) {
        emit_epilogue(e, it->line);
        em_line(e, "stop");
    }
    buf_free(&path);
    buf_free(&content);
}

static void
emit_items(struct em *e, const struct pm_item *it)
{
    for (; it; it = it->next) {
        switch (it->kind) {
        case PM_BLANK:
            if (it->line > e->printed_line) {
                buf_addc(&e->body, '\n');
                e->printed_line = it->line;
            }
            break;
        case PM_COMMENT:
            show_src(e, it->line, it->end_line);
            break;
        case PM_JUNK:
            show_src(e, it->line, it->end_line);
            em_note(e, PMRC_INFO, it->line, "procmail skips this line (not a recipe or assignment)");
            break;
        case PM_ASSIGN: case PM_UNSET:
            show_src(e, it->line, it->end_line);
            if (strcmp(it->name, "INCLUDERC") == 0)
                include_file(e, it, 0);
            else if (strcmp(it->name, "SWITCHRC") == 0)
                include_file(e, it, 1);
            else
                em_assign(e, it);
            break;
        case PM_RECIPE:
            emit_recipe(e, it);
            break;
        }
    }
}

/* Whether any recipe (here or in blocks) uses a chain flag. */
static int
uses_chain(const struct pm_item *it)
{
    for (; it; it = it->next)
        if (it->kind == PM_RECIPE) {
            if (strpbrk(it->flags, "AaEe"))
                return 1;
            if (uses_chain(it->block))
                return 1;
        }
    return 0;
}

static void
translate_file(struct em *e, const char *path, const char *text, size_t len)
{
    struct pm_item *items = pm_parse(path, text, len);

    lines_init(&cur_lines, text, len);
    e->file = path;
    e->printed_line = 0;
    if (uses_chain(items))
        e->flags_used = 1;
    emit_items(e, items);
    show_src(e, 1, cur_lines.n);        /* trailing comments */
    pm_items_free(items);
    free(cur_lines.off);
    memset(&cur_lines, 0, sizeof cur_lines);
}

int
pmrc_translate(const char *path, const char *text, size_t len, const struct pmrc_reader *reader,
               const struct pmrc_options *opt, struct pmrc_result *res)
{
    struct em e;
    struct pmrc_options o = *opt;
    struct buf pro = BUF_INIT;

    memset(res, 0, sizeof *res);
    memset(&e, 0, sizeof e);
    buf_init(&res->out);
    if (o.include_depth <= 0)
        o.include_depth = PMRC_DEFAULT_INCLUDE_DEPTH;
    /* two passes: the first learns whether any file (included ones too)
     * uses the chain flags, so that every recipe keeps them */
    for (int pass = 0; pass < 2; pass++) {
        int flags = pass ? e.flags_used : 0;

        if (pass) {
            for (size_t i = 0; i < e.nsyms; i++) {
                free(e.syms[i]->name);
                free(e.syms[i]->wname);
                free(e.syms[i]->init);
                free(e.syms[i]->untr_file);
                buf_free(&e.syms[i]->raw);
                buf_free(&e.syms[i]->wstr);
                em_alts_clear(&e.syms[i]->alts);
                free(e.syms[i]);
            }
            free(e.syms);
            for (size_t i = 0; i < e.nincstack; i++)
                free(e.incstack[i]);
            free(e.incstack);
            buf_free(&e.body);
            pmrc_result_free(res);
            buf_init(&res->out);
        }
        memset(&e, 0, sizeof e);
        e.opt = &o;
        e.rd = reader;
        e.res = res;
        e.flags_used = flags;
        buf_init(&e.body);
        translate_file(&e, path, text, len);
        if (!body_ends_in_stop(&e.body, 0))
            emit_epilogue(&e, 0);
        if (pass == 0 && !e.flags_used)
            break;
    }
    buf_printf(&res->out, "# Translated from %s by weir import procmailrc (weir-import(1)).\n"
               "# Each procmail statement is shown above its translation.\n\n", path);
    em_prologue(&e, &pro);
    buf_add(&res->out, pro.data ? pro.data : "", pro.len);
    buf_add(&res->out, e.body.data ? e.body.data : "", e.body.len);
    buf_free(&pro);
    buf_free(&e.body);
    for (size_t i = 0; i < e.nsyms; i++) {
        free(e.syms[i]->name);
        free(e.syms[i]->wname);
        free(e.syms[i]->init);
        free(e.syms[i]->untr_file);
        buf_free(&e.syms[i]->raw);
        buf_free(&e.syms[i]->wstr);
        em_alts_clear(&e.syms[i]->alts);
        free(e.syms[i]);
    }
    free(e.syms);
    for (size_t i = 0; i < e.nincstack; i++)
        free(e.incstack[i]);
    free(e.incstack);
    return res->untranslated ? 1 : 0;
}

void
pmrc_result_free(struct pmrc_result *res)
{
    for (size_t i = 0; i < res->nnotes; i++) {
        free(res->notes[i].file);
        free(res->notes[i].text);
    }
    free(res->notes);
    buf_free(&res->out);
    memset(res, 0, sizeof *res);
}
