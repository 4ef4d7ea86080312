#!/bin/sh
# Concurrency: WORKERS (8) processes each deliver PER (200) different
# messages into one mbox, one Maildir and one MH folder at the same time.
# Each folder then holds exactly WORKERS*PER messages, every one
# byte-identical to a message sent (mbox: after un-quoting), none
# interleaved, and the MH numbers are exactly 1..WORKERS*PER.
. "$top_srcdir/tests/delivery/lib-delivery.sh"

# Under ASan/UBSan each process start costs several times more (shadow
# memory set-up): that build runs 8 x 60 (the memory checks see the same
# code paths); the plain build runs 8 x 200 (4,800 deliveries with 8
# writers always contending; 8 x 500 = 12,000 cost make check over two
# minutes for no new interleaving).  CONC_PER=500 is the old full run.
if grep -qa __asan_init "$DRIVER" 2>/dev/null; then DEFAULT_PER=60; else DEFAULT_PER=200; fi
WORKERS=${CONC_WORKERS:-8}
PER=${CONC_PER:-$DEFAULT_PER}
TOTAL=$((WORKERS * PER))
# A tmpfs keeps 3 x 4,000 fsyncs from dominating on slow disks; the
# locking and linking under test are the same on any local file system.
if try_tmpfs "$T/fs" 256m; then F="$T/fs"; else F="$T/disk"; mkdir -p "$F"; fi
mkdir -p "$T/msgs" "$F/home"

# The messages: each unique, sizes from about 0.5 KB to 40 KB, bodies with
# "From " lines that the mbox must quote.
awk -v W="$WORKERS" -v P="$PER" -v D="$T/msgs" 'BEGIN {
    for (w = 1; w <= W; w++) for (i = 1; i <= P; i++) {
        f = D "/" w "-" i
        printf "From: w%d@example.org\nTo: u@example.org\nSubject: m %d-%d\nMessage-ID: <%d.%d@c>\n\n", w, w, i, w, i > f
        n = (w * 7919 + i * 104729) % 700
        for (k = 0; k < n; k++)
            printf "%s %d-%d line %d %s\n", (k % 10 == 0 ? "From" : (k % 10 == 1 ? ">From" : "x")), w, i, k, "abcdefghijklmnopqrstuvwxyz" > f
        close(f)
    }
}'
is "$(ls "$T/msgs" | wc -l)" "$TOTAL" "$TOTAL messages generated"

run() {   # run KIND: all workers at once, waiting for all
    w=1
    while [ "$w" -le "$WORKERS" ]; do
        (
            i=1; fails=0
            while [ "$i" -le "$PER" ]; do
                case "$1" in
                mbox) "$DRIVER" -A "$F/rec" file:"$F/box" < "$T/msgs/$w-$i" || fails=$((fails + 1));;
                mh) "$DRIVER" file:"$F/mh/." < "$T/msgs/$w-$i" || fails=$((fails + 1));;
                maildir) HOME="$F/home" "$WEIR" < "$T/msgs/$w-$i" || fails=$((fails + 1));;
                esac
                i=$((i + 1))
            done
            echo "$fails" > "$T/fails.$1.$w"
        ) &
        w=$((w + 1))
    done
    wait
    cat "$T"/fails."$1".* | awk '{ s += $1 } END { print s + 0 }'
}

want=$(hashes "$T/msgs")
for kind in mbox maildir mh; do
    t0=$(date +%s)
    fails=$(run "$kind")
    t1=$(date +%s)
    echo "# $kind: $TOTAL deliveries by $WORKERS processes in $((t1 - t0)) s"
    is "$fails" 0 "$kind: every delivery exited 0"
done

mkdir "$T/split"
n=$("$SPLIT" "$F/box" "$T/split"); is "$?" 0 "mbox parses into complete messages"
is "$n" "$TOTAL" "mbox: exactly $TOTAL messages"
[ "$(hashes "$T/split")" = "$want" ]; ok $? "mbox: every message byte-identical after un-quoting"

is "$(count_files "$F/home/Maildir/new")" "$TOTAL" "Maildir: exactly $TOTAL messages"
is "$(count_files "$F/home/Maildir/tmp")" 0 "Maildir: tmp/ empty"
[ "$(hashes "$F/home/Maildir/new")" = "$want" ]; ok $? "Maildir: every message byte-identical"

is "$(ls -A "$F/mh" | wc -l)" "$TOTAL" "MH: exactly $TOTAL files (no temporary files left)"
is "$(ls "$F/mh" | sort -n | awk 'NR != $1 { bad = 1 } END { print bad ? "gap" : NR }')" "$TOTAL" "MH: numbers exactly 1..$TOTAL"
[ "$(hashes "$F/mh")" = "$want" ]; ok $? "MH: every message byte-identical"
done_testing
