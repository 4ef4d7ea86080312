/*
 * test_received.c -- Received: parsing (builtins/received.h) against real
 * fields from the shared corpus (testdata/received/corpus.tsv: the
 * expected connecting address of each, written by hand), plus constructed
 * forms the corpus lacks (marked as such).
 */
#include "config.h"
#include "received.h"
#include "tests/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
got(const char *value)
{
    static char text[NA_TEXT_MAX];
    struct rcv_hop hop;

    rcv_parse(value, strlen(value), &hop);
    if (!hop.has_ip)
        return "-";
    return na_format(&hop.ip, text);
}

static void
corpus(void)
{
    const char *dir = getenv("TESTDATA");
    char path[4096], line[8192];
    FILE *f;
    int n = 0, with_ip = 0;

    snprintf(path, sizeof path, "%s/received/corpus.tsv", dir ? dir : "testdata");
    f = fopen(path, "r");
    if (f == NULL) {
        ok(0, "open %s", path);
        return;
    }
    while (fgets(line, sizeof line, f)) {
        char *want, *file, *value, *nl;

        if (line[0] == '#')
            continue;
        if ((nl = strchr(line, '\n')))
            *nl = '\0';
        want = line;
        if (!(file = strchr(want, '\t')) || !(value = strchr(file + 1, '\t')))
            continue;
        *file++ = '\0';
        *value++ = '\0';
        {
            char what[600];

            snprintf(what, sizeof what, "%s: %.60s...", file, value);
            is_str(got(value), want, what);
        }
        n++;
        with_ip += strcmp(want, "-") != 0;
    }
    fclose(f);
    ok(n >= 100 && with_ip >= 60, "corpus: %d real fields, %d with an address", n, with_ip);
}

int
main(void)
{
    struct rcv_hop hop;

    corpus();

    /* Constructed forms (not in the corpus). */
    is_str(got("from a.example ([IPv6:::ffff:192.0.2.9]) by mx.example (Postfix) with ESMTP id 1"),
           "192.0.2.9", "IPv4-mapped IPv6 in a literal becomes IPv4");
    is_str(got("from a.example (HELO [10.9.9.9]) (198.51.100.7) by mx with SMTP; 1 Jan 2020"),
           "198.51.100.7", "qmail: the HELO literal is a claim, never taken");
    is_str(got("from x ([203.0.113.5]:50123 helo=[10.1.1.1]) by mx with esmtp (Exim 4.96)"),
           "203.0.113.5", "Exim: address with port; helo=[literal] ignored");
    is_str(got("from x (helo=[10.1.1.1]) by mx with esmtp (Exim 4.96)"), "-",
           "Exim: only a helo= literal: no address");
    is_str(got("from unknown (HELO x) (2001:db8::25) by mx with SMTP; 1 Jan 2020"),
           "2001:db8::25", "qmail IPv6, bare in a comment");
    is_str(got("from h (h [IPv6:2001:DB8:0:0:0:0:0:1]) by mx"), "2001:db8::1",
           "IPv6 literal canonicalised");
    is_str(got("from h (h [192.0.2.1 (may be forged)]) by mx"), "-",
           "sendmail 'may be forged' inside the brackets: not an address");
    is_str(got("from h (h [192.0.2.1]) (may be forged) by mx"), "192.0.2.1",
           "sendmail 'may be forged' after the literal");
    is_str(got("from [192.0.2.1] (h [192.0.2.2]) by mx"), "192.0.2.2",
           "the verified comment literal wins over the from-name literal");
    is_str(got("by mx.example (Postfix) with ESMTP id 1 (from [192.0.2.3])"), "-",
           "no from clause: no address");
    is_str(got("from a (b (c [192.0.2.4]) d) by mx"), "192.0.2.4", "nested comments");
    is_str(got("from a (b [192.0.2.4"), "-", "unterminated literal: no address");
    is_str(got(""), "-", "empty value");
    is_str(got("from"), "-", "from alone");
    is_str(got("from a (x\\) [192.0.2.5]) by mx"), "192.0.2.5", "quoted pair in a comment");

    rcv_parse("from mail.example.org (mail.example.org [192.0.2.1]) by mx.example.net "
              "(Postfix) with ESMTPS id 1", 88, &hop);
    is_str(hop.from, "mail.example.org", "from name");
    is_str(hop.by, "mx.example.net", "by name");
    is_long(hop.how, 1, "evidence: literal in a comment");
    return done();
}
