/*
 * rl_int.h -- internals shared by the rule language's modules: tokens and
 * AST (front end), the program representation (back end), opcodes.
 * Not for use outside rulelang/ (the public API is rl.h).
 */
#ifndef WEIR_RL_INT_H
#define WEIR_RL_INT_H

#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rl.h"

/* ---------------- opcodes ---------------- */

enum rl_op {
    RL_OP_INVALID = 0,
#define OP(name, a, b, c, d, meaning) RL_OP_##name,
#include "opcodes.def"
#undef OP
    RL_OP_COUNT
};

#define RL_NONE UINT32_MAX          /* "no constant" in an optional operand */

/* The test flag: 0 false, 1 true, or undecided (a regex limit, facts that
 * could not be obtained).  JT/JF count an undecided flag as their operand
 * a says; JU skips an else when the condition had an undecided test. */
#define RL_FLAG_UNDECIDED 2

enum rl_cmp { RL_CMP_EXISTS, RL_CMP_IS, RL_CMP_CONTAINS, RL_CMP_MATCHES,
              RL_CMP_GLOB, RL_CMP_COUNT };
enum rl_part { RL_PART_ALL, RL_PART_LOCAL, RL_PART_DOMAIN, RL_PART_NAME,
               RL_PART_DETAIL, RL_PART_USER, RL_PART_ORG, RL_PART_COUNT };
enum rl_rel { RL_REL_GT, RL_REL_GE, RL_REL_LT, RL_REL_LE, RL_REL_EQ,
              RL_REL_NE, RL_REL_COUNT };

/* Operand M of HEADER, operand W of ENVELOPE. */
enum rl_hmode { RL_HMODE_DECODED, RL_HMODE_RAW, RL_HMODE_COUNT };

#define RL_AF_COPY   0x01u          /* ACTION flag: copy variant */
#define RL_AF_FINAL  0x02u          /* ACTION flag: final (system rules) */
#define RL_AF_DEFER  0x04u          /* ACTION flag: `filter ... else defer` */
#define RL_AF_MASK   0x07u
#define RL_RF_SHADOW 0x01u          /* RULE flag */
#define RL_RF_MASK   0x01u

extern const char *const rl_cmp_names[RL_CMP_COUNT];
extern const char *const rl_part_names[RL_PART_COUNT + 1];  /* NULL-terminated */
extern const char *const rl_rel_names[RL_REL_COUNT];
extern const char *const rl_hmode_names[RL_HMODE_COUNT];

/* ---------------- program ---------------- */

enum rl_kkind { RL_K_STR = 1, RL_K_TMPL, RL_K_REGEX, RL_K_NUM,
                RL_K_LIST               /* u32 items: a builtin call (below) */
};

enum rl_tpkind { RL_TP_LIT = 1, RL_TP_VAR, RL_TP_CAP, RL_TP_NCAP,
                 RL_TP_SPECIAL, RL_TP_ENV,
                 RL_TP_FACT,            /* ${builtin.fact}: idx builtin, s fact */
                 RL_TP_DATE             /* ${date:FORMAT}: s the strftime format */
};

enum rl_special { RL_SP_USER, RL_SP_HOME, RL_SP_EXTENSION, RL_SP_SENDER,
                  RL_SP_RECIPIENT, RL_SP_CLIENT,
                  RL_SP_SCORE,          /* the score so far (system rules' too) */
                  RL_SP_REASONS,        /* its reasons so far, "reason (+n); ..." */
                  RL_SP_COUNT };
extern const char *const rl_special_names[RL_SP_COUNT];

#define RL_MAX_CAPTURE 9            /* ${0} .. ${9} */

/* Modifiers of an interpolation, ${name:lower} (ASCII letters only). */
#define RL_TM_LOWER 0x01u
#define RL_TM_UPPER 0x02u
#define RL_TM_MASK  0x03u

