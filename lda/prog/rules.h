/*
 * rules.h -- loading and running the rules for one delivery: the system
 * ruleset (weir.yaml system_rules, owned by root, compiled cache from
 * `weir compile` in system_cache_dir), then the user's (user_rules,
 * owned by the user, cached in user_cache_dir) unless the system ruleset
 * stopped.
 *
 * rules_run() appends the intended actions to *out.  Every rule file and
 * every file it includes must pass trust_open() (lda/sys/trust.h); a refused
 * or broken user ruleset is logged and skipped (only the system's run;
 * an empty decision ends in implicit keep); a refused or broken system
 * ruleset holds the mail: -1 with *st 4.3.5 naming the first error, as a
 * broken weir.yaml does.  Returns 0, or -1 with *st (always 4.x.x) when
 * the system ruleset cannot be used or a `filter` program failed:
 * nothing has been delivered yet.
 */
#ifndef WEIR_RULES_H
#define WEIR_RULES_H

#include "actions.h"
#include "delivery.h"
#include "rl.h"
#include "status.h"
#include "weir_config.h"

/* How one ruleset was obtained. */
enum rules_load {
    RULES_LOADED = 0,
    RULES_MISSING,          /* no such file: nothing to run */
    RULES_REFUSED,          /* failed an ownership/permission check */
    RULES_BROKEN            /* unreadable or does not compile */
};

/* Load one ruleset for a reader owned by `owner` (root is always
 * accepted): from the cache in cache_dir (may be NULL) when valid, else
 * compiled with includes read through trust_open() (and stored when
 * store is set).  *prog is set for RULES_LOADED only; reasons and
 * compiler diagnostics go to the log, and for RULES_REFUSED/BROKEN the
 * first of them, on one line, is appended to *first (may be NULL). */
enum rules_load rules_load(const char *path, uid_t owner, const char *cache_dir,
                           int store, const struct rl_limits *lim,
                           struct rl_program **prog, struct buf *first);

/* The programs that ran stay in d->prog_sys / d->prog_user until
 * delivery_free() (the actions borrow from them); a second rules_run() on
 * the same delivery frees those of the first, whose action list must be
 * freed before. */
int rules_run(struct delivery *d, struct action_list *out, struct status *st);

#endif
