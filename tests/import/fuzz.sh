#!/bin/sh
# fuzz.sh -- the make-check smoke run (tests/lib-fuzz.sh) of fuzz/fuzz_pmrc
# (weir import procmailrc).  Every finding becomes a seed file in
# testdata/fuzz/pmrc/.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-fuzz.sh"
fuzz_smoke pmrc "$TESTDATA/fuzz/pmrc"
done_testing
