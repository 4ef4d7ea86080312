#!/bin/sh
# mboxrd round trip: messages whose bodies have "From ", ">From ",
# ">>From " lines go into an mbox and come back out byte-identical after
# un-quoting; each is compared with the copy weir filed into a Maildir in
# the same run (the message exactly as weir normalised it).
. "$top_srcdir/tests/delivery/lib-delivery.sh"

mkdir -p "$T/in" "$T/out"
i=0
while [ "$i" -lt 20 ]; do
    mkmsg "$T/in/s$i" "s$i" "$i"
    i=$((i + 1))
done
printf 'Subject: edge\n\nFrom \n>From \n>>>>>From x\nFrom\n>From\n From x\n\n\nFrom end' > "$T/in/edge"
printf 'Subject: only header\n' > "$T/in/nobody"
n=0
for f in "$T"/in/*; do
    "$DRIVER" file:rd copy:md/ < "$f" || echo "# delivery of $f failed"
    n=$((n + 1))
done
if [ -d "$CORPUS" ]; then
    # Every corpus message with a From_-looking line in it, and a sample.
    for f in $(grep -rlE '^>*From ' "$CORPUS" | head -60) $(ls -d "$CORPUS"/*/* | head -40); do
        [ -f "$f" ] || continue
        "$DRIVER" file:rd copy:md/ < "$f" || echo "# delivery of $f failed"
        n=$((n + 1))
    done
else
    skip "corpus not found at $CORPUS: synthetic messages only"
fi
got=$("$SPLIT" "$HOME/Mail/rd" "$T/out"); is "$?" 0 "mbox parses into complete messages"
is "$got" "$n" "mbox holds all $n messages"
is "$(count_files "$HOME/Maildir/md/new")" "$n" "Maildir holds all $n messages"
[ "$(hashes "$T/out")" = "$(hashes "$HOME/Maildir/md/new")" ]
ok $? "every message byte-identical after un-quoting"
grep -q '^>From the start of a line' "$HOME/Mail/rd"; ok $? "From  line quoted once"
grep -q '^>>From quoted once' "$HOME/Mail/rd"; ok $? ">From line quoted again"
grep -q '^>>>From quoted twice' "$HOME/Mail/rd"; ok $? ">>From line quoted again"
grep -q '^Fromage is not a separator' "$HOME/Mail/rd"; ok $? "Fromage left alone"
# The edge message: every variant of the pattern, and no final newline.
sed -n '/^Subject: edge/,/^From /p' "$HOME/Mail/rd" > "$T/edge.out"
printf 'Subject: edge\n\n>From \n>>From \n>>>>>>From x\nFrom\n>From\n From x\n\n\n>From end\n\nFrom ' > "$T/edge.want"
head -c "$(wc -c < "$T/edge.want")" "$T/edge.out" | cmp -s - "$T/edge.want"; ok $? "edge cases quoted exactly"
done_testing
