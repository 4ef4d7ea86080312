#!/bin/sh
# rulesets.sh -- every shipped ruleset compiles cleanly (weir check) and
# passes its YAML suite (weir test --suite), run as an unprivileged user
# when we are root (weir test refuses root).
. "$top_srcdir/tests/lib.sh"

if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    AS=
fi
chmod 755 "$T"
cp -r "$top_srcdir/rulesets" "$T/rulesets"
mkdir -p "$T/testdata"; cp -r "$TESTDATA/messages" "$T/testdata/messages"
chmod -R a+rX "$T/rulesets" "$T/testdata"

for r in "$T"/rulesets/*.rules; do
    name=$(basename "$r")
    out=$("$WEIR" check "$r" 2>&1)
    is "$?:$out" "0:$r: ok" "$name: weir check clean"
    y=${r%.rules}.yaml
    if [ -f "$y" ]; then
        (cd "$T/rulesets" && HOME=$HOME $AS "$WEIR" test --suite "$y") > "$T/out" 2>&1
        r2=$?
        is "$r2" 0 "$name: its suite passes"
        [ "$r2" = 0 ] || sed 's/^/# /' "$T/out"
    else
        ok 1 "$name: has a suite ($(basename "$y"))"
    fi
done
done_testing
