/*
 * actions.c -- the intended-actions list (see actions.h) and the table of
 * action kinds expanded from actions.def.  Pure data: allocation only,
 * never I/O.
 */
#include "config.h"
#include "actions.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const struct action_info actions_table[ACT_COUNT] = {
    { "?", NULL, NULL, NULL, 0, ACT_O_NONE, ACT_O_NONE, NULL, NULL, NULL, NULL },
#define ACTION(k, name, word, sub, yaml, props, c, d, ce, ch, de, dh) \
    { name, word, sub, yaml, props, c, d, ce, ch, de, dh },
#include "actions.def"
#undef ACTION
};

const struct action_info *
actions_info(unsigned k)
{
    return k >= 1 && k < ACT_COUNT ? &actions_table[k] : NULL;
}

unsigned
actions_props(unsigned k)
{
    const struct action_info *ai = actions_info(k);

    return ai ? ai->props : 0;
}

void
actions_init(struct action_list *l)
{
    memset(l, 0, sizeof *l);
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

struct action *
actions_add(struct action_list *l, const struct action *a)
{
    struct action *n;

    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
    }
    n = &l->v[l->n++];
    *n = *a;
    n->target = dup_or_null(a->target);
    n->text = dup_or_null(a->text);
    n->name = dup_or_null(a->name);
    n->subject = dup_or_null(a->subject);
    return n;
}

void
actions_add_score(struct action_list *l, double points, const char *reason,
                  const char *rule, int line)
{
    struct score_reason *r;

    if (l->nreasons == l->capreasons) {
        l->capreasons = l->capreasons ? l->capreasons * 2 : 8;
        l->reasons = xreallocarray(l->reasons, l->capreasons, sizeof *l->reasons);
    }
    r = &l->reasons[l->nreasons++];
    r->points = points;
    r->reason = dup_or_null(reason);
    r->rule = rule;
    r->line = line;
    l->score += points;
}

int
actions_cancel_keep(const struct action_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct action *a = &l->v[i];

        if (!(a->flags & (ACT_F_SHADOW | ACT_F_COPY)) && (actions_props(a->kind) & ACT_P_KEEP))
            return 1;
    }
    return 0;
}

const char *
actions_kind_name(enum action_kind k)
{
    return actions_info(k) ? actions_table[k].name : actions_table[0].name;
}

void
actions_free(struct action_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].target);
        free(l->v[i].text);
        free(l->v[i].name);
        free(l->v[i].subject);
    }
    for (size_t i = 0; i < l->nreasons; i++)
        free(l->reasons[i].reason);
    free(l->v);
    free(l->reasons);
    memset(l, 0, sizeof *l);
}

size_t
actions_enforce_final(struct action_list *l)
{
    int final = 0, final_drop = 0;
    size_t n = 0;

    for (size_t i = 0; i < l->n; i++) {
        const struct action *a = &l->v[i];

        if ((a->flags & (ACT_F_FINAL | ACT_F_SYSTEM)) == (ACT_F_FINAL | ACT_F_SYSTEM) &&
            !(a->flags & ACT_F_SHADOW)) {
            final = 1;
            if (actions_props(a->kind) & ACT_P_DROP)
                final_drop = 1;
        }
    }
    if (!final)
        return 0;
    for (size_t i = 0; i < l->n; i++) {
        struct action *a = &l->v[i];
        int undo;

        if (a->flags & (ACT_F_SYSTEM | ACT_F_SHADOW))
            continue;
        undo = (actions_props(a->kind) & ACT_P_REFUSE) ||
               (final_drop && (actions_props(a->kind) & ACT_P_OUTWARD));
        if (undo) {
            a->flags |= ACT_F_SHADOW | ACT_F_OVERRIDDEN;
            n++;
        }
    }
    return n;
}
