/*
 * test_dnsanswer.c -- DNS response reading (builtins/dnsanswer.h) on the
 * seed packets of fuzz_dnsanswer (testdata/fuzz/dnsanswer/, built from
 * RFC 1035 4.1 by hand) and on truncations of each.
 */
#include "config.h"
#include "dnsanswer.h"
#include "tests/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t
load(const char *name, unsigned char *buf, size_t cap)
{
    const char *dir = getenv("TESTDATA");
    char path[4096];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "%s/fuzz/dnsanswer/%s", dir ? dir : "testdata", name);
    if ((f = fopen(path, "rb")) == NULL)
        return 0;
    n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

int
main(void)
{
    unsigned char buf[4096];
    struct dnsa a;
    size_t n;
    int all_fail = 1;

    n = load("a-listed", buf, sizeof buf);
    ok(n > 0 && dnsa_parse(buf, n, &a) == 0, "two A records parse");
    ok(a.rcode == 0 && a.naddrs == 2 && a.addrs[0] == 0x7f000002u && a.addrs[1] == 0x7f000004u,
       "127.0.0.2 and 127.0.0.4");
    is_long(a.ttl, 30, "TTL: the smallest");
    for (size_t k = 12; k < n; k++)
        if (dnsa_parse(buf, k, &a) == 0 && a.naddrs == 2)
            all_fail = 0;
    ok(all_fail, "every truncation loses an address or fails");

    n = load("txt", buf, sizeof buf);
    ok(n > 0 && dnsa_parse(buf, n, &a) == 0 && a.has_txt, "TXT parses");
    is_str(a.txt, "Hello world", "TXT strings are joined");

    n = load("nxdomain-soa", buf, sizeof buf);
    ok(n > 0 && dnsa_parse(buf, n, &a) == 0, "NXDOMAIN with SOA parses");
    ok(a.rcode == 3 && a.has_neg_ttl && a.neg_ttl == 300, "negative TTL = min(SOA TTL 900, MINIMUM 300)");

    n = load("servfail", buf, sizeof buf);
    ok(n > 0 && dnsa_parse(buf, n, &a) == 0 && a.rcode == 2, "SERVFAIL rcode");

    n = load("bad-ptr", buf, sizeof buf);
    ok(n > 0, "bad-ptr seed");
    buf[7] = 1;                 /* claim one answer whose name is a pointer past the end */
    ok(dnsa_parse(buf, n, &a) == -1, "a compression pointer past the end: malformed");

    memset(buf, 0, 12);
    ok(dnsa_parse(buf, 12, &a) == -1, "a query (QR clear) is not a response");
    ok(dnsa_parse(buf, 5, &a) == -1, "shorter than a header");
    {
        unsigned char t[] = { 0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0,
                              0, 0, 16, 0, 1, 0, 0, 0, 60, 0, 4, 2, 'a', 0x07, 0 };

        ok(dnsa_parse(t, sizeof t, &a) == 0 && strcmp(a.txt, "a?") == 0,
           "TXT control bytes become '?'");
        t[23] = 9;
        ok(dnsa_parse(t, sizeof t, &a) == -1, "TXT string longer than its RDATA: malformed");
    }
    return done();
}
