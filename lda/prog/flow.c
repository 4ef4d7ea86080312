/*
 * flow.c -- the order of one delivery (see flow.h).
 *
 * Entry points: flow_prepare(), flow_deliver().  Order (weir(1),
 * PRIVILEGES): the user, then the hold file (before anything of the
 * user's is read), then ~/.weir/config.yaml (ignored with a log line when
 * broken), then the message and its envelope, then the rules
 * (lda/prog/rules.c through lda/prog/host.c), then the plan and its
 * execution (lda/prog/commit.c).
 */
#include "config.h"
#include "flow.h"
#include "actions.h"
#include "commit.h"
#include "host.h"
#include "log.h"
#include "rules.h"
#include "trust.h"
#include "util.h"

#include <stdlib.h>

int
flow_prepare(struct delivery *d, int fd, struct status *st)
{
    status_ok(st);
    if (d->cfg == NULL) {
        d->cfg = xmalloc(sizeof *d->cfg);
        config_defaults(d->cfg);
        d->cfg_owned = 1;
    }
    if (delivery_find_user(d, st) < 0)
        return -1;
    /* A user editing rules holds mail with ~/.weir/hold: checked before
     * anything of theirs is read. */
    if (trust_hold(d->cfg->hold_file, d->home, st) < 0) {
        msg_info("to=<%s> status=deferred (%s %s)", d->user, st->code, st->text);
        return -1;
    }
    delivery_configure(d, 1);
    if (delivery_read_message(d, fd, st) < 0) {
        msg_warn("message not accepted: %s %s", st->code, st->text);
        return -1;
    }
    host_envelope(d, HOST_FROM_MTA, NULL);
    return 0;
}

int
flow_deliver(struct delivery *d, int fd, struct status *st)
{
    struct action_list actions;
    struct commit_plan plan;
    int rc;

    if (flow_prepare(d, fd, st) < 0)
        return -1;
    actions_init(&actions);
    /* The rules decide (lda/prog/rules.h); -1 means a filter program
     * failed: a temporary failure with nothing delivered. */
    if (rules_run(d, &actions, st) < 0) {
        msg_warn("to=<%s> status=deferred (%s %s)", d->user, st->code, st->text);
        actions_free(&actions);
        return -1;
    }
    if (actions_enforce_final(&actions) > 0)
        msg_info("to=<%s> the system rules' final decision overrides some of the user's actions",
                 d->user);
    commit_plan(d, &actions, &plan);
    rc = commit_execute(d, &plan, st);
    commit_plan_free(&plan);
    actions_free(&actions);
    return rc;
}
