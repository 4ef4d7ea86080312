#!/bin/sh
# kill -9 at random points of an mbox delivery, KILL_RUNS times (200).
# After each kill: a torn mailbox always carries an append record (so a
# torn tail can never go unnoticed); the next delivery repairs it; the
# mailbox then parses into complete messages only, each byte-identical to
# one that was delivered; no record or dotlock is left behind.
. "$top_srcdir/tests/delivery/lib-delivery.sh"

RUNS=${KILL_RUNS:-200}
B="$T/mb"; REC="$T/rec"; mkdir -p "$B" "$REC" "$T/split"
mkmsg "$T/p1" p1 3; mkmsg "$T/p2" p2 5; mkmsg "$T/small" small 1
mkmsg "$T/big" big 20000            # about 1 MB
for f in p1 p2; do "$DRIVER" -A "$REC" file:"$B/box" < "$T/$f"; done
cp "$B/box" "$T/prefix"
allowed=" $(hashes "$T/p1" "$T/p2" "$T/big" "$T/small" | tr '\n' ' ') "
bighash=$(md5sum < "$T/big" | cut -d' ' -f1)

# Calibrate: how long does one big delivery take here?
t0=$(date +%s%N)
for i in 1 2 3; do "$DRIVER" -A "$REC" file:"$B/cal" < "$T/big"; done
t1=$(date +%s%N)
dur=$(( (t1 - t0) / 3000 ))          # microseconds per delivery
max=$(( dur + 500 ))
seed=${KILL_SEED:-$$}
echo "# one delivery takes ${dur} us; kills at 0..${max} us; seed $seed"

killed=0 midappend=0 completed=0 torn=0 bad=0
i=0
while [ "$i" -lt "$RUNS" ]; do
    i=$((i + 1))
    cp "$T/prefix" "$B/box"            # same inode, known content
    r=$("$KILLER" 0 "$max" $((seed + i)) "$T/big" "$DRIVER" -A "$REC" file:"$B/box")
    case "$r" in killed) killed=$((killed + 1));; "exit 0") completed=$((completed + 1));;
        *) echo "# run $i: $r"; bad=$((bad + 1));; esac
    nrec=$(ls -A "$REC" | wc -l)
    [ "$nrec" -gt 0 ] && midappend=$((midappend + 1))
    rm -rf "$T/split"; mkdir "$T/split"
    if ! "$SPLIT" "$B/box" "$T/split" >/dev/null 2>&1; then
        torn=$((torn + 1))
        if [ "$nrec" -eq 0 ]; then echo "# run $i: torn mailbox without a record"; bad=$((bad + 1)); fi
    fi
    if ! "$DRIVER" -A "$REC" file:"$B/box" < "$T/small"; then
        echo "# run $i: repair delivery failed"; bad=$((bad + 1))
    fi
    rm -rf "$T/split"; mkdir "$T/split"
    n=$("$SPLIT" "$B/box" "$T/split") || { echo "# run $i: does not parse after repair"; bad=$((bad + 1)); }
    nbig=0
    for h in $(hashes "$T/split"); do
        case "$allowed" in *" $h "*) ;; *) echo "# run $i: unknown message $h"; bad=$((bad + 1));; esac
        [ "$h" = "$bighash" ] && nbig=$((nbig + 1))
    done
    [ "$nbig" -le 1 ] || { echo "# run $i: big message twice"; bad=$((bad + 1)); }
    [ "$r" != "exit 0" ] || [ "$nbig" -eq 1 ] || { echo "# run $i: completed delivery lost"; bad=$((bad + 1)); }
    [ "$n" = $((3 + nbig)) ] || { echo "# run $i: $n messages"; bad=$((bad + 1)); }
    [ "$(ls -A "$REC" | wc -l)" -eq 0 ] || { echo "# run $i: record left"; bad=$((bad + 1)); }
    [ ! -e "$B/box.lock" ] || { echo "# run $i: dotlock left"; bad=$((bad + 1)); }
done
echo "# $RUNS runs: $killed killed ($midappend with an append record, $torn torn), $completed finished first"
is "$bad" 0 "$RUNS kill -9 runs: every mailbox repaired into complete, known messages"
[ "$killed" -gt $((RUNS / 4)) ]; ok $? "at least a quarter of the runs were killed mid-delivery ($killed of $RUNS)"
[ "$midappend" -gt 0 ]; ok $? "some kills hit the append itself ($midappend)"
done_testing
