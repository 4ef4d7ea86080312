#!/bin/sh
# Locks: a live dotlock or fcntl lock makes weir wait until its deadline
# and then give up on that mailbox (default mailbox instead, or exit 75);
# an old dotlock from another host, or one whose process is gone, is
# broken; a released lock lets a waiting delivery through.
. "$top_srcdir/tests/delivery/lib-delivery.sh"

M="$T/msg"; mkmsg "$M" lock
B="$T/mb"; mkdir -p "$B"
"$DRIVER" file:"$B/box" < "$M"; cp "$B/box" "$T/before"
HOLD="$top_builddir/tests/delivery/holdlock"
host=$(hostname)

# A dotlock held by a live process (this shell) on this host.
echo "$$ $host" > "$B/box.lock"
t0=$(date +%s)
"$DRIVER" -v -W 2 file:"$B/box" < "$M" 2> "$T/err"; rc=$?
t1=$(date +%s)
is "$rc" 0 "live dotlock: exit 0 after the deadline"
cmp -s "$B/box" "$T/before"; ok $? "live dotlock: mbox untouched"
is "$(count_files "$HOME/Maildir/new")" 1 "live dotlock: default mailbox instead"
[ $((t1 - t0)) -ge 2 ] && [ $((t1 - t0)) -le 10 ]; ok $? "waited about the 2 s deadline ($((t1 - t0)) s)"
grep -q 'timed out waiting for lock' "$T/err"; ok $? "timeout logged"
[ -f "$B/box.lock" ]; ok $? "someone else's live lock left in place"
"$DRIVER" -W 1 -D /nonexistent/Maildir/ file:"$B/box" < "$M" 2> "$T/err"
is "$?" 75 "live dotlock and no default mailbox: exit 75"
case "$(cat "$T/err")" in 4.2.0*) ok 0 "4.2.0 line";; *) ok 1 "4.2.0 line: $(cat "$T/err")";; esac

# One lock budget per message: two locked mboxes cost one deadline.
mkmsg "$T/m2" two; "$DRIVER" file:"$B/box2" < "$T/m2"
echo "$$ $host" > "$B/box.lock"; echo "$$ $host" > "$B/box2.lock"
t0=$(date +%s)
"$DRIVER" -W 2 file:"$B/box" file:"$B/box2" < "$M"; rc=$?
t1=$(date +%s)
is "$rc" 0 "two locked mboxes: exit 0 (default mailbox)"
[ $((t1 - t0)) -lt 4 ]; ok $? "two locked mboxes waited one 2 s budget ($((t1 - t0)) s)"
is "$(count_files "$HOME/Maildir/new")" 2 "two locked mboxes: one copy in the default mailbox"
rm -f "$B/box.lock" "$B/box2.lock"

# Stale: another host's lock older than the stale time; a dead process.
echo "1 elsewhere.example" > "$B/box.lock"; touch -d '10 minutes ago' "$B/box.lock"
"$DRIVER" -v -W 5 file:"$B/box" < "$M" 2> "$T/err"; is "$?" 0 "old lock from another host broken"
grep -q 'removed stale lock' "$T/err"; ok $? "stale lock removal logged"
sh -c 'exit 0' & dead=$!; wait "$dead"
echo "$dead $host" > "$B/box.lock"
"$DRIVER" -W 5 file:"$B/box" < "$M"; is "$?" 0 "lock of a dead process broken at once"
is "$("$SPLIT" "$B/box" "$T")" 3 "mbox has three messages"
[ ! -e "$B/box.lock" ]; ok $? "no lock left"
echo "1 elsewhere.example" > "$B/box.lock"      # fresh: not stale
"$DRIVER" -W 1 file:"$B/box" < "$M"; is "$(count_files "$HOME/Maildir/new")" 3 "fresh foreign lock respected"
rm -f "$B/box.lock"

# fcntl lock held by another process.
"$HOLD" "$B/box" 30 > "$T/hold" & hp=$!
n=0; while [ ! -s "$T/hold" ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n + 1)); done   # at most 20 s
cp "$B/box" "$T/before"
t0=$(date +%s)
"$DRIVER" -v -W 2 file:"$B/box" < "$M" 2> "$T/err"; rc=$?
t1=$(date +%s)
is "$rc" 0 "fcntl lock held: exit 0 (default mailbox)"
cmp -s "$B/box" "$T/before"; ok $? "fcntl lock held: mbox untouched"
grep -q 'timed out waiting for the fcntl lock' "$T/err"; ok $? "fcntl timeout logged"
[ $((t1 - t0)) -le 10 ]; ok $? "gave up within the deadline ($((t1 - t0)) s)"
[ ! -e "$B/box.lock" ]; ok $? "dotlock released after the fcntl timeout"
# Released while waiting: the delivery goes through.
"$DRIVER" -W 20 file:"$B/box" < "$M" & dp=$!
sleep 1; kill "$hp"; wait "$hp" 2>/dev/null
wait "$dp"; is "$?" 0 "waiting delivery proceeds once the lock is released"
is "$("$SPLIT" "$B/box" "$T")" 4 "and lands in the mbox"
done_testing
