/*
 * weir_test_vm.c -- TEST HARNESS: `weir test` (lda/cmd_test.c, unchanged)
 * linked with the real rule compiler and VM, and with the rule-language
 * test double of builtins/mailparse.h (tests/rulelang/mp_double.c),
 * because the VM cannot link into weir until branch `builtins` is merged.
 * Lets tests/tester/vm.sh run suites, traces and the side-effect checks
 * with real rules today.  At that merge, vm.sh switches to $WEIR and this
 * file goes.  Never installed.
 */
#include "config.h"
#include "commands.h"
#include "log.h"
#include "rl.h"

#include <stddef.h>

/* lda/tester.c refers to the rule language weakly; these strong
 * references pull the compiler and the VM out of libweir.a. */
static struct rl_program *(*volatile use_compile)(const char *, const char *, size_t,
    const struct rl_reader *, const struct rl_limits *, struct rl_diags *) = rl_compile;
static int (*volatile use_run)(const struct rl_program *, const struct rl_program *,
    struct rl_msg *, const struct rl_host *, const struct rl_limits *,
    struct action_list *, const struct rl_trace *, struct status *) = rl_run_chain;
static void (*volatile use_free)(struct rl_program *) = rl_program_free;
static void (*volatile use_format)(const struct rl_diags *, struct buf *) = rl_diags_format;

int
main(int argc, char **argv)
{
    if (!use_compile || !use_run || !use_free || !use_format)
        return 70;
    log_open("weir", LOG_DEST_STDERR, NULL);
    return cmd_test(argc, argv);
}
