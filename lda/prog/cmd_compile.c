/*
 * cmd_compile.c -- `weir compile --cache-dir DIR FILE...`: precompile rule
 * files (typically /etc/weir/system.rules, as root) into DIR, where
 * delivery finds them (rulecache.h).  Reports errors like `weir check`.
 * Exit 0 when every file compiled and was stored, 1 otherwise, EX_USAGE
 * for a bad command line.
 *
 * SECURITY: the cache files are written 0644 by the invoking user; the
 * directory is created 0700 when missing (make it root-owned and
 * world-readable yourself when users' deliveries must read it).
 */
#include "config.h"
#include "commands.h"
#include "rl.h"
#include "rulecache.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

int
cmd_compile(int argc, char **argv)
{
    static const struct option lo[] = {
        { "cache-dir", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *dir = NULL;
    int c, bad = 0;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+o:h", lo, NULL)) != -1) {
        switch (c) {
        case 'o':
            dir = optarg;
            break;
        case 'h':
            printf("usage: weir compile --cache-dir DIR FILE...\n");
            return 0;
        default:
            return EX_USAGE;
        }
    }
    if (dir == NULL || optind >= argc) {
        fprintf(stderr, "usage: weir compile --cache-dir DIR FILE...\n");
        return EX_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        struct rl_diags d;
        struct buf out = BUF_INIT;
        struct status st;
        enum rulecache_result how;
        struct rl_program *p;

        /* deliveries name the rules by absolute path, and the cache key
         * records source paths: compile under the same spelling */
        char *abs = realpath(argv[i], NULL);
        const char *path = abs ? abs : argv[i];

        rl_diags_init(&d);
        p = rulecache_get(path, NULL, 0, NULL, &d, &how, &st);
        rl_diags_format(&d, &out);
        if (out.len)
            fputs(out.data, stderr);
        if (p == NULL) {
            fprintf(stderr, "%s: error: %s\n", argv[i], st.text);
            bad = 1;
        } else if (rulecache_store(dir, path, p, &st) < 0) {
            fprintf(stderr, "%s: error: %s\n", argv[i], st.text);
            bad = 1;
        } else {
            char *f = rulecache_file(dir, path);
            printf("%s: compiled into %s\n", argv[i], f);
            free(f);
        }
        free(abs);
        rl_program_free(p);
        rl_diags_free(&d);
        buf_free(&out);
    }
    fflush(stdout);
    return bad;
}
