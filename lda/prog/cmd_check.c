/*
 * cmd_check.c -- `weir check FILE...`: compile each rule file and report
 * every error and warning (file:line:col, the line as written, a caret
 * under the span, a help line) on standard error.  Prints "FILE: ok" on
 * standard output for a file without errors.  Exit 0 when no file has an
 * error (warnings allowed), 1 otherwise, EX_USAGE for a bad command line.
 * Reads only the named files and their includes; writes no cache.
 */
#include "config.h"
#include "commands.h"
#include "rl.h"
#include "rulecache.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

int
cmd_check(int argc, char **argv)
{
    int bad = 0;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fprintf(argc < 2 ? stderr : stdout, "usage: weir check FILE...\n"
                "Compile rule files and report every error; exit 0 when all compile.\n");
        return argc < 2 ? EX_USAGE : 0;
    }
    for (int i = 1; i < argc; i++) {
        struct buf src = BUF_INIT, out = BUF_INIT;
        struct rl_reader rd = { rulecache_read_file, NULL };
        struct rl_diags d;
        struct rl_program *p;
        char err[256];

        if (rulecache_read_file(NULL, argv[i], &src, err, sizeof err) < 0) {
            fprintf(stderr, "%s: error: cannot read: %s\n", argv[i], err);
            buf_free(&src);
            bad = 1;
            continue;
        }
        rl_diags_init(&d);
        p = rl_compile(argv[i], src.data ? src.data : "", src.len, &rd, NULL, &d);
        rl_diags_format(&d, &out);
        if (out.len)
            fputs(out.data, stderr);
        if (p) {
            if (d.nwarnings)
                printf("%s: ok (%zu warning%s)\n", argv[i], d.nwarnings,
                       d.nwarnings == 1 ? "" : "s");
            else
                printf("%s: ok\n", argv[i]);
        } else {
            fprintf(stderr, "%s: %zu error%s\n", argv[i], d.nerrors, d.nerrors == 1 ? "" : "s");
            bad = 1;
        }
        rl_program_free(p);
        rl_diags_free(&d);
        buf_free(&out);
        buf_free(&src);
    }
    fflush(stdout);
    return bad ? 1 : 0;
}
