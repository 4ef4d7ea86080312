/*
 * client.h -- the address of the host that handed the message to the
 * mail system (the "client"), and every untrusted relay before it.
 *
 * Where the client comes from, first match wins:
 *   1. the command line: -i ADDR / --client ADDR (the MTA knows it; also
 *      weir test --client), taken as given;
 *   2. the MTA's environment: CLIENT_ADDRESS (Postfix's local(8) and
 *      pipe(8) set it for mailbox_command and .forward pipes), then
 *      SENDER_HOST_ADDRESS (Exim: set it in the pipe or local transport
 *      with  environment = SENDER_HOST_ADDRESS=$sender_host_address ,
 *      since Exim exports no client address by default); an address that
 *      is trusted (below) is skipped, e.g. 127.0.0.1 from a content
 *      filter's reinjection;
 *   3. the Received: fields, newest first: the first address (received.h)
 *      that is not trusted.
 * An address is trusted when it matches a trusted_relays entry, or lies in
 * a reserved range (netaddr.h: loopback, private, link-local,
 * documentation, ...) -- unless a "!network" entry of trusted_relays
 * excludes it: "!" entries win over both.  Fields without an address are
 * passed over.  At most CLIENT_HOPS_MAX fields are read.
 *
 * The relays are the untrusted addresses of all Received: fields from the
 * client's on (older ones, which the client may have forged), client
 * first, duplicates removed, at most CLIENT_RELAYS_MAX: what
 * `dnsbl ... on all relays` asks about.
 *
 * Pure function of its input; values from the environment and the
 * message are parsed as addresses and nothing else is kept of them.
 */
#ifndef WEIR_CLIENT_H
#define WEIR_CLIENT_H

#include <stddef.h>

#include "mailparse.h"
#include "netaddr.h"

#define CLIENT_HOPS_MAX 64
#define CLIENT_RELAYS_MAX 16

/* One trusted_relays entry: the fields of struct config_net. */
struct client_net {
    int family;
    unsigned char addr[16];
    unsigned prefix;
    int negate;                 /* "!net": never trusted */
};

struct client_in {
    const char *arg;                    /* -i/--client, or NULL */
    const char *env_client_address;     /* $CLIENT_ADDRESS or NULL */
    const char *env_sender_host_address; /* $SENDER_HOST_ADDRESS or NULL */
    const struct mp_header *header;     /* the message's header, or NULL */
    const struct client_net *trusted;
    size_t ntrusted;
};

enum client_source {
    CLIENT_NONE = 0,
    CLIENT_ARG,
    CLIENT_ENV_POSTFIX,
    CLIENT_ENV_EXIM,
    CLIENT_RECEIVED
};

struct client_out {
    enum client_source source;
    struct na_addr addr;                /* valid unless CLIENT_NONE */
    char text[NA_TEXT_MAX];             /* canonical form, "" if none */
    int hop;                            /* CLIENT_RECEIVED: 0-based index
                                           among the Received: fields */
    struct na_addr relays[CLIENT_RELAYS_MAX];
    size_t nrelays;
    int bad_arg;                        /* -i given but not an address */
};

void client_find(const struct client_in *in, struct client_out *out);
/* Whether a is trusted by the rules above. */
int client_trusted(const struct client_net *t, size_t n, const struct na_addr *a);
/* "command line", "CLIENT_ADDRESS", ... for traces and logs. */
const char *client_source_name(enum client_source s);

#endif
