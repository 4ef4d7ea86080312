/*
 * vm.c -- the rule VM: runs a verified program (rl_compile or rl_load)
 * against a message view and appends intended actions to an action list.
 *
 * Entry points: rl_run(), rl_run_chain().  Facts come from the message
 * view (headers via builtins/mailparse.h, envelope, size) and from builtin
 * tests (builtins/registry.h), fetched lazily.  Nothing here performs an
 * action; `filter` is handed to the host, which may replace the message.
 *
 * Limits (struct rl_limits): the step budget ends the run when exhausted
 * (actions chosen so far stand; logged); a regex that hits a PCRE2 limit
 * leaves its test undecided, as a builtin whose facts cannot be obtained
 * does (logged): the test flag is then RL_FLAG_UNDECIDED, which JT/JF
 * count as true or false so that no condition is taken because of it
 * (compile.c, emit_branch), and JU skips the else of such a condition;
 * strings built at run time are cut at string_max (logged).  Header edits (header add/set/remove) are applied to a working
 * copy of the header that later tests see, in this program and, through
 * rl_run_chain, in the user's program after the system's.
 *
 * Returns 0, or -1 with *st set only when the host's filter failed.
 */
#include "config.h"
#include "rl_int.h"
#include "prefilter.h"
#include "registry.h"
#include "mailparse.h"
#include "bi_domain.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Header edits may not grow the working header past this (bytes); an
 * edit that would is ignored and logged as a limit. */
#define RL_HEADER_EDIT_MAX (1024u * 1024)

#define NCAPS (RL_MAX_CAPTURE + 1)
#define RL_MAX_REPLY_DAYS 36500 /* reply days beyond this are this */
#define RL_TRACE_VALUE_MAX 120  /* bytes of a tested value shown in a trace */

struct val {
    char *s;
    int taint;
};

struct fact {                   /* ${builtin.fact} exported by a test */
    int builtin;
    char *name, *value;
};

struct shared {                 /* carried from the system to the user run */
    struct buf hdr;             /* working header block once edited */
    int hdr_edited;
    struct rl_bi_env bi;        /* builtins' per-message facts */
    struct fact *facts;         /* latest value of each exported fact */
    size_t nfacts;
    time_t now;                 /* ${date:...}: read once per message */
};

struct fcache {
    char *unfolded, *decoded;
    struct mp_address *addr;
    size_t naddr;
    int addr_ok;
};

struct vm {
    const struct rl_program *p;
    struct rl_msg *msg;
    const struct rl_host *host;
    const struct rl_limits *lim;
    struct action_list *out;
    const struct rl_trace *trace;
    struct shared *sh;
    int system;
    struct val *vars;
    char *cap[NCAPS];           /* numbered captures of the last match */
    char **ncap_name, **ncap_val;
    size_t nncap;
    const char *rule, *desc;
    int shadow;
    int flag;
    const char *reply_from;
    int reply_from_taint;       /* reply_from was built from the message */
    long reply_days;
    struct mp_header hp;        /* parsed header of the current view */
    int hp_ok;
    struct fcache *fc;          /* per field of hp: values computed once */
    pcre2_match_context *mctx;
    pcre2_match_data *md;
    size_t last_undecided;      /* 1 + pc of the last undecided test, 0 none */
};

/* ------------------------------------------------------------------ */

__attribute__((format(printf, 3, 4)))
static void
vlog(struct vm *v, enum rl_log_level lvl, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;

    if (v->host == NULL || v->host->log == NULL)
        return;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    v->host->log(v->host->ctx, lvl, b.data);
    buf_free(&b);
}

static void
trace_ev(struct vm *v, size_t pc, struct rl_trace_event *ev)
{
    if (v->trace == NULL || v->trace->event == NULL)
        return;
    ev->file = v->p->files[pc] < v->p->nsrcs ? v->p->srcs[v->p->files[pc]] : NULL;
    ev->line = (int)v->p->lines[pc];
    ev->rule = v->rule;
    v->trace->event(v->trace->ctx, ev);
}

static void
limit_hit(struct vm *v, size_t pc, const char *what)
{
    struct rl_trace_event ev = { .kind = RL_TR_LIMIT, .value = what };

    vlog(v, RL_LOG_WARN, "rules: %s:%u: %s", v->p->files[pc] < v->p->nsrcs ?
         v->p->srcs[v->p->files[pc]] : "?", v->p->lines[pc], what);
    trace_ev(v, pc, &ev);
}

/* A test could not be decided: say why, once, in the log and the trace;
 * remember it for JU.  The flag it leaves is RL_FLAG_UNDECIDED. */
static int
undecided(struct vm *v, size_t pc, const char *why)
{
    struct buf b = BUF_INIT;

    buf_printf(&b, "%s: test undecided, no condition is taken because of it", why);
    limit_hit(v, pc, b.data);
    buf_free(&b);
    v->last_undecided = pc + 1;
    return RL_FLAG_UNDECIDED;
}

