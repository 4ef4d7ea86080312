/*
 * rl_bench.c -- rule-language benchmark: compile time, cached-load time
 * (rl_load of the image, and rulecache_load including the source-hash key
 * check) and evaluation cost per message; and whether PCRE2 JIT pays for
 * weir's one-process-per-message pattern.  Prints numbers; not part of
 * make check.  Build: make bench/rl_bench.  Run: bench/run.sh.
 *
 * usage: rl_bench RULES MESSAGE...
 */
#include "config.h"
#include "rl_int.h"
#include "rulecache.h"
#include "message.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REPS 21

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmpd);
    return v[n / 2];
}

struct bodyctx { const struct message *m; struct buf b; int got; };

static int
get_body(void *ctx, const char **p, size_t *n)
{
    struct bodyctx *c = ctx;
    if (!c->got) {
        char tmp[8192];
        size_t off = c->m->header_len;
        ssize_t r;
        while ((r = message_pread(c->m, tmp, sizeof tmp, off)) > 0) {
            buf_add(&c->b, tmp, (size_t)r);
            off += (size_t)r;
        }
        c->got = 1;
    }
    *p = c->b.data ? c->b.data : "";
    *n = c->b.len;
    return 0;
}

int
main(int argc, char **argv)
{
    struct buf src = BUF_INIT, img = BUF_INIT;
    char err[256];
    double t[REPS];
    struct rl_program *p = NULL, *q;
    struct status st;
    struct rl_reader rd = { rulecache_read_file, NULL };

    if (argc < 3) {
        fprintf(stderr, "usage: rl_bench RULES MESSAGE...\n");
        return 2;
    }
    if (rulecache_read_file(NULL, argv[1], &src, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], err);
        return 1;
    }
    for (int i = 0; i < REPS; i++) {
        double a = now();
        q = rl_compile(argv[1], src.data, src.len, &rd, NULL, NULL);
        t[i] = now() - a;
        if (q == NULL) {
            fprintf(stderr, "%s does not compile\n", argv[1]);
            return 1;
        }
        if (p)
            rl_program_free(p);
        p = q;
    }
    printf("%-28s %zu bytes, %zu instructions, %zu constants\n", argv[1], src.len,
           p->ncode, p->nk);
    printf("  compile (parse+codegen+regex)   %9.1f us\n", median(t, REPS) * 1e6);
    rl_serialize(p, &img);
    for (int i = 0; i < REPS; i++) {
        double a = now();
        if (rl_load(img.data, img.len, NULL, &q, &st) < 0)
            return 1;
        t[i] = now() - a;
        rl_program_free(q);
    }
    printf("  cached load (verify %6zu B)    %9.1f us\n", img.len, median(t, REPS) * 1e6);
    {
        char dir[] = "/tmp/rl-bench-XXXXXX";
        char *cf;
        if (mkdtemp(dir) == NULL || rulecache_store(dir, argv[1], p, &st) < 0)
            return 1;
        cf = rulecache_file(dir, argv[1]);
        for (int i = 0; i < REPS; i++) {
            double a = now();
            if (rulecache_load(cf, NULL, &q, &st) < 0)
                return 1;
            t[i] = now() - a;
            rl_program_free(q);
        }
        printf("  cache file load (+read, key)    %9.1f us\n", median(t, REPS) * 1e6);
        unlink(cf);
        rmdir(dir);
        free(cf);
    }

    /* evaluation per message: each message run once per "process" with a
     * freshly loaded program (regexes compiled lazily, as in delivery) */
    {
        double total = 0, tcold = 0, *per = xcalloc((size_t)argc, sizeof *per);
        int nmsg = 0;
        for (int a = 2; a < argc; a++) {
            struct message m;
            struct intake_limits il;
            int fd = open(argv[a], O_RDONLY);
            if (fd < 0)
                continue;
            message_limits_default(&il);
            il.spool_dir = "/tmp";
            if (message_read(&m, fd, &il, &st) < 0) {
                close(fd);
                continue;
            }
            close(fd);
            for (int r = 0; r < 3; r++) {
                struct rl_msg msg;
                struct bodyctx bc = { &m, BUF_INIT, 0 };
                struct action_list out;
                if (rl_load(img.data, img.len, NULL, &q, &st) < 0)
                    return 1;
                memset(&msg, 0, sizeof msg);
                msg.header = m.header;
                msg.header_len = m.header_len;
                msg.size = m.len;
                msg.get_body = get_body;
                msg.body_ctx = &bc;
                msg.envelope_from = m.from_sender ? m.from_sender : "x@example.net";
                msg.envelope_to = "user+tag3@example.org";
                msg.user = "user";
                actions_init(&out);
                double s = now();
                rl_run(q, &msg, NULL, NULL, &out, NULL, &st);
                double e = now() - s;
                if (r == 0) {
                    tcold += e;
                    per[nmsg] = e;
                }
                else
                    total += e;
                actions_free(&out);
                buf_free(&bc.b);
                rl_program_free(q);
            }
            message_free(&m);
            nmsg++;
        }
        if (nmsg) {
            printf("  run per message (%d messages)  mean %9.1f us (first run, regexes compiled lazily)\n",
                   nmsg, tcold / nmsg * 1e6);
            printf("                                 median %7.1f us; later runs mean %.1f us\n",
                   median(per, nmsg) * 1e6, total / (2.0 * nmsg) * 1e6);
        }
        free(per);
    }

    /* JIT: does it pay when each process matches each regex about once? */
    {
        double tc = 0, tj = 0, mi = 0, mj = 0;
        int nre = 0;
        const char *subj = "Wine Announcements <wine-announce.winehq.com>";
        for (size_t i = 0; i < p->nk; i++) {
            pcre2_code *re;
            pcre2_match_data *md;
            int ec;
            PCRE2_SIZE off;
            double a;
            if (p->k[i].kind != RL_K_REGEX)
                continue;
            a = now();
            re = pcre2_compile((PCRE2_SPTR)p->k[i].s, p->k[i].len,
                               rl_regex_options(p->k[i].flags), &ec, &off, NULL);
            tc += now() - a;
            md = pcre2_match_data_create_from_pattern(re, NULL);
            a = now();
            pcre2_match(re, (PCRE2_SPTR)subj, strlen(subj), 0, 0, md, NULL);
            mi += now() - a;
            a = now();
            pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
            tj += now() - a;
            a = now();
            pcre2_match(re, (PCRE2_SPTR)subj, strlen(subj), 0, 0, md, NULL);
            mj += now() - a;
            pcre2_match_data_free(md);
            pcre2_code_free(re);
            nre++;
        }
        if (nre)
            printf("  regexes: %d; per regex: compile %.2f us, JIT compile %.2f us, "
                   "match interpreted %.2f us, match JIT %.2f us\n", nre, tc / nre * 1e6,
                   tj / nre * 1e6, mi / nre * 1e6, mj / nre * 1e6);
    }
    rl_program_free(p);
    buf_free(&src);
    buf_free(&img);
    return 0;
}
