/*
 * commit.h -- what happens to the rules' decision: the plan, and its
 * execution.  The one step that turns a struct action_list
 * (rulelang/actions.h) into deliveries.
 *
 * commit_plan() decides, without performing anything, what will happen
 * to each action: which folder each `file` goes to (resolved by
 * lda/store/folder.c), which actions are refused and why (the default
 * mailbox instead), which are shadow, overridden by a final system
 * decision, cancelled by a `defer` or `bounce`, or suppressed (a reply or
 * fake bounce that will not be sent, and why), whether implicit keep
 * applies, and the outcome.  Its only I/O is what deciding needs: folder
 * names are resolved as strings; a reply or fakebounce reads its state
 * database (lda/resp/respond.h, read-only, nothing created) and is
 * composed in full.  A delivery
 * executes the plan; `weir test` prints it (weir-test(1)), so the two
 * cannot disagree about anything decided before the first write.
 *
 * commit_execute() performs a plan: header edits, folder deliveries,
 * then programs and forwards, with the same fallback rules for failures
 * only the execution meets (a full disk, a lock timeout, a failing pipe).
 * It returns 0 with *st OK when the message was delivered (or explicitly
 * discarded), or -1 with *st: 4.x.x when nothing could be delivered
 * safely (exit 75, nothing left half-written), 5.7.1 for a rule's
 * `bounce`.  It writes the one log line of the message.
 *
 * Semantics (documented in weir(1), DELIVERY):
 *  - shadow actions are only logged;
 *  - `defer` wins over everything (nothing is delivered), then `bounce`;
 *  - folder deliveries are two-phase: every target is prepared (written
 *    and fsynced, mboxes appended and kept locked), then all are
 *    committed; a target that fails is replaced by the default mailbox;
 *    if the default mailbox fails too, every prepared or committed
 *    delivery of this message is taken back and the message deferred;
 *  - implicit keep delivers to the default mailbox unless a file,
 *    discard, forward or pipe action without :copy cancelled it;
 *  - pipe and forward run after every folder delivery is committed; one
 *    that fails sends the message to the default mailbox; a pipe command
 *    or forward address built from message content (ACT_F_TAINTED) is
 *    refused, likewise; a forward adds the loop marker
 *    "X-Loop: <recipient>" and a message that already carries ours is
 *    not forwarded again (refused: a forwarding loop), nor more than
 *    COMMIT_FORWARDS_MAX times;
 *  - reply and fakebounce (lda/resp/respond.h) are sent last, only when
 *    the message was delivered (or explicitly dropped): never for a
 *    message that ends in exit 75, so the MTA's retry answers instead.
 *    A suppressed one (the RFC 3834 rules, already answered, rate limits,
 *    state trouble) is logged with its reason.  A fakebounce without
 *    `copy` drops the message, also when the bounce itself is suppressed
 *    (the rule's decision); when sendmail fails to take the bounce, the
 *    message goes to the default mailbox instead.  A failed reply is
 *    logged and changes nothing else.
 */
#ifndef WEIR_COMMIT_H
#define WEIR_COMMIT_H

#include "actions.h"
#include "delivery.h"
#include "folder.h"
#include "respond.h"
#include "status.h"

#define COMMIT_SUBJECT_LOG_MAX 120  /* bytes of Subject in the log line */
#define COMMIT_LOOP_HEADER "X-Loop"  /* the loop marker a forward adds */
#define COMMIT_FORWARDS_MAX 10      /* forwards one message may make */

/* What the plan does with one action. */
enum commit_fate {
    COMMIT_DO = 1,          /* performed: filed into its folder, run,
                               forwarded, dropped (discard), applied
                               (header edits), logged; a filter already
                               ran during the rules */
    COMMIT_REFUSED,         /* refused (why): the default mailbox instead */
    COMMIT_SUPPRESSED,      /* reply, fakebounce: not sent (why); a
                               fakebounce still drops the message */
    COMMIT_SHADOW,          /* a shadow rule's action: logged only */
    COMMIT_OVERRIDDEN,      /* demoted by a final system decision */
    COMMIT_DECIDES,         /* the defer or bounce that decides */
    COMMIT_CANCELLED        /* not performed: a defer or bounce decided */
};

enum commit_outcome {
    COMMIT_DELIVERED = 1,   /* into folders, programs or forwards */
    COMMIT_DISCARDED,       /* nothing to deliver: an explicit drop */
    COMMIT_DEFERRED,        /* exit 75 */
    COMMIT_BOUNCED          /* exit 77 (5.7.1) */
};

struct commit_step {
    const struct action *a;     /* NULL: the implicit keep */
    enum commit_fate fate;
    char *why;                  /* REFUSED, SUPPRESSED: the reason */
    struct resp_plan *resp;     /* reply, fakebounce (DO, SUPPRESSED): the
                                   planned answer (respond.h), or NULL */
    long target;                /* index in ->t (file, keep, a refusal's
                                   default mailbox), else -1 */
};

struct commit_target {
    const struct action *a;     /* the first file action naming it; NULL
                                   for the default mailbox */
    struct folder f;
};

struct commit_plan {
    enum commit_outcome outcome;
    struct status st;               /* DEFERRED, BOUNCED: why (the line
                                       the MTA shows) */
    const struct action *decider;   /* the defer or bounce, or NULL */
    int keep;                       /* implicit keep applies */
    size_t refused;                 /* actions refused (default mailbox) */
    struct commit_step *steps;      /* one per action, in order, then the
                                       implicit keep when it applies */
    size_t nsteps;
    struct commit_target *t;        /* distinct folders to deliver to */
    size_t nt;
    long deflt;                     /* the default mailbox in ->t, or -1 */
    int deflt_ok;                   /* the default mailbox can be named: */
    struct folder deflt_f;          /* its folder (a runtime fallback), */
    struct status deflt_st;         /* else why not */
    size_t *out;                    /* steps to run after the folders
                                       (pipe, forward), in rule order */
    size_t nout;
    size_t *send;                   /* replies and fake bounces to send
                                       last, in rule order */
    size_t nsend;
};

/* Decide (see above).  l must have had actions_enforce_final() applied
 * (the caller logs what it overrode).  The plan borrows l's actions. */
void commit_plan(const struct delivery *d, const struct action_list *l,
                 struct commit_plan *p);
void commit_plan_free(struct commit_plan *p);

/* "performed", "refused", "suppressed", "shadow", "overridden",
 * "decides", "cancelled" (weir test's JSON "plan" member). */
const char *commit_fate_name(enum commit_fate f);
/* "delivered", "discarded", "deferred", "bounced". */
const char *commit_outcome_name(enum commit_outcome o);

/* The value of the loop marker this delivery adds to what it forwards
 * ("X-Loop: <value>"): the envelope recipient when it is printable
 * ASCII without blanks, else the login.  Allocated. */
char *commit_loop_value(const struct delivery *d);

/* Perform the plan (see above); the action list it was made from must
 * still be alive. */
int commit_execute(struct delivery *d, const struct commit_plan *p, struct status *st);

/* commit_plan() then commit_execute() (test drivers). */
int commit_run(struct delivery *d, const struct action_list *l, struct status *st);

#endif
