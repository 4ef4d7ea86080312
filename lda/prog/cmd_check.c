/*
 * cmd_check.c -- `weir check FILE...`: compile each rule file and report
 * every error and warning (file:line:col, the line as written, a caret
 * under the span, a help line) on standard error.  Prints "FILE: ok" on
 * standard output for a file without errors.  Exit 0 when no file has an
 * error (warnings allowed), 1 otherwise, EX_USAGE for a bad command line.
 * Reads only the named files and their includes; writes no cache.
 *
 * The file and every include also get delivery's trust checks
 * (lda/sys/trust.h) for the caller's uid: a file a delivery would refuse
 * (group-writable, someone else's, in a writable directory) is an error,
 * with the exact chmod/chown that fixes it.
 */
#include "config.h"
#include "commands.h"
#include "rl.h"
#include "rulecache.h"
#include "trust.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

struct check_ctx {
    struct buf out;             /* refusals, formatted */
    size_t nrefused;
};

/* Delivery's trust check on path; a refusal is formatted into c->out:
 *   PATH: error: group-writable: a delivery refuses this file ...
 *     = help: chmod go-w PATH */
static void
trust_check(struct check_ctx *c, const char *path)
{
    struct buf why = BUF_INIT;
    const char *msg, *fix;
    size_t plen = strlen(path), mlen;
    int fd, rc = trust_open(path, getuid(), &fd, &why);

    if (rc == 0)
        close(fd);
    if (rc == 0 || rc == TRUST_MISSING) {
        buf_free(&why);
        return;
    }
    msg = why.data ? why.data : "not trusted";
    if (strncmp(msg, path, plen) == 0 && strncmp(msg + plen, ": ", 2) == 0)
        msg += plen + 2;        /* trust.c names the file first */
    fix = strstr(msg, " (chmod ");
    mlen = fix ? (size_t)(fix - msg) : strlen(msg);
    buf_printf(&c->out, "%s: error: %.*s: a delivery refuses this file, so its rules "
               "would not run\n", path, (int)mlen, msg);
    if (fix) {
        const char *end = strrchr(fix, ')');

        buf_printf(&c->out, "  = help: %.*s\n",
                   (int)(end ? (size_t)(end - (fix + 2)) : strlen(fix + 2)),
                   fix + 2);
    } else if (strstr(msg, "owned by uid") != NULL && strncmp(msg, "directory", 9) != 0) {
        struct passwd *pw = getpwuid(getuid());

        if (pw)
            buf_printf(&c->out, "  = help: chown %s %s (as root)\n", pw->pw_name, path);
    }
    c->nrefused++;
    buf_free(&why);
}

/* rl_reader for includes: read as weir check always did, and note what a
 * delivery would refuse. */
static int
check_read(void *ctx, const char *path, struct buf *out, char *err, size_t errlen)
{
    trust_check(ctx, path);
    return rulecache_read_file(NULL, path, out, err, errlen);
}

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
        struct check_ctx cc = { BUF_INIT, 0 };
        struct rl_reader rd = { check_read, &cc };
        struct rl_diags d;
        struct rl_program *p;
        char err[256];

        if (rulecache_read_file(NULL, argv[i], &src, err, sizeof err) < 0) {
            fprintf(stderr, "%s: error: cannot read: %s\n", argv[i], err);
            buf_free(&src);
            bad = 1;
            continue;
        }
        trust_check(&cc, argv[i]);
        rl_diags_init(&d);
        p = rl_compile(argv[i], src.data ? src.data : "", src.len, &rd, NULL, &d);
        rl_diags_format(&d, &out);
        if (out.len)
            fputs(out.data, stderr);
        if (cc.out.len)
            fputs(cc.out.data, stderr);
        if (p && cc.nrefused) {
            fprintf(stderr, "%s: refused: %zu file%s a delivery would not read\n", argv[i],
                    cc.nrefused, cc.nrefused == 1 ? "" : "s");
            bad = 1;
        } else if (p) {
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
        buf_free(&cc.out);
    }
    fflush(stdout);
    return bad ? 1 : 0;
}
