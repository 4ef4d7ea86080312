#!/bin/sh
# measure.sh -- rulesets/measure.sh on a sample of the corpus (every 8th
# labelled message), DNS from the recorded answers on rbldnsd: it runs,
# prints one row per level with counts that add up, and level 1 and 2 meet
# their false-positive targets on the sample.  The full run is on demand
# (rulesets/measure.sh --readme writes rulesets/README.md's table).
. "$top_srcdir/tests/lib.sh"

command -v rbldnsd >/dev/null 2>&1
ok $? "rbldnsd is installed (build-aux/install-deps.sh)"
WEIR=$WEIR sh "$top_srcdir/rulesets/measure.sh" --sample 8 > "$T/out" 2> "$T/err"
rc=$?
is "$rc" 0 "measure.sh --sample 8 exits 0 (targets met)"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/out" "$T/err"
grep -q '^[0-9]* ham and [0-9]* spam messages of testdata/corpus' "$T/out"
ok $? "says what it measured"
for l in 1 2 3 4; do
    grep -q "^| $l | [0-9]* / [0-9]* | [0-9.]*% |" "$T/out"
    ok $? "a row for level $l"
done
# the sample is the same every run: ham and spam counts are those of the labels
h=$(sed -n 's/^\([0-9]*\) ham and \([0-9]*\) spam.*/\1 \2/p' "$T/out")
[ -n "$h" ] && [ "${h% *}" -gt 40 ] && [ "${h#* }" -gt 5 ]
ok $? "the sample has ham and spam ($h)"
grep -q '^<!-- measure.sh table: written by rulesets/measure.sh --readme' "$top_srcdir/rulesets/README.md"
ok $? "rulesets/README.md has the table measure.sh wrote"
done_testing
