#!/bin/sh
# date.sh -- ${date:FORMAT} in a real delivery: the folder is named by the
# clock in the time zone the MTA passes in TZ (two POSIX zones 25 hours
# apart always give different days), and weir test names the same folder.
# (A TZ naming a file by path is dropped: tests/unit/test_priv.c.)
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

done_testing
