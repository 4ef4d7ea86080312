#!/bin/sh
# fuzz_dns.sh -- the make-check smoke run (tests/lib-fuzz.sh) of issue
# 13's libFuzzer targets: Received: chains, `returns` lists of
# dnsbl/rhsbl, DNS answers; and their saved findings.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-fuzz.sh"
for t in received dnsanswer returns; do
    fuzz_smoke $t "$TESTDATA/fuzz/$t"
done
done_testing
