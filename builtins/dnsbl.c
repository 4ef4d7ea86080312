/*
 * dnsbl.c -- DNSBL/RHSBL lookups for one message (see dnsbl.h).
 */
#include "config.h"
#include "dnsbl.h"
#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Seconds a negative answer is kept when the zone sends no SOA. */
#define DNSBL_NEG_TTL_DEFAULT 300u
/* Zones one message may involve. */
#define DNSBL_ZONES_MAX 64

enum kind { K_IP, K_DOMAIN };

struct lookup {
    int zone;                   /* index into zones */
    char qname[DNSBL_ZONE_MAX + 1];
    int want_txt;
    int qa, qtxt;               /* dns query indices, -1: none */
    int resolved;
    struct dnsbl_result r;
};

struct zone {
    char name[DNSBL_ZONE_MAX + 1];
    enum kind kind;
    int health;                 /* 0 unknown, 1 usable, -1 unusable */
    char health_why[200];
    int hl, hu;                 /* lookups of the health names, -1: none */
    unsigned logged;            /* bit per dnsbl_state already logged */
};

struct dnsbl {
    struct dns_config cfg;
    struct dns *dns;
    int dns_broken;             /* dns_open failed: all lookups are errors */
    char dns_error[STATUS_TEXT_MAX];
    int health_check;
    struct dnsbl_cache_ops cache;
    int have_cache;
    struct lookup *l;
    size_t n;
    struct zone z[DNSBL_ZONES_MAX];
    size_t nz;
    size_t sent;
};

int
dnsbl_name_ok(const char *s)
{
    size_t label = 0, n = strlen(s);

    if (n == 0 || n > DNSBL_ZONE_MAX)
        return 0;
    for (; *s; s++) {
        char c = *s;

        if (c == '.') {
            if (label == 0)
                return 0;
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
        if (++label > 63)
            return 0;
    }
    return label > 0;
}

struct dnsbl *
dnsbl_new(const struct dns_config *cfg, int health_check, const struct dnsbl_cache_ops *cache)
{
    struct dnsbl *b = xcalloc(1, sizeof *b);

    b->cfg = *cfg;
    b->health_check = health_check;
    if (cache) {
        b->cache = *cache;
        b->have_cache = 1;
    }
    return b;
}

void
dnsbl_free(struct dnsbl *b)
{
    if (b == NULL)
        return;
    dns_close(b->dns);
    free(b->l);
    free(b);
}

static int add_lookup(struct dnsbl *b, int zone, const char *qname, int want_txt, int internal);

static int
zone_index(struct dnsbl *b, const char *zone, enum kind kind)
{
    size_t i;

    for (i = 0; i < b->nz; i++)
        if (b->z[i].kind == kind && strcasecmp(b->z[i].name, zone) == 0)
            return (int)i;
    if (b->nz >= DNSBL_ZONES_MAX)
        return -1;
    memset(&b->z[i], 0, sizeof b->z[i]);
    snprintf(b->z[i].name, sizeof b->z[i].name, "%s", zone);
    b->z[i].kind = kind;
    b->z[i].hl = b->z[i].hu = -1;
    b->nz++;
    if (b->health_check) {
        char listed[DNSBL_ZONE_MAX + 1], unlisted[DNSBL_ZONE_MAX + 1];
        int ok1, ok2;

        ok1 = snprintf(listed, sizeof listed, "%s.%s", kind == K_IP ? "2.0.0.127" : "test", zone);
        ok2 = snprintf(unlisted, sizeof unlisted, "%s.%s", kind == K_IP ? "1.0.0.127" : "invalid",
                       zone);
        if (ok1 > 0 && ok1 <= DNSBL_ZONE_MAX && ok2 > 0 && ok2 <= DNSBL_ZONE_MAX) {
            b->z[i].hl = add_lookup(b, (int)i, listed, 0, 1);
            b->z[i].hu = add_lookup(b, (int)i, unlisted, 0, 1);
        }
    }
    return (int)i;
}

static int
add_lookup(struct dnsbl *b, int zone, const char *qname, int want_txt, int internal)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->l[i].zone == zone && strcmp(b->l[i].qname, qname) == 0) {
            if (want_txt && !b->l[i].want_txt && !b->l[i].resolved)
                b->l[i].want_txt = 1;
            return (int)i;
        }
    if (b->n >= DNSBL_LOOKUPS_MAX + (internal ? 2 * DNSBL_ZONES_MAX : 0))
        return -1;
    b->l = xreallocarray(b->l, b->n + 1, sizeof *b->l);
    memset(&b->l[b->n], 0, sizeof b->l[b->n]);
    b->l[b->n].zone = zone;
    snprintf(b->l[b->n].qname, sizeof b->l[b->n].qname, "%s", qname);
    b->l[b->n].want_txt = want_txt;
    b->l[b->n].qa = b->l[b->n].qtxt = -1;
    snprintf(b->l[b->n].r.qname, sizeof b->l[b->n].r.qname, "%s", qname);
    return (int)b->n++;
}

