/*
 * child.h -- running programs for pipe, filter and sendmail (forward,
 * replies, bounces).
 *
 * child_run() forks and execs spec->argv (or "/bin/sh -c spec->command"),
 * with the allowlisted environment spec->env only, no inherited privileges
 * (the setgid mail group is not passed on), umask 077, the message (if
 * any) on its standard input, and its standard output captured into *out
 * when out is not NULL (filter), else discarded.  The child runs in its own
 * process group; when spec->timeout_sec passes, the whole group is killed
 * (SIGTERM, then SIGKILL) and the run is a temporary failure.
 *
 * Returns 0 when the child exited 0; otherwise -1 with *st set: 4.x.x for
 * timeouts, signals, exit 75 and failures to start; 5.x.x only for a clean
 * non-zero exit other than 75 when spec->perm_on_exit is set.  *exit_code
 * (if not NULL) gets the exit status or 128+signal.
 */
#ifndef WEIR_CHILD_H
#define WEIR_CHILD_H

#include "message.h"
#include "status.h"
#include "util.h"

struct child_spec {
    const char *const *argv;    /* program and arguments, or NULL */
    const char *command;        /* run with /bin/sh -c when argv is NULL */
    const char *const *env;     /* "NAME=value" list, NULL-terminated */
    const char *cwd;            /* working directory, or NULL for $HOME */
    unsigned timeout_sec;       /* 0: the configured default */
    size_t out_max;             /* largest output accepted into *out */
    int perm_on_exit;           /* a non-zero exit is permanent */
};

int child_run(const struct child_spec *spec, const struct message *in,
              struct buf *out, int *exit_code, struct status *st);

#endif
