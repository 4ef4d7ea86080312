/*
 * bytecode.c -- the bytecode image (serialize, load + verify) and the
 * disassembler, all driven by the one opcode table (opcodes.def).
 *
 * Image layout (little-endian): magic "WEIRRLBC", u32 version, u32 counts
 * (instructions, constants, variables, sources); then sources and
 * variable names (u32 length + bytes), constants (u8 kind + payload; a
 * LIST is a u32 count and that many u32 items), instructions (u8 op, u8 a, u16 b, u32 c, u32 d, u32
 * line, u16 source), and nothing after.
 *
 * rl_load() treats the image as untrusted: every count is bounded by the
 * bytes left, every string is NUL-free, every operand is checked against
 * its kind in opcodes.def (jump targets, constant kinds and indices,
 * variable registers, enums; an ACTION's flags and arguments against its
 * kind's row of actions.def), opcode 0 is invalid and the last
 * instruction must be HALT.  It returns -1 with a 4.3.0 status on any failure.
 */
#include "config.h"
#include "rl_int.h"
#include "registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct opinfo {
    const char *name;
    char fmt[5];                /* operand kinds a, b, c, d */
    const char *meaning;
};

static const struct opinfo ops[] = {
    { "INVALID", "XXXX", "opcode 0 is never valid" },
#define OP(name, a, b, c, d, meaning) { #name, #a #b #c #d, meaning },
#include "opcodes.def"
#undef OP
};
_Static_assert(sizeof ops / sizeof ops[0] == RL_OP_COUNT,
               "opcode table and enum differ");

#define HDR_SIZE  (8 + 4 * 5)
#define INSN_SIZE 18

/* ------------------------------------------------------------------ */
/* serialize                                                           */
/* ------------------------------------------------------------------ */

static void
put32(struct buf *b, uint32_t v)
{
    unsigned char x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

    buf_add(b, x, 4);
}

static void
put16(struct buf *b, uint16_t v)
{
    unsigned char x[2] = { v & 0xff, v >> 8 };

    buf_add(b, x, 2);
}

static void
putstr(struct buf *b, const char *s, size_t n)
{
    put32(b, (uint32_t)n);
    buf_add(b, s, n);
}

void
rl_serialize(const struct rl_program *p, struct buf *out)
{
    buf_add(out, RL_BYTECODE_MAGIC, 8);
    put32(out, RL_BYTECODE_VERSION);
    put32(out, (uint32_t)p->ncode);
    put32(out, (uint32_t)p->nk);
    put32(out, (uint32_t)p->nvars);
    put32(out, (uint32_t)p->nsrcs);
    for (size_t i = 0; i < p->nsrcs; i++)
        putstr(out, p->srcs[i], strlen(p->srcs[i]));
    for (size_t i = 0; i < p->nvars; i++)
        putstr(out, p->vars[i], strlen(p->vars[i]));
    for (size_t i = 0; i < p->nk; i++) {
        const struct rl_const *k = &p->k[i];
        uint64_t bits;

        buf_addc(out, k->kind);
        switch (k->kind) {
        case RL_K_STR:
            putstr(out, k->s, k->len);
            break;
        case RL_K_REGEX:
            put32(out, k->flags);
            putstr(out, k->s, k->len);
            break;
        case RL_K_NUM:
            memcpy(&bits, &k->num, sizeof bits);
            put32(out, (uint32_t)bits);
            put32(out, (uint32_t)(bits >> 32));
            break;
        case RL_K_LIST:
            put32(out, (uint32_t)k->nlist);
            for (size_t j = 0; j < k->nlist; j++)
                put32(out, k->list[j]);
            break;
        case RL_K_TMPL:
            put32(out, (uint32_t)k->nparts);
            for (size_t j = 0; j < k->nparts; j++) {
                buf_addc(out, k->parts[j].kind);
                buf_addc(out, k->parts[j].mods);
                put32(out, k->parts[j].idx);
                putstr(out, k->parts[j].s ? k->parts[j].s : "", k->parts[j].s ? k->parts[j].len : 0);
            }
            break;
        }
    }
    for (size_t i = 0; i < p->ncode; i++) {
        const struct rl_insn *in = &p->code[i];

        buf_addc(out, in->op);
        buf_addc(out, in->a);
        put16(out, in->b);
        put32(out, in->c);
        put32(out, in->d);
        put32(out, p->lines[i]);
        put16(out, p->files[i]);
    }
}

