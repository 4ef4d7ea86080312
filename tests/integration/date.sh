#!/bin/sh
# date.sh -- ${date:FORMAT} in a real delivery: the folder is named by the
# clock in the time zone the MTA passes in TZ (two POSIX zones 25 hours
# apart always give different days), and weir test names the same folder.
# (A TZ naming a file by path is dropped: tests/unit/test_priv.c.)  With a
# hostile TZ, ${date:%Z} is tainted: never in a command, confined in a
# folder name.
. "$top_srcdir/tests/lib.sh"

msg="$TESTDATA/messages/ham-plain.eml"
HOME="$T/h"; export HOME
mkdir -p "$HOME/Mail"
cat > "$T/rules" <<'RULES'
file "~/Mail/day-${date:%Y-%m-%d}"
RULES

for tz in EAST-14 WEST+11; do
    before=$(TZ=$tz date +%Y-%m-%d)
    TZ=$tz "$WEIR" -r "$T/rules" < "$msg" 2> "$T/err"
    is $? 0 "TZ=$tz: delivered"
    after=$(TZ=$tz date +%Y-%m-%d)
    [ -f "$HOME/Mail/day-$before" ] || [ -f "$HOME/Mail/day-$after" ]
    ok $? "TZ=$tz: filed into day-$before, the day in that zone ($(ls "$HOME/Mail" | tr '\n' ' '))"
done
is "$(ls "$HOME/Mail" | wc -l | tr -d ' ')" 2 "the two zones gave two folders"

# weir test reads the same clock and zone: the folder it names
if [ "$(id -u)" = 0 ]; then
    chmod 755 "$T"; chown -R nobody:nogroup "$T/h"; chmod 644 "$T/rules"
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    AS=
fi
day=$(TZ=EAST-14 date +%Y-%m-%d)
$AS env HOME="$HOME" TZ=EAST-14 "$WEIR" test -r "$T/rules" "$msg" > "$T/out" 2>&1
grep -q "action: file $HOME/Mail/day-$day " "$T/out" ||
    grep -q "action: file $HOME/Mail/day-$(TZ=EAST-14 date +%Y-%m-%d) " "$T/out"
ok $? "weir test names the folder delivery would (TZ=EAST-14: day-$day)"
[ -n "$AS" ] && chown -R "$(id -u):$(id -g)" "$T/h"

# A hostile TZ (the MTA's environment is tainted): ${date:%Z} carries the
# zone's name, so it is tainted.  A command built from it is never run
# (the message goes to the default mailbox as well), and a folder named
# from it stays inside the mail directory, whatever the zone string.  An
# empty expansion (glibc names a zone it cannot parse "") adds no text and
# so no taint: the command is then exactly what the rule wrote.  A command
# with an untainted conversion (%Y) runs.
printf 'default_mailbox: ~/Maildir/\n' > "$T/weir.yaml"
i=0
for tz in '<a/b>5' 'x/../../../../tmp/tz' '/etc/passwd' ':/etc/passwd' \
          '<../../..>5' 'UTC0;touch INJ' 'EST5EDT' '<A-b+c>-3'; do
    i=$((i + 1))
    H="$T/tz$i"; mkdir -p "$H/Mail"
    cat > "$T/rules" <<RULES
pipe "touch $T/ran-$i-\${date:%Z}"
file "~/Mail/z-\${date:%Z}"
RULES
    HOME=$H TZ=$tz "$WEIR" -v -c "$T/weir.yaml" -r "$T/rules" < "$msg" 2> "$T/err"
    is $? 0 "TZ='$tz': delivered"
    got=$(cd "$H" && find . -type f | grep -v '^\./Maildir/\|^\./\.weir/cache/' | sort)
    case $got in
        ./Mail/z-*) [ "$(echo "$got" | wc -l)" = 1 ]; ok $? "TZ='$tz': the folder stayed in ~/Mail ($got)" ;;
        *) ok 1 "TZ='$tz': the folder stayed in ~/Mail (got: $got)" ;;
    esac
    zone=${got#./Mail/z-}
    echo "$zone" | grep -q '^[A-Za-z0-9+-]*$'; ok $? "TZ='$tz': %Z gave a plain zone name ('$zone')"
    ran=$(ls "$T" | grep "^ran-$i-")
    if [ -n "$zone" ]; then
        [ -z "$ran" ]; ok $? "TZ='$tz': the command with \${date:%Z} (= '$zone') was not run"
        grep -q 'refused: command built from message content' "$T/err"
        ok $? "TZ='$tz': its refusal is logged"
        is "$(count_files "$H/Maildir/new")" 1 "TZ='$tz': the refused pipe's copy is in the default mailbox"
    else
        is "$ran" "ran-$i-" "TZ='$tz': %Z empty, the command is the rule's own text and ran"
    fi
done
# weir check reasons alike: a '..' next to %Z is an error (delivery always
# refuses it), next to the literal "%%Z" it is the rule's own text
printf 'file "~/Mail/a${date:%%Z}/../x"\n' > "$T/z.rules"
! "$WEIR" check "$T/z.rules" > "$T/out" 2>&1 && grep -q "may not contain '..'" "$T/out"
ok $? "weir check: a folder with \${date:%Z} and '..' is refused, as delivery refuses it"
printf 'file "~/Mail/a${date:%%%%Z}/../x"\n' > "$T/zz.rules"
"$WEIR" check "$T/zz.rules" > /dev/null 2>&1
ok $? "weir check: \${date:%%Z} is a literal %Z, not tainted"
[ ! -e "$T/INJ" ] && [ ! -e INJ ] && [ ! -e /tmp/tz ]; ok $? "no file made outside the homes"
H="$T/tzok"; mkdir -p "$H"
printf 'pipe "touch %s/ran-year-${date:%%Y}"\n' "$T" > "$T/rules"
HOME=$H TZ='<a/b>5' "$WEIR" -c "$T/weir.yaml" -r "$T/rules" < "$msg" 2> "$T/err"
[ -e "$T/ran-year-$(date +%Y)" ] || [ -e "$T/ran-year-$(TZ=UTC+5 date +%Y)" ]
ok $? "a command with \${date:%Y} (untainted) runs under the same TZ"

done_testing
