/*
 * bi_program.c -- builtin test `program` (procmail's `* ? program`): run
 * a program and test its exit status, for what no builtin covers
 * (`spamc -c`, a whitelist checker).
 *
 *   program "CMD ARGS" [with message]         argv form: split at blanks,
 *                                             no shell
 *   program shell "COMMAND" [with message]    through /bin/sh -c
 *
 * True when the program exits 0; false for any other ordinary exit (its
 * "no"); undecided -- false, logged -- when it is refused (an argument
 * built from the message: taint), cannot start, exits 75, 126 or 127, is
 * killed or times out, so a dead checker never triggers the rule's
 * actions.  `with message` gives it the message on standard input
 * (otherwise /dev/null).  ${program.status} is the exit status of the
 * last program run.  It runs through the host (hostsvc.h,
 * HOSTSVC_PROGRAM) under the same rules as `pipe`: the allowlisted
 * environment, no mail group, the child timeout; `weir test` runs it only
 * with --run-programs.
 */
#include "config.h"
#include "hostsvc.h"
#include "registry.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRAM_ARGS_MAX 32

enum { P_ARGV = 1, P_SHELL };

static const struct rl_bi_form forms[] = {
    { "shell STR [with message]", P_SHELL },
    { "STR [with message]", P_ARGV },
    { NULL, 0 }
};

static const char *const facts[] = { "status", NULL };

static const char *
prog_check(const struct rl_bi_call *call, const char **help)
{
    const char *s = call->arg[0];

    if (s == NULL)              /* built at run time */
        return NULL;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0') {
        *help = "e.g. program \"/usr/bin/spamc -c\" with message";
        return "the program test needs a command";
    }
    return NULL;
}

static int
prog_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    const struct hostsvc_program *api = rl_bi_module(env, HOSTSVC_PROGRAM);
    const char *argv[PROGRAM_ARGS_MAX + 1];
    char *copy, *save = NULL, code[16];
    size_t n = 0;
    struct status st;
    int rc, ec = -1;

    if (api == NULL || call->arg[0] == NULL)
        return -1;
    copy = xstrdup(call->arg[0]);
    if (call->id == P_SHELL) {
        argv[n++] = "/bin/sh";
        argv[n++] = "-c";
        argv[n++] = copy;
    } else {
        for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
            if (n == PROGRAM_ARGS_MAX) {
                rl_bi_log(env, RL_LOG_WARN, "program: more than %d arguments", PROGRAM_ARGS_MAX);
                free(copy);
                return -1;
            }
            argv[n++] = w;
        }
    }
    argv[n] = NULL;
    status_ok(&st);
    rc = api->run(env->host->ctx, argv, call->taint, (call->flags & 1u) != 0, &ec, &st);
    free(copy);
    if (ec >= 0) {
        snprintf(code, sizeof code, "%d", ec);
        rl_bi_export(r, "status", code, strlen(code));
    }
    if (rc < 0) {
        rl_bi_log(env, RL_LOG_WARN, "program test: %s (the test is false)", st.text);
        return -1;
    }
    rl_bi_note(r, "exit %d", ec);
    rl_bi_true(r, rc == 1);
    return 0;
}

const struct rl_builtin rl_bi_program_def = {
    .name = "program",
    .summary = "the exit status of a program (0: true), e.g. spamc -c",
    .forms = forms,
    .facts = facts,
    .check = prog_check,
    .eval = prog_eval,
};