/* ------------------------------------------------------------------ */
/* load + verify                                                       */
/* ------------------------------------------------------------------ */

struct rd {
    const unsigned char *p;
    size_t len, pos;
    int bad;
    const char *why;
    char *pool;                 /* the program's strpool: strings go here */
    size_t pool_used, pool_cap;
};

static void
fail(struct rd *r, const char *why)
{
    if (!r->bad) {
        r->bad = 1;
        r->why = why;
    }
}

static inline uint16_t
le16(const unsigned char *q)
{
    return (uint16_t)(q[0] | q[1] << 8);
}

static inline uint32_t
le32(const unsigned char *q)
{
    return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}

static uint32_t
get32(struct rd *r)
{
    uint32_t v;

    if (r->bad || r->len - r->pos < 4) {
        fail(r, "truncated");
        return 0;
    }
    v = le32(r->p + r->pos);
    r->pos += 4;
    return v;
}

static uint8_t
get8(struct rd *r)
{
    if (r->bad || r->len - r->pos < 1) {
        fail(r, "truncated");
        return 0;
    }
    return r->p[r->pos++];
}

/* A NUL-free string; *n its length.  NULL on failure. */
static char *
getstr(struct rd *r, size_t *n)
{
    uint32_t l = get32(r);
    char *s;

    if (r->bad)
        return NULL;
    if (l > RL_MAX_STRLEN || l > r->len - r->pos) {
        fail(r, "string length out of range");
        return NULL;
    }
    if (memchr(r->p + r->pos, 0, l)) {
        fail(r, "NUL byte in a string");
        return NULL;
    }
    /* Into the program's string block (one allocation for all of them,
     * not one each: issue 17).  A string takes 4 + l bytes of the image
     * and l + 1 of the block, which is as large as the image. */
    if (r->pool == NULL || r->pool_cap - r->pool_used < (size_t)l + 1) {
        fail(r, "string pool exhausted");
        return NULL;
    }
    s = r->pool + r->pool_used;
    memcpy(s, r->p + r->pos, l);
    s[l] = '\0';
    r->pool_used += (size_t)l + 1;
    r->pos += l;
    if (n)
        *n = l;
    return s;
}

static int
kind_is_str(const struct rl_program *p, uint32_t k)
{
    return k < p->nk && (p->k[k].kind == RL_K_STR || p->k[k].kind == RL_K_TMPL);
}

const char *const rl_hmode_names[RL_HMODE_COUNT] = { "decoded", "raw" };

/* An ACTION argument (operand kind K in slot 2 = c or 3 = d) against its
 * kind's row of actions.def. */
static const char *
check_action_arg(const struct rl_program *p, const struct rl_insn *in, int slot, uint32_t v)
{
    const struct action_info *ai = actions_info(in->a);
    enum act_opnd o;

    if (ai == NULL)
        return "action kind out of range";
    o = slot == 2 ? ai->c : ai->d;
    switch (o) {
    case ACT_O_NONE:
        return v == RL_NONE ? NULL : "action takes no such argument";
    case ACT_O_TARGET: case ACT_O_NAME: case ACT_O_TEXT: case ACT_O_BODY:
        return kind_is_str(p, v) ? NULL : "action argument missing or not a string";
    case ACT_O_SUBJECT: case ACT_O_TEXT_OPT:
        return v == RL_NONE || kind_is_str(p, v) ? NULL : "string constant index invalid";
    }
    return "action argument kind unknown";
}

/* Check one operand value v of kind `kind`, in slot 0..3 (a..d) of
 * instruction in. */
