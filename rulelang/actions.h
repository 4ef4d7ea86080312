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

enum action_kind {
    ACT_FILE = 1,       /* deliver into folder `target` (Maildir if it ends in
                           "/", MH if "/.", else mbox); cancels implicit keep
                           unless ACT_F_COPY */
    ACT_DISCARD,        /* drop the message (explicit user decision) */
    ACT_BOUNCE,         /* refuse permanently; `text` is the reason */
    ACT_DEFER,          /* exit 75: keep in the MTA queue; `text` reason */
    ACT_FAKEBOUNCE,     /* send a fake "user unknown" DSN to the sender, drop */
    ACT_REPLY,          /* auto-reply: `text` body, `subject`, `days`,
                           `target` optional From address */
    ACT_FORWARD,        /* resend to `target` address; cancels keep unless COPY */
    ACT_PIPE,           /* run `target` with the message on stdin; delivering
                           (cancels keep) unless COPY */
    ACT_FILTER,         /* run `target`, its output replaces the message (done
                           during the run through the host; recorded here) */
    ACT_HEADER_ADD,     /* add `name`: `text` */
    ACT_HEADER_SET,     /* replace every `name` with one `name`: `text` */
    ACT_HEADER_REMOVE,  /* remove every `name` */
    ACT_LOG             /* write `text` to the log */
};

#define ACT_F_COPY    0x01u  /* does not cancel implicit keep (Sieve :copy) */
#define ACT_F_SHADOW  0x02u  /* rule in shadow mode: log only, never performed */
#define ACT_F_FINAL   0x04u  /* chosen by the system ruleset as final: the
                                user's rules cannot undo it */
#define ACT_F_SYSTEM  0x08u  /* chosen by the system ruleset */
#define ACT_F_OVERRIDDEN 0x20u /* demoted by a final system decision
                                (actions_enforce_final; also SHADOW) */
#define ACT_F_TAINTED 0x10u  /* `target` contains text interpolated from the
                                message or envelope (captures, header values,
                                $EXTENSION...): lda/ must confine a tainted
                                folder to the mail root and refuse unsafe
                                names (falling back to the default mailbox) */

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
