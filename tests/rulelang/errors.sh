#!/bin/sh
# errors.sh -- `weir check` on malformed rule files: each
# tests/rulelang/error-cases/NAME.rules has NAME.ref holding the exact
# diagnostics (stderr), then stdout, then the exit status.  The check runs
# inside the directory so file names in messages are as written.
. "$top_srcdir/tests/lib.sh"

# The cases run from a private copy: weir check applies delivery's trust
# checks, which a source tree checked out with umask 002 would fail.
src="$top_srcdir/tests/rulelang/error-cases"
cp -R "$src" "$T/cases"
chmod -R go-w "$T/cases"
dir="$T/cases"
for f in "$dir"/*.rules; do
    name=$(basename "$f" .rules)
    got=$(cd "$dir" && { "$WEIR" check "$name.rules" 2>"$T/err" >"$T/out"; echo "exit: $?" >"$T/rc"; }
          cat "$T/err" "$T/out" "$T/rc")
    if [ "${REGEN:-}" = 1 ]; then printf '%s\n' "$got" >"$src/$name.ref"; fi
    want=$(cat "$src/$name.ref")
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
# weir check applies delivery's trust checks to the file and its includes,
# and prints the exact fix
mkdir -p "$T/tr"; chmod 755 "$T" "$T/tr"
printf 'discard\n' > "$T/tr/g.rules"; chmod 664 "$T/tr/g.rules"
(cd "$T/tr" && "$WEIR" check g.rules) >"$T/out" 2>"$T/err"
is "$?" 1 "a group-writable rule file: weir check exits 1 (a delivery refuses it)"
is "$(cat "$T/err")" "g.rules: error: group-writable: a delivery refuses this file, so its rules would not run
  = help: chmod go-w g.rules
g.rules: refused: 1 file a delivery would not read" "and says why, with the exact chmod"
is "$(cat "$T/out")" "" "no 'ok' for it"
chmod 644 "$T/tr/g.rules"
(cd "$T/tr" && "$WEIR" check g.rules) >"$T/out" 2>&1
is "$?:$(cat "$T/out")" "0:g.rules: ok" "after the chmod: ok"
printf 'include "inc.rules"\n' > "$T/tr/i.rules"; chmod 644 "$T/tr/i.rules"
printf 'discard\n' > "$T/tr/inc.rules"; chmod 666 "$T/tr/inc.rules"
(cd "$T/tr" && "$WEIR" check i.rules) >"$T/out" 2>"$T/err"
is "$?" 1 "a world-writable include: exit 1"
grep -q '^inc.rules: error: world-writable: .*' "$T/err" && grep -q '= help: chmod go-w inc.rules' "$T/err"
ok $? "the include is named, with its chmod"
mkdir -p "$T/tr/open"; chmod 775 "$T/tr/open"
printf 'discard\n' > "$T/tr/open/r"; chmod 644 "$T/tr/open/r"
(cd "$T/tr" && "$WEIR" check open/r) >"$T/out" 2>"$T/err"
is "$?" 1 "a rule file in a group-writable directory: exit 1"
grep -q "= help: chmod go-w $T/tr/open" "$T/err"
ok $? "the directory's chmod is printed"
done_testing