static const char *
check_operand(const struct rl_program *p, const struct rl_insn *in, char kind, int slot,
              uint32_t v)
{
    switch (kind) {
    case 'X': return v == 0 ? NULL : "unused operand not zero";
    /* The language has no loops: the compiler only jumps forward, so a
     * backward (or self) jump is refused and every verified program ends
     * within ncode instructions, whatever the step budget. */
    case 'J': return v >= p->ncode ? "jump target out of range"
                     : v <= (uint32_t)(in - p->code) ? "jump target not forward" : NULL;
    case 'U': return v <= 1 ? NULL : "undecided-counts-as operand not 0 or 1";
    case 'T': return v <= (uint32_t)(in - p->code) ? NULL : "condition start after the instruction";
    case 'S': return kind_is_str(p, v) ? NULL : "string constant index invalid";
    case 's': return v == RL_NONE || kind_is_str(p, v) ? NULL : "string constant index invalid";
    case 'N': return v < p->nk && p->k[v].kind == RL_K_NUM ? NULL : "number constant index invalid";
    case 'n': return v == RL_NONE || (v < p->nk && p->k[v].kind == RL_K_NUM) ? NULL
                     : "number constant index invalid";
    case 'V': return v < p->nvars ? NULL : "variable register out of range";
    case 'B': return v < rl_nbuiltins && rl_builtins[v]->eval ? NULL
                     : "builtin index invalid or not in this build";
    case 'G': case 'Q': case 'I':
        return NULL;            /* checked together by check_call() */
    case 'M': return v < RL_HMODE_COUNT ? NULL : "header mode out of range";
    case 'C': return v < RL_CMP_COUNT ? NULL : "comparison out of range";
    case 'P': return v < RL_PART_COUNT ? NULL : "address part out of range";
    case 'L': return v < RL_REL_COUNT ? NULL : "relation out of range";
    case 'A': return actions_info(v) ? NULL : "action kind out of range";
    case 'F':
        if (v & ~RL_AF_MASK)
            return "action flags out of range";
        if ((v & RL_AF_DEFER) && in->a != ACT_FILTER)
            return "'else defer' flag on an action other than filter";
        return !(v & RL_AF_COPY) || (actions_props(in->a) & ACT_P_COPY) ? NULL
               : "'copy' flag on an action that has no copy variant";
    case 'R': return (v & ~RL_RF_MASK) == 0 ? NULL : "rule flags out of range";
    case 'K': return check_action_arg(p, in, slot, v);
    case 'O':
        if (in->b == RL_CMP_EXISTS)
            return v == RL_NONE ? NULL : "'exists' takes no operand";
        if (in->b == RL_CMP_MATCHES)
            return v < p->nk && p->k[v].kind == RL_K_REGEX ? NULL : "regex constant index invalid";
        return kind_is_str(p, v) ? NULL : "string constant index invalid";
    }
    return "unknown operand kind";
}

int
rl_call_form(const struct rl_insn *in, struct rl_bi_item *items, int *nitems,
             int *nargs, int *nopts)
{
    const struct rl_builtin *b;
    int nf = 0;

    if (in->c >= rl_nbuiltins)
        return -1;
    b = rl_builtins[in->c];
    while (b->forms && b->forms[nf].syntax)
        nf++;
    if (in->a >= nf)
        return -1;
    *nitems = rl_bi_form_parse(b->forms[in->a].syntax, items, RL_BI_MAX_ITEMS, nargs, nopts);
    return *nitems < 0 ? -1 : 0;
}

/* A BUILTIN instruction: its form exists, the comparison fits the form,
 * and the call list has the field, the flags and one constant of the
 * right kind per argument slot. */
static const char *
check_call(const struct rl_program *p, const struct rl_insn *in)
{
    const struct rl_builtin *b = rl_builtins[in->c];
    struct rl_bi_item items[RL_BI_MAX_ITEMS];
    int nitems, nargs, nopts, nfields = 0, has_field = 0, cmp = -1;
    const struct rl_const *k;

    if (rl_call_form(in, items, &nitems, &nargs, &nopts) < 0)
        return "builtin form out of range";
    if (in->d >= p->nk || p->k[in->d].kind != RL_K_LIST)
        return "builtin call list index invalid";
    k = &p->k[in->d];
    if (k->nlist != RL_CALL_ARGS + (size_t)nargs)
        return "builtin call list has the wrong length";
    while (b->fields && b->fields[nfields])
        nfields++;
    for (int i = 0; i < nitems; i++) {
        const struct rl_bi_item *it = &items[i];
        uint32_t v = it->kind >= RL_BI_TEXT ? k->list[RL_CALL_ARGS + it->arg] : 0;

        switch (it->kind) {
        case RL_BI_WORD: case RL_BI_OPT_WORD: break;
        case RL_BI_FIELD: case RL_BI_OPT_FIELD: has_field = 1; break;
        case RL_BI_TEXT:
            cmp = RL_BI_TEXT;
            if (in->b == RL_CMP_EXISTS || in->b >= RL_CMP_COUNT)
                return "builtin comparison out of range";
            if (in->b == RL_CMP_MATCHES ? !(v < p->nk && p->k[v].kind == RL_K_REGEX)
                                        : !kind_is_str(p, v))
                return "builtin operand constant invalid";
            break;
        case RL_BI_NUM:
            cmp = RL_BI_NUM;
            if (in->b >= RL_REL_COUNT)
                return "builtin relation out of range";
            if (!(v < p->nk && p->k[v].kind == RL_K_NUM))
                return "builtin number constant invalid";
            break;
        case RL_BI_STR: case RL_BI_RAW:
            /* an argument ending an optional group: present exactly when
             * the group was written */
            if (it->optional && !(k->list[RL_CALL_FLAGS] >> it->group & 1)) {
                if (v != RL_NONE)
                    return "builtin argument of an absent group";
                break;
            }
            if (!kind_is_str(p, v))
                return "builtin argument constant invalid";
            break;
        }
    }
    if (cmp < 0 && in->b != 0)
        return "builtin comparison set on a bare form";
    if (has_field ? k->list[RL_CALL_FIELD] >= (uint32_t)nfields : k->list[RL_CALL_FIELD] != 0)
        return "builtin field out of range";
    if (k->list[RL_CALL_FLAGS] >> nopts)
        return "builtin flags out of range";
    return NULL;
}

