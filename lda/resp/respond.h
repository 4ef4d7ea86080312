/*
 * respond.h -- the responders of one delivery: the bridge between a
 * delivery's state (lda/prog/delivery.h) and the vacation replies and
 * fake bounces of lda/resp/responder.h.
 *
 * respond_plan() plans one `reply` or `fakebounce` action without
 * changing anything (the state databases are only read, and not created
 * when absent): the composed message and, when it will not be sent, the
 * reason (resp_plan.why).  commit_plan() calls it, so `weir test` shows
 * exactly the text and the reason a delivery would use.  The returned
 * plan is allocated; free it with respond_plan_free().
 *
 * respond_send() sends a planned answer after the folder deliveries
 * (commit.c): it claims the state record, runs the configured sendmail
 * and records the answer only when sendmail accepted it.  Returns 1 sent,
 * 0 not sent now (plan->why says why: another delivery answered meanwhile,
 * the hourly cap, state trouble -- fail-closed), -1 sendmail failed (*st).
 *
 * The user's identity for the suppression rules: the login, the envelope
 * recipient, the local domains (the recipient's domain and this host's
 * name) and nothing else yet.
 *
 * SECURITY: see responder.h: the answer goes only to a plain envelope
 * sender, through argv, with the delivery's allowlisted environment; a
 * From address built from message content is refused.
 */
#ifndef WEIR_RESPOND_H
#define WEIR_RESPOND_H

#include "actions.h"
#include "responder.h"
#include "status.h"

struct delivery;

#define RESPOND_HOST_MAX 256        /* bytes of this host's name */

struct resp_plan *respond_plan(const struct delivery *d, const struct action *a);
/* The user's state directory (weir.yaml state_dir, "~/" expanded):
 * allocated. */
char *respond_state_dir(const struct delivery *d);
/* The child timeout in seconds (weir.yaml child_timeout). */
unsigned respond_timeout_sec(const struct delivery *d);

/* The rule host's module callback (struct rl_host.module): the services
 * of builtins/hostsvc.h (lda/resp/hostsvc.c), else a private module. */
const void *hostsvc_module(void *ctx, const char *name);
void respond_plan_free(struct resp_plan *p);
int respond_send(const struct delivery *d, struct resp_plan *p, struct status *st);

#endif
