/*
 * hostsvc.h -- services weir's host gives builtins that need the delivery
 * itself (its state databases, its programs), asked for by name like a
 * private module: rl_bi_module(env, HOSTSVC_DUPLICATE) returns a const
 * struct hostsvc_duplicate *, rl_bi_module(env, HOSTSVC_PROGRAM) a const
 * struct hostsvc_program *, or NULL when the host has none (a bare
 * library user: the test is then undecided, i.e. false).  Every function
 * takes the host's context, env->host->ctx.
 *
 * The host (lda/prog/host.c through lda/resp/hostsvc.c) implements them:
 * builtins stay pure functions of what the host answers, and nothing here
 * writes before the message is delivered.
 */
#ifndef WEIR_HOSTSVC_H
#define WEIR_HOSTSVC_H

#include "status.h"

#define HOSTSVC_DUPLICATE "duplicate"
#define HOSTSVC_PROGRAM   "program"

struct hostsvc_duplicate {
    /* Has this user received this message within `days` days?  key is
     * the rule's key text, or NULL for the message's Message-ID.  1 seen,
     * 0 not (also: no Message-ID and no key -- never a duplicate), -1
     * with *st when the state cannot be read (the caller treats it as not
     * seen: a broken database must not throw mail away).  A key not seen
     * is remembered and recorded only once the message is delivered (a
     * delivery that ends in exit 75 records nothing). */
    int (*seen)(void *host_ctx, const char *key, long days, struct status *st);
};

struct hostsvc_program {
    /* Run argv (argv[0] an absolute path, or "/bin/sh" "-c" CMD for the
     * shell form), with the message on standard input when with_message,
     * under the same rules as `pipe` (allowlisted environment, no mail
     * group, the child timeout; tainted: refused).  1 exit 0, 0 a clean
     * non-zero exit ("no"), -1 with *st (refused, could not start, 75,
     * 126, 127, a signal, the timeout; or not run: `weir test` without
     * --run-programs).  *exit_code gets the status, or -1. */
    int (*run)(void *host_ctx, const char *const *argv, int tainted, int with_message,
               int *exit_code, struct status *st);
};

#endif