static const char *
verify_code(const struct rl_program *p)
{
    if (p->ncode == 0)
        return "no instructions";
    if (p->code[p->ncode - 1].op != RL_OP_HALT)
        return "last instruction is not HALT";
    for (size_t i = 0; i < p->ncode; i++) {
        const struct rl_insn *in = &p->code[i];
        const char *e;

        if (in->op == RL_OP_INVALID || in->op >= RL_OP_COUNT)
            return "invalid opcode";
        if (p->files[i] >= p->nsrcs && p->nsrcs)
            return "source index out of range";
        const char *f = ops[in->op].fmt;
        if ((e = check_operand(p, in, f[0], 0, in->a)) || (e = check_operand(p, in, f[1], 1, in->b)) ||
            (e = check_operand(p, in, f[2], 2, in->c)) || (e = check_operand(p, in, f[3], 3, in->d)))
            return e;
        if (in->op == RL_OP_BUILTIN && (e = check_call(p, in)) != NULL)
            return e;
    }
    return NULL;
}

static void
load_const(struct rd *r, struct rl_program *p, struct rl_const *k)
{
    uint32_t lo, hi;
    uint64_t bits;

    k->kind = get8(r);
    switch (k->kind) {
    case RL_K_STR:
        k->s = getstr(r, &k->len);
        break;
    case RL_K_REGEX:
        k->flags = get32(r);
        if (k->flags & ~RL_RE_MASK)
            fail(r, "regex flags out of range");
        k->s = getstr(r, &k->len);
        break;
    case RL_K_NUM:
        lo = get32(r);
        hi = get32(r);
        bits = (uint64_t)hi << 32 | lo;
        memcpy(&k->num, &bits, sizeof bits);
        if (!isfinite(k->num))
            fail(r, "number not finite");
        break;
    case RL_K_LIST: {
        uint32_t n = get32(r);
        if (r->bad)
            break;
        if (n > RL_MAX_LIST || n > (r->len - r->pos) / 4) {
            fail(r, "list length out of range");
            break;
        }
        k->list = xcalloc(n ? n : 1, sizeof *k->list);
        for (k->nlist = 0; k->nlist < n; k->nlist++)
            k->list[k->nlist] = get32(r);
        break;
    }
    case RL_K_TMPL: {
        uint32_t n = get32(r);
        if (r->bad)
            break;
        if (n == 0 || n > RL_MAX_PARTS || n > (r->len - r->pos) / 10) {
            fail(r, "template part count out of range");
            break;
        }
        k->parts = xcalloc(n, sizeof *k->parts);
        for (uint32_t j = 0; j < n && !r->bad; j++) {
            struct rl_tpart *t = &k->parts[k->nparts++];
            t->kind = get8(r);
            t->mods = get8(r);
            t->idx = get32(r);
            t->s = getstr(r, &t->len);
            if (r->bad)
                break;
            if ((t->mods & ~RL_TM_MASK) || (t->kind == RL_TP_LIT && t->mods)) {
                fail(r, "template modifier out of range");
                break;
            }
            switch (t->kind) {
            case RL_TP_LIT: case RL_TP_NCAP: case RL_TP_ENV:
                if (t->idx != 0) fail(r, "template index set on a named part");
                if (t->kind != RL_TP_LIT && t->len == 0) fail(r, "empty name in template");
                break;
            case RL_TP_VAR:
                if (t->idx >= p->nvars) fail(r, "template variable out of range");
                break;
            case RL_TP_CAP:
                if (t->idx > RL_MAX_CAPTURE) fail(r, "template capture out of range");
                break;
            case RL_TP_SPECIAL:
                if (t->idx >= RL_SP_COUNT) fail(r, "template name out of range");
                break;
            case RL_TP_DATE: {
                char bad;

                if (t->idx != 0 || t->mods || !rl_date_format_ok(t->s, t->len, &bad))
                    fail(r, "template date format invalid");
                break;
            }
            case RL_TP_FACT:
                if (t->idx >= rl_nbuiltins || rl_builtin_fact(rl_builtins[t->idx], t->s) < 0)
                    fail(r, "template fact unknown");
                break;
            default:
                fail(r, "template part kind invalid");
            }
        }
        break;
    }
    default:
        fail(r, "constant kind invalid");
    }
}

