#!/bin/sh
# errors.sh -- `weir check` on malformed rule files: each
# tests/rulelang/errors/NAME.rules has NAME.ref holding the exact
# diagnostics (stderr), then stdout, then the exit status.  The check runs
# inside the directory so file names in messages are as written.
. "$top_srcdir/tests/lib.sh"

dir="$top_srcdir/tests/rulelang/errors"
for f in "$dir"/*.rules; do
    name=$(basename "$f" .rules)
    got=$(cd "$dir" && { "$WEIR" check "$name.rules" 2>"$T/err" >"$T/out"; echo "exit: $?" >"$T/rc"; }
          cat "$T/err" "$T/out" "$T/rc")
    if [ "${REGEN:-}" = 1 ]; then printf '%s\n' "$got" >"$dir/$name.ref"; fi
    want=$(cat "$dir/$name.ref")
    is "$got" "$want" "check $name"
done
done_testing