static const char *
env_lookup(const struct rl_msg *m, const char *name)
{
    size_t n = strlen(name);

    if (m->env == NULL)
        return NULL;
    for (const char *const *e = m->env; *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

/* ${score} (the total so far, %.15g like the trace) or ${reasons} (each
 * reason so far with its points, "no Date (+1); listed (+3)"), built in
 * tmp.  Both include the system rules' scores: they share one list. */
static const char *
score_text(struct vm *v, int reasons, struct buf *tmp)
{
    buf_reset(tmp);
    if (!reasons) {
        buf_printf(tmp, "%.15g", v->out->score);
        return tmp->data;
    }
    for (size_t i = 0; i < v->out->nreasons; i++) {
        const struct score_reason *r = &v->out->reasons[i];

        buf_printf(tmp, "%s%s (%s%.15g)", i ? "; " : "", r->reason ? r->reason : "",
                   r->points >= 0 ? "+" : "", r->points);
    }
    return tmp->len ? tmp->data : "";
}

/* Expand constant k into b; returns whether tainted. */
static int
expand(struct vm *v, uint32_t k, struct buf *b, size_t pc)
{
    const struct rl_const *c;
    struct buf tmp = BUF_INIT;
    char dbuf[256];             /* ${date:...}, formatted */
    int taint = 0;

    buf_reset(b);
    buf_reserve(b, 1);
    b->data[0] = 0;
    if (k == RL_NONE || k >= v->p->nk)
        return 0;
    c = &v->p->k[k];
    if (c->kind == RL_K_STR || c->kind == RL_K_REGEX) {
        buf_add(b, c->s, c->len);
        return 0;
    }
    if (c->kind == RL_K_NUM) {
        buf_printf(b, "%.15g", c->num);
        return 0;
    }
    for (size_t i = 0; i < c->nparts; i++) {
        const struct rl_tpart *t = &c->parts[i];
        const char *s = NULL;
        int tt = 0;

        switch (t->kind) {
        case RL_TP_LIT: s = t->s; break;
        case RL_TP_VAR: s = v->vars[t->idx].s; tt = v->vars[t->idx].taint; break;
        case RL_TP_CAP: s = v->cap[t->idx]; tt = 1; break;
        case RL_TP_NCAP:
            tt = 1;
            for (size_t j = 0; j < v->nncap; j++)
                if (strcmp(v->ncap_name[j], t->s) == 0)
                    s = v->ncap_val[j];
            break;
        case RL_TP_ENV: s = env_lookup(v->msg, t->s); tt = 1; break;
        case RL_TP_FACT:
            tt = 1;
            for (size_t j = 0; j < v->sh->nfacts; j++)
                if (v->sh->facts[j].builtin == (int)t->idx &&
                    strcmp(v->sh->facts[j].name, t->s) == 0)
                    s = v->sh->facts[j].value;
            break;
        case RL_TP_DATE: {
            struct tm tm;

            if (v->sh->now == 0)
                v->sh->now = v->msg->now ? v->msg->now : time(NULL);
            /* the format was checked by rl_date_format_ok (lexer, loader) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
            if (localtime_r(&v->sh->now, &tm) == NULL ||
                strftime(dbuf, sizeof dbuf, t->s, &tm) == 0)
                dbuf[0] = 0;
#pragma GCC diagnostic pop
            s = dbuf;
            /* %Z is the zone's name, from the MTA's TZ ("<...>" rules
             * name it freely): tainted like anything from the MTA */
            tt = rl_date_tainted(t->s);
            break;
        }
        case RL_TP_SPECIAL:
            switch (t->idx) {
            case RL_SP_USER: s = v->msg->user; break;
            case RL_SP_HOME: s = v->msg->home; break;
            case RL_SP_EXTENSION: s = v->msg->extension; tt = 1; break;
            case RL_SP_SENDER: s = v->msg->envelope_from; tt = 1; break;
            case RL_SP_RECIPIENT: s = v->msg->envelope_to; tt = 1; break;
            case RL_SP_CLIENT: s = v->msg->client; tt = 1; break;
            case RL_SP_SCORE:
            case RL_SP_REASONS:
                s = score_text(v, t->idx == RL_SP_REASONS, &tmp);
                tt = t->idx == RL_SP_REASONS;   /* reasons may quote the message */
                break;
            }
            break;
        }
        if (s && *s) {
            size_t n = strlen(s), room = v->lim->string_max - b->len, at = b->len;
            int cut = n > room;

            taint |= tt;
            buf_add(b, s, cut ? room : n);  /* never build more than the limit */
            /* ${name:lower}, ${name:upper}: ASCII letters only, whatever
             * the locale (UTF-8 sequences are left as they are) */
            for (size_t j = at; (t->mods & RL_TM_MASK) && j < b->len; j++) {
                char ch = b->data[j];

                if ((t->mods & RL_TM_LOWER) && ch >= 'A' && ch <= 'Z')
                    b->data[j] = (char)(ch - 'A' + 'a');
                else if ((t->mods & RL_TM_UPPER) && ch >= 'a' && ch <= 'z')
                    b->data[j] = (char)(ch - 'a' + 'A');
            }
            if (cut) {
                limit_hit(v, pc, "string longer than the limit: cut");
                break;
            }
        }
    }
    buf_free(&tmp);
    return taint;
}

/* ------------------------------------------------------------------ */
/* header view                                                         */
/* ------------------------------------------------------------------ */

static void
hdr_view(struct vm *v, const char **p, size_t *n)
{
    if (v->sh->hdr_edited) {
        *p = v->sh->hdr.data ? v->sh->hdr.data : "";
        *n = v->sh->hdr.len;
    } else {
        *p = v->msg->header ? v->msg->header : "";
        *n = v->msg->header ? v->msg->header_len : 0;
    }
}

static struct mp_header *
hdr_parsed(struct vm *v)
{
    if (!v->hp_ok) {
        const char *p;
        size_t n;
        hdr_view(v, &p, &n);
        mp_header_parse(p, n, &v->hp);
        v->fc = xcalloc(v->hp.n ? v->hp.n : 1, sizeof *v->fc);
        v->hp_ok = 1;
    }
    return &v->hp;
}

static void
hdr_invalidate(struct vm *v)
{
    if (v->hp_ok) {
        for (size_t i = 0; i < v->hp.n; i++) {
            free(v->fc[i].unfolded);
            free(v->fc[i].decoded);
            if (v->fc[i].addr_ok)
                mp_address_list_free(v->fc[i].addr, v->fc[i].naddr);
        }
        free(v->fc);
        v->fc = NULL;
        mp_header_free(&v->hp);
    }
    v->hp_ok = 0;
    memset(&v->hp, 0, sizeof v->hp);
}

/* One line, no CR/LF (header injection), no NUL. */
static void
one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\r' || *s == '\n')
            *s = ' ';
}

static int
valid_field_name(const char *s)
{
    if (*s == 0)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= 32 || (unsigned char)*s >= 127 || *s == ':')
            return 0;
    return 1;
}

/* Apply a header edit to the working copy. */
static void
hdr_edit(struct vm *v, enum action_kind k, const char *name, const char *value)
{
    const char *base;
    size_t n;
    struct buf nb = BUF_INIT;

    hdr_view(v, &base, &n);
    rl_header_edit(base, n, hdr_parsed(v), k, name, value, &nb);
    buf_free(&v->sh->hdr);
    v->sh->hdr = nb;
    v->sh->hdr_edited = 1;
    hdr_invalidate(v);
}