struct rl_tpart {
    uint8_t kind;                   /* enum rl_tpkind */
    uint8_t mods;                   /* RL_TM_*; 0 for literals */
    uint32_t idx;                   /* VAR register, CAP number, SPECIAL id */
    char *s;                        /* LIT text, NCAP/ENV name */
    size_t len;
};

#define RL_RE_I 0x01u
#define RL_RE_M 0x02u
#define RL_RE_S 0x04u
#define RL_RE_X 0x08u
#define RL_RE_MASK 0x0fu

struct rl_prefilter;                /* prefilter.h */

struct rl_const {
    uint8_t kind;                   /* enum rl_kkind */
    uint32_t flags;                 /* regex flags */
    char *s;                        /* STR bytes, REGEX pattern (NUL-term.) */
    size_t len;
    double num;
    struct rl_tpart *parts;         /* TMPL */
    size_t nparts;
    uint32_t *list;                 /* LIST: items */
    size_t nlist;
    pcre2_code *re;                 /* compiled on first use */
    int re_state;                   /* 0 not tried, 1 ok, -1 failed */
    int re_jit;                     /* JIT compile tried (limits.jit) */
    struct rl_prefilter *pf;        /* required literals (prefilter.c), made
                                       on first use; NULL: none */
    int pf_state;                   /* 0 not tried, 1 tried */
};

struct rl_insn {
    uint8_t op, a;
    uint16_t b;
    uint32_t c, d;
};

struct rl_program {
    struct rl_insn *code;
    uint32_t *lines;                /* line table: source line per insn */
    uint16_t *files;                /* source index per insn */
    size_t ncode, capcode;
    struct rl_const *k;
    size_t nk, capk;
    char **vars;                    /* variable names (for dump) */
    size_t nvars, capvars;
    char **srcs;                    /* source files, main first */
    size_t nsrcs, capsrcs;
    /* rl_load(): every string of the program (constants, template parts,
     * variable and source names) is in this one block, freed with the
     * program, not string by string; NULL for a compiled program. */
    char *strpool;
};

/* The call list (RL_K_LIST constant, BUILTIN's d operand) of a builtin
 * call: [field, optional-group flags, one constant per argument slot of
 * the form (RL_NONE for none)]. */
#define RL_CALL_FIELD 0
#define RL_CALL_FLAGS 1
#define RL_CALL_ARGS  2
#define RL_MAX_LIST   (RL_CALL_ARGS + 16)

/* The form of a BUILTIN instruction split into items, with its argument
 * and option counts: 0, or -1 when the instruction names no valid form. */
struct rl_bi_item;
int rl_call_form(const struct rl_insn *in, struct rl_bi_item *items, int *nitems,
                 int *nargs, int *nopts);
/* Source-like text of a builtin call ("attachment in archive name
 * matches"), without the comparison's operand; for dump and trace. */
void rl_call_text(const struct rl_program *p, const struct rl_insn *in, struct buf *out);

#define RL_MAX_CODE   (1u << 24)
#define RL_MAX_CONST  (1u << 22)
#define RL_MAX_VARS   4096u
#define RL_MAX_SRCS   1024u
#define RL_MAX_STRLEN (16u * 1024 * 1024)
#define RL_MAX_PARTS  4096u

/* Compile (or fetch) the regex of constant k; NULL when it cannot be. */
pcre2_code *rl_regex(struct rl_const *k, char *err, size_t errlen);
uint32_t rl_regex_options(uint32_t flags);
/* The required literals of regex constant k (prefilter.c), made on first
 * use; NULL when it has none (the regex must always run). */
const struct rl_prefilter *rl_regex_prefilter(struct rl_const *k);
void rl_const_free(struct rl_const *k);

/* ---------------- diagnostics (diag.c) ---------------- */

void rl_diag_add(struct rl_diags *d, enum rl_severity sev, const char *file,
                 const char *src, size_t srclen, int line, int col, int end_col,
                 const char *help, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));

void rl_diags_sort(struct rl_diags *d);

#endif
