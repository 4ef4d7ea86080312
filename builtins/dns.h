/*
 * dns.h -- the DNS engine of the block list tests: c-ares, all queries of
 * a round sent at once, answered or given up together.
 *
 * dns_open() makes an engine for one message (servers from dns.servers,
 * else /etc/resolv.conf).  dns_add() queues a query (duplicates of a
 * queued name and type share one query) and returns its index;
 * dns_run() sends every queued query at once and waits until all are
 * answered, or the round's deadline -- now + dns.timeout, never past the
 * message's budget (dns.budget, counted from dns_open()) -- and gives up
 * the rest (DNS_TIMEOUT).  Nothing here ever exits or blocks longer than
 * that; failures are results, for the caller to log and read as "not
 * listed".
 *
 * dns_open() returns NULL with *st set when c-ares cannot start (then
 * every lookup is "not listed" with a log line).
 */
#ifndef WEIR_DNS_H
#define WEIR_DNS_H

#include <stddef.h>

#include "dnsanswer.h"
#include "status.h"

struct dns_config {
    char *const *servers;       /* dns.servers entries (netaddr.h forms) */
    size_t nservers;
    unsigned timeout_ms;        /* dns.timeout */
    unsigned budget_ms;         /* dns.budget */
};

enum dns_state {
    DNS_QUEUED = 0,
    DNS_ANSWERED,               /* ans holds the response (any rcode) */
    DNS_TIMEOUT,                /* no answer before the deadline */
    DNS_FAILED,                 /* network error, SERVFAIL/REFUSED without
                                   a response, malformed response */
    DNS_NO_BUDGET               /* not sent: dns.budget was spent */
};

struct dns_query {
    char *name;
    int type;                   /* DNSA_T_A or DNSA_T_TXT */
    enum dns_state state;
    struct dnsa ans;
    char error[96];             /* DNS_FAILED/TIMEOUT: why */
};

struct dns;

struct dns *dns_open(const struct dns_config *cfg, struct status *st);
void dns_close(struct dns *d);
int dns_add(struct dns *d, const char *name, int type);
/* Send everything queued; returns the number of queries sent. */
size_t dns_run(struct dns *d);
const struct dns_query *dns_get(const struct dns *d, int i);
/* Milliseconds of the budget left; queries sent in total. */
unsigned dns_budget_left(const struct dns *d);
size_t dns_sent(const struct dns *d);

#endif
