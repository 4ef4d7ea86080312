/*
 * dynload.h -- on-demand loading of weir's private modules.
 *
 * Linking libarchive, libmagic, libdb or libpsl into weir would cost every
 * delivery millions of instructions before main() (shared/design.md,
 * Performance budget).  Each heavy library is linked only into a private
 * module (weir_archive.so, weir_magic.so, weir_db.so, weir_psl.so,
 * installed in $(pkglibdir)) that exports one `const struct weir_module
 * weir_module`.  dynload_module() dlopen()s it the first time a message
 * needs it.
 *
 * The module directory is fixed at build time.  WEIR_MODULEDIR overrides it
 * only when weir runs without elevated privileges (real ids equal effective
 * ids), for the in-tree test suite.
 *
 * dynload_module() returns the module, or NULL with *st set (4.3.0: a
 * missing module is an installation problem; the message is kept).
 */
#ifndef WEIR_DYNLOAD_H
#define WEIR_DYNLOAD_H

#include "status.h"

#define WEIR_MODULE_ABI 1

struct weir_module {
    int abi;                        /* WEIR_MODULE_ABI */
    const char *name;               /* "archive", "magic", "db", "psl" */
    const char *(*lib_version)(void);
    const void *api;                /* module-specific table, see its header */
};

const struct weir_module *dynload_module(const char *name, struct status *st);
/* The module's api table for the rule language's host (struct rl_host's
 * `module`): loaded on first use; NULL, with a warning logged, when it
 * cannot be.  ctx is unused. */
const void *dynload_api(void *ctx, const char *name);
/* Names of all modules, NULL-terminated (for --version). */
extern const char *const dynload_names[];
/* Whether a module is currently loaded (for tests of laziness). */
int dynload_is_loaded(const char *name);

#endif
