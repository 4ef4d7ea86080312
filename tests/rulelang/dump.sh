#!/bin/sh
# dump.sh -- golden tests of the compiler: `weir dump NAME.rules` in
# tests/rulelang/dump-cases/ must print exactly NAME.ref; and a cache file
# written by `weir compile` dumps to the same instructions.
. "$top_srcdir/tests/lib.sh"

dir="$top_srcdir/tests/rulelang/dump-cases"
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
# the cache weir compile wrote from a relative name is found (and used)
# under the absolute name deliveries use
cp "$dir/include.rules" "$dir/include-part.inc" "$T/"
(cd "$T" && "$WEIR" compile --cache-dir "$T/c2" include.rules >/dev/null 2>&1)
n=$(ls "$T/c2" | grep -c '\.wbc$')
is "$n" 1 "compile from a relative name writes one cache file"
"$WEIR" dump "$T/c2"/*.wbc | grep -q "^; source 0: $T/include.rules\$"
ok $? "its sources are recorded by absolute path"
"$WEIR" dump "$T/c2"/*.wbc | grep -q "^; source 1: $T/include-part.inc\$"
ok $? "includes too"
printf 'JUNK' >>"$c"
"$WEIR" dump "$c" >/dev/null 2>"$T/err"
is "$?" 1 "dump of a corrupted cache file fails"
grep -q 'trailing bytes' "$T/err"; ok $? "and says why: $(cat "$T/err")"
"$WEIR" compile sketch.rules >/dev/null 2>&1
is "$?" 64 "compile without --cache-dir is a usage error"
# the instruction set listing comes from opcodes.def: one line per OP()
got=$("$WEIR" dump --opcodes | awk '{print $1}' | tr '\n' ' ')
want=$(sed -n 's/^OP(\([A-Z_]*\),.*/\1/p' "$top_srcdir/rulelang/opcodes.def" | tr '\n' ' ')
is "$got" "$want" "weir dump --opcodes lists every opcode of opcodes.def, in order"
"$WEIR" dump --opcodes | grep -q '^JT  *UXJX  *jump to c when the test flag is true (undecided counts as a)$'
ok $? "with its operand kinds and meaning"
done_testing
