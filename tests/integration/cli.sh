#!/bin/sh
# cli.sh -- command line: --version lists the modules (and loads them),
# --help, usage errors, reserved subcommands, -d for another user.
. "$top_srcdir/tests/lib.sh"

out=$("$WEIR" --version)
ok $? "--version exits 0"
case $out in "weir "[0-9]*) r=0 ;; *) r=1 ;; esac
ok $r "--version prints the version"
for m in archive magic db psl; do
    echo "$out" | grep -q "module $m .*[0-9]" && ! echo "$out" | grep -q "module $m *unavailable"
    ok $? "--version loads module $m"
done
WEIR_MODULEDIR=/nonexistent "$WEIR" --version | grep -q "module archive *unavailable"
ok $? "a missing module is reported, not fatal"

"$WEIR" --help | grep -q '^usage: weir'
ok $? "--help prints usage"
"$WEIR" -Z < /dev/null 2> /dev/null
is $? 64 "unknown option: exit 64"
"$WEIR" extra-arg < /dev/null 2> /dev/null
is $? 64 "stray argument: exit 64"

# -d: a non-root caller naming another user is refused with 77 before
# reading anything; root switches to the user.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    chmod 755 "$T"
    printf 'Subject: x\n\nb\n' > "$T/m"; chmod 644 "$T/m"
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$WEIR" -d root < "$T/m" 2> "$T/err"
    is $? 77 "-d root from nobody: exit 77"
    grep -q '^5\.7\.1 ' "$T/err"
    ok $? "-d root from nobody: 5.7.1 line"
    "$WEIR" -d no-such-user-weir < "$T/m" 2> /dev/null
    is $? 77 "-d unknown user: refused"
else
    skip "not root: cannot test -d across users"
    skip "not root"
    skip "not root"
fi

done_testing
