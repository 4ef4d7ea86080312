/*
 * dnsanswer.h -- reading a DNS response (RFC 1035 4.1) for block list
 * lookups: the rcode, the A records and the TXT strings of the answer
 * section, the smallest TTL, and the negative-caching TTL of an SOA in
 * the authority section (RFC 2308 5: min(SOA TTL, SOA MINIMUM)).
 *
 * dnsa_parse() is a pure function of the bytes: it never reads outside
 * buf[0..len), follows no compression pointers (names are only skipped,
 * never expanded: their shape is checked), bounds every count, and
 * returns 0, or -1 when the message is malformed (out then holds what
 * was read before the fault and must not be trusted).  TXT text is
 * reduced to printable ASCII (anything else becomes '?') and truncated
 * at DNSA_TXT_MAX - 1 bytes, so it can go into a log line or a header.
 */
#ifndef WEIR_DNSANSWER_H
#define WEIR_DNSANSWER_H

#include <stddef.h>
#include <stdint.h>

#define DNSA_ADDRS_MAX 16
#define DNSA_TXT_MAX 256
/* DNS types and the one class weir asks about */
#define DNSA_T_A 1
#define DNSA_T_SOA 6
#define DNSA_T_TXT 16
#define DNSA_C_IN 1

struct dnsa {
    unsigned id;                /* the message id */
    int rcode;                  /* 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED ... */
    int truncated;              /* TC bit */
    size_t naddrs;              /* A records (host byte order) */
    uint32_t addrs[DNSA_ADDRS_MAX];
    int has_txt;
    char txt[DNSA_TXT_MAX];     /* the first TXT record, strings joined */
    int has_ttl;
    uint32_t ttl;               /* smallest TTL of the A/TXT records */
    int has_neg_ttl;
    uint32_t neg_ttl;           /* from the authority SOA */
};

int dnsa_parse(const unsigned char *buf, size_t len, struct dnsa *out);

#endif
