/*
 * actions.h -- the list of *intended actions* a rule run produces.
 *
 * This is the one contract between rulelang/ (which decides) and lda/
 * (which alone performs).  The VM appends actions in the order rules chose
 * them; lda/ commits them (deliveries first, then outgoing mail); `weir
 * test` prints them.  Nothing here performs anything.
 *
 * Strings in a struct action are owned by the list (freed by
 * actions_free); `rule`, `file` point into the compiled program and are
 * borrowed (valid while the program is loaded).
 */
#ifndef WEIR_ACTIONS_H
#define WEIR_ACTIONS_H

#include <stddef.h>

/* Action properties (the props column of actions.def). */
#define ACT_P_KEEP    0x01u  /* cancels implicit keep (unless ACT_F_COPY) */
#define ACT_P_DROP    0x02u  /* drops the message (discard, bounce, defer,
                                fakebounce) */
#define ACT_P_REFUSE  0x04u  /* refuses it to the MTA (bounce, defer) */
#define ACT_P_OUTWARD 0x08u  /* delivers or sends it somewhere */
#define ACT_P_COPY    0x10u  /* `copy` may precede it */
#define ACT_P_HEADER  0x20u  /* a header edit: `name` and maybe `text` */

/* What an ACTION instruction's operands c and d carry (actions.def). */
enum act_opnd {
    ACT_O_NONE = 0,     /* no constant (RL_NONE) */
    ACT_O_TARGET,       /* required: folder, address or command -> target */
    ACT_O_NAME,         /* required: a header name -> name */
    ACT_O_SUBJECT,      /* optional: one line -> subject */
    ACT_O_TEXT,         /* required: one line -> text */
    ACT_O_TEXT_OPT,     /* optional: one line -> text */
    ACT_O_BODY          /* required: lines of text -> text */
};

/* The kinds, in the order of rulelang/actions.def, from 1 (0 is never an
 * action).  ACT_COUNT is one past the last. */
enum {
    ACT_INDEX_NONE_ = 0,
#define ACTION(k, ...) ACT_INDEX_##k,
#include "actions.def"
#undef ACTION
    ACT_INDEX_COUNT_
};
enum action_kind {
#define ACTION(k, ...) ACT_##k = ACT_INDEX_##k,
#include "actions.def"
#undef ACTION
};
#define ACT_COUNT ((unsigned)ACT_INDEX_COUNT_)

/* One row of actions.def. */
struct action_info {
    const char *name;           /* "header add" */
    const char *word, *sub;     /* keywords: "header", "add" (sub may be NULL) */
    const char *yaml;           /* "header_add" */
    unsigned props;             /* ACT_P_* */
    enum act_opnd c, d;
    const char *c_expected, *c_help, *d_expected, *d_help;
};

/* The row of kind k, or NULL when k is not an action kind.  Rows 1 ..
 * ACT_COUNT - 1 of actions_table are the kinds. */
extern const struct action_info actions_table[ACT_COUNT];
const struct action_info *actions_info(unsigned k);
/* actions_info(k)->props, or 0 for a bad k. */
unsigned actions_props(unsigned k);

#define ACT_F_COPY    0x01u  /* does not cancel implicit keep (Sieve :copy) */
#define ACT_F_SHADOW  0x02u  /* rule in shadow mode: log only, never performed */
#define ACT_F_FINAL   0x04u  /* chosen by the system ruleset as final: the
                                user's rules cannot undo it */
#define ACT_F_SYSTEM  0x08u  /* chosen by the system ruleset */
#define ACT_F_OVERRIDDEN 0x20u /* demoted by a final system decision
                                (actions_enforce_final; also SHADOW) */
#define ACT_F_ELSE_DEFER 0x40u /* `filter ... else defer`: its failure
                                  deferred the message */
#define ACT_F_APPLIED 0x80u  /* a header edit that a later filter's output
                                already holds (the filter read the edited
                                message): lda/ does not apply it again */
#define ACT_F_TAINTED 0x10u  /* `target` contains text interpolated from the
                                message or envelope (captures, header values,
                                $EXTENSION...): lda/ must confine a tainted
                                folder to the mail root and refuse unsafe
                                names (falling back to the default mailbox) */

/* What each kind means (who performs it, which fields it uses) is in
 * rulelang/actions.def. */
struct action {
    enum action_kind kind;
    unsigned flags;
    char *target;       /* folder, address or command (after interpolation;
                           "~" and relative paths are resolved by lda/) */
    char *text;         /* bounce/defer/log text, reply body, header value */
    char *name;         /* header name for header edits */
    char *subject;      /* reply subject, or NULL for "Re: <subject>" */
    long days;          /* reply: at most one reply per sender per `days` */
    const char *rule;   /* name of the rule that chose it, or NULL */
    const char *file;   /* source file and line of the statement */
    int line;
};

struct score_reason {
    double points;
    char *reason;
    const char *rule;
    int line;
};

struct action_list {
    struct action *v;
    size_t n, cap;
    double score;
    struct score_reason *reasons;
    size_t nreasons, capreasons;
    int stopped;        /* a `stop` ended the run */
    int system_stopped; /* the system ruleset stopped: user rules not run */
};

void actions_init(struct action_list *l);
/* Append a copy of *a (strings duplicated); returns the new element. */
struct action *actions_add(struct action_list *l, const struct action *a);
void actions_add_score(struct action_list *l, double points, const char *reason,
                       const char *rule, int line);
/* Whether any non-shadow action cancels implicit keep. */
int actions_cancel_keep(const struct action_list *l);
const char *actions_kind_name(enum action_kind k);
/* Make the system ruleset's `final` decisions stick: while the list holds
 * a final system action, the user's bounce and defer (which would stop
 * every delivery) are demoted to log-only (ACT_F_SHADOW | ACT_F_OVERRIDDEN);
 * when a final system action drops the message (discard, bounce, defer,
 * fakebounce), so are the user's delivering and outgoing actions (file,
 * forward, pipe, reply).  Returns how many actions were demoted. */
size_t actions_enforce_final(struct action_list *l);
void actions_free(struct action_list *l);

#endif