int
rl_load(const void *bytes, size_t len, const struct rl_limits *limits,
        struct rl_program **out, struct status *st)
{
    struct rd r = { bytes, len, 0, 0, NULL, NULL, 0, 0 };
    struct rl_program *p;
    uint32_t ver, ncode, nk, nvars, nsrcs;
    const char *e;

    (void)limits;
    *out = NULL;
    if (len < HDR_SIZE || memcmp(bytes, RL_BYTECODE_MAGIC, 8) != 0) {
        status_set(st, "4.3.0", "cache: not a weir bytecode image");
        return -1;
    }
    r.pos = 8;
    ver = get32(&r);
    if (ver != RL_BYTECODE_VERSION) {
        status_set(st, "4.3.0", "cache: bytecode version %u, expected %u", ver,
                   RL_BYTECODE_VERSION);
        return -1;
    }
    ncode = get32(&r);
    nk = get32(&r);
    nvars = get32(&r);
    nsrcs = get32(&r);
    p = xcalloc(1, sizeof *p);
    /* bound every count by the bytes left (instruction 18, constant >= 5,
     * name >= 4), so a hostile header cannot make us allocate much more
     * than the image itself */
    if (ncode == 0 || ncode > RL_MAX_CODE || ncode > (len - r.pos) / INSN_SIZE ||
        nk > RL_MAX_CONST || nk > (len - r.pos) / 5 || nvars > RL_MAX_VARS ||
        nvars > (len - r.pos) / 4 || nsrcs == 0 || nsrcs > RL_MAX_SRCS ||
        nsrcs > (len - r.pos) / 4) {
        fail(&r, "counts out of range");
        goto bad;
    }
    p->strpool = r.pool = xmalloc(len);
    r.pool_cap = len;
    p->srcs = xcalloc(nsrcs, sizeof *p->srcs);
    for (; p->nsrcs < nsrcs && !r.bad; p->nsrcs++)
        p->srcs[p->nsrcs] = getstr(&r, NULL);
    p->vars = xcalloc(nvars ? nvars : 1, sizeof *p->vars);
    for (; p->nvars < nvars && !r.bad; p->nvars++)
        p->vars[p->nvars] = getstr(&r, NULL);
    p->k = xcalloc(nk ? nk : 1, sizeof *p->k);
    for (; p->nk < nk && !r.bad; p->nk++)
        load_const(&r, p, &p->k[p->nk]);
    if (r.bad)
        goto bad;
    if ((len - r.pos) / INSN_SIZE < ncode) {
        fail(&r, "truncated code");
        goto bad;
    }
    p->code = xcalloc(ncode, sizeof *p->code);
    p->lines = xcalloc(ncode, sizeof *p->lines);
    p->files = xcalloc(ncode, sizeof *p->files);
    p->ncode = p->capcode = ncode;
    /* ncode * INSN_SIZE bytes are there (checked above): decode them
     * without a bounds check per field (issue 17: get8/16/32 per field
     * were ~25 k instructions of a warm delivery). */
    for (size_t i = 0; i < ncode; i++) {
        const unsigned char *q = r.p + r.pos + i * INSN_SIZE;

        p->code[i].op = q[0];
        p->code[i].a = q[1];
        p->code[i].b = le16(q + 2);
        p->code[i].c = le32(q + 4);
        p->code[i].d = le32(q + 8);
        p->lines[i] = le32(q + 12);
        p->files[i] = le16(q + 16);
    }
    r.pos += ncode * INSN_SIZE;
    if (r.pos != len) {
        fail(&r, "trailing bytes");
        goto bad;
    }
    if ((e = verify_code(p)) != NULL) {
        fail(&r, e);
        goto bad;
    }
    for (size_t i = 0; i < p->nsrcs; i++)
        if (p->srcs[i] == NULL)
            fail(&r, "source name missing");
    if (r.bad)
        goto bad;
    *out = p;
    return 0;
bad:
    status_set(st, "4.3.0", "cache: corrupt bytecode (%s at byte %zu)", r.why, r.pos);
    rl_program_free(p);
    return -1;
}

