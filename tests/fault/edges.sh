#!/bin/sh
# tests/fault/edges.sh -- issue 18, the faults around a delivery that the
# walk (walk.sh) does not make: standard input failing or cut short,
# standard output and error closed, tiny resource limits (ulimit -f, -n;
# -v is tests/hardening/oom.sh), signals in the middle of an mbox append
# (SIGTERM, SIGHUP; SIGKILL is tests/delivery/kill.sh), SIGPIPE on the
# log stream, and the clock jumping backwards during a lock wait (the
# shim's WEIR_FAULT_CLOCK).  Each asserts the only allowed outcomes:
# delivered complete (exit 0), or exit 75 with every mailbox as before
# and nothing left behind, or a state the next delivery repairs.
. "$top_srcdir/tests/lib.sh"

SHIM="$top_builddir/tests/fault/faultshim.so"
SPLIT="$top_builddir/tests/delivery/mboxsplit"
HOLD="$top_builddir/tests/delivery/holdlock"
for f in "$SHIM" "$SPLIT" "$HOLD"; do [ -e "$f" ] || { echo "Bail out! $f missing"; exit 1; }; done
if [ "${WEIR_SANITIZERS:-no}" = yes ]; then
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"; export ASAN_OPTIONS
fi
chmod 755 "$T"
MB="$HOME/Mail/box"; MD="$HOME/Maildir"
mkdir -p "$HOME/.weir" "$HOME/Mail" "$T/tmp"
printf 'logging: { syslog: false }\nsystem_rules: %s/none\ndefault_mailbox: ~/Mail/box\n' "$T" > "$T/weir.yaml"
printf 'temp_dir: %s/tmp\nlock_wait: 2s\nlimits: { memory_spool: 64K }\n' "$T" >> "$T/weir.yaml"
# a message of about 400 KB (several reads of standard input, spooled to a file)
awk 'BEGIN { printf "From: a@example.org\nSubject: big\nMessage-ID: <big@example.org>\n\n";
             for (i = 0; i < 8000; i++) printf "line %d: From the quick brown fox jumps over the lazy dog\n", i }' > "$T/big"
