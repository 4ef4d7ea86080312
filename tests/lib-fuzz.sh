# tests/lib-fuzz.sh -- the make-check smoke run of a libFuzzer target.
# Source it after tests/lib.sh.  The long runs are fuzz/long.sh
# (`make fuzz-long`); this one only proves, on every make check, that the
# seeds and every saved finding still run clean and that a short mutation
# run from them finds nothing.  The mutation seed is fixed (FUZZ_SEED,
# default 1), so a make check gives the same run every time; FUZZ_SEED=0
# lets libFuzzer pick one.  FUZZ_SMOKE_SECONDS (default 4) bounds each run.

fuzz_secs=${FUZZ_SMOKE_SECONDS:-4}

# fuzz_smoke NAME SEEDDIR: fuzz/fuzz_NAME from a copy of SEEDDIR (libFuzzer
# writes new inputs into its first corpus directory: never the source
# tree), with testdata/fuzz/NAME.dict when there is one; then replay
# testdata/fuzz/NAME-regress/ when it holds saved findings.  A target that
# was not built is a failure: configure needs clang and libFuzzer (Debian:
# clang libclang-rt-14-dev, installed by build-aux/install-deps.sh).
fuzz_smoke() {
    _t=$1 _seeds=$2
    _bin="$top_builddir/fuzz/fuzz_$_t"
    if [ ! -x "$_bin" ]; then
        ok 1 "fuzz_$_t built (needs clang and libclang-rt-14-dev at configure time)"
        return
    fi
    mkdir -p "$T/fz-$_t"
    cp "$_seeds"/* "$T/fz-$_t/"
    set -- -seed="${FUZZ_SEED:-1}" -max_total_time="$fuzz_secs" -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$T/$_t-"
    [ -f "$TESTDATA/fuzz/$_t.dict" ] && set -- "$@" -dict="$TESTDATA/fuzz/$_t.dict"
    (cd "$T" && "$_bin" "$@" "$T/fz-$_t" > "$T/$_t.log" 2>&1)
    _rc=$?
    [ $_rc -eq 0 ] || sed 's/^/# /' "$T/$_t.log" | tail -40
    ok $_rc "fuzz_$_t: ${fuzz_secs}s from $(count_files "$_seeds") seeds without a finding"
    _regress="$TESTDATA/fuzz/$_t-regress"
    if [ "$(count_files "$_regress")" -gt 0 ]; then
        (cd "$T" && "$_bin" -runs=1 "$_regress"/* > "$T/$_t-regress.log" 2>&1)
        _rc=$?
        [ $_rc -eq 0 ] || sed 's/^/# /' "$T/$_t-regress.log" | tail -40
        ok $_rc "fuzz_$_t: $(count_files "$_regress") saved findings replay cleanly"
    fi
}