/* ------------------------------------------------------------------ */
/* disassembler                                                        */
/* ------------------------------------------------------------------ */

static void
quote(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\' || ch == '$')
            buf_printf(b, "\\%c", ch);
        else if (ch == '\n')
            buf_adds(b, "\\n");
        else if (ch == '\t')
            buf_adds(b, "\\t");
        else if (ch < 0x20 || ch == 0x7f)
            buf_printf(b, "\\x%02x", ch);
        else
            buf_addc(b, (char)ch);
    }
}

static void
render_const(const struct rl_program *p, uint32_t k, struct buf *b)
{
    const struct rl_const *c;

    if (k == RL_NONE || k >= p->nk) {
        buf_adds(b, "-");
        return;
    }
    c = &p->k[k];
    switch (c->kind) {
    case RL_K_STR:
        buf_addc(b, '"');
        quote(b, c->s, c->len);
        buf_addc(b, '"');
        break;
    case RL_K_NUM:
        buf_printf(b, "%.15g", c->num);
        break;
    case RL_K_LIST:
        buf_addc(b, '[');
        for (size_t i = 0; i < c->nlist; i++) {
            if (i >= RL_CALL_ARGS && c->list[i] == RL_NONE)
                buf_printf(b, "%s-", i ? " " : "");
            else
                buf_printf(b, "%s%s%u", i ? " " : "", i >= RL_CALL_ARGS ? "k" : "", c->list[i]);
        }
        buf_addc(b, ']');
        break;
    case RL_K_REGEX:
        buf_printf(b, "/%s/%s%s%s%s", c->s, c->flags & RL_RE_I ? "i" : "",
                   c->flags & RL_RE_M ? "m" : "", c->flags & RL_RE_S ? "s" : "",
                   c->flags & RL_RE_X ? "x" : "");
        break;
    case RL_K_TMPL:
        buf_addc(b, '"');
        for (size_t i = 0; i < c->nparts; i++) {
            const struct rl_tpart *t = &c->parts[i];
            switch (t->kind) {
            case RL_TP_LIT: quote(b, t->s, t->len); break;
            case RL_TP_VAR: buf_printf(b, "${%s}", t->idx < p->nvars ? p->vars[t->idx] : "?"); break;
            case RL_TP_CAP: buf_printf(b, "${%u}", t->idx); break;
            case RL_TP_NCAP: buf_printf(b, "${%s}", t->s); break;
            case RL_TP_ENV: buf_printf(b, "${env.%s}", t->s); break;
            case RL_TP_DATE: buf_printf(b, "${date:%s}", t->s); break;
            case RL_TP_FACT:
                buf_printf(b, "${%s.%s}", t->idx < rl_nbuiltins ? rl_builtins[t->idx]->name : "?",
                           t->s);
                break;
            case RL_TP_SPECIAL:
                buf_printf(b, "${%s}", t->idx < RL_SP_COUNT ? rl_special_names[t->idx] : "?");
                break;
            }
            if (t->kind != RL_TP_LIT && (t->mods & RL_TM_MASK) && b->len) {
                b->len--;       /* before the closing brace */
                buf_adds(b, t->mods & RL_TM_LOWER ? ":lower}" : ":upper}");
            }
        }
        buf_addc(b, '"');
        break;
    }
}

