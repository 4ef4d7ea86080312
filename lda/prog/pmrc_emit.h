/*
 * pmrc_emit.h -- internals of the emitter (pmrc_emit.c, pmrc_value.c):
 * the translation context, procmail's variables as weir sees them, and
 * values turned into weir strings.
 */
#ifndef WEIR_PMRC_EMIT_H
#define WEIR_PMRC_EMIT_H

#include "pmrc_int.h"

/* The values a variable not known when translating can still only have
 * (each branch of conditional code set it to a known value): a condition
 * using it is translated once per value, guarded by a comparison. */
#define PM_MAX_ALTS 4

/* Why a use of LASTFOLDER (or $-) that the rcfile never assigned is not
 * translated. */
#define PM_LASTFOLDER_WHY "LASTFOLDER (the folder procmail last delivered to: weir's rules " \
    "have no such value)"

struct pm_alts {
    size_t n;                   /* 0: any value */
    struct buf raw[PM_MAX_ALTS];
    struct buf w[PM_MAX_ALTS];  /* as weir string bodies */
};

/* A procmail variable. */
struct pm_sym {
    char *name;                 /* procmail's name */
    char *wname;                /* the weir variable (or special) it is */
    int special;                /* wname is ${home}, ${user}, ${env.X}: no set */
    int used;                   /* referenced: needs a declaration */
    int assigned;               /* the rcfile assigns it somewhere */
    int known;                  /* value known when translating: */
    struct buf raw;             /*   the bytes ($HOME, $LOGNAME: the
                                     translating user's) */
    struct buf wstr;            /*   as a weir string body */
    int tainted;                /* built from the message or envelope */
    struct pm_alts alts;        /* when not known: its possible values */
    char *init;                 /* its procmail default, as a weir string
                                   body (declared with it), or NULL: "" */
    char *untr_file;            /* set last by a statement not translated: */
    int untr_line;              /*   where (the value is then empty) */
};

struct em {
    const struct pmrc_options *opt;
    const struct pmrc_reader *rd;
    struct pmrc_result *res;
    struct buf body;            /* the translation (after the prologue) */
    struct pm_sym **syms;       /* stable pointers: em_sym() may grow the array */
    size_t nsyms;
    int indent;
    int depth;                  /* INCLUDERC nesting */
    char **incstack;
    size_t nincstack;
    const char *file;           /* rcfile being translated */
    int printed_line;           /* source lines already shown (this file) */
    int tmp;                    /* temporary variable counter */
    int flags_used;             /* pm_last/pm_prev were declared */
    int default_assigned;       /* DEFAULT was set: explicit final delivery */
    int in_clone;               /* inside a 'c' block: deliveries copy */
    const void *consumed;       /* a recipe translated with the one before
                                   it (the e recipe of `else defer`) */
    int recipe_line;            /* for notes */
    int stopped;                /* the current block ended in stop */
    int have_match;             /* MATCH is referenced */
    int prev_test;              /* the previous recipe's action was a test
                                   (formail -D): pm_fail says it failed */
    int fail_used;              /* pm_fail was declared */
    int in_alts;                /* translating one value of a variable */
};

/* A value turned into a weir string. */
struct pm_val {
    struct buf w;               /* weir string body (escaped) */
    struct buf raw;             /* the bytes, when known */
    int known;                  /* all of it known when translating */
    int tainted;
    int abs;                    /* starts with '/' (a path from the root) */
    int abs_guessed;            /* ...decided without knowing the start */
    const char *bad;            /* why it cannot be translated, or NULL */
};

void em_note(struct em *e, enum pmrc_note_kind k, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void em_line(struct em *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct pm_sym *em_sym(struct em *e, const char *name);
/* Escape bytes into a weir string body. */
void em_wescape(struct buf *b, const char *s, size_t n);
/* A value (one word) into v; context: 0 plain, 1 inside a sh command
 * (procmail's $$ is the shell's), ctx_line for notes.  Statements a
 * value needs first (${X:-y}) are written into e->body. */
void em_value(struct em *e, const struct pm_word *w, int sh, int line, struct pm_val *v);
void em_val_free(struct pm_val *v);
void em_alts_clear(struct pm_alts *a);
void em_alts_copy(struct pm_alts *dst, const struct pm_alts *src);
/* The text of a $ condition expanded now (procmail expands it when the
 * recipe runs): 0, or -1 with *why when it needs a value only known at
 * delivery time. */
int em_expand_static(struct em *e, const char *text, struct buf *out, const char **why,
                     int line);
/* The text of a $ condition whose variables are not known but can only
 * have a few values each (struct pm_alts): expanded once per combination
 * of them (at most PM_MAX_COMBOS), each with the weir test that is true
 * when the variables hold those values (guard).  Returns the number of
 * expansions (*out, free with em_expansions_free), or -1. */
#define PM_MAX_COMBOS 8

struct pm_expansion {
    struct buf guard;
    struct buf text;
};

int em_expand_alts(struct em *e, const char *text, int line, struct pm_expansion **out);
void em_expansions_free(struct pm_expansion *x, int n);
/* Assignment NAME=value (or unset). */
void em_untr_use(struct em *e, struct pm_sym *s, int line);
void em_untr_set(struct em *e, struct pm_sym *s, int line);
void em_untr_clear(struct pm_sym *s);
void em_assign(struct em *e, const struct pm_item *it);
int em_assign_formail(struct em *e, struct pm_sym *s, const struct pm_word *value, int line);
/* The prologue: declarations of the variables used. */
void em_prologue(struct em *e, struct buf *out);

#endif
