/*
 * test_dns_config.c -- the weir.yaml keys of issue 13: dns.servers with
 * ports (ADDRESS, ADDRESS:PORT, [IPv6]:PORT) and trusted_relays with
 * "!network" exceptions; na_parse_server() directly.
 */
#include "config.h"
#include "netaddr.h"
#include "weir_config.h"
#include "tests/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/weir-dnscfg.XXXXXX";

static int
load(const char *text, struct weir_config *c, struct buf *err)
{
    char *p = xasprintf("%s/w.yaml", dir);
    FILE *fp = fopen(p, "w");
    int rc;

    fputs(text, fp);
    fclose(fp);
    config_defaults(c);
    buf_reset(err);
    rc = config_load(c, p, 0, err);
    unlink(p);
    free(p);
    return rc;
}

static void
server(const char *s, int want_rc, const char *addr, unsigned port)
{
    struct na_addr a;
    unsigned p = 0;
    char t[NA_TEXT_MAX];
    int rc = na_parse_server(s, &a, &p);

    if (want_rc == 0)
        ok(rc == 0 && strcmp(na_format(&a, t), addr) == 0 && p == port,
           "server '%s' -> %s port %u", s, addr, port);
    else
        ok(rc == -1, "server '%s' refused", s);
}

int
main(void)
{
    struct weir_config c;
    struct buf err = BUF_INIT;
    int rc;

    if (mkdtemp(dir) == NULL)
        return 1;
    server("127.0.0.1", 0, "127.0.0.1", 53);
    server("127.0.0.1:5353", 0, "127.0.0.1", 5353);
    server("::1", 0, "::1", 53);
    server("[::1]", 0, "::1", 53);
    server("[2001:db8::53]:10053", 0, "2001:db8::53", 10053);
    server("[::ffff:127.0.0.1]:53", 0, "127.0.0.1", 53);
    server("127.0.0.1:0", -1, "", 0);
    server("127.0.0.1:65536", -1, "", 0);
    server("127.0.0.1:", -1, "", 0);
    server("127.0.0.1:53x", -1, "", 0);
    server("[127.0.0.1]:53", -1, "", 0);
    server("[::1]53", -1, "", 0);
    server("localhost:53", -1, "", 0);
    server("", -1, "", 0);

    rc = load("dns:\n  servers: [127.0.0.1, \"127.0.0.1:5353\", \"[::1]:5353\", \"::1\"]\n", &c, &err);
    ok(rc == 0 && c.dns.nservers == 4, "servers with ports load: %s",
       err.data ? err.data : "");
    config_free(&c);
    rc = load("dns:\n  servers: [\"127.0.0.1:99999\"]\n", &c, &err);
    ok(rc == -1 &&
       strstr(err.data, "[IPv6]:PORT") != NULL, "a bad port is an error: %s", err.data);
    config_free(&c);
    rc = load("dns:\n  servers: [\"!127.0.0.1\"]\n", &c, &err);
    ok(rc == -1, "no '!' in servers");
    config_free(&c);
    rc = load("trusted_relays: [\"!10.0.0.0/8\", 192.0.2.7]\n", &c, &err);
    ok(rc == 0 &&
       c.ntrusted_relays == 2 && c.trusted_relays[0].negate == 1 &&
       c.trusted_relays[0].prefix == 8 && c.trusted_relays[1].negate == 0,
       "trusted_relays: \"!10.0.0.0/8\" is an exception: %s", err.data ? err.data : "");
    config_free(&c);
    rc = load("trusted_relays: [\"!\"]\n", &c, &err);
    ok(rc == -1, "'!' alone is an error: %s",
       err.data ? err.data : "");
    config_free(&c);
    buf_free(&err);
    rmdir(dir);
    return done();
}
