#!/bin/sh
# fuzz.sh -- a bounded smoke run of the libFuzzer targets (fuzz/): build
# them with clang (`make fuzz`), then run each for FUZZ_SECONDS (10) on
# seed inputs.  Skips when clang is not available.
. "$top_srcdir/tests/lib.sh"

secs=${FUZZ_SECONDS:-10}
if ! command -v clang >/dev/null 2>&1; then
    skip "clang not installed: libFuzzer targets not built"
    done_testing; exit $?
fi
make -C "$top_builddir" fuzz >"$T/build.log" 2>&1
ok $? "make fuzz builds the targets$( [ -s "$T/build.log" ] && tail -2 "$T/build.log" | tr '\n' ' ')"
mkdir -p "$T/rules" "$T/bc"
for f in "$top_srcdir"/tests/rulelang/dump/*.rules "$top_srcdir"/tests/rulelang/vm/*.rules; do
    cp "$f" "$T/rules/$(basename "$(dirname "$f")")-$(basename "$f")"
done
(cd "$top_srcdir/tests/rulelang/dump" && "$WEIR" compile --cache-dir "$T/bc" *.rules >/dev/null 2>&1)
for t in parser loader; do
    corpus="$T/rules"; [ $t = loader ] && corpus="$T/bc"
    (cd "$T" && ASAN_OPTIONS=detect_leaks=1 "$top_builddir/fuzz/fuzz_$t" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 "$corpus" >"$T/$t.log" 2>&1)
    rc=$?
    ok $rc "fuzz_$t ran $secs s without a crash: $(grep -E '^(Done|#.*DONE)' "$T/$t.log" | tail -1)"
    [ $rc -eq 0 ] || tail -40 "$T/$t.log" | sed 's/^/# /'
done
done_testing
