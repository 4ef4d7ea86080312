/*
 * dnscache.h -- the per-user cache of DNSBL/RHSBL answers, on the state
 * layer (state.h: Berkeley DB "dnsbl" under state_dir, one short locked
 * transaction per batch, safe under concurrent deliveries, a damaged
 * file moved aside and rebuilt).
 *
 * What is kept: for each query name, the classified answer (listed with
 * its codes and TXT, or not listed) until the answer's TTL runs out --
 * for a negative answer the SOA's negative TTL (RFC 2308) -- capped by
 * dns.cache_ttl_max; errors, timeouts and bad answers are never kept.
 * A zone that failed the RFC 5782 health check is kept as unusable for
 * dns.health_hold.
 *
 * dnscache_open() returns NULL (and logs why) when there is no usable
 * state directory or the cap is 0: lookups then go to the network.
 * Keys: "a " + query name, "z " + zone.  Values: text, see dnscache.c.
 */
#ifndef WEIR_DNSCACHE_H
#define WEIR_DNSCACHE_H

#include "dnsbl.h"

struct dnscache;

struct dnscache *dnscache_open(const char *state_dir, unsigned ttl_max_s, unsigned hold_s);
void dnscache_close(struct dnscache *c);
/* The hooks for dnsbl_new(). */
void dnscache_ops(struct dnscache *c, struct dnsbl_cache_ops *ops);

#endif
