#!/bin/sh
# fuzz_dns.sh -- run the libFuzzer targets of issue 13 (Received: chains,
# `returns` lists of dnsbl/rhsbl,
# DNS answers) briefly (FUZZ_SMOKE_SECONDS, default 10) from their seeds
# in testdata/fuzz/<target>/, and replay saved findings in
# testdata/fuzz/<target>-regress/.  Skips when the targets were not built.
. "$top_srcdir/tests/lib.sh"

secs=${FUZZ_SMOKE_SECONDS:-10}
for t in received dnsanswer returns; do
    bin="$top_builddir/fuzz/fuzz_$t"
    if [ ! -x "$bin" ]; then
        skip "fuzz_$t not built: needs clang and libFuzzer (Debian: clang libclang-rt-14-dev) at configure time"
        continue
    fi
    mkdir -p "$T/$t"
    cp "$TESTDATA/fuzz/$t"/* "$T/$t/"
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$T/$t-" \
        "$T/$t" >"$T/$t.log" 2>&1
    rc=$?
    [ $rc -eq 0 ] || sed 's/^/# /' "$T/$t.log" | tail -40
    ok $rc "fuzz_$t: ${secs}s from $(count_files "$TESTDATA/fuzz/$t") seeds without a finding"
    regress="$TESTDATA/fuzz/$t-regress"
    if [ -d "$regress" ] && [ "$(count_files "$regress")" -gt 0 ]; then
        "$bin" -runs=1 "$regress"/* >"$T/$t-regress.log" 2>&1
        ok $? "fuzz_$t: saved cases replay cleanly"
    fi
done
done_testing
