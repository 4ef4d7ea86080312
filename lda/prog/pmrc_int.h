/*
 * pmrc_int.h -- internals shared by pmrc_parse.c and pmrc_emit.c: the
 * parsed form of a procmail rcfile.  Not for other modules (pmrc.h is the
 * interface).
 *
 * Values are kept as written, split into segments (literal text, $VAR
 * expansions with their ${VAR:-alt} forms, `command` substitutions, and
 * procmail's specials $$ $? $# $= $_ $- $@ $n), because the translator
 * decides per use whether a value is known when it translates (and can be
 * written into a regex) or only at delivery time (a weir variable).
 */
#ifndef WEIR_PMRC_INT_H
#define WEIR_PMRC_INT_H

#include "pmrc.h"

enum pm_seg_kind {
    PM_SEG_LIT = 1,             /* literal bytes */
    PM_SEG_VAR,                 /* $name / ${name...} */
    PM_SEG_CMD,                 /* `command` */
    PM_SEG_SPECIAL              /* $$ $? $# $= $_ $- $@ $0..$9 */
};

struct pm_word;

struct pm_seg {
    enum pm_seg_kind kind;
    char *s;                    /* literal bytes, variable name, command
                                   text, or the special's character */
    size_t len;
    int quoted;                 /* inside "..." (no word splitting) */
    int rxquote;                /* $\name: regex-disarmed */
    char mod;                   /* 0, '-', '+', 'm' (:-), 'p' (:+) */
    struct pm_word *alt;        /* text of ${name:-alt} etc. */
};

struct pm_word {
    struct pm_seg *v;
    size_t n;
};

struct pm_words {
    struct pm_word *v;
    size_t n;
};

enum pm_item_kind {
    PM_BLANK = 1,               /* an empty line */
    PM_COMMENT,                 /* a # comment line */
    PM_ASSIGN,                  /* NAME=value */
    PM_UNSET,                   /* NAME alone */
    PM_RECIPE,
    PM_JUNK                     /* what procmail skips ("Skipped: ...") */
};

enum pm_action {
    PM_ACT_NONE = 0,            /* missing (incomplete recipe) */
    PM_ACT_FOLDER,              /* folder names */
    PM_ACT_FORWARD,             /* ! addresses */
    PM_ACT_PIPE,                /* | command */
    PM_ACT_BLOCK                /* { ... } */
};

struct pm_cond {
    int line;
    char *text;                 /* after '*': continuations joined, outer
                                   blanks removed, as written otherwise */
};

struct pm_item {
    enum pm_item_kind kind;
    const char *file;           /* borrowed from the parse */
    int line, end_line;
    char *src;                  /* the statement as written (for a block
                                   recipe: up to and with its '{') */
    /* PM_ASSIGN / PM_UNSET */
    char *name;
    struct pm_word value;
    /* PM_RECIPE */
    char flags[24];             /* the flag letters given (NUL-terminated) */
    int lock;                   /* a ':' was given */
    char *lockfile;             /* its name, or NULL */
    struct pm_cond *conds;
    size_t ncond;
    enum pm_action act;
    int act_line;
    char *action_raw;           /* program text (| and VAR=|) as written */
    char *capvar;               /* VAR of "VAR=| command", or NULL */
    struct pm_words args;       /* folders / addresses, parsed */
    struct pm_item *block;      /* PM_ACT_BLOCK: the items inside */
    char *close_src;            /* the closing "}" line as written */
    int close_line;
    int unclosed;               /* block never closed: 1 nested too deep (not
                                   read), 2 its file ended first (it runs to
                                   the end of the file, as in procmail) */
    struct pm_item *next;
};

/* Parse text (len bytes) of file `file` into a list of items (never
 * NULL unless empty).  Errors are notes appended through *notes. */
struct pm_item *pm_parse(const char *file, const char *text, size_t len);
void pm_items_free(struct pm_item *it);
void pm_word_free(struct pm_word *w);
void pm_words_free(struct pm_words *w);

/* Read a string the way procmail reads the value of an assignment
 * (mode 1), an action line (mode 0: words) or an expanded condition
 * (mode 2, as inside double quotes).  Exposed for conditions that start
 * with '$'. */
void pm_read_string(const char *s, size_t len, int mode, int dquote, struct pm_words *out);

int pm_has_flag(const struct pm_item *r, int c);

#endif
