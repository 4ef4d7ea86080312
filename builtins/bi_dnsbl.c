/*
 * bi_dnsbl.c -- builtin test `dnsbl`: DNS block list lookups (RFC 5782)
 * of the client address (${client}, builtins/client.h).
 *
 *   dnsbl "zone" [on all relays] [returns 127.0.0.2, 127.0.0.4 .. 127.0.0.11]
 *
 * True when the client -- or, `on all relays`, any untrusted relay the
 * Received: fields name, client first -- is listed in the zone with an
 * accepted answer (any 127.0.0.0/8 answer without `returns`).  IPv4 is
 * asked as reversed octets, IPv6 as reversed nibbles, the TXT reason in
 * the same round (${dnsbl.txt}; also ${dnsbl.code} and ${dnsbl.query}).
 *
 * prepare() declares every lookup of every call site with a constant
 * zone before the rules run, so a message's queries all leave together
 * and N zones that time out cost one dns.timeout (dnsbl.h).  A lookup that
 * fails is "not listed" (bl.h); no client: false.
 */
#include "config.h"
#include "registry.h"
#include "bl.h"
#include "netaddr.h"

#include <stdio.h>
#include <string.h>

enum { G_RELAYS = 1u << 0 };

static const struct rl_bi_form forms[] = {
    { "STR [on all relays] [returns RAW]", 0 },
    { NULL, 0 }
};

static const char *const facts[] = { "txt", "code", "query", NULL };

#define CLIENT_WHAT_MAX 64

/* The lookups of one call: handles and names; n of them. */
static size_t
add_lookups(struct rl_bi_env *env, struct dnsbl *b, const struct rl_bi_call *call,
            int *h, char what[][CLIENT_WHAT_MAX], size_t max)
{
    const struct rl_msg *m = env->msg;
    const char *zone = call->arg[0];
    size_t n = 0;
    struct na_addr a;

    if (zone == NULL)
        return 0;
    if (call->flags & G_RELAYS) {
        for (size_t i = 0; i < m->nrelays && n < max; i++) {
            if (na_parse(m->relays[i], strlen(m->relays[i]), &a) != 0)
                continue;
            h[n] = dnsbl_add_ip(b, zone, &a, 1);
            snprintf(what[n], CLIENT_WHAT_MAX, "relay %d %s", (int)i + 1, m->relays[i]);
            n++;
        }
        if (m->nrelays || m->client == NULL)
            return n;
    }
    if (m->client && *m->client && n < max &&
        na_parse(m->client, strlen(m->client), &a) == 0) {
        h[n] = dnsbl_add_ip(b, zone, &a, 1);
        snprintf(what[n], CLIENT_WHAT_MAX, "client %s", m->client);
        n++;
    }
    return n;
}

#define CALL_LOOKUPS_MAX 17     /* the client and CLIENT_RELAYS_MAX relays */

static void
dnsbl_prepare(struct rl_bi_env *env, const struct rl_bi_call *call)
{
    int h[CALL_LOOKUPS_MAX];
    char what[CALL_LOOKUPS_MAX][CLIENT_WHAT_MAX];
    const char *why;
    struct dnsbl *b;

    if (call->arg[0] == NULL || !dnsbl_name_ok(call->arg[0]) ||
        (b = bl_engine(env, &why)) == NULL)
        return;
    add_lookups(env, b, call, h, what, CALL_LOOKUPS_MAX);
}

static int
dnsbl_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    int h[CALL_LOOKUPS_MAX];
    char what[CALL_LOOKUPS_MAX][CLIENT_WHAT_MAX];
    const char *names[CALL_LOOKUPS_MAX];
    const char *why;
    struct dnsbl *b;
    size_t n;

    if (call->arg[0] == NULL || !dnsbl_name_ok(call->arg[0])) {
        rl_bi_note(r, "zone \"%.64s\" is not a DNS name: not asked",
                   call->arg[0] ? call->arg[0] : "");
        rl_bi_true(r, 0);
        return 0;
    }
    if ((b = bl_engine(env, &why)) == NULL) {
        rl_bi_note(r, "%s", why);
        rl_bi_true(r, 0);
        return 0;
    }
    n = add_lookups(env, b, call, h, what, CALL_LOOKUPS_MAX);
    if (n == 0) {
        rl_bi_note(r, "no client address known: nothing to ask");
        rl_bi_true(r, 0);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        names[i] = what[i];
    bl_report(env, b, h, names, n, call->arg[1], r);
    return 0;
}

static const char *
dnsbl_check(const struct rl_bi_call *call, const char **help)
{
    return bl_zone_check(call->arg[0], help);
}

const struct rl_builtin rl_bi_dnsbl_def = {
    .name = "dnsbl",
    .summary = "DNS block list lookups of the client address",
    .forms = forms,
    .facts = facts,
    .check = dnsbl_check,
    .scan_raw = bl_scan_returns,
    .prepare = dnsbl_prepare,
    .eval = dnsbl_eval,
};
