#!/bin/sh
# fuzz.sh -- a bounded smoke run of the rule-language libFuzzer targets
# (fuzz/fuzz_parser, fuzz/fuzz_loader, built by `make fuzz`): each runs
# FUZZ_SMOKE_SECONDS (10) from seed rule files / compiled cache files.
# Skips when the targets were not built (clang or libFuzzer missing).
. "$top_srcdir/tests/lib.sh"

secs=${FUZZ_SMOKE_SECONDS:-10}
mkdir -p "$T/parser" "$T/loader"
for f in "$top_srcdir"/tests/rulelang/dump-cases/*.rules "$top_srcdir"/tests/rulelang/vm-cases/*.rules; do
    cp "$f" "$T/parser/$(basename "$(dirname "$f")")-$(basename "$f")"
done
(cd "$top_srcdir/tests/rulelang/dump-cases" && "$WEIR" compile --cache-dir "$T/loader" *.rules >/dev/null 2>&1)
for t in parser loader; do
    bin="$top_builddir/fuzz/fuzz_$t"
    if [ ! -x "$bin" ]; then
        skip "fuzz_$t not built: needs clang and libFuzzer (Debian: clang libclang-rt-14-dev) at configure time"
        continue
    fi
    (cd "$T" && "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$T/$t-" "$T/$t" >"$T/$t.log" 2>&1)
    rc=$?
    [ $rc -eq 0 ] || sed 's/^/# /' "$T/$t.log" | tail -40
    ok $rc "fuzz_$t: ${secs}s from $(count_files "$T/$t") seeds without a finding"
done
done_testing
