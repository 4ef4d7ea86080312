#!/bin/sh
# manpage.sh -- the rule examples in doc/weir-rules.5 (A FIRST EXAMPLE and
# EXAMPLES) compile with `weir check`, so the documentation cannot drift
# from the language.
. "$top_srcdir/tests/lib.sh"

man="$top_srcdir/doc/weir-rules.5"
for sect in "A FIRST EXAMPLE" "EXAMPLES"; do
    awk -v s=".SH $sect" '
        $0 == s { on = 1; next }
        on && /^\.SH / { on = 0 }
        on && /^\.nf/ { blk = 1; next }
        on && /^\.fi/ { blk = 0; next }
        on && blk { gsub(/\\e/, "\\"); print }' "$man" >"$T/ex.rules"
    n=$(grep -c . "$T/ex.rules")
    [ "$n" -gt 5 ]; ok $? "found the '$sect' rules in the man page ($n lines)"
    out=$("$WEIR" check "$T/ex.rules" 2>&1)
    ok $? "'$sect' compiles: $(echo "$out" | head -3 | tr '\n' ' ')"
done
# the weir side of MIGRATING FROM PROCMAIL / SIEVE (blocks marked .\" weir)
for sect in "MIGRATING FROM PROCMAIL" "MIGRATING FROM SIEVE"; do
    awk -v s=".SH $sect" '
        $0 == s { on = 1; next }
        on && /^\.SH / { on = 0 }
        on && $0 == ".\\\" weir" { mark = 1; next }
        on && mark && /^\.nf/ { blk = 1; next }
        on && /^\.fi/ { blk = 0; mark = 0; next }
        on && blk { gsub(/\\e/, "\\"); print }' "$man" >"$T/ex.rules"
    n=$(grep -c . "$T/ex.rules")
    [ "$n" -gt 3 ]; ok $? "found the weir rules of '$sect' ($n lines)"
    out=$("$WEIR" check "$T/ex.rules" 2>&1)
    ok $? "'$sect' rules compile: $(echo "$out" | head -3 | tr '\n' ' ')"
done
done_testing
