/*
 * dns.c -- the c-ares engine (see dns.h).
 *
 * One channel per message, one try per server (dns.timeout is split over
 * the servers so one query never takes longer than dns.timeout), a poll()
 * loop over ares_getsock() with the round's deadline; at the deadline
 * ares_cancel() ends what is left.  Names come from dnsbl.c, already
 * checked to be DNS names.  c-ares itself is opened by the first
 * dns_open() of a process (cares_api.h: not linked, so a delivery without
 * DNS queries never loads it); a library that cannot be loaded fails
 * dns_open() like a c-ares that cannot start.
 */
#include "config.h"
#include "cares_api.h"
#include "dns.h"
#include "netaddr.h"
#include "util.h"

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* Queries one message may make (each zone and address is one or two). */
#define DNS_QUERIES_MAX 512
/* Shortest time c-ares is given for one server. */
#define DNS_SERVER_TIMEOUT_MIN_MS 10

struct dns {
    const struct weir_cares_api *ares;  /* the module's calls */
    ares_channel ch;
    struct dns_query *q;
    size_t n, cap;
    size_t pending;
    size_t sent;
    long long budget_end;       /* monotonic ms */
    unsigned timeout_ms;
};

struct cb_arg {
    struct dns *d;
    size_t i;
};

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* c-ares, opened (dlopen, by its soname: the same library the dynamic
 * loader would have linked) and initialised by the first dns_open() of a
 * process; NULL with *st set when it cannot be. */
static const struct weir_cares_api *
lib_init(struct status *st)
{
    static struct weir_cares_api api;
    static int state;               /* 0 not tried, 1 ready, -1 failed */
    static char why[200];
    void *h;
    int rc;

    if (state == 0) {
        state = -1;
        if ((h = dlopen(CARES_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
            snprintf(why, sizeof why, "cannot load %s: %s", CARES_SONAME, dlerror());
            goto out;
        }
#define SYM(field, name) do { \
            void *f_ = dlsym(h, name); \
            if (f_ == NULL) { \
                snprintf(why, sizeof why, "%s: no symbol %s", CARES_SONAME, name); \
                goto out; \
            } \
            memcpy(&api.field, &f_, sizeof f_); /* POSIX: same representation */ \
        } while (0)
        SYM(library_init, "ares_library_init");
        SYM(strerror, "ares_strerror");
        SYM(init_options, "ares_init_options");
        SYM(set_servers_ports, "ares_set_servers_ports");
        SYM(destroy, "ares_destroy");
        SYM(query, "ares_query");
        SYM(getsock, "ares_getsock");
        SYM(timeout, "ares_timeout");
        SYM(process_fd, "ares_process_fd");
        SYM(cancel, "ares_cancel");
#undef SYM
        api.version = CARES_API_VERSION;
        if ((rc = api.library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
            snprintf(why, sizeof why, "c-ares: %s", api.strerror(rc));
            goto out;
        }
        state = 1;
    }
out:
    if (state < 0) {
        status_set(st, "4.3.0", "%s", why);
        return NULL;
    }
    return &api;
}

static int
set_servers(struct dns *d, const struct dns_config *cfg, struct status *st)
{
    struct ares_addr_port_node *nodes;
    int rc;

    if (cfg->nservers == 0)
        return 0;
    nodes = xcalloc(cfg->nservers, sizeof *nodes);
    for (size_t i = 0; i < cfg->nservers; i++) {
        struct na_addr a;
        unsigned port;

        if (na_parse_server(cfg->servers[i], &a, &port) != 0) {
            status_set(st, "4.3.0", "dns.servers: '%s' is not an address", cfg->servers[i]);
            free(nodes);
            return -1;
        }
        nodes[i].next = i + 1 < cfg->nservers ? &nodes[i + 1] : NULL;
        nodes[i].family = a.family;
        memcpy(a.family == AF_INET ? (void *)&nodes[i].addr.addr4 : (void *)&nodes[i].addr.addr6,
               a.a, a.family == AF_INET ? 4 : 16);
        nodes[i].udp_port = (int)port;
        nodes[i].tcp_port = (int)port;
    }
    rc = d->ares->set_servers_ports(d->ch, nodes);
    free(nodes);
    if (rc != ARES_SUCCESS) {
        status_set(st, "4.3.0", "c-ares: cannot set servers: %s", d->ares->strerror(rc));
        return -1;
    }
    return 0;
}

struct dns *
dns_open(const struct dns_config *cfg, struct status *st)
{
    struct dns *d;
    struct ares_options o;
    int rc;
    unsigned per = cfg->timeout_ms;
    const struct weir_cares_api *a = lib_init(st);

    if (a == NULL)
        return NULL;
    if (cfg->nservers > 1)
        per = cfg->timeout_ms / (unsigned)cfg->nservers;
    if (per < DNS_SERVER_TIMEOUT_MIN_MS)
        per = DNS_SERVER_TIMEOUT_MIN_MS;
    memset(&o, 0, sizeof o);
    o.timeout = (int)per;
    o.tries = 1;
    /* NOCHECKRESP: a SERVFAIL or REFUSED comes back as the answer it is
     * (logged as such) instead of "could not contact servers" */
    o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP;
    d = xcalloc(1, sizeof *d);
    d->ares = a;
    rc = a->init_options(&d->ch, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
    if (rc != ARES_SUCCESS) {
        status_set(st, "4.3.0", "c-ares: %s", a->strerror(rc));
        free(d);
        return NULL;
    }
    if (set_servers(d, cfg, st) != 0) {
        a->destroy(d->ch);
        free(d);
        return NULL;
    }
    d->timeout_ms = cfg->timeout_ms;
    d->budget_end = now_ms() + cfg->budget_ms;
    return d;
}

void
dns_close(struct dns *d)
{
    if (d == NULL)
        return;
    d->ares->destroy(d->ch);    /* callbacks see ARES_EDESTRUCTION */
    for (size_t i = 0; i < d->n; i++)
        free(d->q[i].name);
    free(d->q);
    free(d);
}

int
dns_add(struct dns *d, const char *name, int type)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->q[i].type == type && strcmp(d->q[i].name, name) == 0)
            return (int)i;
    if (d->n >= DNS_QUERIES_MAX)
        return -1;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->q = xreallocarray(d->q, d->cap, sizeof *d->q);
    }
    memset(&d->q[d->n], 0, sizeof d->q[d->n]);
    d->q[d->n].name = xstrdup(name);
    d->q[d->n].type = type;
    return (int)d->n++;
}

