#!/bin/sh
# fuzz_smoke.sh -- the make-check smoke run (tests/lib-fuzz.sh) of the
# mailparse and MIME libFuzzer targets, and their saved findings.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-fuzz.sh"
for t in header address mime rfc2231 uudecode; do
    fuzz_smoke $t "$TESTDATA/fuzz/$t"
done
done_testing