printf 'From: a@example.org\nSubject: small\n\nsmall\n' > "$T/small"
fresh() { rm -rf "$MB" "$MB".lock* "$MD" "$HOME/.weir/append" "$T"/tmp/*
          printf 'From x@example.org Thu Jan  1 00:00:00 1970\nSubject: old\n\nold\n\n' > "$MB"; cp "$MB" "$T/before"; }
deliver() { "$WEIR" -c "$T/weir.yaml" -f a@example.org "$@"; }
# untouched: the mbox as before, no lock, no record, no spool file
untouched() { cmp -s "$MB" "$T/before" && [ -z "$(ls -A "$HOME/Mail" | grep -v '^box$')" ] &&
              [ -z "$(ls -A "$HOME/.weir/append" 2>/dev/null)" ] && [ -z "$(ls -A "$T/tmp")" ]; }
# complete: the mbox holds the old message and exactly one copy of FILE
complete() { rm -rf "$T/split"; mkdir "$T/split"
             [ "$("$SPLIT" "$MB" "$T/split")" = 2 ] && cmp -s "$T/split/2" "$1"; }

# ---- standard input ----
fresh
LD_PRELOAD=$SHIM WEIR_FAULT_COUNT="$T/cnt" deliver < "$T/big" > /dev/null 2>&1
nread=$(awk '$1 == "read" { print $2 }' "$T/cnt"); s0=$(awk '$1 == "stdin.read" { print $2 }' "$T/cnt")
[ "$nread" -gt $((s0 + 2)) ]; ok $? "a 400 KB message takes several reads ($((nread - s0)) from the first of stdin)"
bad=0
fresh
for k in $(seq $((s0 + 2)) $((s0 + 4))); do
    fresh
    LD_PRELOAD=$SHIM WEIR_FAULT="read:$k:EIO" deliver < "$T/big" > "$T/out" 2>&1; rc=$?
    { [ "$rc" = 75 ] && untouched; } || { echo "# read $k failing: exit $rc: $(cat "$T/out")"; bad=$((bad + 1)); }
done
is "$bad" 0 "a read error in the middle of the message: exit 75, nothing written, no spool file"
fresh
LD_PRELOAD=$SHIM WEIR_FAULT="read:$((s0 + 3)):EINTR" deliver < "$T/big" > /dev/null 2>&1
is "$?" 0 "EINTR in the middle of reading the message: retried, exit 0"
complete "$T/big"; ok $? "EINTR: the message complete"
# A writer that dies mid-message: weir cannot know; it files what came.
fresh
{ head -c 100000 "$T/big"; } | deliver > /dev/null 2>&1
is "$?" 0 "standard input cut short by its writer: exit 0"
rm -rf "$T/split"; mkdir "$T/split"; "$SPLIT" "$MB" "$T/split" > /dev/null
head -c 100000 "$T/big" > "$T/cut"; printf '\n' >> "$T/cut"
cmp -s "$T/split/2" "$T/cut"; ok $? "and files exactly what arrived (with the final newline added)"

# ---- closed standard output and error ----
fresh
deliver < "$T/small" >&- 2>&-
is "$?" 0 "stdout and stderr closed: exit 0"
complete "$T/small"; ok $? "stdout and stderr closed: delivered"
# (the default mailbox's parent is a plain file: fails for root too)
fresh; : > "$T/plain"; printf 'default_mailbox: %s/plain/box\n' "$T" > "$T/bad.yaml"
"$WEIR" -c "$T/bad.yaml" -f a@example.org < "$T/small" >&- 2>&-; rc=$?
is "$rc" 75 "stdout and stderr closed and the mailbox cannot be made: exit 75 all the same"
fresh
# -v logs to stderr; a reader that went away: SIGPIPE is ignored, EPIPE is not fatal
deliver -v < "$T/big" 2>&1 | head -c 1 > /dev/null
complete "$T/big"; ok $? "stderr a pipe whose reader is gone (SIGPIPE): the message delivered"

# ---- resource limits ----
# ulimit -f: the message cannot be spooled (temp_dir) past the limit (EFBIG,
# not SIGXFSZ); the mbox append under the same limit is tests/delivery/full.sh
fresh
( ulimit -f 100; exec "$WEIR" -c "$T/weir.yaml" -f a@example.org ) < "$T/big" > "$T/out" 2>&1; rc=$?
is "$rc" 75 "ulimit -f 100 (50 KB) and a 400 KB message: exit 75"
untouched; ok $? "ulimit -f: the mbox as before, no lock, no record"
grep -q '^4\.' "$T/out"; ok $? "ulimit -f: a 4.x.x line ($(head -c 80 "$T/out"))"
# ulimit -n: from too few descriptors to start up to enough to deliver
bad=0 delivered=0 deferred=0
for n in 4 5 6 7 8 9 10 11 12 14 16 20 32; do
    fresh
    # the redirections are made before the limit (the shell needs fds too)
    ( ulimit -n "$n"; exec "$WEIR" -c "$T/weir.yaml" -f a@example.org ) < "$T/big" > "$T/out" 2>&1; rc=$?
    case $rc in
        0) complete "$T/big" || { echo "# ulimit -n $n: exit 0, not complete"; bad=$((bad + 1)); }
           delivered=$((delivered + 1));;
        75) untouched || { echo "# ulimit -n $n: exit 75, mailbox changed"; bad=$((bad + 1)); }
            deferred=$((deferred + 1));;
        127) # the dynamic loader cannot open weir's libraries: weir never ran
            if grep -q 'error while loading shared libraries' "$T/out" && untouched; then
                deferred=$((deferred + 1))
            else
                echo "# ulimit -n $n: exit 127: $(head -c 200 "$T/out")"; bad=$((bad + 1))
            fi;;
        *) echo "# ulimit -n $n: exit $rc: $(head -c 200 "$T/out")"; bad=$((bad + 1));;
    esac
done
is "$bad" 0 "ulimit -n 4..32: delivered complete ($delivered) or exit 75 (or the loader failing before weir runs) with nothing changed ($deferred)"
[ "$delivered" -gt 0 ] && [ "$deferred" -gt 0 ]; ok $? "ulimit -n: both outcomes met"
# ulimit -v: tests/hardening/oom.sh walks the address-space limit.

# ---- signals in the middle of an mbox append ----
# SIGTERM and SIGHUP take back what is half done and exit 75 -- or 0 when
# the message is already delivered (a retry would file it twice); SIGKILL
# cannot be caught: tests/delivery/kill.sh.
for sig in TERM HUP; do
    bad=0 early=0 late=0 repaired=0
    for i in $(seq 1 15); do
        fresh
        # exec: $! is weir itself, not a subshell
        ( exec "$WEIR" -c "$T/weir.yaml" -f a@example.org < "$T/big" > "$T/out" 2>&1 ) & p=$!
        sleep "0.0$((i % 10))"
        kill -s "$sig" "$p" 2>/dev/null
        wait "$p"; rc=$?
        clean=yes
        [ ! -e "$MB.lock" ] && [ -z "$(ls -A "$HOME/.weir/append" 2>/dev/null)" ] || clean=no
        if [ "$rc:$clean" = 75:yes ] && untouched; then early=$((early + 1)); continue; fi
        if [ "$rc:$clean" = 0:yes ] && complete "$T/big"; then late=$((late + 1)); continue; fi
        # Otherwise (the signal came in a window the undo does not cover):
        # the next delivery must repair it, as after SIGKILL.
        deliver < "$T/small" > /dev/null 2>&1
        rm -rf "$T/split"; mkdir "$T/split"
        n=$("$SPLIT" "$MB" "$T/split" 2>/dev/null) || n=bad
        if { [ "$rc" = 0 ] && [ "$n" = 3 ] && cmp -s "$T/split/2" "$T/big"; } ||
           { [ "$n" = 2 ] && cmp -s "$T/split/2" "$T/small"; }; then
            repaired=$((repaired + 1))
            echo "# SIG$sig $i: exit $rc left a state the next delivery repaired"
        else
            echo "# SIG$sig $i: exit $rc, $n messages after the next delivery: $(head -c 300 "$T/out")"
            bad=$((bad + 1))
        fi
    done
    is "$bad" 0 "SIG$sig at 15 points: exit 75 with nothing changed ($early), 0 with the message complete ($late), or repaired by the next delivery ($repaired)"
done

# ---- the clock jumps backwards during a lock wait ----
# A live dotlock held by this shell: weir waits lock_wait (2 s) and files
# the message into the default... here the mbox is the default, so exit 75.
# The wall clock jumping back an hour while it waits changes nothing: the
# deadline is on CLOCK_MONOTONIC.
fresh
echo "$$ $(hostname)" > "$MB.lock"
t0=$(date +%s)
LD_PRELOAD=$SHIM WEIR_FAULT_CLOCK="2:-3600" deliver < "$T/small" > "$T/out" 2>&1; rc=$?
t1=$(date +%s)
rm -f "$MB.lock"
is "$rc" 75 "wall clock back an hour during a dotlock wait: exit 75 at the deadline"
[ $((t1 - t0)) -ge 2 ] && [ $((t1 - t0)) -le 8 ]; ok $? "gave up after the 2 s lock_wait ($((t1 - t0)) s), not an hour later"
untouched; ok $? "the mbox as before"
# The same with an fcntl lock held by another process (F_SETLKW with an alarm).
fresh
"$HOLD" "$MB" 30 > "$T/hold" & hp=$!
n=0; while [ ! -s "$T/hold" ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n + 1)); done   # at most 20 s
t0=$(date +%s)
LD_PRELOAD=$SHIM WEIR_FAULT_CLOCK="2:-3600" deliver < "$T/small" > "$T/out" 2>&1; rc=$?
t1=$(date +%s)
kill "$hp"; wait "$hp" 2>/dev/null
is "$rc" 75 "wall clock back an hour during an fcntl lock wait: exit 75 at the deadline"
[ $((t1 - t0)) -ge 2 ] && [ $((t1 - t0)) -le 8 ]; ok $? "gave up after the 2 s lock_wait ($((t1 - t0)) s)"
untouched; ok $? "the mbox as before, the dotlock removed"
done_testing
