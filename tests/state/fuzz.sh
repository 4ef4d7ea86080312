#!/bin/sh
# fuzz.sh -- the make-check smoke run (tests/lib-fuzz.sh) of fuzz/fuzz_state
# (the state layer's record and meta-page decoders).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-fuzz.sh"
fuzz_smoke state "$TESTDATA/fuzz/state"
done_testing
