/*
 * received.h -- reading one Received: header field (RFC 5321 4.4) the way
 * MTAs really write it, to find the address of the host that connected.
 *
 * rcv_parse() takes the unfolded field value.  It looks only at the
 * "from" clause (up to the first top-level "by", "via", "with", "id",
 * "for" or ";") and picks the connecting address by how much the
 * receiving MTA vouches for it:
 *   1. an address literal inside a comment, the TCP-info of RFC 5321:
 *      Postfix/sendmail "(rdns [192.0.2.1])", Exim "([192.0.2.1]:port
 *      helo=x)", Google "(name. [192.0.2.1])", Postfix IPv6
 *      "[IPv6:2001:db8::1]";
 *   2. a bare address inside a comment: qmail "(192.0.2.1)" and
 *      "(user@192.0.2.1)", Microsoft "(2603:10a6:20b::12)";
 *   3. an address literal after the from-name outside a comment;
 *   4. the from-name itself when it is an address ("from [192.0.2.1]
 *      (helo=x)", Exim's form for hosts without a name).
 * The word after "HELO"/"EHLO"/"LHLO" and after "helo=" is the client's own
 * claim and is never taken.  IPv4-mapped IPv6 becomes IPv4 (netaddr.h).
 * Fields without a from clause ("by host (Postfix, from userid 1000)",
 * "(qmail 1 invoked from network)") or without an address have no IP.
 *
 * Pure function; never fails on hostile input; the output is always
 * NUL-terminated and truncated to its buffers.
 */
#ifndef WEIR_RECEIVED_H
#define WEIR_RECEIVED_H

#include <stddef.h>

#include "netaddr.h"

/* Longest host name kept (RFC 1035 name, plus a little for "unknown"). */
#define RCV_NAME_MAX 256

struct rcv_hop {
    int has_ip;                 /* 1 when ip is set */
    struct na_addr ip;
    int how;                    /* 1..4 above: which evidence gave ip */
    char from[RCV_NAME_MAX];    /* the name after "from" ("" if none) */
    char by[RCV_NAME_MAX];      /* the name after "by" ("" if none) */
};

void rcv_parse(const char *value, size_t len, struct rcv_hop *hop);

#endif
