/*
 * ast.h -- the front end's output: the abstract syntax tree of a rule file
 * (includes already spliced in).  The back end (compile.c) turns it into
 * bytecode; a second front end (e.g. Sieve) would produce the same tree.
 */
#ifndef WEIR_AST_H
#define WEIR_AST_H

#include "rl_int.h"

/* A string value: literal pieces and interpolations, as written. */
struct ast_part {
    int kind;                   /* RL_TP_LIT, or RL_TP_VAR for any ${name} */
    char *s;                    /* literal bytes, or the name inside ${} */
    size_t len;
    int col;                    /* column of "${" for names */
    unsigned mods;              /* ${name:lower}: RL_TM_* */
};

struct ast_str {
    struct ast_part *v;
    size_t n;
    int line, col, end_col;
    int is_regex;
    uint32_t reflags;
    char *pattern;              /* regex source (literal, no interpolation) */
};

enum ast_kind {
    /* statements */
    A_SET = 1, A_IF, A_RULE, A_STOP, A_ACTION, A_SCORE,
    /* conditions */
    A_AND, A_OR, A_NOT, A_TRUE, A_FALSE,
    A_HEADER, A_ADDRESS, A_SCORE_IS, A_BUILTIN
};

struct ast {
    enum ast_kind kind;
    int file, line, col, end_col;
    struct ast *next;           /* next statement in a block */
    struct ast *cond, *body, *els;  /* IF; RULE uses body */
    struct ast *l, *r;          /* AND/OR (l, r), NOT (l) */
    char *name, *desc;          /* SET variable, RULE name/description */
    unsigned flags;             /* RULE: RL_RF_*, ACTION: RL_AF_* */
    int act;                    /* ACTION: enum action_kind */
    int cmp, mode, part, which, rel, builtin;
    struct ast_str *s1, *s2, *s3, *s4;  /* see parse.c per kind */
    /* BUILTIN: form in `which`, field in `part`, optional groups in
     * `bflags`, TEXT operand in s2, NUM in num, STR/RAW arguments by slot */
    unsigned bflags;
    struct ast_str *bargs[4];
    double num;
    int has_num;
};

struct rl_parse_src {
    char *path;
    char *text;
    size_t len;
};

struct rl_front {
    struct rl_parse_src *src;   /* every file read, index = ast->file */
    size_t nsrc, capsrc;
    struct ast *top;            /* statement list */
    struct rl_diags *diags;
};

int rl_parse(struct rl_front *f, const char *path, const char *text, size_t len,
             const struct rl_reader *reader, const struct rl_limits *lim);
void rl_front_free(struct rl_front *f);
void ast_free(struct ast *a);

#endif
