#!/bin/sh
# run.sh -- rule-language benchmark (not run by make check).
# Usage: bench/run.sh [BUILDDIR]   (default: the current directory)
# Generates a 40-rule and a 2,000-rule file, builds bench/rl_bench and
# prints compile time, cached-load time and evaluation cost per message
# over the shared corpus, plus `weir check` wall time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-.}
# the corpus (testdata/corpus, or set CORPUS)
corpus=${CORPUS:-$here/../testdata/corpus}
make -C "$build" bench/rl_bench >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
msgs=$(find "$corpus" -type f ! -name '*.md' | sort | head -300)
for n in 40 2000; do
    sh "$here/gen-rules.sh" $n >"$tmp/rules-$n"
    "$build/bench/rl_bench" "$tmp/rules-$n" $msgs
    s=$(date +%s%N); "$build/weir" check "$tmp/rules-$n" >/dev/null; e=$(date +%s%N)
    echo "  weir check wall time (process)  $(( (e - s) / 1000 )) us"
done
