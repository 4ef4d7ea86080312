/*
 * client.c -- the connecting client and the relays (see client.h).
 */
#include "config.h"
#include "client.h"
#include "received.h"

#include <stdlib.h>
#include <string.h>

int
client_trusted(const struct client_net *t, size_t n, const struct na_addr *a)
{
    int trusted = na_reserved(a) != NULL;

    for (size_t i = 0; i < n; i++) {
        if (!na_in_net(a, t[i].family, t[i].addr, t[i].prefix))
            continue;
        if (t[i].negate)
            return 0;
        trusted = 1;
    }
    return trusted;
}

const char *
client_source_name(enum client_source s)
{
    switch (s) {
    case CLIENT_ARG:
        return "command line";
    case CLIENT_ENV_POSTFIX:
        return "CLIENT_ADDRESS";
    case CLIENT_ENV_EXIM:
        return "SENDER_HOST_ADDRESS";
    case CLIENT_RECEIVED:
        return "Received";
    case CLIENT_NONE:
        break;
    }
    return "none";
}

static void
add_relay(struct client_out *out, const struct na_addr *a)
{
    for (size_t i = 0; i < out->nrelays; i++)
        if (out->relays[i].family == a->family && memcmp(out->relays[i].a, a->a, 16) == 0)
            return;
    if (out->nrelays < CLIENT_RELAYS_MAX)
        out->relays[out->nrelays++] = *a;
}

static int
from_env(const struct client_in *in, const char *v, enum client_source src,
         struct client_out *out)
{
    struct na_addr a;

    if (v == NULL || na_parse(v, strlen(v), &a) != 0)
        return 0;
    if (client_trusted(in->trusted, in->ntrusted, &a))
        return 0;
    out->source = src;
    out->addr = a;
    return 1;
}

void
client_find(const struct client_in *in, struct client_out *out)
{
    size_t seen = 0;
    int found_received = 0;

    memset(out, 0, sizeof *out);
    out->hop = -1;
    if (in->arg) {
        if (na_parse(in->arg, strlen(in->arg), &out->addr) == 0)
            out->source = CLIENT_ARG;
        else
            out->bad_arg = 1;
    }
    if (out->source == CLIENT_NONE &&
        !from_env(in, in->env_client_address, CLIENT_ENV_POSTFIX, out))
        from_env(in, in->env_sender_host_address, CLIENT_ENV_EXIM, out);
    if (out->source != CLIENT_NONE)
        add_relay(out, &out->addr);

    for (size_t i = 0; in->header && i < in->header->n && seen < CLIENT_HOPS_MAX; i++) {
        const struct mp_field *f = &in->header->f[i];
        struct rcv_hop hop;
        char *v;

        if (!mp_field_is(f, "Received"))
            continue;
        v = mp_unfold(f->raw, f->raw_len);
        rcv_parse(v, strlen(v), &hop);
        free(v);
        seen++;
        if (!hop.has_ip)
            continue;
        if (client_trusted(in->trusted, in->ntrusted, &hop.ip))
            continue;
        if (!found_received) {
            found_received = 1;
            if (out->source == CLIENT_NONE) {
                out->source = CLIENT_RECEIVED;
                out->addr = hop.ip;
                out->hop = (int)(seen - 1);
            }
        }
        add_relay(out, &hop.ip);
    }
    if (out->source != CLIENT_NONE)
        na_format(&out->addr, out->text);
}
