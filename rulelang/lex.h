/*
 * lex.h -- the rule language's lexer (lex.c), used by the parser
 * (parse.c).  A struct lexer walks one source text; lex_next() makes the
 * next token current in lx->tok (T_EOF at the end, T_BAD with a message
 * for anything malformed).  Tokens own their text and strings until the
 * parser takes them.
 */
#ifndef WEIR_LEX_H
#define WEIR_LEX_H

#include "ast.h"

enum tok {
    T_EOF, T_IDENT, T_STRING, T_REGEX, T_NUMBER, T_LBRACE, T_RBRACE,
    T_LPAREN, T_RPAREN, T_ASSIGN, T_REL, T_BAD
};

struct token {
    enum tok t;
    int line, col, end_col;
    int nl_before;              /* first token on its line */
    size_t off;                 /* byte offset of its first character */
    char *text;                 /* IDENT name; BAD description */
    const char *help;           /* BAD: a likely fix, or NULL */
    struct ast_str *str;        /* STRING / REGEX (owned until taken) */
    double num;
    int rel;                    /* T_REL: enum rl_rel */
};

struct lexer {
    const char *s;
    size_t len, pos;
    int line, col;              /* of pos */
    struct token tok;           /* the current token */
    int prev_line, prev_end_col;    /* end of the previous token */
};

void lex_init(struct lexer *lx, const char *s, size_t len);
/* Make the next token current (the previous one is freed). */
void lex_next(struct lexer *lx);
/* Free what a token owns. */
void lex_tok_clear(struct token *t);
/* Move one byte, keeping line and column. */
void lex_adv(struct lexer *lx);

/* AST strings: append a part (adjacent literals merge), free one. */
void ast_str_add(struct ast_str *s, int kind, const char *txt, size_t len, int col);
void ast_str_free(struct ast_str *s);

#endif