int
dnsbl_add_ip(struct dnsbl *b, const char *zone, const struct na_addr *a, int want_txt)
{
    char q[DNSBL_ZONE_MAX + 1];
    int z;

    if (!dnsbl_name_ok(zone) || na_dnsbl_name(a, zone, q, sizeof q) != 0)
        return -1;
    if ((z = zone_index(b, zone, K_IP)) < 0)
        return -1;
    return add_lookup(b, z, q, want_txt, 0);
}

int
dnsbl_add_domain(struct dnsbl *b, const char *zone, const char *domain, int want_txt)
{
    char q[DNSBL_ZONE_MAX + 1];
    int z, w;

    if (!dnsbl_name_ok(zone) || !dnsbl_name_ok(domain))
        return -1;
    w = snprintf(q, sizeof q, "%s.%s", domain, zone);
    if (w < 0 || (size_t)w >= sizeof q || !dnsbl_name_ok(q))
        return -1;
    if ((z = zone_index(b, zone, K_DOMAIN)) < 0)
        return -1;
    return add_lookup(b, z, q, want_txt, 0);
}

static const char *const state_word[] = {
    "not listed", "listed", "error", "bad answer", "zone unusable", "not asked"
};

static void
log_once(struct dnsbl *b, struct lookup *l)
{
    struct zone *z = &b->z[l->zone];
    unsigned bit = 1u << l->r.state;

    if (l->r.state == DNSBL_NOT_LISTED || l->r.state == DNSBL_LISTED || (z->logged & bit))
        return;
    z->logged |= bit;
    msg_warn("dnsbl %s: %s: %s (taken as not listed)", z->name, l->qname, l->r.why);
}

/* Classify the A answer (and TXT) of one lookup. */
static void
classify(struct dnsbl *b, struct lookup *l)
{
    struct dnsbl_result *r = &l->r;
    const struct dns_query *qa = dns_get(b->dns, l->qa);

    r->state = DNSBL_ERROR;
    if (qa == NULL) {
        snprintf(r->why, sizeof r->why, "not asked");
        return;
    }
    if (qa->state == DNS_NO_BUDGET) {
        r->state = DNSBL_INVALID;
        snprintf(r->why, sizeof r->why, "dns.budget spent");
        return;
    }
    if (qa->state != DNS_ANSWERED) {
        snprintf(r->why, sizeof r->why, "%.95s", qa->error);
        return;
    }
    if (qa->ans.rcode == 3 || (qa->ans.rcode == 0 && qa->ans.naddrs == 0)) {
        r->state = DNSBL_NOT_LISTED;
        r->ttl = qa->ans.has_neg_ttl ? qa->ans.neg_ttl
                 : qa->ans.has_ttl ? qa->ans.ttl : DNSBL_NEG_TTL_DEFAULT;
        snprintf(r->why, sizeof r->why, "%s", qa->ans.rcode == 3 ? "NXDOMAIN" : "no A record");
        return;
    }
    if (qa->ans.rcode != 0) {
        static const char *const rc[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                          "NOTIMP", "REFUSED" };

        if (qa->ans.rcode < 6)
            snprintf(r->why, sizeof r->why, "%s", rc[qa->ans.rcode]);
        else
            snprintf(r->why, sizeof r->why, "rcode %d", qa->ans.rcode);
        return;
    }
    for (size_t i = 0; i < qa->ans.naddrs; i++) {
        uint32_t a = qa->ans.addrs[i];

        if ((a >> 24) != 127 || (a & 0xffffff00u) == 0x7fffff00u) {
            r->state = DNSBL_BAD_ANSWER;
            snprintf(r->why, sizeof r->why, "answer %u.%u.%u.%u is %s, not a listing",
                     a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
                     (a >> 24) != 127 ? "outside 127.0.0.0/8"
                                      : "a 127.255.255.x error code (query refused?)");
            r->ncodes = 0;
            return;
        }
        r->codes[r->ncodes++] = a;
    }
    r->state = DNSBL_LISTED;
    r->ttl = qa->ans.has_ttl ? qa->ans.ttl : 0;
    {
        uint32_t a = r->codes[0];

        snprintf(r->why, sizeof r->why, "listed: %u.%u.%u.%u%s", a >> 24, (a >> 16) & 255,
                 (a >> 8) & 255, a & 255, r->ncodes > 1 ? " and more" : "");
    }
    r->txt_asked = l->qtxt >= 0;
    if (l->qtxt >= 0) {
        const struct dns_query *qt = dns_get(b->dns, l->qtxt);

        if (qt && qt->state == DNS_ANSWERED && qt->ans.has_txt)
            snprintf(r->txt, sizeof r->txt, "%s", qt->ans.txt);
    }
}

