/*
 * dnscache.c -- DNSBL answers in the state layer (see dnscache.h).
 *
 * Value of an answer record (text, one line, then the TXT reason):
 *     "L 127.0.0.2,127.0.0.4 1 3600\n<txt>"   listed, codes, TXT asked, ttl
 *     "N - 0 300\n"                           not listed
 * Value of a zone record: "U\n<why>".
 * A value that does not parse is ignored (the lookup goes to the network).
 */
#include "config.h"
#include "dnscache.h"
#include "log.h"
#include "state.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DNSCACHE_DB "dnsbl"

struct dnscache {
    struct state_db *db;
    unsigned ttl_max_s, hold_s;
    int batch;
    int broken;                 /* an error: stop using the cache */
};

struct dnscache *
dnscache_open(const char *state_dir, unsigned ttl_max_s, unsigned hold_s)
{
    struct dnscache *c;
    struct status st;

    if (ttl_max_s == 0 || state_dir == NULL)
        return NULL;
    c = xcalloc(1, sizeof *c);
    if (state_open(state_dir, DNSCACHE_DB, 0, &c->db, &st) != 0) {
        msg_warn("dnsbl cache: %s (lookups go to DNS)", st.text);
        free(c);
        return NULL;
    }
    c->ttl_max_s = ttl_max_s;
    c->hold_s = hold_s;
    return c;
}

void
dnscache_close(struct dnscache *c)
{
    if (c == NULL)
        return;
    if (c->batch) {
        struct status st;

        state_unlock(c->db, &st);
    }
    state_close(c->db);
    free(c);
}

static void
fail(struct dnscache *c, const struct status *st)
{
    if (!c->broken)
        msg_warn("dnsbl cache: %s (lookups go to DNS)", st->text);
    c->broken = 1;
}

static int
parse_codes(const char *s, struct dnsbl_result *r)
{
    r->ncodes = 0;
    if (strcmp(s, "-") == 0)
        return 0;
    while (*s) {
        unsigned a, b, c2, d;
        int n;

        if (sscanf(s, "%u.%u.%u.%u%n", &a, &b, &c2, &d, &n) != 4 || a > 255 || b > 255 ||
            c2 > 255 || d > 255 || r->ncodes >= DNSA_ADDRS_MAX)
            return -1;
        r->codes[r->ncodes++] = a << 24 | b << 16 | c2 << 8 | d;
        s += n;
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    return 0;
}

static int
cache_get(void *ctx, const char *qname, int type, struct dnsbl_result *r)
{
    struct dnscache *c = ctx;
    struct state_rec rec;
    struct status st;
    char *key, kind, codes[DNSA_ADDRS_MAX * 16 + 2], *nl;
    int txt_asked, rc;
    unsigned ttl;

    if (c->broken || type != DNSA_T_A)
        return 0;
    key = xasprintf("a %s", qname);
    rc = state_get(c->db, key, strlen(key), &rec, &st);
    free(key);
    if (rc < 0)
        fail(c, &st);
    if (rc != 1)
        return 0;
    rc = 0;
    nl = strchr(rec.val, '\n');
    if (nl && sscanf(rec.val, "%c %255s %d %u", &kind, codes, &txt_asked, &ttl) == 4 &&
        (kind == 'L' || kind == 'N')) {
        struct dnsbl_result tmp;

        memset(&tmp, 0, sizeof tmp);
        snprintf(tmp.qname, sizeof tmp.qname, "%s", qname);
        if (parse_codes(codes, &tmp) == 0 && (kind == 'N' || tmp.ncodes > 0)) {
            tmp.state = kind == 'L' ? DNSBL_LISTED : DNSBL_NOT_LISTED;
            tmp.txt_asked = txt_asked != 0;
            tmp.ttl = ttl;
            snprintf(tmp.txt, sizeof tmp.txt, "%s", nl + 1);
            if (kind == 'L')
                snprintf(tmp.why, sizeof tmp.why, "listed: %.140s (cached)", codes);
            else
                snprintf(tmp.why, sizeof tmp.why, "not listed (cached)");
            *r = tmp;
            rc = 1;
        }
    }
    state_rec_free(&rec);
    return rc;
}

static void
cache_put(void *ctx, const char *qname, int type, const struct dnsbl_result *r)
{
    struct dnscache *c = ctx;
    struct buf v = BUF_INIT;
    struct status st;
    unsigned ttl = r->ttl < c->ttl_max_s ? r->ttl : c->ttl_max_s;
    char *key;

    if (c->broken || type != DNSA_T_A || ttl == 0)
        return;
    buf_printf(&v, "%c ", r->state == DNSBL_LISTED ? 'L' : 'N');
    if (r->ncodes == 0)
        buf_adds(&v, "-");
    for (size_t i = 0; i < r->ncodes; i++)
        buf_printf(&v, "%s%u.%u.%u.%u", i ? "," : "", r->codes[i] >> 24,
                   (r->codes[i] >> 16) & 255, (r->codes[i] >> 8) & 255, r->codes[i] & 255);
    buf_printf(&v, " %d %u\n%s", r->txt_asked, ttl, r->txt);
    key = xasprintf("a %s", qname);
    if (state_put(c->db, key, strlen(key), v.data, v.len, state_now() + (time_t)ttl, &st) != 0)
        fail(c, &st);
    free(key);
    buf_free(&v);
}

static int
zone_unusable(void *ctx, const char *zone)
{
    struct dnscache *c = ctx;
    struct state_rec rec;
    struct status st;
    char *key = xasprintf("z %s", zone);
    int rc;

    if (c->broken) {
        free(key);
        return 0;
    }
    rc = state_get(c->db, key, strlen(key), &rec, &st);
    free(key);
    if (rc < 0)
        fail(c, &st);
    if (rc != 1)
        return 0;
    state_rec_free(&rec);
    return 1;
}

static void
zone_mark(void *ctx, const char *zone, const char *why)
{
    struct dnscache *c = ctx;
    struct status st;
    char *key = xasprintf("z %s", zone), *val = xasprintf("U\n%s", why);

    if (!c->broken && state_put(c->db, key, strlen(key), val, strlen(val),
                                state_now() + (time_t)c->hold_s, &st) != 0)
        fail(c, &st);
    free(key);
    free(val);
}

static void
batch(void *ctx, int begin)
{
    struct dnscache *c = ctx;
    struct status st;

    if (c->broken)
        return;
    if (begin && !c->batch) {
        if (state_lock(c->db, &st) != 0)
            fail(c, &st);
        else
            c->batch = 1;
    } else if (!begin && c->batch) {
        c->batch = 0;
        if (state_unlock(c->db, &st) != 0)
            fail(c, &st);
    }
}

void
dnscache_ops(struct dnscache *c, struct dnsbl_cache_ops *ops)
{
    memset(ops, 0, sizeof *ops);
    ops->get = cache_get;
    ops->put = cache_put;
    ops->zone_unusable = zone_unusable;
    ops->zone_mark = zone_mark;
    ops->batch = batch;
    ops->ctx = c;
}
