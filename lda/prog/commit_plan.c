/*
 * commit_plan.c -- decide what the commit will do (see commit.h); the
 * execution is commit.c.
 *
 * Entry points: commit_plan(), commit_plan_free(), commit_fate_name(),
 * commit_outcome_name().  Nothing here performs anything or exits: the
 * first defer, else the first bounce, decides and cancels every other
 * action.  Otherwise each `file` target is resolved (lda/store/folder.c,
 * strings only; a refused name: the default mailbox instead), pipe and
 * forward are checked (empty, control characters, built from the
 * message, a forward address that is not a plain address: refused, the
 * default mailbox instead), a filter command built from the message is
 * refused the same way (the VM did not run it), reply and fakebounce are planned in full
 * (lda/resp/respond.h: composed, checked against the RFC 3834 rules and
 * their state, read-only) and sent last, the default mailbox is added
 * for implicit keep and for refusals, and the same folder named twice is
 * one target.  A default mailbox that cannot be named, when it is
 * needed, defers the message.
 *
 * `weir test` links this file and not commit.c: what it prints is what a
 * delivery would execute.
 */
#include "config.h"
#include "commit.h"
#include "mailparse.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* The plan                                                            */
/* ------------------------------------------------------------------ */

const char *
commit_fate_name(enum commit_fate f)
{
    switch (f) {
    case COMMIT_DO: return "performed";
    case COMMIT_REFUSED: return "refused";
    case COMMIT_SUPPRESSED: return "suppressed";
    case COMMIT_SHADOW: return "shadow";
    case COMMIT_OVERRIDDEN: return "overridden";
    case COMMIT_DECIDES: return "decides";
    case COMMIT_CANCELLED: return "cancelled";
    }
    return "?";
}

const char *
commit_outcome_name(enum commit_outcome o)
{
    switch (o) {
    case COMMIT_DELIVERED: return "delivered";
    case COMMIT_DISCARDED: return "discarded";
    case COMMIT_DEFERRED: return "deferred";
    case COMMIT_BOUNCED: return "bounced";
    }
    return "?";
}

static int
same_folder(const struct folder *a, const struct folder *b)
{
    return a->type == b->type && strcmp(a->path, b->path) == 0;
}

static void
folder_copy(struct folder *to, const struct folder *from)
{
    *to = *from;
    to->path = xstrdup(from->path);
    to->root = from->root ? xstrdup(from->root) : NULL;
}

/* The target index of folder *f (taken over, or freed when the plan
 * already delivers there). */
static long
plan_target(struct commit_plan *p, const struct action *a, struct folder *f)
{
    for (size_t i = 0; i < p->nt; i++)
        if (same_folder(&p->t[i].f, f)) {
            folder_free(f);
            return (long)i;
        }
    p->t = xreallocarray(p->t, p->nt + 1, sizeof *p->t);
    p->t[p->nt].a = a;
    p->t[p->nt].f = *f;
    memset(f, 0, sizeof *f);
    return (long)p->nt++;
}

static struct commit_step *
plan_step(struct commit_plan *p, const struct action *a, enum commit_fate fate)
{
    struct commit_step *s;

    p->steps = xreallocarray(p->steps, p->nsteps + 1, sizeof *p->steps);
    s = &p->steps[p->nsteps++];
    s->a = a;
    s->fate = fate;
    s->why = NULL;
    s->resp = NULL;
    s->target = -1;
    return s;
}