void
rl_header_edit(const char *base, size_t n, const struct mp_header *h, enum action_kind k,
               const char *name, const char *value, struct buf *nb)
{
    const char *end = base + n;
    size_t pos = 0;

    if (k == ACT_HEADER_ADD || k == ACT_HEADER_SET)
        buf_printf(nb, "%s: %s\n", name, value);
    for (size_t i = 0; i < h->n; i++) {
        const struct mp_field *f = &h->f[i];
        const char *fs = f->name, *fe = f->raw + f->raw_len;

        if (fs < base || fe > end || fs < base + pos)
            continue;           /* not inside the block: keep as is */
        if (fe < end && *fe == '\n')
            fe++;
        if (k != ACT_HEADER_ADD && mp_field_is(f, name)) {
            buf_add(nb, base + pos, (size_t)(fs - (base + pos)));
            pos = (size_t)(fe - base);
        }
    }
    buf_add(nb, base + pos, n - pos);
}

/* ------------------------------------------------------------------ */
/* comparisons                                                         */
/* ------------------------------------------------------------------ */

static void
clear_caps(struct vm *v)
{
    for (int i = 0; i < NCAPS; i++) {
        free(v->cap[i]);
        v->cap[i] = NULL;
    }
    for (size_t i = 0; i < v->nncap; i++) {
        free(v->ncap_name[i]);
        free(v->ncap_val[i]);
    }
    free(v->ncap_name);
    free(v->ncap_val);
    v->ncap_name = v->ncap_val = NULL;
    v->nncap = 0;
}

static void
trace_caps(struct vm *v, size_t pc)
{
    for (int i = 1; i < NCAPS; i++)
        if (v->cap[i]) {
            char nm[4];
            struct rl_trace_event ev = { .kind = RL_TR_CAPTURE, .name = nm,
                                         .value = v->cap[i] };
            snprintf(nm, sizeof nm, "%d", i);
            trace_ev(v, pc, &ev);
        }
    for (size_t i = 0; i < v->nncap; i++) {
        struct rl_trace_event ev = { .kind = RL_TR_CAPTURE, .name = v->ncap_name[i],
                                     .value = v->ncap_val[i] };
        trace_ev(v, pc, &ev);
    }
}

static void
set_caps(struct vm *v, pcre2_code *re, const char *s, int rc, size_t pc)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(v->md);
    uint32_t cnt = 0, esz = 0;
    PCRE2_SPTR tab;

    clear_caps(v);
    for (int i = 0; i < rc && i < NCAPS; i++)
        if (ov[2 * i] != PCRE2_UNSET)
            v->cap[i] = xstrndup(s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
    pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &cnt);
    pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &esz);
    pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &tab);
    if (cnt) {
        v->ncap_name = xcalloc(cnt, sizeof *v->ncap_name);
        v->ncap_val = xcalloc(cnt, sizeof *v->ncap_val);
    }
    for (uint32_t i = 0; i < cnt; i++) {
        const unsigned char *e = tab + (size_t)i * esz;
        unsigned g = (unsigned)(e[0] << 8 | e[1]);
        v->ncap_name[v->nncap] = xstrdup((const char *)e + 2);
        v->ncap_val[v->nncap] = g < (unsigned)rc && ov[2 * g] != PCRE2_UNSET ?
            xstrndup(s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]) : xstrdup("");
        v->nncap++;
    }
}

/* ASCII-case-blind search of n (NUL-free) in h (any bytes): memchr to
 * each candidate first byte, then compare the rest. */
static const char *
memcasemem(const char *h, size_t hn, const char *n, size_t nn)
{
    const char *p = h, *end;
    int lo, up;

    if (nn == 0)
        return h;
    if (nn > hn)
        return NULL;
    end = h + (hn - nn + 1);
    lo = tolower((unsigned char)n[0]);
    up = toupper((unsigned char)n[0]);
    while (p < end) {
        const char *a = memchr(p, lo, (size_t)(end - p));
        const char *b = up != lo ? memchr(p, up, (size_t)((a ? a : end) - p)) : NULL;
        const char *q = b ? b : a;

        if (q == NULL)
            return NULL;
        if (strncasecmp(q + 1, n + 1, nn - 1) == 0)
            return q;
        p = q + 1;
    }
    return NULL;
}

