/*
 * registry.h -- the one registry of builtin tests the rule language can
 * call by name (conventions.md habit 9).  Each builtin is a const struct in
 * its own file (builtins/bi_NAME.c) and one line in builtins/registry.c.
 *
 * Shape (for now the only one): `NAME [not] CMP OPERAND`, e.g.
 * `body contains "x"`: the builtin produces candidate strings, the VM
 * compares each with the operand (is/contains/matches/glob) and the test
 * is true when one matches.  A builtin whose `values` is NULL is reserved:
 * the parser knows its name and reports "not available in this build".
 */
#ifndef WEIR_REGISTRY_H
#define WEIR_REGISTRY_H

#include <stddef.h>

#include "rl.h"

/* What a builtin may read during a run; the body is fetched at most once. */
struct rl_bi_env {
    struct rl_msg *msg;
    const char *body;
    size_t body_len;
    int body_state;             /* 0 not fetched, 1 ok, -1 unavailable */
};

/* The raw body (0), or -1 when the host has none. */
int rl_bi_body(struct rl_bi_env *env, const char **p, size_t *len);

/* Called per candidate value; returns nonzero to stop (a match was found). */
typedef int (*rl_bi_emit)(void *ectx, const char *value, size_t len);

struct rl_builtin {
    const char *name;
    const char *summary;        /* one line for docs and `weir check` */
    const char *issue;          /* where a reserved builtin will come from */
    /* Produce candidate values; returns 0, or -1 when the facts are not
     * available (the test is then false).  NULL: not in this build. */
    int (*values)(struct rl_bi_env *env, rl_bi_emit emit, void *ectx);
};

extern const struct rl_builtin *const rl_builtins[];
extern const size_t rl_nbuiltins;

/* Index of the builtin called name, or -1. */
int rl_builtin_find(const char *name);

#endif
