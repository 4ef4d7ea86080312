#!/bin/sh
# errors.sh -- `weir check` on malformed rule files: each
# tests/rulelang/error-cases/NAME.rules has NAME.ref holding the exact
# diagnostics (stderr), then stdout, then the exit status.  The check runs
# inside the directory so file names in messages are as written.
. "$top_srcdir/tests/lib.sh"

dir="$top_srcdir/tests/rulelang/error-cases"
for f in "$dir"/*.rules; do
    name=$(basename "$f" .rules)
    got=$(cd "$dir" && { "$WEIR" check "$name.rules" 2>"$T/err" >"$T/out"; echo "exit: $?" >"$T/rc"; }
          cat "$T/err" "$T/out" "$T/rc")
    if [ "${REGEN:-}" = 1 ]; then printf '%s\n' "$got" >"$dir/$name.ref"; fi
    want=$(cat "$dir/$name.ref")
    is "$got" "$want" "check $name"
done
# several files: each reported, exit 1 when any has an error
out=$(cd "$dir" && "$WEIR" check never-match-warning.rules typo-comparison.rules 2>"$T/err")
is "$?" 1 "check of a good and a bad file exits 1"
is "$out" "never-match-warning.rules: ok (1 warning)" "the good one is reported ok"
grep -q '^typo-comparison.rules:1:21: error:' "$T/err"; ok $? "the bad one's error is shown"
out=$(cd "$dir" && "$WEIR" check never-match-warning.rules unreachable-warning.rules 2>/dev/null)
is "$?" 0 "warnings alone exit 0"
"$WEIR" check "$T/no-such.rules" 2>"$T/err"
is "$?" 1 "an unreadable file exits 1"
grep -q "no-such.rules: error: cannot read: No such file or directory" "$T/err"; ok $? "and says so"
"$WEIR" check 2>/dev/null
is "$?" 64 "no file is a usage error (EX_USAGE)"
done_testing