static void
health(struct dnsbl *b, struct zone *z)
{
    const struct dnsbl_result *l, *u;

    if (z->health != 0 || z->hl < 0)
        return;
    l = &b->l[z->hl].r;
    u = &b->l[z->hu].r;
    if (!b->l[z->hl].resolved || !b->l[z->hu].resolved)
        return;
    if (l->state == DNSBL_ERROR || u->state == DNSBL_ERROR || l->state == DNSBL_INVALID ||
        u->state == DNSBL_INVALID)
        return;                 /* could not tell: the lookups speak for themselves */
    if (l->state == DNSBL_LISTED && u->state == DNSBL_NOT_LISTED) {
        z->health = 1;
        return;
    }
    z->health = -1;
    snprintf(z->health_why, sizeof z->health_why, "failed the RFC 5782 check: %.60s %s, %.60s %s",
             l->qname, state_word[l->state], u->qname, state_word[u->state]);
    msg_warn("dnsbl %s: %s; zone unusable", z->name, z->health_why);
    if (b->have_cache && b->cache.zone_mark)
        b->cache.zone_mark(b->cache.ctx, z->name, z->health_why);
}

static void
batch(struct dnsbl *b, int begin)
{
    if (b->have_cache && b->cache.batch)
        b->cache.batch(b->cache.ctx, begin);
}

static void
resolve_all(struct dnsbl *b)
{
    int need_net = 0;

    batch(b, 1);

    for (size_t i = 0; i < b->n; i++) {
        struct lookup *l = &b->l[i];
        struct zone *z = &b->z[l->zone];

        if (l->resolved || l->qa >= 0)
            continue;
        if (b->have_cache && b->cache.zone_unusable &&
            b->cache.zone_unusable(b->cache.ctx, z->name)) {
            z->health = -1;
            snprintf(z->health_why, sizeof z->health_why,
                     "failed its health check recently");
        }
        if (z->health < 0) {
            l->resolved = 1;
            l->r.state = DNSBL_UNUSABLE;
            snprintf(l->r.why, sizeof l->r.why, "zone %.150s", z->health_why);
            log_once(b, l);
            continue;
        }
        if (b->have_cache && b->cache.get &&
            b->cache.get(b->cache.ctx, l->qname, DNSA_T_A, &l->r) &&
            (!l->want_txt || l->r.state != DNSBL_LISTED || l->r.txt_asked)) {
            l->resolved = 1;
            l->r.from_cache = 1;
            continue;
        }
        need_net = 1;
    }
    batch(b, 0);                /* never hold the cache across the network */
    if (!need_net) {
        batch(b, 1);
        goto health_only;
    }
    if (b->dns == NULL && !b->dns_broken) {
        struct status st;

        status_ok(&st);
        b->dns = dns_open(&b->cfg, &st);
        if (b->dns == NULL) {
            b->dns_broken = 1;
            snprintf(b->dns_error, sizeof b->dns_error, "%s", st.text);
            msg_warn("dnsbl: cannot start DNS lookups: %s (all lookups not listed)", st.text);
        }
    }
    for (size_t i = 0; i < b->n; i++) {
        struct lookup *l = &b->l[i];

        if (l->resolved || l->qa >= 0)
            continue;
        if (b->dns_broken) {
            l->resolved = 1;
            l->r.state = DNSBL_ERROR;
            snprintf(l->r.why, sizeof l->r.why, "%.150s", b->dns_error);
            continue;
        }
        l->qa = dns_add(b->dns, l->qname, DNSA_T_A);
        if (l->want_txt)
            l->qtxt = dns_add(b->dns, l->qname, DNSA_T_TXT);
    }
    if (b->dns)
        b->sent += dns_run(b->dns);
    batch(b, 1);
    for (size_t i = 0; i < b->n; i++) {
        struct lookup *l = &b->l[i];

        if (l->resolved)
            continue;
        classify(b, l);
        l->resolved = 1;
        if (b->have_cache && b->cache.put &&
            (l->r.state == DNSBL_LISTED || l->r.state == DNSBL_NOT_LISTED)) {
            b->cache.put(b->cache.ctx, l->qname, DNSA_T_A, &l->r);
        }
    }
health_only:
    for (size_t i = 0; i < b->nz; i++)
        health(b, &b->z[i]);
    for (size_t i = 0; i < b->n; i++) {
        struct lookup *l = &b->l[i];
        struct zone *z = &b->z[l->zone];

        if (z->health < 0 && (int)i != z->hl && (int)i != z->hu &&
            l->r.state != DNSBL_UNUSABLE) {
            l->r.state = DNSBL_UNUSABLE;
            l->r.ncodes = 0;
            l->r.txt[0] = '\0';
            snprintf(l->r.why, sizeof l->r.why, "zone %.150s", z->health_why);
        }
        log_once(b, l);
    }
    batch(b, 0);
}

const struct dnsbl_result *
dnsbl_get(struct dnsbl *b, int handle)
{
    if (handle < 0 || (size_t)handle >= b->n)
        return NULL;
    if (!b->l[handle].resolved)
        resolve_all(b);
    return &b->l[handle].r;
}

int
dnsbl_match(const struct dnsbl_result *r, const struct dnsbl_range *ranges, size_t n)
{
    if (r == NULL || r->state != DNSBL_LISTED)
        return 0;
    if (n == 0)
        return 1;
    for (size_t i = 0; i < r->ncodes; i++)
        for (size_t j = 0; j < n; j++)
            if (r->codes[i] >= ranges[j].lo && r->codes[i] <= ranges[j].hi)
                return 1;
    return 0;
}

size_t
dnsbl_sent(const struct dnsbl *b)
{
    return b->sent;
}
