#!/bin/sh
# fuzz.sh -- the make-check smoke run (tests/lib-fuzz.sh) of the
# rule-language targets: fuzz_parser from the test rule files, fuzz_loader
# from the cache files `weir compile` makes of them.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-fuzz.sh"
mkdir -p "$T/parser" "$T/loader"
for f in "$top_srcdir"/tests/rulelang/dump-cases/*.rules "$top_srcdir"/tests/rulelang/vm-cases/*.rules; do
    cp "$f" "$T/parser/$(basename "$(dirname "$f")")-$(basename "$f")"
done
(cd "$top_srcdir/tests/rulelang/dump-cases" && "$WEIR" compile --cache-dir "$T/loader" *.rules >/dev/null 2>&1)
fuzz_smoke parser "$T/parser"
fuzz_smoke loader "$T/loader"
done_testing
