#!/bin/sh
# fuzz.sh -- a bounded smoke run of fuzz/fuzz_resp (the responders'
# reply and DSN composition, built by `make fuzz`) for
# FUZZ_SMOKE_SECONDS (10) from testdata/fuzz/resp/.  Skips when the
# target was not built (clang or libFuzzer missing).
. "$top_srcdir/tests/lib.sh"

secs=${FUZZ_SMOKE_SECONDS:-10}
bin="$top_builddir/fuzz/fuzz_resp"
if [ ! -x "$bin" ]; then
    skip "fuzz_resp not built: needs clang and libFuzzer (Debian: clang libclang-rt-14-dev) at configure time"
else
    mkdir -p "$T/resp"
    cp "$TESTDATA/fuzz/resp"/* "$T/resp/"
    (cd "$T" && "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$T/resp-" "$T/resp" >"$T/resp.log" 2>&1)
    rc=$?
    [ $rc -eq 0 ] || sed 's/^/# /' "$T/resp.log" | tail -40
    ok $rc "fuzz_resp: ${secs}s from $(count_files "$TESTDATA/fuzz/resp") seeds without a finding"
fi
done_testing
