/*
 * test_client.c -- the connecting client and the relays (builtins/client.h):
 * order of sources, trusted and reserved ranges, "!" exceptions, relays.
 * The Received: chains are constructed (documentation and public
 * example addresses) to exercise each rule.
 */
#include "config.h"
#include "client.h"
#include "tests/tap.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char chain[] =
    "Return-Path: <a@b.example>\n"
    "Received: from filter (localhost [127.0.0.1]) by mx.example (Postfix) with ESMTP id 1\n"
    "Received: (qmail 1 invoked from network); 1 Jan 2020 00:00:00 -0000\n"
    "Received: from relay.example (relay.example [10.0.0.5]) by mx.example (Postfix) with ESMTP id 2\n"
    "Received: from evil.example (evil.example [8.8.4.4])\n"
    "\tby relay.example (Postfix) with ESMTP id 3\n"
    "Received: from forged (forged [1.1.1.1]) by evil.example with SMTP id 4\n"
    "Received: from forged2 (forged2 [192.168.9.9]) by forged with SMTP id 5\n"
    "Received: from forged3 (forged3 [1.1.1.1]) by forged with SMTP id 6\n"
    "Subject: x\n";

static struct client_net
net(const char *s, unsigned prefix, int negate)
{
    struct client_net n;

    memset(&n, 0, sizeof n);
    n.family = strchr(s, ':') ? AF_INET6 : AF_INET;
    inet_pton(n.family, s, n.addr);
    n.prefix = prefix;
    n.negate = negate;
    return n;
}

static void
find(struct client_in *in, struct client_out *out)
{
    client_find(in, out);
}

int
main(void)
{
    struct mp_header h;
    struct client_in in;
    struct client_out out;
    char t[NA_TEXT_MAX];
    struct client_net nets[2];

    mp_header_parse(chain, sizeof chain - 1, &h);
    memset(&in, 0, sizeof in);
    in.header = &h;

    find(&in, &out);
    is_str(out.text, "8.8.4.4", "Received: first address outside loopback/private");
    is_long(out.source, CLIENT_RECEIVED, "source: Received");
    is_long(out.hop, 3, "hop index counts every Received field");
    is_long((long)out.nrelays, 2, "relays: client, then the older untrusted hop, no duplicate");
    is_str(out.nrelays > 1 ? na_format(&out.relays[1], t) : "", "1.1.1.1", "relay 2");
    is_str(client_source_name(out.source), "Received", "source name");

    nets[0] = net("8.8.4.0", 24, 0);
    in.trusted = nets;
    in.ntrusted = 1;
    find(&in, &out);
    is_str(out.text, "1.1.1.1", "trusted_relays: 8.8.4.0/24 passed over");

    nets[0] = net("10.0.0.0", 8, 1);
    find(&in, &out);
    is_str(out.text, "10.0.0.5", "trusted_relays \"!10.0.0.0/8\": a private relay counts");

    in.trusted = NULL;
    in.ntrusted = 0;
    in.env_client_address = "203.0.113.9";      /* documentation: reserved */
    find(&in, &out);
    is_str(out.text, "8.8.4.4", "CLIENT_ADDRESS in a reserved range is passed over");
    in.env_client_address = "::ffff:9.9.9.9";
    in.env_sender_host_address = "1.0.0.1";
    find(&in, &out);
    is_str(out.text, "9.9.9.9", "CLIENT_ADDRESS (IPv4-mapped) first");
    is_long(out.source, CLIENT_ENV_POSTFIX, "source: CLIENT_ADDRESS");
    is_long((long)out.nrelays, 3, "relays: env client, then the Received chain");
    in.env_client_address = "";
    find(&in, &out);
    is_str(out.text, "1.0.0.1", "empty CLIENT_ADDRESS: SENDER_HOST_ADDRESS (Exim)");
    is_long(out.source, CLIENT_ENV_EXIM, "source: SENDER_HOST_ADDRESS");
    in.env_sender_host_address = "not-an-ip; rm -rf /";
    find(&in, &out);
    is_str(out.text, "8.8.4.4", "an environment value that is not an address is ignored");

    in.arg = "2001:db8::7";
    find(&in, &out);
    is_str(out.text, "2001:db8::7", "-i wins and is taken as given, even when reserved");
    is_long(out.source, CLIENT_ARG, "source: command line");
    in.arg = "bogus";
    find(&in, &out);
    ok(out.bad_arg && out.source == CLIENT_RECEIVED, "-i bogus: flagged, Received used");

    in.arg = NULL;
    in.header = NULL;
    find(&in, &out);
    ok(out.source == CLIENT_NONE && out.text[0] == '\0' && out.nrelays == 0,
       "no source at all: no client");

    {
        static const char local[] =
            "Received: by host.example (Postfix, from userid 1000) id 1; 1 Jan 2020\n"
            "Received: from localhost ([127.0.0.1]) by host.example with esmtp (Exim 4.96)\n";
        struct mp_header h2;

        mp_header_parse(local, sizeof local - 1, &h2);
        in.header = &h2;
        find(&in, &out);
        ok(out.source == CLIENT_NONE, "locally submitted mail: no client");
        mp_header_free(&h2);
    }
    {
        struct na_addr a;

        na_parse("192.168.1.1", 11, &a);
        ok(client_trusted(NULL, 0, &a), "192.168.1.1 reserved: trusted by default");
        na_parse("fe80::1", 7, &a);
        ok(client_trusted(NULL, 0, &a), "fe80::1 link-local: trusted by default");
        na_parse("2a00:1450::1", 12, &a);
        ok(!client_trusted(NULL, 0, &a), "2a00:1450::1: not trusted");
        nets[0] = net("2a00:1450::", 32, 0);
        nets[1] = net("2a00:1450:1::", 48, 1);
        ok(client_trusted(nets, 2, &a), "in a trusted IPv6 /32");
        na_parse("2a00:1450:1::9", 14, &a);
        ok(!client_trusted(nets, 2, &a), "a \"!\" entry wins over a wider trusted one");
    }
    mp_header_free(&h);
    return done();
}