static void
answered(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct cb_arg *a = arg;
    struct dns_query *q;

    (void)timeouts;
    if (status == ARES_EDESTRUCTION) {
        free(a);
        return;
    }
    q = &a->d->q[a->i];
    a->d->pending--;
    if (abuf && alen > 0 && dnsa_parse(abuf, (size_t)alen, &q->ans) == 0) {
        q->state = DNS_ANSWERED;
    } else if (abuf && alen > 0) {
        q->state = DNS_FAILED;
        snprintf(q->error, sizeof q->error, "malformed response");
    } else if (status == ARES_ETIMEOUT || status == ARES_ECANCELLED) {
        q->state = DNS_TIMEOUT;
        snprintf(q->error, sizeof q->error, "no answer in time");
    } else {
        q->state = DNS_FAILED;
        snprintf(q->error, sizeof q->error, "%s", a->d->ares->strerror(status));
    }
    free(a);
}

size_t
dns_run(struct dns *d)
{
    long long start = now_ms(), deadline;
    size_t sent = 0;

    deadline = start + d->timeout_ms;
    if (deadline > d->budget_end)
        deadline = d->budget_end;
    for (size_t i = 0; i < d->n; i++) {
        struct cb_arg *a;

        if (d->q[i].state != DNS_QUEUED)
            continue;
        if (start >= d->budget_end) {
            d->q[i].state = DNS_NO_BUDGET;
            snprintf(d->q[i].error, sizeof d->q[i].error, "dns.budget spent");
            continue;
        }
        a = xmalloc(sizeof *a);
        a->d = d;
        a->i = i;
        d->pending++;
        sent++;
        d->sent++;
        d->ares->query(d->ch, d->q[i].name, 1 /* C_IN */, d->q[i].type, answered, a);
    }
    while (d->pending > 0) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        struct pollfd pfd[ARES_GETSOCK_MAXNUM];
        struct timeval max, tv, *tvp;
        nfds_t np = 0;
        long long left = deadline - now_ms();
        unsigned bits;
        int ms, rc;

        if (left <= 0) {
            d->ares->cancel(d->ch);     /* every pending query: DNS_TIMEOUT */
            break;
        }
        /* c-ares's ARES_GETSOCK_WRITABLE() shifts a signed 1 by up to 31
         * (undefined behaviour): test the bits as unsigned here. */
        bits = (unsigned)d->ares->getsock(d->ch, socks, ARES_GETSOCK_MAXNUM);
        for (unsigned i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            short ev = 0;

            if (bits & (1u << i))
                ev |= POLLIN;
            if (bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
                ev |= POLLOUT;
            if (ev) {
                pfd[np].fd = socks[i];
                pfd[np].events = ev;
                pfd[np].revents = 0;
                np++;
            }
        }
        max.tv_sec = left / 1000;
        max.tv_usec = (left % 1000) * 1000;
        tvp = d->ares->timeout(d->ch, &max, &tv);
        ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
        rc = poll(pfd, np, ms);
        if (rc < 0 && errno != EINTR) {
            d->ares->cancel(d->ch);
            break;
        }
        if (rc <= 0) {
            d->ares->process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            continue;
        }
        for (nfds_t i = 0; i < np; i++) {
            if (pfd[i].revents == 0)
                continue;
            d->ares->process_fd(d->ch,
                                pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd
                                                                             : ARES_SOCKET_BAD,
                                pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
        }
    }
    return sent;
}

const struct dns_query *
dns_get(const struct dns *d, int i)
{
    return i >= 0 && (size_t)i < d->n ? &d->q[i] : NULL;
}

unsigned
dns_budget_left(const struct dns *d)
{
    long long left = d->budget_end - now_ms();

    return left > 0 ? (unsigned)left : 0;
}

size_t
dns_sent(const struct dns *d)
{
    return d->sent;
}