static void
render_operand(const struct rl_program *p, const struct rl_insn *in, char kind,
               uint32_t v, struct buf *ops_txt, struct buf *cmt)
{
    size_t before = ops_txt->len;

    switch (kind) {
    case 'X': return;
    case 'J': buf_printf(ops_txt, "->%04u", v); break;
    case 'U':                   /* only the unusual case is shown */
        if (v == 0)
            return;
        buf_adds(ops_txt, "undecided=true");
        break;
    case 'T': buf_printf(ops_txt, "since %04u", v); break;
    case 'S': case 's': case 'N': case 'n': case 'O': case 'K':
        if (v == RL_NONE) {
            buf_adds(ops_txt, "-");
            break;
        }
        buf_printf(ops_txt, "k%u", v);
        buf_adds(cmt, cmt->len ? " " : "; ");
        render_const(p, v, cmt);
        break;
    case 'V': buf_printf(ops_txt, "v%u", v);
        buf_adds(cmt, cmt->len ? " " : "; ");
        buf_adds(cmt, v < p->nvars ? p->vars[v] : "?");
        break;
    case 'B': buf_adds(ops_txt, v < rl_nbuiltins ? rl_builtins[v]->name : "?"); break;
    case 'G': buf_printf(ops_txt, "f%u", v); break;
    case 'Q': {
        struct rl_bi_item items[RL_BI_MAX_ITEMS];
        int ni, na, no, ck = 0;
        if (rl_call_form(in, items, &ni, &na, &no) == 0)
            for (int i = 0; i < ni; i++)
                if (items[i].kind == RL_BI_TEXT || items[i].kind == RL_BI_NUM)
                    ck = items[i].kind;
        buf_adds(ops_txt, ck == RL_BI_TEXT && v < RL_CMP_COUNT ? rl_cmp_names[v] :
                 ck == RL_BI_NUM && v < RL_REL_COUNT ? rl_rel_names[v] : "-");
        break;
    }
    case 'I': {
        struct buf t = BUF_INIT;
        buf_printf(ops_txt, "k%u", v);
        buf_adds(cmt, cmt->len ? " " : "; ");
        rl_call_text(p, in, &t);
        buf_adds(cmt, t.data ? t.data : "");
        buf_free(&t);
        /* the operand of the comparison, as the other tests show it */
        if (v < p->nk && p->k[v].kind == RL_K_LIST)
            for (size_t i = RL_CALL_ARGS; i < p->k[v].nlist; i++) {
                uint32_t a = p->k[v].list[i];
                struct rl_bi_item items[RL_BI_MAX_ITEMS];
                int ni, na, no;
                if (rl_call_form(in, items, &ni, &na, &no) < 0)
                    break;
                for (int j = 0; j < ni; j++)
                    if ((items[j].kind == RL_BI_TEXT || items[j].kind == RL_BI_NUM) &&
                        RL_CALL_ARGS + (size_t)items[j].arg == i && a != RL_NONE) {
                        buf_addc(cmt, ' ');
                        render_const(p, a, cmt);
                    }
            }
        break;
    }
    case 'M': buf_adds(ops_txt, v < RL_HMODE_COUNT ? rl_hmode_names[v] : "?"); break;
    case 'C': buf_adds(ops_txt, v < RL_CMP_COUNT ? rl_cmp_names[v] : "?"); break;
    case 'P': buf_adds(ops_txt, v < RL_PART_COUNT ? rl_part_names[v] : "?"); break;
    case 'L': buf_adds(ops_txt, v < RL_REL_COUNT ? rl_rel_names[v] : "?"); break;
    case 'A': buf_adds(ops_txt, actions_kind_name((enum action_kind)v)); break;
    case 'R': buf_adds(ops_txt, v & RL_RF_SHADOW ? "shadow" : "live"); break;
    case 'F':
        buf_printf(ops_txt, "%s%s%s%s", v & RL_AF_FINAL ? "final" : "",
                   (v & RL_AF_FINAL) && (v & RL_AF_COPY) ? "," : "",
                   v & RL_AF_COPY ? "copy" : v & (RL_AF_FINAL | RL_AF_DEFER) ? "" : "-",
                   v & RL_AF_DEFER ? (v & (RL_AF_FINAL | RL_AF_COPY) ? ",else-defer"
                                                                     : "else-defer") : "");
        break;
    }
    (void)before;
    buf_addc(ops_txt, ' ');
}

