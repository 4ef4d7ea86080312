#!/bin/sh
# fuzz.sh -- a bounded smoke run of fuzz/fuzz_state (the state layer's
# record and meta-page decoders, built by `make fuzz`) for
# FUZZ_SMOKE_SECONDS (10) from testdata/fuzz/state/.  Skips when the
# target was not built (clang or libFuzzer missing).
. "$top_srcdir/tests/lib.sh"

secs=${FUZZ_SMOKE_SECONDS:-10}
bin="$top_builddir/fuzz/fuzz_state"
if [ ! -x "$bin" ]; then
    skip "fuzz_state not built: needs clang and libFuzzer (Debian: clang libclang-rt-14-dev) at configure time"
else
    mkdir -p "$T/state"
    cp "$TESTDATA/fuzz/state"/* "$T/state/"
    (cd "$T" && "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$T/state-" "$T/state" >"$T/state.log" 2>&1)
    rc=$?
    [ $rc -eq 0 ] || sed 's/^/# /' "$T/state.log" | tail -40
    ok $rc "fuzz_state: ${secs}s from $(count_files "$TESTDATA/fuzz/state") seeds without a finding"
fi
done_testing
