/*
 * netaddr.c -- IP address helpers (see netaddr.h).  No I/O, no state.
 */
#include "config.h"
#include "netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* Longest address text accepted before the zone or bracket is cut. */
#define NA_PARSE_MAX 64
/* Longest DNS name (RFC 1035, without the final dot). */
#define NA_NAME_MAX 253

int
na_parse(const char *s, size_t len, struct na_addr *out)
{
    char tmp[NA_PARSE_MAX];
    const char *pct;

    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
        s++;
        len -= 2;
    }
    if (len >= 5 && strncasecmp(s, "IPv6:", 5) == 0) {
        s += 5;
        len -= 5;
    }
    pct = memchr(s, '%', len);
    if (pct)
        len = (size_t)(pct - s);
    if (len == 0 || len >= sizeof tmp)
        return -1;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    memset(out, 0, sizeof *out);
    if (memchr(tmp, ':', len) == NULL) {
        if (inet_pton(AF_INET, tmp, out->a) != 1)
            return -1;
        out->family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, tmp, out->a) != 1)
        return -1;
    out->family = AF_INET6;
    {
        static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

        if (memcmp(out->a, mapped, sizeof mapped) == 0) {
            memmove(out->a, out->a + 12, 4);
            memset(out->a + 4, 0, 12);
            out->family = AF_INET;
        }
    }
    return 0;
}

int
na_parse_server(const char *s, struct na_addr *out, unsigned *port)
{
    const char *colon, *addr_end;
    size_t n = strlen(s);

    *port = 53;
    if (n > 0 && s[0] == '[') {
        const char *close = strchr(s, ']');

        if (close == NULL || memchr(s, ':', (size_t)(close - s)) == NULL)
            return -1;
        addr_end = close + 1;
        if (*addr_end == '\0')
            return na_parse(s, n, out) == 0 && out->family == AF_INET6 ? 0 : -1;
        if (*addr_end != ':')
            return -1;
        colon = addr_end;
    } else {
        colon = strchr(s, ':');
        if (colon == NULL || strchr(colon + 1, ':') != NULL)   /* none, or bare IPv6 */
            return na_parse(s, n, out);
        addr_end = colon;
    }
    if (na_parse(s, (size_t)(addr_end - s), out) != 0)
        return -1;
    {
        unsigned long v = 0;
        const char *p = colon + 1;

        if (*p == '\0' || strspn(p, "0123456789") != strlen(p) || strlen(p) > 5)
            return -1;
        for (; *p; p++)
            v = v * 10 + (unsigned long)(*p - '0');
        if (v == 0 || v > 65535)
            return -1;
        *port = (unsigned)v;
    }
    return 0;
}

char *
na_format(const struct na_addr *a, char *out)
{
    if (inet_ntop(a->family, a->a, out, NA_TEXT_MAX) == NULL)
        strcpy(out, "?");
    return out;
}

int
na_in_net(const struct na_addr *a, int family, const unsigned char *net, unsigned prefix)
{
    unsigned full, rest, max = family == AF_INET ? 32 : 128;

    if (a->family != family || prefix > max)
        return 0;
    full = prefix / 8;
    rest = prefix % 8;
    if (memcmp(a->a, net, full) != 0)
        return 0;
    if (rest) {
        unsigned char mask = (unsigned char)(0xff << (8 - rest));

        if ((a->a[full] & mask) != (net[full] & mask))
            return 0;
    }
    return 1;
}

struct reserved {
    int family;
    unsigned char net[16];
    unsigned prefix;
    const char *what;
};

/* The one table of reserved ranges (weir.yaml(5) lists it). */
static const struct reserved reserved[] = {
    { AF_INET, { 0 }, 8, "this network" },
    { AF_INET, { 10 }, 8, "private" },
    { AF_INET, { 100, 64 }, 10, "shared address space" },
    { AF_INET, { 127 }, 8, "loopback" },
    { AF_INET, { 169, 254 }, 16, "link-local" },
    { AF_INET, { 172, 16 }, 12, "private" },
    { AF_INET, { 192, 0, 0 }, 24, "IETF protocol assignments" },
    { AF_INET, { 192, 0, 2 }, 24, "documentation" },
    { AF_INET, { 192, 168 }, 16, "private" },
    { AF_INET, { 198, 18 }, 15, "benchmarking" },
    { AF_INET, { 198, 51, 100 }, 24, "documentation" },
    { AF_INET, { 203, 0, 113 }, 24, "documentation" },
    { AF_INET, { 224 }, 4, "multicast" },
    { AF_INET, { 240 }, 4, "reserved" },
    { AF_INET6, { 0 }, 128, "unspecified" },
    { AF_INET6, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 128, "loopback" },
    { AF_INET6, { 0x01, 0x00 }, 64, "discard-only" },
    { AF_INET6, { 0x20, 0x01, 0x0d, 0xb8 }, 32, "documentation" },
    { AF_INET6, { 0xfc }, 7, "private" },
    { AF_INET6, { 0xfe, 0x80 }, 10, "link-local" },
    { AF_INET6, { 0xfe, 0xc0 }, 10, "site-local" },
    { AF_INET6, { 0xff }, 8, "multicast" },
};

const char *
na_reserved(const struct na_addr *a)
{
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (na_in_net(a, reserved[i].family, reserved[i].net, reserved[i].prefix))
            return reserved[i].what;
    return NULL;
}

int
na_dnsbl_name(const struct na_addr *a, const char *zone, char *out, size_t outsz)
{
    static const char hex[] = "0123456789abcdef";
    char rev[NA_NAME_MAX + 1];
    size_t n = 0;
    int w;

    if (a->family == AF_INET) {
        w = snprintf(rev, sizeof rev, "%u.%u.%u.%u", a->a[3], a->a[2], a->a[1], a->a[0]);
        if (w < 0)
            return -1;
        n = (size_t)w;
    } else {
        for (int i = 15; i >= 0; i--) {
            rev[n++] = hex[a->a[i] & 0xf];
            rev[n++] = '.';
            rev[n++] = hex[a->a[i] >> 4];
            if (i)
                rev[n++] = '.';
        }
        rev[n] = '\0';
    }
    w = snprintf(out, outsz, "%s.%s", rev, zone);
    if (w < 0 || (size_t)w >= outsz || w > NA_NAME_MAX)
        return -1;
    return 0;
}
