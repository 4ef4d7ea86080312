#!/bin/sh
# tests/hardening/mbox-foreign.sh -- issue 10, item 1: mbox crash repair
# never removes what another program appended.
#
# weir is killed mid-append (strace injects SIGKILL at a chosen write(2)
# or fsync(2): the point is exact, not a race), leaving a partial message,
# its dotlock and its append record.  Then a real Debian locker appends
# message X to the same mbox -- procmail (":0:" recipe, forcing the stale
# dotlock) or `lockfile` + cat -- and then weir delivers again.  X must
# still be there, byte for byte at the offset its writer put it.  Without
# a foreign writer the interrupted tail is still removed.
. "$top_srcdir/tests/delivery/lib-delivery.sh"

for tool in strace procmail lockfile; do
    if ! command -v $tool >/dev/null 2>&1; then
        skip "$tool not installed (build-aux/install-deps.sh installs it)"
        done_testing; exit
    fi
done
if ! strace -f -o /dev/null -e trace=none true 2>/dev/null; then
    skip "ptrace is not permitted here: strace cannot inject the kill"
    done_testing; exit
fi

chmod 755 "$T"
BOX="$HOME/Mail/box"
REC="$HOME/.weir/append"
mkdir -p "$HOME/Mail"
printf 'default_mailbox: ~/Mail/box\n' > "$T/weir.yaml"
# procmail forces a dotlock older than LOCKTIMEOUT seconds, then waits
# SUSPEND seconds; the kill leaves weir's lock behind, so age it.
printf 'LOCKTIMEOUT=1\nSUSPEND=1\n:0:\n%s\n' "$BOX" > "$T/procmailrc"

msg() {   # msg FILE ID LINES: a message with "From " lines to quote
    { printf 'From: %s@example.org\nTo: u@example.org\nSubject: %s\nMessage-ID: <%s@t>\n\n' "$2" "$2" "$2"
      awk -v n="$3" -v id="$2" 'BEGIN { for (i = 0; i < n; i++) printf "From %s line %d: the quick brown fox\n", id, i }'
    } > "$1"
}
msg "$T/A" first 3
msg "$T/B" big 40000          # about 1.5 MB: many write(2) calls
msg "$T/Y" after 3
printf 'From x@example.org Mon Nov 30 01:00:00 2026\nFrom: x@example.org\nSubject: X from the other writer\n\nX body\n' > "$T/X"

weir() { "$WEIR" -c "$T/weir.yaml" "$@"; }
# killed_at SYSCALL N: deliver B, SIGKILLed on entry to the Nth SYSCALL
# on the mailbox itself (-P: only calls on $BOX count), so the point does
# not move when weir writes other files first (the dotlock, the append
# record, the intake spool of a message over limits.memory_spool).
killed_at() {
    strace -f -o /dev/null -P "$BOX" -e trace="$1" -e inject="$1":signal=KILL:when="$2" \
        "$WEIR" -c "$T/weir.yaml" < "$T/B" >/dev/null 2>&1
    echo $?
}
foreign() {   # foreign procmail|lockfile: append X the way that program does
    [ -e "$BOX.lock" ] && touch -d '-1 hour' "$BOX.lock"
    case $1 in
    procmail) procmail -m "$T/procmailrc" < "$T/X" 2>/dev/null ;;
    lockfile) lockfile -l 1 -s 1 -r 5 "$BOX.lock" 2>/dev/null &&
              { cat "$T/X"; echo; } >> "$BOX" && rm -f "$BOX.lock" ;;
    esac
}
size() { stat -c %s "$1"; }

# scenario NAME SYSCALL N WRITER: A delivered; B killed at SYSCALL N;
# WRITER appends X; weir delivers Y.
scenario() {
    name=$1
    rm -rf "$BOX" "$BOX.lock" "$REC"
    weir < "$T/A"
    a_size=$(size "$BOX")
    rc=$(killed_at "$2" "$3")
    is "$rc" 137 "$name: weir killed (SIGKILL at $2 #$3)"
    ls "$REC"/* >/dev/null 2>&1; ok $? "$name: the killed delivery left its append record"
    k_size=$(size "$BOX")
    foreign "$4"
    is "$?" 0 "$name: $4 appended X (exit 0)"
    cp "$BOX" "$T/after-foreign"
    x_len=$(( $(size "$BOX") - k_size ))
    [ "$x_len" -gt 0 ]; ok $? "$name: X is $x_len bytes at offset $k_size"
    weir -v < "$T/Y" 2> "$T/err"
    is "$?" 0 "$name: the next weir delivery succeeds"
    cmp -s -n "$x_len" -i "$k_size:$k_size" "$T/after-foreign" "$BOX"
    ok $? "$name: X is still in the mailbox, byte for byte, where $4 put it"
    cmp -s -n "$a_size" "$T/after-foreign" "$BOX"
    ok $? "$name: what was there before the killed delivery is unchanged"
    is "$(tail -n 2 "$BOX" | head -n 1)" ">From after line 2: the quick brown fox" \
        "$name: Y appended at the end"
    is "$(ls -A "$REC" | wc -l)" 0 "$name: no append record left"
    [ ! -e "$BOX.lock" ]; ok $? "$name: no dotlock left"
}

# 1. Killed in the middle of the append, procmail appends X.
scenario "partial+procmail" write 3 procmail
grep -q "another program appended" "$T/err"; ok $? "partial+procmail: the repair says why it kept the tail"
rm -rf "$T/split"; mkdir "$T/split"
"$SPLIT" "$BOX" "$T/split" > "$T/n"; ok $? "partial+procmail: the mailbox still parses into messages"
grep -l "^X body" "$T/split"/* >/dev/null 2>&1; ok $? "partial+procmail: X is a message of its own"
grep -l "weir: this delivery was interrupted" "$T/split"/* >/dev/null 2>&1
ok $? "partial+procmail: the incomplete message is marked as such"

# 2. The same with lockfile(1) and a plain append.
scenario "partial+lockfile" write 5 lockfile

# 3. Killed after the whole message was written and fsynced, before the
#    commit: the complete message stays (the MTA retries: a duplicate,
#    never a loss).
scenario "complete+procmail" fsync 1 procmail
is "$(grep -c '^From big line' "$BOX")" 0 "complete+procmail: B's body lines are quoted as mboxrd says"
is "$(grep -c '^>From big line' "$BOX")" 40000 "complete+procmail: B is complete"

# 4. Control: no other writer.  The interrupted tail is removed.
rm -rf "$BOX" "$BOX.lock" "$REC"
weir < "$T/A"
cp "$BOX" "$T/before"
is "$(killed_at write 3)" 137 "no foreign writer: weir killed mid-append"
[ "$(size "$BOX")" -gt "$(size "$T/before")" ]; ok $? "no foreign writer: partial data was left"
weir < "$T/Y"
rm -rf "$T/split"; mkdir "$T/split"
is "$("$SPLIT" "$BOX" "$T/split")" 2 "no foreign writer: A and Y only"
cmp -s -n "$(size "$T/before")" "$T/before" "$BOX"; ok $? "no foreign writer: A unchanged"
done_testing
