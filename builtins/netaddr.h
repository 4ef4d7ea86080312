/*
 * netaddr.h -- IP addresses as weir reads them from the MTA, the command
 * line and Received: headers: parsing, formatting, networks, the reserved
 * ranges, and the reverse names of DNS block lists (RFC 5782).
 *
 * Pure functions, no I/O.  An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
 * is always normalised to its IPv4 form, so a client seen as
 * ::ffff:192.0.2.1 by one MTA and 192.0.2.1 by another is the same.
 */
#ifndef WEIR_NETADDR_H
#define WEIR_NETADDR_H

#include <stddef.h>

/* Longest text form na_format() writes, NUL included. */
#define NA_TEXT_MAX 46

struct na_addr {
    int family;                 /* AF_INET or AF_INET6 */
    unsigned char a[16];        /* network order; IPv4 in a[0..3] */
};

/* Parse s[0..len) as an IPv4 or IPv6 address.  Accepted forms: dotted
 * quad, any RFC 4291 text form, an optional "IPv6:" prefix (RFC 5321
 * address literals), optional surrounding brackets, and an IPv6 zone
 * ("%eth0", dropped).  0, or -1 if it is not an address. */
int na_parse(const char *s, size_t len, struct na_addr *out);

/* A name server as dns.servers gives it: ADDRESS, IPv4:PORT, [IPv6],
 * [IPv6]:PORT (a bare IPv6 address takes no port).  *port is 53 when
 * none is given.  0, or -1 when s is none of these or the port is not
 * 1..65535. */
int na_parse_server(const char *s, struct na_addr *out, unsigned *port);

/* Canonical text (inet_ntop) into out[NA_TEXT_MAX]; returns out. */
char *na_format(const struct na_addr *a, char *out);

/* Whether a is inside family/net/prefix (struct config_net's fields). */
int na_in_net(const struct na_addr *a, int family, const unsigned char *net,
              unsigned prefix);

/* The name of a reserved range a lies in, or NULL when a is a public
 * address: loopback, unspecified, private (RFC 1918, RFC 4193 ULA),
 * shared (RFC 6598), link-local, documentation (RFC 5737, RFC 3849),
 * benchmarking (RFC 2544), multicast, reserved (240/4).  These are never
 * taken as the connecting client of a message unless trusted_relays
 * says otherwise (see client.h). */
const char *na_reserved(const struct na_addr *a);

/* The DNSBL query name for a in zone (RFC 5782 section 2.1 and 2.4):
 * reversed octets (IPv4) or reversed nibbles (IPv6), then zone.  Returns
 * 0, or -1 if the name would be longer than outsz-1 or 253 bytes. */
int na_dnsbl_name(const struct na_addr *a, const char *zone, char *out, size_t outsz);

#endif
