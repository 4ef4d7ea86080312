#!/bin/sh
# dump.sh -- golden tests of the compiler: `weir dump NAME.rules` in
# tests/rulelang/dump/ must print exactly NAME.ref; and a cache file
# written by `weir compile` dumps to the same instructions.
. "$top_srcdir/tests/lib.sh"

dir="$top_srcdir/tests/rulelang/dump"
for f in "$dir"/*.rules; do
    name=$(basename "$f" .rules)
    got=$(cd "$dir" && "$WEIR" dump "$name.rules" 2>&1; echo "exit: $?")
    if [ "${REGEN:-}" = 1 ]; then printf '%s\n' "$got" >"$dir/$name.ref"; fi
    is "$got" "$(cat "$dir/$name.ref")" "dump $name"
done

# weir compile writes a cache file; weir dump reads it back (verified)
cp "$dir/sketch.rules" "$T/sketch.rules"
out=$(cd "$T" && "$WEIR" compile --cache-dir "$T/cache" sketch.rules 2>&1)
ok $? "weir compile succeeds: $out"
n=$(ls "$T/cache" | grep -c '\.wbc$')
is "$n" 1 "one cache file written"
c=$(ls "$T/cache"/*.wbc)
got=$(cd "$T" && "$WEIR" dump "$c" | grep -v '^; source')
want=$(cd "$dir" && "$WEIR" dump sketch.rules | grep -v '^; source')
is "$got" "$want" "dump of the cache file equals dump of the source"
printf 'JUNK' >>"$c"
"$WEIR" dump "$c" >/dev/null 2>"$T/err"
is "$?" 1 "dump of a corrupted cache file fails"
grep -q 'trailing bytes' "$T/err"; ok $? "and says why: $(cat "$T/err")"
"$WEIR" compile sketch.rules >/dev/null 2>&1
is "$?" 64 "compile without --cache-dir is a usage error"
done_testing
