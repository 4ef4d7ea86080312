#!/bin/sh
# analyzer.sh -- gcc's static analyzer (-fanalyzer, the gcc that builds
# weir) over every C file of weir itself (lda/, rulelang/, builtins/),
# zero findings required.  The check set is -fanalyzer's own (leaks,
# double free, use after free, NULL dereference, fd leaks, use of
# uninitialised values...).  A false positive is silenced only around the
# function it is in, with `#pragma GCC diagnostic ignored "-Wanalyzer-..."`
# and a comment saying why (lda/prog/yamlload.c has the one there is).
# Plain build only: the analysis does not depend on the build flags.
. "$top_srcdir/tests/lib.sh"

CC_=${CC:-gcc}
case $("$CC_" --version 2>/dev/null | head -n 1) in
*clang*) CC_=gcc ;;
esac
# the build's own preprocessor flags (tests/static/local.mk exports them)
flags="-std=c11 -fanalyzer -fdiagnostics-plain-output -O0 ${WEIR_ANALYZER_CPPFLAGS:-}"
# (run from the build directory: the flags' relative paths are from there)
ls "$top_srcdir"/lda/*/*.c "$top_srcdir"/rulelang/*.c "$top_srcdir"/builtins/*.c > "$T/files"
# two at a time (make check's -j2 runs other tests beside this one)
# shellcheck disable=SC2086
xargs -P 2 -I{} sh -c "$CC_ $flags -c {} -o /dev/null 2>&1 && echo 'compiled: {}'" \
    < "$T/files" > "$T/out"
is "$(grep -c '^compiled: ' "$T/out")" "$(wc -l < "$T/files" | tr -d ' ')" \
    "every file compiled under -fanalyzer" || grep -v '^compiled: ' "$T/out" | head -20 | sed 's/^/# /'
grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$T/out" | sed "s|^$top_srcdir/||" | sort -u > "$T/findings"
sed 's/^/# /' "$T/findings"
is "$(wc -l < "$T/findings" | tr -d ' ')" 0 \
    "gcc -fanalyzer: no findings in $(wc -l < "$T/files" | tr -d ' ') files of lda/ rulelang/ builtins/"
done_testing
