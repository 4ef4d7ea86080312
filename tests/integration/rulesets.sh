#!/bin/sh
# rulesets.sh -- every shipped ruleset (rulesets/*.rules and
# rulesets/examples/*.rules) compiles cleanly (weir check), and every suite
# (rulesets/*.yaml, rulesets/examples/*.yaml) passes (weir test --suite),
# run as an unprivileged user when we are root (weir test refuses root).
# Each .rules file has a suite of its name, or is named by one (rules: or
# system_rules:).  rulesets/measure.sh is tested by measure.sh beside this.
. "$top_srcdir/tests/lib.sh"

if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    AS=
fi
chmod 755 "$T"
cp -r "$top_srcdir/rulesets" "$T/rulesets"
mkdir -p "$T/testdata"
for d in messages corpus rulesets; do cp -r "$TESTDATA/$d" "$T/testdata/$d"; done
chmod -R a+rX,go-w "$T/rulesets" "$T/testdata"
export WEIR_MODULEDIR

for r in "$T"/rulesets/*.rules "$T"/rulesets/examples/*.rules; do
    [ -f "$r" ] || continue
    name=${r#"$T"/rulesets/}
    if [ "$name" = junk.rules ]; then
        # junk.rules needs junk_level set before it: check it as it is used
        for l in "$T"/testdata/rulesets/junk-level*.rules; do
            out=$("$WEIR" check "$l" 2>&1)
            is "$?:$out" "0:$l: ok" "$name: weir check clean, included by $(basename "$l")"
        done
        out=$("$WEIR" check "$r" 2>&1)
        echo "$out" | grep -q "unknown variable 'junk_level'"
        ok $? "$name: weir check alone says junk_level must be set first"
    else
        out=$("$WEIR" check "$r" 2>&1)
        is "$?:$out" "0:$r: ok" "$name: weir check clean"
    fi
    y=${r%.rules}.yaml
    base=$(basename "$r")
    if [ -f "$y" ] || grep -qs "rules: *\(\.\./\)*$base\$" "$(dirname "$r")"/*.yaml; then
        ok 0 "$name: has a suite"
    else
        ok 1 "$name: has a suite ($(basename "$y"))"
    fi
done
for y in "$T"/rulesets/*.yaml "$T"/rulesets/examples/*.yaml; do
    [ -f "$y" ] || continue
    name=${y#"$T"/rulesets/}
    (cd "$(dirname "$y")" && HOME=$HOME $AS "$WEIR" test --suite "$y") > "$T/out" 2>&1
    r2=$?
    is "$r2" 0 "$name: suite passes ($(tail -1 "$T/out"))"
    [ "$r2" = 0 ] || grep -v '^ok ' "$T/out" | sed 's/^/# /'
done
done_testing
