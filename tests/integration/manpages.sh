#!/bin/sh
# manpages.sh -- the man pages document what the programs accept: every
# option `weir --help` and `weir test --help` list has an entry in the
# OPTIONS of weir(1) / weir-test(1) (a .B/.BI line starting with it), and
# every rules subcommand is in weir(1)'s SYNOPSIS.
. "$top_srcdir/tests/lib.sh"

doc="$top_srcdir/doc"
# options_of HELP-TEXT: "-x" and "--long" words that start a help line
options_of() {
    printf '%s\n' "$1" | sed -n 's/^  *\(--*[a-zA-Z][a-z-]*\).*/\1/p' | sort -u
}
# documented PAGE OPTION: an entry line such as '.BI \-r " rules"'
documented() {
    esc=$(printf '%s' "$2" | sed 's/-/\\\\-/g')
    grep -Eq "^\.(B|BI|BR) +$esc( |\$)" "$1"
}

help=$("$WEIR" --help 2>&1)
n=0
for o in $(options_of "$help"); do
    n=$((n + 1))
    documented "$doc/weir.1" "$o"
    ok $? "weir(1) documents $o"
done
[ "$n" -ge 6 ]; ok $? "found weir's options in --help ($n)"
grep -q '^\.RB \[ \\-r$' "$doc/weir.1"
ok $? "weir(1) SYNOPSIS shows -r"

help=$("$WEIR" test --help 2>&1)
n=0
for o in $(options_of "$help"); do
    n=$((n + 1))
    documented "$doc/weir-test.1" "$o"
    ok $? "weir-test(1) documents $o"
done
[ "$n" -ge 10 ]; ok $? "found weir test's options in --help ($n)"

for sub in test check dump compile; do
    grep -q "^\.B weir $sub" "$doc/weir.1"
    ok $? "weir(1) SYNOPSIS has weir $sub"
done
! grep -q 'header edits are logged and not' "$doc/weir.1"
ok $? "weir(1) does not say header edits are not applied (they are)"
done_testing