/* Length of the UTF-8 sequence starting at s (1 for invalid bytes). */
static size_t
u8len(const unsigned char *s, size_t n)
{
    size_t l = *s < 0x80 ? 1 : (*s & 0xe0) == 0xc0 ? 2 : (*s & 0xf0) == 0xe0 ? 3 :
               (*s & 0xf8) == 0xf0 ? 4 : 1;

    if (l > n)
        return 1;
    for (size_t i = 1; i < l; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 1;
    return l;
}

/* Shell-style wildcard match: '*' any text, '?' one character (UTF-8
 * aware), [abc] [a-z] [!x] sets of ASCII characters, '\' quotes; ASCII
 * case is ignored.  Iterative with one backtrack point: linear-ish, no
 * recursion on hostile patterns. */
static int
glob_match(const char *pat, const char *s, size_t n)
{
    const char *p = pat, *star = NULL;
    size_t i = 0, star_i = 0;

    while (i < n) {
        if (*p == '*') {
            star = ++p;
            star_i = i;
            continue;
        }
        if (*p == '?') {
            p++;
            i += u8len((const unsigned char *)s + i, n - i);
            continue;
        }
        if (*p == '[') {
            const char *q = p + 1;
            int neg = 0, hit = 0;
            int c = tolower((unsigned char)s[i]);
            if (*q == '!' || *q == '^') {
                neg = 1;
                q++;
            }
            do {
                int lo = tolower((unsigned char)*q), hi = lo;
                if (*q == 0)
                    break;
                if (q[1] == '-' && q[2] && q[2] != ']') {
                    hi = tolower((unsigned char)q[2]);
                    q += 2;
                }
                if (c >= lo && c <= hi)
                    hit = 1;
                q++;
            } while (*q && *q != ']');
            if (*q == ']' && hit != neg) {
                p = q + 1;
                i++;
                continue;
            }
            if (*q != ']' && tolower((unsigned char)*p) == c) { /* no closing ']': literal */
                p++;
                i++;
                continue;
            }
        } else {
            const char *pc = p;
            if (*pc == '\\' && pc[1])
                pc++;
            if (*pc && tolower((unsigned char)*pc) == tolower((unsigned char)s[i])) {
                p = pc + 1;
                i++;
                continue;
            }
        }
        if (star == NULL)
            return 0;
        p = star;
        i = ++star_i;
    }
    while (*p == '*')
        p++;
    return *p == 0;
}

/* The unfolded value of header field f, computed once per run into its
 * cache slot c (header and address tests share it). */
static const char *
field_unfolded(struct fcache *c, const struct mp_field *f)
{
    if (c->unfolded == NULL)
        c->unfolded = mp_unfold(f->raw, f->raw_len);
    return c->unfolded;
}

/* The first field named name at index *i or after it, unfolded into its
 * cache slot; *i is left at its index.  NULL when there is none. */
static struct fcache *
next_field(struct vm *v, size_t *i, const char *name)
{
    struct mp_header *h = hdr_parsed(v);

    for (; *i < h->n; (*i)++) {
        if (mp_field_is(&h->f[*i], name)) {
            field_unfolded(&v->fc[*i], &h->f[*i]);
            return &v->fc[*i];
        }
    }
    return NULL;
}

/* Compare value (len bytes) with the operand; 1 true, 0 false, -1
 * undecided (*why says why: a regex limit, a regex that cannot be
 * compiled). */
static int
compare(struct vm *v, int cmp, const char *val, size_t len, uint32_t k,
        const char *opnd, size_t pc, const char **why)
{
    switch (cmp) {
    case RL_CMP_EXISTS:
        return 1;
    case RL_CMP_IS:
        return strlen(opnd) == len && strncasecmp(val, opnd, len) == 0;
    case RL_CMP_CONTAINS:
        return memcasemem(val, len, opnd, strlen(opnd)) != NULL;
    case RL_CMP_GLOB:
        return glob_match(opnd, val, len);
    case RL_CMP_MATCHES: {
        char err[128];
        struct rl_const *kc = (struct rl_const *)&v->p->k[k];
        pcre2_code *re;
        int rc;

        (void)pc;
        /* A value without the regex's required literals cannot match:
         * no compile, no match (prefilter.c says why that is exact). */
        if (!rl_prefilter_may_match(rl_regex_prefilter(kc), val, len))
            return 0;
        re = rl_regex(kc, err, sizeof err);
        if (re == NULL) {
            *why = "regex cannot be compiled";
            return -1;
        }
        if (v->lim->jit && !v->p->k[k].re_jit) {
            /* A failed JIT compile leaves the interpreter in use. */
            (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
            ((struct rl_const *)&v->p->k[k])->re_jit = 1;
        }
        if (v->md == NULL)
            v->md = pcre2_match_data_create(NCAPS * 3, NULL);
        rc = pcre2_match(re, (PCRE2_SPTR)val, len, 0, 0, v->md, v->mctx);
        if (rc == 0)
            rc = NCAPS;
        if (rc > 0) {
            set_caps(v, re, val, rc, pc);
            return 1;
        }
        if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
            rc == PCRE2_ERROR_HEAPLIMIT) {
            *why = rc == PCRE2_ERROR_HEAPLIMIT ? "regex heap limit reached" :
                   "regex match limit reached";
            return -1;
        }
        if (rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_PARTIAL) {
            *why = "regex match failed";
            return -1;
        }
        return 0;
    }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* tests                                                               */
/* ------------------------------------------------------------------ */

struct tctx {
    struct vm *v;
    int cmp;
    uint32_t k;
    const char *opnd;
    size_t pc;
    int result;
    char *last;                 /* last value tested (for the trace) */
    const char *why;            /* set when a value could not be compared */
    size_t n;                   /* values tried (for the trace) */
};

/* The parity of the `not`s above the test at pc (compile.c emit_branch():
 * the jump after a test carries it in operand a), for the trace. */
static int
test_negated(const struct vm *v, size_t pc)
{
    const struct rl_insn *j = pc + 1 < v->p->ncode ? &v->p->code[pc + 1] : NULL;

    return j && (j->op == RL_OP_JT || j->op == RL_OP_JF) && j->a != 0;
}

static int
try_value(struct tctx *t, const char *s, size_t len)
{
    t->n++;
    if (t->v->trace) {
        free(t->last);
        if (len > RL_TRACE_VALUE_MAX)
            t->last = xasprintf("%.*s...", RL_TRACE_VALUE_MAX, s);
        else
            t->last = xstrndup(s, len);
    }
    switch (compare(t->v, t->cmp, s, len, t->k, t->opnd, t->pc, &t->why)) {
    case 1:
        t->result = 1;
        return 1;
    default:                    /* -1: t->why is set; another value may match */
        return 0;
    }
}

static void
addr_part(const struct mp_address *a, int part, struct tctx *t)
{
    char *u = NULL, *d = NULL, *s = NULL;
    char org[PSL_NAME_MAX];

    switch (part) {
    case RL_PART_ORG:           /* psl module, loaded on first use */
        if (rl_bi_domain(&t->v->sh->bi, a->domain, 1, org) == 0)
            try_value(t, org, strlen(org));
        return;
    case RL_PART_ALL: s = mp_address_spec(a); try_value(t, s, strlen(s)); free(s); return;
    case RL_PART_LOCAL: try_value(t, a->local, strlen(a->local)); return;
    case RL_PART_DOMAIN: try_value(t, a->domain, strlen(a->domain)); return;
    case RL_PART_NAME: try_value(t, a->display, strlen(a->display)); return;
    case RL_PART_DETAIL: case RL_PART_USER:
        mp_local_split(a->local, '+', &u, &d);
        if (part == RL_PART_USER && u)
            try_value(t, u, strlen(u));
        else if (part == RL_PART_DETAIL && d)
            try_value(t, d, strlen(d));
        free(u);
        free(d);
        return;
    }
}

static int
relate(double a, int rel, double b)
{
    switch (rel) {
    case RL_REL_GT: return a > b;
    case RL_REL_GE: return a >= b;
    case RL_REL_LT: return a < b;
    case RL_REL_LE: return a <= b;
    case RL_REL_EQ: return a == b;
    case RL_REL_NE: return a != b;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* builtin calls (builtins/registry.h)                                 */
/* ------------------------------------------------------------------ */

struct bctx {
    struct tctx t;
    int rel;
    double operand;
    int have_num;
    double lastnum;
};

static int
bi_text(void *ctx, const char *s, size_t len)
{
    return try_value(&((struct bctx *)ctx)->t, s, len);
}

static int
bi_number(void *ctx, double x)
{
    struct bctx *b = ctx;

    b->have_num = 1;
    b->lastnum = x;
    return relate(x, b->rel, b->operand);
}

static void
bi_export(void *ctx, const char *name, const char *value, size_t len)
{
    struct bctx *b = ctx;
    struct shared *sh = b->t.v->sh;
    int bi = (int)b->t.v->p->code[b->t.pc].c;
    struct fact *f = NULL;

    for (size_t i = 0; i < sh->nfacts; i++)
        if (sh->facts[i].builtin == bi && strcmp(sh->facts[i].name, name) == 0)
            f = &sh->facts[i];
    if (f == NULL) {
        sh->facts = xreallocarray(sh->facts, sh->nfacts + 1, sizeof *sh->facts);
        f = &sh->facts[sh->nfacts++];
        f->builtin = bi;
        f->name = xstrdup(name);
        f->value = NULL;
    }
    free(f->value);
    f->value = xstrndup(value, len);
}

/* The call of BUILTIN instruction in: form, field, flags, comparison and
 * the arguments, interpolated into args[] (or, when constant_only, only
 * the constant ones: the others stay NULL).  Returns the constant of the
 * TEXT operand or of the NUM number, or RL_NONE. */
static uint32_t
call_of(struct vm *v, const struct rl_insn *in, size_t pc, struct rl_bi_call *call,
        struct buf *args, int constant_only)
{
    const struct rl_builtin *b = rl_builtins[in->c];
    const struct rl_const *k = &v->p->k[in->d];
    struct rl_bi_item items[RL_BI_MAX_ITEMS];
    int nitems, nargs, nopts;
    uint32_t opk = RL_NONE;

    memset(call, 0, sizeof *call);
    if (rl_call_form(in, items, &nitems, &nargs, &nopts) < 0)
        return RL_NONE;         /* verified code never gets here */
    call->form = in->a;
    call->id = b->forms[in->a].id;
    call->field = (int)k->list[RL_CALL_FIELD];
    call->flags = k->list[RL_CALL_FLAGS];
    for (int i = 0; i < nitems; i++) {
        const struct rl_bi_item *it = &items[i];
        uint32_t a;

        if (it->kind < RL_BI_TEXT)
            continue;
        a = k->list[RL_CALL_ARGS + it->arg];
        switch (it->kind) {
        case RL_BI_TEXT:
            call->cmp = in->b;
            opk = a;
            break;
        case RL_BI_NUM:
            call->rel = in->b;
            call->num = v->p->k[a].num;
            opk = a;
            break;
        default:
            if (a == RL_NONE)
                break;
            if (constant_only && v->p->k[a].kind != RL_K_STR)
                break;
            call->taint |= expand(v, a, &args[it->arg], pc);
            call->arg[it->arg] = args[it->arg].data;
            call->arglen[it->arg] = args[it->arg].len;
            break;
        }
    }
    return opk;
}

/* Before a run: every call site of a builtin with prepare() (DNS queries
 * start together here). */
static void
prepare_calls(struct vm *v)
{
    struct buf args[RL_BI_MAX_ARGS];

    for (int i = 0; i < RL_BI_MAX_ARGS; i++)
        buf_init(&args[i]);
    for (size_t pc = 0; pc < v->p->ncode; pc++) {
        const struct rl_insn *in = &v->p->code[pc];
        struct rl_bi_call call;

        if (in->op != RL_OP_BUILTIN || rl_builtins[in->c]->prepare == NULL)
            continue;
        call_of(v, in, pc, &call, args, 1);
        rl_builtins[in->c]->prepare(&v->sh->bi, &call);
    }
    for (int i = 0; i < RL_BI_MAX_ARGS; i++)
        buf_free(&args[i]);
}

static int
run_builtin(struct vm *v, const struct rl_insn *in, size_t pc)
{
    const struct rl_builtin *b = rl_builtins[in->c];
    struct buf args[RL_BI_MAX_ARGS], opnd = BUF_INIT;
    struct rl_bi_call call;
    struct bctx bc;
    struct rl_bi_result r;
    uint32_t opk;
    int rc, is_num, flag = 0;

    for (int i = 0; i < RL_BI_MAX_ARGS; i++)
        buf_init(&args[i]);
    opk = call_of(v, in, pc, &call, args, 0);
    is_num = opk != RL_NONE && v->p->k[opk].kind == RL_K_NUM;
    memset(&bc, 0, sizeof bc);
    bc.t = (struct tctx){ v, call.cmp, opk, "", pc, 0, NULL, NULL, 0 };
    bc.rel = call.rel;
    bc.operand = call.num;
    if (opk != RL_NONE && !is_num && call.cmp != RL_CMP_MATCHES) {
        expand(v, opk, &opnd, pc);
        bc.t.opnd = opnd.data;
    }
    memset(&r, 0, sizeof r);
    r.text = bi_text;
    r.number = bi_number;
    r.export = bi_export;
    r.ctx = &bc;
    buf_init(&r.note);
    hdr_view(v, &v->sh->bi.hdr, &v->sh->bi.hdr_len);   /* edits seen too */
    rc = b->eval(&v->sh->bi, &call, &r);
    if (rc < 0) {
        char why[160];
        snprintf(why, sizeof why, "'%s': the facts could not be obtained%s%s",
                 b->name, r.note.len ? ": " : "", r.note.len ? r.note.data : "");
        r.matched = 0;
        flag = undecided(v, pc, why);
    } else if (r.matched) {
        flag = 1;
    } else if (bc.t.why) {
        flag = undecided(v, pc, bc.t.why);
    }
    if (v->trace) {
        struct buf tx = BUF_INIT, ob = BUF_INIT;
        char num[64];
        struct rl_trace_event ev = { .kind = RL_TR_TEST, .result = r.matched,
                                     .undecided = flag == RL_FLAG_UNDECIDED,
                                     .negated = test_negated(v, pc) };

        rl_call_text(v->p, in, &tx);
        if (is_num) {
            snprintf(num, sizeof num, "%.15g", call.num);
            buf_adds(&ob, num);
            if (bc.have_num) {
                snprintf(num, sizeof num, "%.15g", bc.lastnum);
                free(bc.t.last);
                bc.t.last = xstrdup(num);
            }
        } else if (opk != RL_NONE && call.cmp == RL_CMP_MATCHES) {
            uint32_t f = v->p->k[opk].flags;
            buf_printf(&ob, "/%s/%s%s%s%s", v->p->k[opk].s, f & RL_RE_I ? "i" : "",
                       f & RL_RE_M ? "m" : "", f & RL_RE_S ? "s" : "", f & RL_RE_X ? "x" : "");
        } else if (opk != RL_NONE) {
            buf_adds(&ob, opnd.data);
        }
        ev.test = tx.data;
        ev.value = bc.t.last;
        ev.operand = ob.data;
        ev.detail = r.note.len ? r.note.data : NULL;
        trace_ev(v, pc, &ev);
        if (r.matched && opk != RL_NONE && !is_num && call.cmp == RL_CMP_MATCHES)
            trace_caps(v, pc);
        buf_free(&tx);
        buf_free(&ob);
    }
    free(bc.t.last);
    buf_free(&r.note);
    buf_free(&opnd);
    for (int i = 0; i < RL_BI_MAX_ARGS; i++)
        buf_free(&args[i]);
    return flag;
}

static int
run_test(struct vm *v, const struct rl_insn *in, size_t pc)
{
    struct buf name = BUF_INIT, opnd = BUF_INIT;
    struct tctx t = { v, in->b, in->d, "", pc, 0, NULL, NULL, 0 };
    const char *tname = NULL;
    int flag;

    if (in->op == RL_OP_BUILTIN)
        return run_builtin(v, in, pc);
    if (in->op != RL_OP_SCORE_IS && in->b != RL_CMP_MATCHES && in->b != RL_CMP_EXISTS) {
        expand(v, in->d, &opnd, pc);
        t.opnd = opnd.data;
    }
    switch (in->op) {
    case RL_OP_HEADER: {
        struct fcache *c;
        expand(v, in->c, &name, pc);
        tname = "header";
        for (size_t i = 0; !t.result && (c = next_field(v, &i, name.data)) != NULL; i++) {
            if (in->a == 0 && c->decoded == NULL)
                c->decoded = mp_decode_2047(c->unfolded);
            const char *u = in->a == 0 ? c->decoded : c->unfolded;
            try_value(&t, u, strlen(u));
        }
        break;
    }
    case RL_OP_ADDRESS: {
        struct fcache *c;
        expand(v, in->c, &name, pc);
        tname = "address";
        for (size_t i = 0; !t.result && (c = next_field(v, &i, name.data)) != NULL; i++) {
            if (!c->addr_ok) {
                c->naddr = mp_address_parse_list(c->unfolded, &c->addr);
                c->addr_ok = 1;
            }
            for (size_t j = 0; j < c->naddr && !t.result; j++)
                addr_part(&c->addr[j], in->a, &t);
        }
        break;
    }
    case RL_OP_SCORE_IS:
        tname = "score";
        t.result = relate(v->out->score, in->b, v->p->k[in->d].num);
        break;
    }
    flag = t.result ? 1 : t.why ? undecided(v, pc, t.why) : 0;
    if (v->trace) {
        struct buf tx = BUF_INIT, ob = BUF_INIT;
        char num[64];
        struct rl_trace_event ev = { .kind = RL_TR_TEST, .result = t.result,
                                     .undecided = flag == RL_FLAG_UNDECIDED,
                                     .negated = test_negated(v, pc),
                                     .counted = in->op == RL_OP_HEADER ||
                                                in->op == RL_OP_ADDRESS,
                                     .nvalues = t.n };

        buf_adds(&tx, tname ? tname : "?");
        if (in->op == RL_OP_HEADER || in->op == RL_OP_ADDRESS)
            buf_printf(&tx, "%s \"%s\"", in->op == RL_OP_HEADER && in->a ? " raw" : "",
                       name.data);
        if (in->op == RL_OP_ADDRESS && in->a)
            buf_printf(&tx, " %s", rl_part_names[in->a]);
        if (in->op == RL_OP_SCORE_IS) {
            buf_printf(&tx, " %s", rl_rel_names[in->b]);
            snprintf(num, sizeof num, "%.15g", v->p->k[in->d].num);
            buf_adds(&ob, num);
            snprintf(num, sizeof num, "%.15g", v->out->score);
            free(t.last);
            t.last = xstrdup(num);
        } else {
            buf_printf(&tx, " %s", rl_cmp_names[in->b]);
            if (in->b == RL_CMP_MATCHES) {
                uint32_t f = v->p->k[in->d].flags;
                buf_printf(&ob, "/%s/%s%s%s%s", v->p->k[in->d].s, f & RL_RE_I ? "i" : "",
                           f & RL_RE_M ? "m" : "", f & RL_RE_S ? "s" : "", f & RL_RE_X ? "x" : "");
            }
            else if (in->b != RL_CMP_EXISTS)
                buf_adds(&ob, opnd.data);
        }
        ev.test = tx.data;
        ev.value = t.last;
        ev.operand = ob.data;
        trace_ev(v, pc, &ev);
        if (t.result && in->b == RL_CMP_MATCHES && in->op != RL_OP_SCORE_IS)
            trace_caps(v, pc);
        buf_free(&tx);
        buf_free(&ob);
    }
    free(t.last);
    buf_free(&name);
    buf_free(&opnd);
    return flag;
}

/* ------------------------------------------------------------------ */
/* actions                                                             */
/* ------------------------------------------------------------------ */

static int
do_action(struct vm *v, const struct rl_insn *in, size_t pc, struct status *st)
{
    struct action a;
    const struct action_info *ai;
    struct buf t = BUF_INIT, x = BUF_INIT;
    int taint;
    const char *file = v->p->files[pc] < v->p->nsrcs ? v->p->srcs[v->p->files[pc]] : NULL;
    int rc = 0;

    memset(&a, 0, sizeof a);
    a.kind = (enum action_kind)in->a;
    taint = expand(v, in->c, &t, pc);
    expand(v, in->d, &x, pc);
    a.rule = v->rule;
    a.file = file;
    a.line = (int)v->p->lines[pc];
    if (in->b & RL_AF_COPY)
        a.flags |= ACT_F_COPY;
    if (in->b & RL_AF_DEFER)
        a.flags |= ACT_F_ELSE_DEFER;
    if (v->system) {
        a.flags |= ACT_F_SYSTEM;
        if (in->b & RL_AF_FINAL)
            a.flags |= ACT_F_FINAL;
    }
    if (v->shadow)
        a.flags |= ACT_F_SHADOW;
    /* operands c and d fill the fields actions.def names for the kind */
    ai = actions_info(a.kind);
    switch (ai->c) {
    case ACT_O_TARGET:
        a.target = in->c == RL_NONE ? NULL : t.data;
        if (taint)
            a.flags |= ACT_F_TAINTED;
        break;
    case ACT_O_NAME:
        one_line(t.data);
        a.name = t.data;
        break;
    case ACT_O_SUBJECT:
        a.subject = in->c == RL_NONE ? NULL : t.data;
        if (a.subject)
            one_line(a.subject);
        break;
    default:
        break;
    }
    if (ai->d != ACT_O_NONE && in->d != RL_NONE) {
        a.text = x.data;
        if (ai->d != ACT_O_BODY)
            one_line(a.text);
    }
    if (a.kind == ACT_REPLY) {
        a.target = (char *)v->reply_from;
        a.days = v->reply_days;
        if (a.target && v->reply_from_taint)
            a.flags |= ACT_F_TAINTED;   /* lda/ refuses such a From */
    }
    if (ai->props & ACT_P_HEADER) {
        if (!valid_field_name(t.data)) {
            limit_hit(v, pc, "header edit with an invalid field name: ignored");
            goto out;
        }
        if (a.text) {
            const char *hb;
            size_t hn;

            hdr_view(v, &hb, &hn);
            (void)hb;
            if (hn + strlen(a.name) + strlen(a.text) + 3 > RL_HEADER_EDIT_MAX) {
                limit_hit(v, pc, "header edit would grow the header past the limit: ignored");
                goto out;
            }
        }
        if (!v->shadow)
            hdr_edit(v, a.kind, a.name, a.text ? a.text : "");
    }
    {
        const struct action *added = actions_add(v->out, &a);
        struct rl_trace_event ev = { .kind = RL_TR_ACTION, .action = added };
        trace_ev(v, pc, &ev);
        const char *what = a.target ? a.target : a.name ? a.name : a.text;
        vlog(v, RL_LOG_INFO, "rules: %s:%d:%s%s%s %s%s%s", file ? file : "?", a.line,
             v->rule ? " rule " : "", v->rule ? v->rule : "",
             v->shadow ? " (shadow: logged, not done)" : "",
             actions_kind_name(a.kind), what ? " " : "", what ? what : "");
    }
    /* The taint rule (as for pipe): a command with text from the message
     * or envelope in it is never run; commit_plan() refuses the action,
     * which sends the message to the default mailbox as well. */
    if (a.kind == ACT_FILTER && (a.flags & ACT_F_TAINTED) && !v->shadow)
        vlog(v, RL_LOG_WARN, "rules: %s:%d: filter refused: command built from message "
             "content: not run", file ? file : "?", a.line);
    else if (a.kind == ACT_FILTER && !v->shadow && v->host && v->host->filter) {
        const char *oh = v->msg->header;
        size_t ohl = v->msg->header_len;
        int edited = v->sh->hdr_edited;

        /* the filter reads the message as edited so far (as procmail's
         * next filter reads what formail -A wrote) */
        if (edited) {
            v->msg->header = v->sh->hdr.data ? v->sh->hdr.data : "";
            v->msg->header_len = v->sh->hdr.len;
        }
        if (v->host->filter(v->host->ctx, a.target ? a.target : "", v->msg, st) < 0) {
            v->msg->header = oh;
            v->msg->header_len = ohl;
            /* failed, timed out or printed nothing: `else defer` stops
             * the run (the message is deferred); by default the message
             * goes on unchanged (a dead spamd must not hold all mail) */
            if (in->b & RL_AF_DEFER) {
                rc = -1;
                goto out;
            }
            vlog(v, RL_LOG_WARN, "rules: %s:%d: filter failed (%s %s): the message goes on "
                 "unchanged", file ? file : "?", a.line, st->code, st->text);
            status_ok(st);
            goto out;
        }
        /* the message changed, and holds the edits made so far: they are
         * not applied again when it is delivered */
        for (size_t i = 0; edited && i < v->out->n; i++) {
            struct action *e = &v->out->v[i];

            if ((e->kind == ACT_HEADER_ADD || e->kind == ACT_HEADER_SET ||
                 e->kind == ACT_HEADER_REMOVE) && !(e->flags & ACT_F_SHADOW))
                e->flags |= ACT_F_APPLIED;
        }
        /* drop the edited header and cached facts */
        buf_free(&v->sh->hdr);
        v->sh->hdr_edited = 0;
        hdr_invalidate(v);
        rl_bi_env_free(&v->sh->bi);     /* facts of the old message */
        rl_bi_env_init(&v->sh->bi, v->msg, v->host);
    }
    v->reply_from = NULL;
    v->reply_from_taint = 0;
    v->reply_days = 0;
out:
    buf_free(&t);
    buf_free(&x);
    return rc;
}

/* ------------------------------------------------------------------ */

static int
run(const struct rl_program *p, struct rl_msg *msg, const struct rl_host *host,
    const struct rl_limits *limits, struct action_list *out,
    const struct rl_trace *trace, struct status *st, struct shared *sh, int system)
{
    struct rl_limits dl;
    struct vm v;
    unsigned long steps = 0;
    size_t pc = 0;
    int rc = 0;
    struct buf tmp = BUF_INIT;
    char *reply_from = NULL;

    if (limits == NULL) {
        rl_limits_default(&dl);
        limits = &dl;
    }
    status_ok(st);
    memset(&v, 0, sizeof v);
    v.p = p;
    v.msg = msg;
    v.host = host;
    v.lim = limits;
    v.out = out;
    v.trace = trace;
    v.sh = sh;
    v.system = system;
    v.vars = xcalloc(p->nvars ? p->nvars : 1, sizeof *v.vars);
    v.mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(v.mctx, limits->match_limit);
    pcre2_set_depth_limit(v.mctx, limits->depth_limit);
    pcre2_set_heap_limit(v.mctx, limits->heap_limit);
    prepare_calls(&v);

    for (;;) {
        const struct rl_insn *in;

        if (pc >= p->ncode)     /* verified programs end in HALT */
            break;
        if (++steps > limits->steps) {
            limit_hit(&v, pc, "step budget exhausted: the rest of the rules is skipped");
            break;
        }
        in = &p->code[pc];
        switch ((enum rl_op)in->op) {
        case RL_OP_HALT:        /* end of the program */
            goto done;
        case RL_OP_JMP:         /* always forward (verified) */
            pc = in->c;
            continue;
        case RL_OP_JT:          /* short-circuit 'or', if/elif chains; an
                                   undecided flag counts as operand a */
            if (v.flag == RL_FLAG_UNDECIDED ? in->a != 0 : v.flag != 0) { pc = in->c; continue; }
            break;
        case RL_OP_JF:          /* short-circuit 'and', skip a block */
            if (v.flag == RL_FLAG_UNDECIDED ? in->a == 0 : v.flag == 0) { pc = in->c; continue; }
            break;
        case RL_OP_JU:          /* the condition was false, but a test in it
                                   was undecided: skip its else (and elifs) */
            if (v.last_undecided > in->d) {
                struct rl_trace_event ev = {
                    .kind = RL_TR_LIMIT,
                    .value = "condition undecided: neither its block nor its else runs" };
                vlog(&v, RL_LOG_INFO, "rules: %s:%u: %s", p->files[pc] < p->nsrcs ?
                     p->srcs[p->files[pc]] : "?", p->lines[pc], ev.value);
                trace_ev(&v, pc, &ev);
                pc = in->c;
                continue;
            }
            break;
        case RL_OP_TRUE: v.flag = 1; break;     /* the tests 'true' and 'false' */
        case RL_OP_FALSE: v.flag = 0; break;
        case RL_OP_RULE: {      /* enter a named rule: actions carry its name;
                                   a shadow rule only logs what it would do */
            struct rl_trace_event ev = { .kind = RL_TR_RULE };
            v.rule = p->k[in->c].s;
            v.desc = in->d == RL_NONE ? NULL : p->k[in->d].s;
            v.shadow = (in->b & RL_RF_SHADOW) != 0;
            ev.desc = v.desc;
            ev.result = v.shadow;
            trace_ev(&v, pc, &ev);
            break;
        }
        case RL_OP_ENDRULE:     /* back to unnamed, live rules */
            v.rule = v.desc = NULL;
            v.shadow = 0;
            break;
        case RL_OP_HEADER: case RL_OP_ADDRESS: case RL_OP_SCORE_IS: case RL_OP_BUILTIN:
            /* a test sets the flag: some value compares true (run_test,
             * run_builtin for the registry's builtins) */
            v.flag = run_test(&v, in, pc);
            break;
        case RL_OP_SET: {       /* variable := interpolated string, with its taint */
            int taint = expand(&v, in->d, &tmp, pc);
            struct rl_trace_event ev = { .kind = RL_TR_SET, .name = p->vars[in->c],
                                         .value = tmp.data };
            free(v.vars[in->c].s);
            v.vars[in->c].s = xstrdup(tmp.data);
            v.vars[in->c].taint = taint;
            trace_ev(&v, pc, &ev);
            break;
        }
        case RL_OP_REPLYOPT:    /* from/days of the reply that follows */
            free(reply_from);
            reply_from = NULL;
            v.reply_from_taint = 0;
            if (in->c != RL_NONE) {
                v.reply_from_taint = expand(&v, in->c, &tmp, pc);
                one_line(tmp.data);
                reply_from = xstrdup(tmp.data);
            }
            v.reply_from = reply_from;
            v.reply_days = 0;
            if (in->d != RL_NONE) {
                /* bytecode is untrusted: clamp before converting */
                double dd = p->k[in->d].num;
                v.reply_days = dd >= 0 && dd <= RL_MAX_REPLY_DAYS ? (long)dd :
                               dd > RL_MAX_REPLY_DAYS ? RL_MAX_REPLY_DAYS : 0;
            }
            break;
        case RL_OP_ACTION:      /* append an intended action (a filter runs now) */
            if (do_action(&v, in, pc, st) < 0) {
                rc = -1;
                goto done;
            }
            break;
        case RL_OP_SCORE: {     /* add points and a reason (shadow: log only) */
            double pts = p->k[in->c].num;
            struct rl_trace_event ev = { .kind = RL_TR_SCORE, .points = pts,
                                         .result = v.shadow };
            expand(&v, in->d, &tmp, pc);
            ev.value = tmp.data;
            trace_ev(&v, pc, &ev);
            if (v.shadow)
                vlog(&v, RL_LOG_INFO, "rules: rule %s (shadow): would score %.15g \"%s\"",
                     v.rule ? v.rule : "?", pts, tmp.data);
            else
                actions_add_score(out, pts, tmp.data, v.rule, (int)p->lines[pc]);
            break;
        }
        case RL_OP_STOP: {      /* no further rules (in the system rules: the
                                   user's do not run either) */
            struct rl_trace_event ev = { .kind = RL_TR_STOP, .result = v.shadow };
            trace_ev(&v, pc, &ev);
            if (v.shadow) {
                vlog(&v, RL_LOG_INFO, "rules: rule %s (shadow): would stop",
                     v.rule ? v.rule : "?");
                break;
            }
            out->stopped = 1;
            if (system)
                out->system_stopped = 1;
            goto done;
        }
        case RL_OP_INVALID: case RL_OP_COUNT:
        default:
            /* unreachable for verified code; never trust, never crash */
            limit_hit(&v, pc, "invalid instruction: run ended");
            goto done;
        }
        pc++;
    }
done:
    for (size_t i = 0; i < p->nvars; i++)
        free(v.vars[i].s);
    free(v.vars);
    free(reply_from);
    clear_caps(&v);
    hdr_invalidate(&v);
    if (v.md)
        pcre2_match_data_free(v.md);
    pcre2_match_context_free(v.mctx);
    buf_free(&tmp);
    return rc;
}

static void
shared_init(struct shared *sh, struct rl_msg *msg, const struct rl_host *host)
{
    memset(sh, 0, sizeof *sh);
    rl_bi_env_init(&sh->bi, msg, host);
}

static void
shared_free(struct shared *sh)
{
    buf_free(&sh->hdr);
    rl_bi_env_free(&sh->bi);
    for (size_t i = 0; i < sh->nfacts; i++) {
        free(sh->facts[i].name);
        free(sh->facts[i].value);
    }
    free(sh->facts);
}

int
rl_run(const struct rl_program *p, struct rl_msg *msg, const struct rl_host *host,
       const struct rl_limits *limits, struct action_list *out,
       const struct rl_trace *trace, struct status *st)
{
    struct shared sh;
    int rc;

    shared_init(&sh, msg, host);
    rc = run(p, msg, host, limits, out, trace, st, &sh, 0);
    shared_free(&sh);
    return rc;
}

int
rl_run_chain(const struct rl_program *sys, const struct rl_program *user,
             struct rl_msg *msg, const struct rl_host *host,
             const struct rl_limits *limits, struct action_list *out,
             const struct rl_trace *trace, struct status *st)
{
    struct shared sh;
    int rc = 0;

    shared_init(&sh, msg, host);
    status_ok(st);
    if (sys)
        rc = run(sys, msg, host, limits, out, trace, st, &sh, 1);
    if (rc == 0 && user && !out->system_stopped) {
        out->stopped = 0;
        rc = run(user, msg, host, limits, out, trace, st, &sh, 0);
    }
    shared_free(&sh);
    return rc;
}
