#!/bin/sh
# fuzz_smoke.sh -- run each mailparse and MIME libFuzzer target briefly (bounded by
# FUZZ_SMOKE_SECONDS, default 10) from its seed corpus, and replay every
# saved crash case in testdata/fuzz/<target>-regress/.  Skips when the
# targets were not built (clang or its libFuzzer runtime missing).
. "$top_srcdir/tests/lib.sh"

secs=${FUZZ_SMOKE_SECONDS:-10}
for t in header address mime rfc2231 uudecode; do
    bin="$top_builddir/fuzz/fuzz_$t"
    if [ ! -x "$bin" ]; then
        skip "fuzz_$t not built: needs clang and libFuzzer (Debian: clang libclang-rt-14-dev) at configure time"
        skip "fuzz_$t regressions not replayed: target not built"
        continue
    fi
    # libFuzzer adds new inputs to its first corpus directory: work on a
    # copy, never in the source tree.
    mkdir -p "$T/$t"
    cp "$TESTDATA/fuzz/$t"/* "$T/$t/"
    set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$T/$t-"
    [ -f "$TESTDATA/fuzz/$t.dict" ] && set -- "$@" -dict="$TESTDATA/fuzz/$t.dict"
    "$bin" "$@" "$T/$t" >"$T/$t.log" 2>&1
    rc=$?
    [ $rc -eq 0 ] || sed 's/^/# /' "$T/$t.log" | tail -40
    ok $rc "fuzz_$t: ${secs}s from $(count_files "$TESTDATA/fuzz/$t") seeds without a finding"
    regress="$TESTDATA/fuzz/$t-regress"
    if [ -d "$regress" ] && [ "$(count_files "$regress")" -gt 0 ]; then
        "$bin" -runs=1 "$regress"/* >"$T/$t-regress.log" 2>&1
        rc=$?
        [ $rc -eq 0 ] || sed 's/^/# /' "$T/$t-regress.log" | tail -40
        ok $rc "fuzz_$t: $(count_files "$regress") saved cases replay cleanly"
    else
        skip "fuzz_$t: no saved cases in testdata/fuzz/$t-regress"
    fi
done
done_testing
