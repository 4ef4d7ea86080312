#!/bin/sh
# race.sh -- 16 concurrent "deliveries" (tests/resp/resp_driver in batch
# mode: every message is planned and sent as a delivery would, each with
# its own state transactions) answer the same senders (RACE_N) in different
# orders against one reply database: exactly one reply per sender, and
# db_verify accepts the database afterwards.  RACE_N (default 300) senders:
# every worker still races the 15 others on every sender; 1,000 (the old
# default) only made the run three times longer.
. "$top_srcdir/tests/resp/lib-resp.sh"

N=${RACE_N:-300}
W=16
i=0; while [ $i -lt $N ]; do echo "sender$i@example.com"; i=$((i + 1)); done > "$T/senders"
msg > "$T/msg"
w=0
while [ $w -lt $W ]; do
    # a different order per worker: rotate the list
    k=$((w * N / W))
    { tail -n +$((k + 1)) "$T/senders"; head -n "$k" "$T/senders"; } > "$T/s$w"
    drv --batch "$T/s$w" --reply "Away." < "$T/msg" > "$T/out$w" 2> "$T/err$w" &
    w=$((w + 1))
done
wait
is "$(cat "$T"/out* | grep -c '^sent$')" "$N" "$W workers x $N senders: $N replies sent"
is "$(cat "$T"/out* | grep -c '^error')" 0 "no sendmail errors"
is "$(sent_count)" "$N" "sendmail ran $N times"
is "$(cat "$SENT"/*/argv | grep -c '^sender')" "$N" "one recipient each"
is "$(cat "$SENT"/*/argv | grep '^sender' | sort -u | wc -l | tr -d ' ')" "$N" \
   "exactly one reply per sender"
is "$(cat "$T"/out* | grep -c '^suppressed: \(already answered\|an answer\)')" \
   "$((N * (W - 1)))" "every other delivery was suppressed as already answered"
cat "$T"/err* | grep -v '^$' | head -5 | sed 's/^/# /'
if command -v db_verify >/dev/null; then
    db_verify -q "$STATE/reply.db"; ok $? "db_verify: the database is sound"
else
    skip "db_verify not installed (db-util)"
fi
done_testing
