/*
 * flow.h -- the order of one delivery, above the state (delivery.h), the
 * rules (rules.h, host.h) and the commit (commit.h):
 *
 *   flow_prepare:  the user, the hold file (before anything of the user's
 *                  is read), ~/.weir/config.yaml, the message, the
 *                  envelope;
 *   flow_deliver:  flow_prepare, the rules, the system ruleset's final
 *                  decisions, the plan (commit_plan), its execution
 *                  (commit_execute).
 *
 * `weir test` (lda/tester/) takes the same steps up to the plan and
 * prints it instead of executing it.
 *
 * Both return 0 with *st OK, or -1 with *st saying why (the caller, main(),
 * maps it to an exit code).  No path through them loses the message: it
 * is delivered, explicitly dropped by a rule, or *st is temporary.
 */
#ifndef WEIR_FLOW_H
#define WEIR_FLOW_H

#include "delivery.h"
#include "status.h"

int flow_prepare(struct delivery *d, int fd, struct status *st);
int flow_deliver(struct delivery *d, int fd, struct status *st);

#endif
