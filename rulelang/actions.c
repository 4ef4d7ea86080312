/*
 * actions.c -- the intended-actions list (see actions.h).  Pure data:
 * allocation only, never I/O.
 */
#include "config.h"
#include "actions.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

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

        if (a->flags & (ACT_F_SHADOW | ACT_F_COPY))
            continue;
        switch (a->kind) {
        case ACT_FILE: case ACT_DISCARD: case ACT_BOUNCE: case ACT_DEFER:
        case ACT_FAKEBOUNCE: case ACT_FORWARD: case ACT_PIPE:
            return 1;
        default:
            break;
        }
    }
    return 0;
}

const char *
actions_kind_name(enum action_kind k)
{
    switch (k) {
    case ACT_FILE: return "file";
    case ACT_DISCARD: return "discard";
    case ACT_BOUNCE: return "bounce";
    case ACT_DEFER: return "defer";
    case ACT_FAKEBOUNCE: return "fakebounce";
    case ACT_REPLY: return "reply";
    case ACT_FORWARD: return "forward";
    case ACT_PIPE: return "pipe";
    case ACT_FILTER: return "filter";
    case ACT_HEADER_ADD: return "header add";
    case ACT_HEADER_SET: return "header set";
    case ACT_HEADER_REMOVE: return "header remove";
    case ACT_LOG: return "log";
    }
    return "?";
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

static int
drops(enum action_kind k)
{
    return k == ACT_DISCARD || k == ACT_BOUNCE || k == ACT_DEFER || k == ACT_FAKEBOUNCE;
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
            if (drops(a->kind))
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
        undo = a->kind == ACT_BOUNCE || a->kind == ACT_DEFER ||
               (final_drop && (a->kind == ACT_FILE || a->kind == ACT_FORWARD ||
                               a->kind == ACT_PIPE || a->kind == ACT_REPLY));
        if (undo) {
            a->flags |= ACT_F_SHADOW | ACT_F_OVERRIDDEN;
            n++;
        }
    }
    return n;
}
