#!/bin/sh
# suite.sh -- `weir test --suite`: a passing suite exits 0; a suite with
# deliberate failures reports each failing case with its expected-vs-actual
# diff, exactly as in testdata/tester/failing.ref, and exits 1; validation
# errors carry file:line:col (bad.ref); a YAML syntax error likewise.
. "$top_srcdir/tests/lib.sh"

chmod 755 "$T"
cp -r "$TESTDATA/tester" "$T/s"
chmod -R a+rX "$T/s"
if [ "$(id -u)" = 0 ]; then
    wt() { (cd "$T/s" && HOME=$HOME setpriv --reuid=nobody --regid=nogroup --clear-groups "$WEIR" test "$@"); }
else
    wt() { (cd "$T/s" && "$WEIR" test "$@"); }
fi

wt --suite passing.yaml > "$T/out" 2>&1
is $? 0 "passing suite: exit 0"
is "$(cat "$T/out")" "ok 1 - inline message, implicit keep
ok 2 - message file, score range
2 cases: 2 passed, 0 failed" "passing suite: report"

wt --suite failing.yaml > "$T/out" 2>&1
is $? 1 "failing suite: exit 1"
diff "$T/s/failing.ref" "$T/out" > "$T/diff"
ok $? "failing suite: exact report (failing.ref)"
sed 's/^/# /' "$T/diff"

wt --suite missing-rules.yaml > "$T/out" 2>&1
is $? 1 "rules that cannot load: exit 1"
is "$(head -1 "$T/out")" "ok 1 - the missing rule file is the error" "an expected load error passes"
grep -q '^    + no-such.rules: No such file or directory$' "$T/out"
ok $? "an unexpected load error is shown as the actual result"

wt --suite bad.yaml > "$T/out" 2>&1
is $? 65 "invalid suite: exit 65"
diff "$T/s/bad.ref" "$T/out" > "$T/diff"
ok $? "invalid suite: every problem with file:line:col (bad.ref)"
sed 's/^/# /' "$T/diff"

wt --suite syntax.yaml > "$T/out" 2>&1
is $? 65 "YAML syntax error: exit 65"
is "$(cat "$T/out")" "syntax.yaml:4:1: found unexpected end of stream while scanning a quoted scalar" \
    "YAML syntax error: file:line:col"

# Nesting is capped (issue 10: deep nesting made libyaml's loader
# quadratic): a suite nested 100,000 deep is refused at level 65.
awk 'BEGIN { printf "rules: r.rules\ncases: "; for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }' > "$T/s/deep.yaml"
wt --suite deep.yaml > "$T/out" 2>&1
is $? 65 "suite nested 100,000 deep: exit 65"
is "$(cat "$T/out")" "deep.yaml:2:71: sequences and mappings nested deeper than 64 levels" \
    "suite nested 100,000 deep: refused at the nesting limit, with file:line:col"

wt --suite "$T/s/passing.yaml" > "$T/out" 2>&1
is $? 0 "suite named by an absolute path: message_file found beside it"
wt --suite passing.yaml extra.eml > /dev/null 2>&1
is $? 64 "--suite with message arguments: usage error"

done_testing
