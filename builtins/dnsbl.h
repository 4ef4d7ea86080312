/*
 * dnsbl.h -- DNS block list (DNSBL, RFC 5782) and domain block list
 * (RHSBL) lookups for one message, on the engine of dns.h.
 *
 * The caller first declares every lookup the message may need
 * (dnsbl_add_ip(), dnsbl_add_domain(); the rule compiler knows every
 * zone a program can query, so all of them are declared before the rules
 * run), then dnsbl_get() answers: the first call sends every pending
 * query together, so N zones that time out cost about one dns.timeout.
 *
 * Query names: IPv4 reversed octets and IPv6 reversed nibbles before the
 * zone (1.2.0.192.zone, b.a.9.8...zone); RHSBL: the domain, canonical
 * (lower case, A-labels: the caller canonicalises), before the zone.
 * Zones and domains must be DNS names (letters, digits, '-', '_', dots;
 * labels of 1..63; 253 in all): anything else is never sent.
 *
 * Answers (RFC 5782 2.3, 5): an A record in 127.0.0.0/8 is a listing;
 * an A record outside 127/8, or in 127.255.255.0/24 (the codes big lists
 * use for "query refused", "public resolver", "rate limited"), makes the
 * answer an error, logged once per zone and message, never a listing.
 * NXDOMAIN or no A record: not listed.  Timeout, SERVFAIL, REFUSED, a
 * network error: not listed, with a log line.  Never a temporary failure.
 *
 * Health (RFC 5782 5): with health checking on, each zone is also asked
 * for its test entry (127.0.0.2 / "test", must be listed) and for
 * 127.0.0.1 / "invalid" (must not be); a zone that fails is unusable:
 * every lookup in it is "not listed", logged, and the cache remembers it
 * for dns.health_hold.
 */
#ifndef WEIR_DNSBL_H
#define WEIR_DNSBL_H

#include <stddef.h>
#include <stdint.h>

#include "dns.h"
#include "dnsanswer.h"
#include "netaddr.h"

/* Longest zone name. */
#define DNSBL_ZONE_MAX 253
/* Lookups one message may declare. */
#define DNSBL_LOOKUPS_MAX 256

enum dnsbl_state {
    DNSBL_NOT_LISTED = 0,
    DNSBL_LISTED,
    DNSBL_ERROR,                /* timeout, SERVFAIL, network: not listed */
    DNSBL_BAD_ANSWER,           /* outside 127/8 or 127.255.255.x: not listed */
    DNSBL_UNUSABLE,             /* the zone failed its health check */
    DNSBL_INVALID               /* not a DNS name, or no budget: never sent */
};

struct dnsbl_result {
    enum dnsbl_state state;
    char qname[DNSBL_ZONE_MAX + 1];
    size_t ncodes;
    uint32_t codes[DNSA_ADDRS_MAX]; /* DNSBL_LISTED: the 127.x answers */
    char txt[DNSA_TXT_MAX];         /* the TXT reason, "" if none */
    uint32_t ttl;                   /* seconds the answer may be kept */
    int from_cache;
    int txt_asked;                  /* the TXT reason was asked for */
    char why[160];                  /* one line for the trace and the log */
};

/* An accepted-answers range (`returns 127.0.0.2, 127.0.0.4 .. 127.0.0.11`),
 * host byte order, inclusive. */
struct dnsbl_range {
    uint32_t lo, hi;
};

/* A cache the engine consults before sending and fills after (dnscache.h);
 * NULL: none.  get returns 1 and fills r on a fresh hit. */
struct dnsbl_cache_ops {
    int (*get)(void *ctx, const char *qname, int type, struct dnsbl_result *r);
    void (*put)(void *ctx, const char *qname, int type, const struct dnsbl_result *r);
    int (*zone_unusable)(void *ctx, const char *zone);
    void (*zone_mark)(void *ctx, const char *zone, const char *why);
    /* begin (1) / end (0) a group of the calls above: one transaction;
     * never held across network waits.  May be NULL. */
    void (*batch)(void *ctx, int begin);
    void *ctx;
};

struct dnsbl;

struct dnsbl *dnsbl_new(const struct dns_config *cfg, int health_check,
                        const struct dnsbl_cache_ops *cache);
void dnsbl_free(struct dnsbl *b);

/* Declare a lookup; returns its handle (>= 0), or -1 when the zone or
 * the domain is not a DNS name or too many lookups were declared.
 * want_txt also asks for the TXT reason (in the same round). */
int dnsbl_add_ip(struct dnsbl *b, const char *zone, const struct na_addr *a, int want_txt);
int dnsbl_add_domain(struct dnsbl *b, const char *zone, const char *domain, int want_txt);

/* The result of a lookup (sends everything pending first). */
const struct dnsbl_result *dnsbl_get(struct dnsbl *b, int handle);

/* Whether r is a listing whose codes meet the accepted answers (any
 * listing when n == 0). */
int dnsbl_match(const struct dnsbl_result *r, const struct dnsbl_range *ranges, size_t n);

/* Queries sent to the network so far (not answered from the cache). */
size_t dnsbl_sent(const struct dnsbl *b);

/* Whether s is a DNS name as above. */
int dnsbl_name_ok(const char *s);

#endif
