/*
 * dnsbl_query.c -- test driver for the DNSBL engine (builtins/dnsbl.h):
 * declares every lookup named on the command line, resolves them all in
 * one round, and prints one line per lookup and a summary, for
 * tests/builtins/dnsbl.sh and tests/lib-dns.sh.
 *
 *   dnsbl_query [-s SERVER]... [-t MS] [-b MS] [-H] [-T] [-r LO-HI]... [-c STATEDIR]
 *               (ip ZONE ADDR | domain ZONE NAME)...
 *
 * Output: "QNAME STATE [codes=a,b] [match=0|1] [txt=...] [cache] why=..."
 * then "sent=N elapsed_ms=M".  Exit 0.
 */
#include "config.h"
#include "dnsbl.h"
#include "dnscache.h"
#include "log.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXS 8
#define MAXR 8
#define MAXL 64

static const char *const state_name[] = {
    "not-listed", "listed", "error", "bad-answer", "unusable", "invalid"
};

static uint32_t
ip4(const char *s)
{
    struct in_addr a;

    if (inet_pton(AF_INET, s, &a) != 1) {
        fprintf(stderr, "dnsbl_query: bad range address %s\n", s);
        exit(2);
    }
    return ntohl(a.s_addr);
}

int
main(int argc, char **argv)
{
    char *servers[MAXS];
    struct dns_config cfg = { servers, 0, 2000, 10000 };
    struct dnsbl_range ranges[MAXR];
    size_t nr = 0;
    int health = 0, txt = 0, c, handles[MAXL], nl = 0;
    struct dnsbl *b;
    struct timespec t0, t1;
    const char *state_dir = NULL;
    struct dnscache *cache = NULL;
    struct dnsbl_cache_ops ops;

    log_open("dnsbl_query", LOG_DEST_STDERR, NULL);
    while ((c = getopt(argc, argv, "s:t:b:HTr:c:")) != -1) {
        switch (c) {
        case 's':
            if (cfg.nservers < MAXS)
                servers[cfg.nservers++] = optarg;
            break;
        case 't':
            cfg.timeout_ms = (unsigned)atoi(optarg);
            break;
        case 'b':
            cfg.budget_ms = (unsigned)atoi(optarg);
            break;
        case 'c':
            state_dir = optarg;
            break;
        case 'H':
            health = 1;
            break;
        case 'T':
            txt = 1;
            break;
        case 'r': {
            char *dash = strchr(optarg, '-');

            if (nr < MAXR) {
                if (dash)
                    *dash = '\0';
                ranges[nr].lo = ip4(optarg);
                ranges[nr].hi = dash ? ip4(dash + 1) : ranges[nr].lo;
                nr++;
            }
            break;
        }
        default:
            return 2;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (state_dir && (cache = dnscache_open(state_dir, 3600, 3600)) != NULL)
        dnscache_ops(cache, &ops);
    b = dnsbl_new(&cfg, health, cache ? &ops : NULL);
    for (int i = optind; i + 2 < argc; i += 3) {
        if (nl >= MAXL)
            break;
        if (strcmp(argv[i], "ip") == 0) {
            struct na_addr a;

            if (na_parse(argv[i + 2], strlen(argv[i + 2]), &a) != 0)
                handles[nl++] = -1;
            else
                handles[nl++] = dnsbl_add_ip(b, argv[i + 1], &a, txt);
        } else
            handles[nl++] = dnsbl_add_domain(b, argv[i + 1], argv[i + 2], txt);
    }
    for (int i = 0; i < nl; i++) {
        const struct dnsbl_result *r = dnsbl_get(b, handles[i]);

        if (r == NULL) {
            printf("- invalid why=not a DNS name\n");
            continue;
        }
        printf("%s %s", r->qname, state_name[r->state]);
        for (size_t k = 0; k < r->ncodes; k++)
            printf("%s%u.%u.%u.%u", k ? "," : " codes=", r->codes[k] >> 24,
                   (r->codes[k] >> 16) & 255, (r->codes[k] >> 8) & 255, r->codes[k] & 255);
        if (nr)
            printf(" match=%d", dnsbl_match(r, ranges, nr));
        if (r->txt[0])
            printf(" txt=%s", r->txt);
        if (r->from_cache)
            printf(" cache");
        printf(" why=%s\n", r->why);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("sent=%zu elapsed_ms=%ld\n", dnsbl_sent(b),
           (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
    dnsbl_free(b);
    dnscache_close(cache);
    return 0;
}