void
rl_call_text(const struct rl_program *p, const struct rl_insn *in, struct buf *out)
{
    struct rl_bi_item items[RL_BI_MAX_ITEMS];
    int nitems, nargs, nopts;
    const struct rl_builtin *b;
    const struct rl_const *k;

    if (rl_call_form(in, items, &nitems, &nargs, &nopts) < 0 || in->d >= p->nk ||
        p->k[in->d].kind != RL_K_LIST) {
        buf_adds(out, "?");
        return;
    }
    b = rl_builtins[in->c];
    k = &p->k[in->d];
    buf_adds(out, b->name);
    for (int i = 0; i < nitems; i++) {
        const struct rl_bi_item *it = &items[i];
        uint32_t a = it->kind >= RL_BI_TEXT && RL_CALL_ARGS + (size_t)it->arg < k->nlist
                     ? k->list[RL_CALL_ARGS + it->arg] : RL_NONE;
        uint32_t f = k->nlist > RL_CALL_FIELD ? k->list[RL_CALL_FIELD] : 0;

        switch (it->kind) {
        case RL_BI_WORD: buf_printf(out, " %s", it->word); break;
        case RL_BI_OPT_WORD:
            if (k->nlist > RL_CALL_FLAGS && (k->list[RL_CALL_FLAGS] >> it->group & 1))
                buf_printf(out, " %s", it->word);
            break;
        case RL_BI_FIELD: case RL_BI_OPT_FIELD:
            if ((it->kind == RL_BI_FIELD || f != 0) && b->fields)
                buf_printf(out, " %s", b->fields[f]);
            break;
        case RL_BI_TEXT:
            buf_printf(out, " %s", in->b < RL_CMP_COUNT ? rl_cmp_names[in->b] : "?");
            break;
        case RL_BI_NUM:
            buf_printf(out, " %s", in->b < RL_REL_COUNT ? rl_rel_names[in->b] : "?");
            break;
        case RL_BI_STR: case RL_BI_RAW:
            if (it->optional && a == RL_NONE)
                break;          /* its group was not written */
            buf_addc(out, ' ');
            render_const(p, a, out);
            break;
        }
    }
}

void
rl_disassemble(const struct rl_program *p, struct buf *out)
{
    buf_printf(out, "; weir rule bytecode v%u: %zu instructions, %zu constants, "
               "%zu variables, %zu sources\n", RL_BYTECODE_VERSION, p->ncode,
               p->nk, p->nvars, p->nsrcs);
    for (size_t i = 0; i < p->nsrcs; i++)
        buf_printf(out, "; source %zu: %s\n", i, p->srcs[i]);
    for (size_t i = 0; i < p->nvars; i++)
        buf_printf(out, "; var v%zu: %s\n", i, p->vars[i]);
    for (size_t i = 0; i < p->nk; i++) {
        static const char *const kn[] = { "?", "str", "tmpl", "regex", "num", "call" };
        buf_printf(out, "; const k%zu %s ", i, p->k[i].kind <= RL_K_LIST ? kn[p->k[i].kind] : "?");
        render_const(p, (uint32_t)i, out);
        buf_addc(out, '\n');
    }
    for (size_t i = 0; i < p->ncode; i++) {
        const struct rl_insn *in = &p->code[i];
        const struct opinfo *o = in->op < RL_OP_COUNT ? &ops[in->op] : &ops[0];
        struct buf ot = BUF_INIT, cm = BUF_INIT;
        char loc[64];
        const char *src = p->files[i] < p->nsrcs ? p->srcs[p->files[i]] : "?";
        const char *base = strrchr(src, '/');

        render_operand(p, in, o->fmt[0], in->a, &ot, &cm);
        render_operand(p, in, o->fmt[1], in->b, &ot, &cm);
        render_operand(p, in, o->fmt[2], in->c, &ot, &cm);
        render_operand(p, in, o->fmt[3], in->d, &ot, &cm);
        while (ot.len && ot.data[ot.len - 1] == ' ')
            ot.data[--ot.len] = 0;
        if (snprintf(loc, sizeof loc, "%s:%u", base ? base + 1 : src, p->lines[i]) >= (int)sizeof loc)
            loc[sizeof loc - 1] = 0;
        buf_printf(out, "%04zu  %-16s %-9s %-28s%s\n", i, loc, o->name,
                   ot.data ? ot.data : "", cm.data ? cm.data : "");
        buf_free(&ot);
        buf_free(&cm);
    }
    /* strip trailing blanks of lines with no comment */
    {
        size_t w = 0;
        for (size_t r = 0; r < out->len; r++) {
            if (out->data[r] == '\n')
                while (w > 0 && out->data[w - 1] == ' ')
                    w--;
            out->data[w++] = out->data[r];
        }
        out->len = w;
        out->data[w] = 0;
    }
}

void
rl_opcode_table(struct buf *out)
{
    for (int i = 1; i < RL_OP_COUNT; i++)
        buf_printf(out, "%-9s %s  %s\n", ops[i].name, ops[i].fmt, ops[i].meaning);
}