char *
commit_loop_value(const struct delivery *d)
{
    const char *r = d->recipient && *d->recipient ? d->recipient : NULL;

    for (const char *p = r; p && *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            r = NULL;
    if (r == NULL || strlen(r) > 254)
        r = d->user && *d->user ? d->user : "unknown";
    return xstrdup(r);
}

/* Whether the message already carries our loop marker. */
static int
has_our_loop(const struct delivery *d)
{
    struct mp_header h;
    char *mine = commit_loop_value(d);
    int found = 0;

    mp_header_parse(d->msg.header ? d->msg.header : "", d->msg.header ? d->msg.header_len : 0,
                    &h);
    for (size_t i = 0; i < h.n && !found; i++)
        if (mp_field_is(&h.f[i], COMMIT_LOOP_HEADER)) {
            char *v = mp_unfold(h.f[i].raw, h.f[i].raw_len);

            found = strcasecmp(v, mine) == 0;
            free(v);
        }
    mp_header_free(&h);
    free(mine);
    return found;
}

/* Why a pipe or forward action may not run, or NULL. */
static const char *
outgoing_refused(const struct action *a)
{
    const char *t = a->target ? a->target : "";

    if (*t == '\0')
        return a->kind == ACT_PIPE ? "empty command" : "empty address";
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return "control character";
    if (a->flags & ACT_F_TAINTED)
        return a->kind == ACT_PIPE ? "command built from message content"
                                   : "forward address taken from the message";
    if (a->kind == ACT_FORWARD && (*t == '-' || strpbrk(t, " \t") != NULL))
        return "not a plain address";
    return NULL;
}

/* A step that takes the message away from the implicit keep: a delivering
 * action without :copy that is performed, or refused (its refusal sends
 * the message to the default mailbox anyway). */
static int
cancels_keep(const struct commit_step *s)
{
    if (s->a == NULL || (s->a->flags & ACT_F_COPY))
        return 0;
    /* a suppressed fake bounce still drops the message: the rule said so */
    if (s->fate == COMMIT_SUPPRESSED && s->a->kind == ACT_FAKEBOUNCE)
        return 1;
    if (s->fate != COMMIT_DO && s->fate != COMMIT_REFUSED)
        return 0;
    switch (s->a->kind) {
    case ACT_FILE: case ACT_DISCARD: case ACT_FORWARD: case ACT_PIPE:
    case ACT_FAKEBOUNCE:
        return 1;
    default:
        return 0;
    }
}

void
commit_plan(const struct delivery *d, const struct action_list *l, struct commit_plan *p)
{
    struct folder_roots roots = { d->home, d->maildir_root, d->mail_root };
    const struct action *defer = NULL, *bounce = NULL;
    int loop = -1;                      /* has_our_loop(), once needed */
    unsigned nforward = 0;

    memset(p, 0, sizeof *p);
    p->outcome = COMMIT_DELIVERED;
    p->deflt = -1;
    status_ok(&p->st);
    status_ok(&p->deflt_st);
    /* Named once: implicit keep, refusals and failures at execution
     * time all fall back to it. */
    p->deflt_ok = folder_resolve(d->default_mailbox ? d->default_mailbox : "", 0, &roots,
                                 &p->deflt_f, &p->deflt_st) == 0;

    for (size_t i = 0; i < l->n; i++) {
        const struct action *a = &l->v[i];

        if (a->flags & ACT_F_SHADOW)
            continue;
        if (a->kind == ACT_DEFER && !defer)
            defer = a;
        if (a->kind == ACT_BOUNCE && !bounce)
            bounce = a;
    }
    p->decider = defer ? defer : bounce;

    for (size_t i = 0; i < l->n; i++) {
        const struct action *a = &l->v[i];
        struct commit_step *s;
        struct status fst;
        struct folder f;
        const char *why;

        if (a->flags & ACT_F_SHADOW) {
            plan_step(p, a, (a->flags & ACT_F_OVERRIDDEN) ? COMMIT_OVERRIDDEN : COMMIT_SHADOW);
            continue;
        }
        if (p->decider) {
            plan_step(p, a, a == p->decider ? COMMIT_DECIDES : COMMIT_CANCELLED);
            continue;
        }
        switch (a->kind) {
        case ACT_FILE:
            if (folder_resolve(a->target ? a->target : "", (a->flags & ACT_F_TAINTED) != 0,
                               &roots, &f, &fst) < 0) {
                s = plan_step(p, a, COMMIT_REFUSED);
                s->why = xstrdup(fst.text);
                p->refused++;
                break;
            }
            s = plan_step(p, a, COMMIT_DO);
            s->target = plan_target(p, a, &f);
            break;
        case ACT_REPLY:
        case ACT_FAKEBOUNCE: {
            struct resp_plan *rp = respond_plan(d, a);

            s = plan_step(p, a, rp->why ? COMMIT_SUPPRESSED : COMMIT_DO);
            s->resp = rp;
            if (rp->why) {
                s->why = xstrdup(rp->why);
                break;
            }
            p->send = xreallocarray(p->send, p->nsend + 1, sizeof *p->send);
            p->send[p->nsend++] = p->nsteps - 1;
            break;
        }
        case ACT_PIPE:
        case ACT_FORWARD:
            why = outgoing_refused(a);
            if (why == NULL && a->kind == ACT_FORWARD) {
                if (loop < 0)
                    loop = has_our_loop(d);
                if (loop)
                    why = "forwarding loop: the message already carries our "
                          COMMIT_LOOP_HEADER;
                else if (++nforward > COMMIT_FORWARDS_MAX)
                    why = "too many forwards for one message";
            }
            if (why != NULL) {
                s = plan_step(p, a, COMMIT_REFUSED);
                s->why = xstrdup(why);
                p->refused++;
                break;
            }
            plan_step(p, a, COMMIT_DO);
            p->out = xreallocarray(p->out, p->nout + 1, sizeof *p->out);
            p->out[p->nout++] = p->nsteps - 1;
            break;
        case ACT_DISCARD:
        case ACT_HEADER_ADD:
        case ACT_HEADER_SET:
        case ACT_HEADER_REMOVE:
        case ACT_FILTER:
            if (a->kind == ACT_FILTER && (a->flags & ACT_F_TAINTED)) {
                /* not run by the VM either (rulelang/vm.c) */
                s = plan_step(p, a, COMMIT_REFUSED);
                s->why = xstrdup("command built from message content");
                p->refused++;
                break;
            }
            plan_step(p, a, COMMIT_DO);
            break;
        case ACT_LOG:
        case ACT_BOUNCE:            /* (never: a bounce decides) */
        case ACT_DEFER:
            plan_step(p, a, COMMIT_DO);
            break;
        }
    }

    if (p->decider) {
        const char *text = p->decider->text && *p->decider->text ? p->decider->text : NULL;

        if (p->decider->kind == ACT_DEFER) {
            p->outcome = COMMIT_DEFERRED;
            status_from_text(&p->st, '4', "4.2.1", text, "deferred by the recipient's rules");
        } else {
            p->outcome = COMMIT_BOUNCED;
            status_from_text(&p->st, '5', "5.7.1", text,
                             "message refused by the recipient's rules");
        }
        return;
    }

    p->keep = 1;
    for (size_t i = 0; i < p->nsteps; i++)
        if (cancels_keep(&p->steps[i]))
            p->keep = 0;
    if (p->keep || p->refused) {
        struct folder f;

        if (!p->deflt_ok) {
            /* The default mailbox cannot even be named: nothing can be
             * done safely. */
            p->outcome = COMMIT_DEFERRED;
            p->st = p->deflt_st;
            return;
        }
        folder_copy(&f, &p->deflt_f);
        p->deflt = plan_target(p, NULL, &f);
        for (size_t i = 0; i < p->nsteps; i++)
            if (p->steps[i].fate == COMMIT_REFUSED)
                p->steps[i].target = p->deflt;
        if (p->keep)
            plan_step(p, NULL, COMMIT_DO)->target = p->deflt;
    } else {
        /* The default mailbox may be a target of its own. */
        for (size_t i = 0; p->deflt_ok && i < p->nt; i++)
            if (same_folder(&p->t[i].f, &p->deflt_f))
                p->deflt = (long)i;
    }
    if (p->nt == 0 && p->nout == 0)
        p->outcome = COMMIT_DISCARDED;
}

void
commit_plan_free(struct commit_plan *p)
{
    for (size_t i = 0; i < p->nsteps; i++) {
        free(p->steps[i].why);
        respond_plan_free(p->steps[i].resp);
    }
    free(p->steps);
    for (size_t i = 0; i < p->nt; i++)
        folder_free(&p->t[i].f);
    free(p->t);
    if (p->deflt_ok)
        folder_free(&p->deflt_f);
    free(p->out);
    free(p->send);
    memset(p, 0, sizeof *p);
    p->deflt = -1;
}
