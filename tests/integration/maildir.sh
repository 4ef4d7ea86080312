#!/bin/sh
# maildir.sh -- failures of the default Maildir: a missing parent, an
# unwritable Maildir; each exits 75 with one "4.x.x" line on stderr and
# leaves nothing in tmp/ or new/.
. "$top_srcdir/tests/lib.sh"

msg="$TESTDATA/messages/ham-plain.eml"

# Missing parent: HOME does not exist.
HOME="$T/no/such/home" "$WEIR" < "$msg" 2> "$T/err"
is $? 75 "missing parent: exit 75"
is "$(wc -l < "$T/err" | tr -d ' ')" 1 "missing parent: one line on stderr"
grep -q '^4\.[0-9]\.[0-9] ' "$T/err"
ok $? "missing parent: line starts with a 4.x.x code"
test ! -e "$T/no"
ok $? "missing parent: nothing created"

# Unwritable Maildir (tmp/ not writable).  Root ignores modes, so run as an
# unprivileged user when we are root.
run_unpriv() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
            env HOME="$HOME" "$@"
    else
        "$@"
    fi
}
if [ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null 2>&1; then
    skip "root without setpriv: cannot run as an unprivileged user"
    skip "root without setpriv"
    skip "root without setpriv"
    skip "root without setpriv"
else
    HOME="$T/u"; export HOME
    mkdir -p "$HOME/Maildir/tmp" "$HOME/Maildir/new" "$HOME/Maildir/cur"
    chmod 755 "$T"
    [ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$HOME"
    chmod 500 "$HOME/Maildir/tmp"
    run_unpriv "$WEIR" < "$msg" 2> "$T/err"
    is $? 75 "unwritable tmp/: exit 75"
    grep -q '^4\.[0-9]\.[0-9] ' "$T/err"
    ok $? "unwritable tmp/: 4.x.x line ($(cat "$T/err"))"
    is "$(count_files "$HOME/Maildir/new")" 0 "unwritable tmp/: nothing in new/"
    chmod 700 "$HOME/Maildir/tmp"
    chmod 500 "$HOME/Maildir/new"
    run_unpriv "$WEIR" < "$msg" 2> "$T/err"
    r=$?
    is "$r $(count_files "$HOME/Maildir/tmp")" "75 0" "unwritable new/: exit 75 and tmp/ cleaned up"
fi

# A file where the Maildir should be.
HOME="$T/f"; export HOME
mkdir -p "$HOME"; : > "$HOME/Maildir"
"$WEIR" < "$msg" 2> "$T/err"
is $? 75 "Maildir is a plain file: exit 75"

# Many deliveries: unique names, all complete.
HOME="$T/many"; export HOME; mkdir -p "$HOME"
i=0; while [ $i -lt 50 ]; do "$WEIR" < "$msg" || break; i=$((i + 1)); done
is "$(count_files "$HOME/Maildir/new")" 50 "50 deliveries: 50 distinct files"
awk 'NR == 1 && /^From / { next } { print }' "$msg" > "$T/want"
n=0
for f in "$HOME"/Maildir/new/*; do cmp -s "$f" "$T/want" && n=$((n + 1)); done
is "$n" 50 "50 deliveries: every file complete"

done_testing
