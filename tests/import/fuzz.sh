#!/bin/sh
# fuzz.sh -- a bounded smoke run of fuzz/fuzz_pmrc (built by `make fuzz`):
# FUZZ_SMOKE_SECONDS (10) from testdata/fuzz/pmrc without a finding.
# The mutation seed is fixed (FUZZ_SEED, default 1) so that make check
# gives the same run every time; FUZZ_SEED=0 lets libFuzzer pick one (long
# runs, fuzz/README.md).  Every finding becomes a seed file here.
# Skips when the target was not built (clang or libFuzzer missing).
. "$top_srcdir/tests/lib.sh"

secs=${FUZZ_SMOKE_SECONDS:-10}
bin="$top_builddir/fuzz/fuzz_pmrc"
if [ ! -x "$bin" ]; then
    skip "fuzz_pmrc not built: needs clang and libFuzzer at configure time"
    done_testing; exit
fi
mkdir -p "$T/corpus"
cp "$top_srcdir"/testdata/fuzz/pmrc/* "$T/corpus/"
(cd "$T" && "$bin" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$T/pmrc-" "$T/corpus" > "$T/log" 2>&1)
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$T/log" | tail -40
ok $rc "fuzz_pmrc: ${secs}s from $(count_files "$top_srcdir/testdata/fuzz/pmrc") seeds without a finding"
done_testing
