#!/bin/sh
# fuzz.sh -- the make-check smoke run (tests/lib-fuzz.sh) of fuzz/fuzz_resp
# (the responders' reply and DSN composition).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-fuzz.sh"
fuzz_smoke resp "$TESTDATA/fuzz/resp"
done_testing
