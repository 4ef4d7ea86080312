/*
 * progtest.h -- the program test (procmail's `* ? program`): run an
 * argv-form program, optionally with the message on its standard input,
 * and judge its exit status.  Same rules as `pipe` (lda/sys/child.h): no
 * shell, the allowlisted environment, no mail group, umask 077, its own
 * process group killed at the timeout; an argv built from message content
 * is refused (taint), and so is an empty argv or one with control
 * characters.
 *
 * progtest_run() returns PROGTEST_TRUE (exit 0), PROGTEST_FALSE (a clean
 * exit 1..125 other than 75: the program's "no"), or PROGTEST_ERROR with
 * *st (refused, could not start, exit 75/126/127, killed by a signal,
 * timed out): the caller treats an error as false and logs it, so a dead
 * checker never triggers the rule's actions.  *exit_code (if not NULL)
 * gets the exit status, or -1 when there is none.
 */
#ifndef WEIR_PROGTEST_H
#define WEIR_PROGTEST_H

#include "child.h"
#include "status.h"

enum { PROGTEST_ERROR = -1, PROGTEST_FALSE = 0, PROGTEST_TRUE = 1 };

struct progtest {
    const char *const *argv;        /* program and arguments */
    int tainted;                    /* some argument came from the message */
    const struct child_input *input; /* the message, or NULL: /dev/null */
    const char *const *env;
    unsigned timeout_sec;
};

int progtest_run(const struct progtest *t, int *exit_code, struct status *st);

#endif
