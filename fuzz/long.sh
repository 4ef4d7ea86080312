#!/bin/sh
# fuzz/long.sh -- the long fuzzing run of issue 18 (`make fuzz-long`).
#
#   fuzz/long.sh BUILDDIR SRCDIR [TARGET...]
#
# Runs each libFuzzer target (default: every fuzz/fuzz_* built in
# BUILDDIR) for FUZZ_LONG_SECONDS (default 300) of wall time, one at a
# time, with a random mutation seed, from a scratch copy of its seeds plus
# its saved findings, under `nice`.  It prints one line per target:
#
#   fuzz_mime  cpu=301s  execs=123456  corpus=412  findings=0
#
# and appends the same lines, with the date and the commit, to
# FUZZ_LONG_LOG (default BUILDDIR/fuzz-long.log).  A finding's input is
# kept in FUZZ_LONG_OUT (default BUILDDIR/fuzz-long-findings/); copy it
# into testdata/fuzz/<target>-regress/ (or the target's seed directory)
# so make check replays it, and fix the bug.  Exit status 1 if any
# target found something.
set -u
b=${1:?usage: fuzz/long.sh BUILDDIR SRCDIR [TARGET...]}
s=${2:?usage: fuzz/long.sh BUILDDIR SRCDIR [TARGET...]}
shift 2
secs=${FUZZ_LONG_SECONDS:-300}
log=${FUZZ_LONG_LOG:-$b/fuzz-long.log}
out=${FUZZ_LONG_OUT:-$b/fuzz-long-findings}
mkdir -p "$out"
[ $# -gt 0 ] || set -- $(cd "$b/fuzz" && ls fuzz_* 2>/dev/null | grep -v '\.')
commit=$(git -C "$s" rev-parse --short HEAD 2>/dev/null || echo unknown)
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-long.XXXXXX")
trap 'rm -rf "$work"' EXIT
bad=0
for t in "$@"; do
    name=${t#fuzz_}
    bin="$b/fuzz/fuzz_$name"
    [ -x "$bin" ] || { echo "fuzz-long: $bin not built (make fuzz)" >&2; bad=1; continue; }
    mkdir -p "$work/$name"
    # Seeds: testdata/fuzz/NAME (the rule-language targets: the test rule
    # files and their cache files), and the saved findings.
    case $name in
    parser) cp "$s"/tests/rulelang/dump-cases/*.rules "$work/$name/" ;;
    loader) (cd "$s/tests/rulelang/dump-cases" && "$b/weir" compile --cache-dir "$work/$name" *.rules >/dev/null 2>&1) ;;
    *) cp "$s/testdata/fuzz/$name"/* "$work/$name/" 2>/dev/null ;;
    esac
    cp "$s/testdata/fuzz/$name-regress"/* "$work/$name/" 2>/dev/null
    set -- -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
        -artifact_prefix="$out/$name-" -print_final_stats=1
    [ -f "$s/testdata/fuzz/$name.dict" ] && set -- "$@" -dict="$s/testdata/fuzz/$name.dict"
    before=$(ls "$out" | grep -c "^$name-")
    # user CPU seconds of the child, from the shell's times
    c0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
    (cd "$work" && nice -n 10 "$bin" "$@" "$work/$name" > "$work/$name.log" 2>&1)
    c1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
    cpu=$(( (c1 - c0) / $(getconf CLK_TCK) ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -1)
    found=$(( $(ls "$out" | grep -c "^$name-") - before ))
    [ "$found" -eq 0 ] || { bad=1; tail -30 "$work/$name.log" >&2; }
    line=$(printf 'fuzz_%-10s cpu=%ss execs=%s corpus=%s findings=%s' "$name" "$cpu" \
        "${execs:-?}" "$(ls "$work/$name" | wc -l | tr -d ' ')" "$found")
    echo "$line"
    echo "$(date -u +%Y-%m-%dT%H:%MZ) $commit $line" >> "$log"
done
exit $bad
