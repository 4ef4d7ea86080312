#!/bin/sh
# tests/hardening/child-deadline.sh -- issue 10, item 6: child_timeout was
# per program, so five hanging `copy pipe` programs under a 2 s timeout
# took 10 s (and with the 300 s default, four of them outlast Postfix's
# 1000 s command_time_limit: Postfix kills weir and bounces a message
# already in the folders).  Now every program of one message (filters,
# pipes, forwards) shares one deadline: child_timeout after the first
# starts; a program due after it is not started.
. "$top_srcdir/tests/lib.sh"

chmod 755 "$T"
mkdir -p "$HOME/.weir"
printf 'default_mailbox: ~/Maildir/\nchild_timeout: 2s\n' > "$T/weir.yaml"
printf 'From: a@example.org\nSubject: hang\n\nbody\n' > "$T/m"

# deliver: the real binary; sets rc and secs (wall-clock seconds)
deliver() {
    chmod 600 "$HOME/.weir/rules"
    t0=$(date +%s.%N)
    "$WEIR" -v -c "$T/weir.yaml" < "$T/m" > "$T/out" 2> "$T/err"
    rc=$?
    secs=$(echo "$(date +%s.%N) $t0" | awk '{ printf "%d", $1 - $2 }')
}

for i in 1 2 3 4 5; do echo "copy pipe \"echo $i >> $T/started; sleep 30\""; done > "$HOME/.weir/rules"
deliver
is "$rc" 0 "five hanging pipes: delivered (exit 0)"
[ "$secs" -lt 8 ]; ok $? "five hanging pipes under a 2 s child_timeout: $secs s (one budget, not 5 x 2 s)"
is "$(wc -l < "$T/started" | tr -d ' ')" 1 "only the first was started before the budget ran out"
grep -q "not started: the time this message's programs may take together" "$T/err"
ok $? "the programs not started are logged"
is "$(count_files "$HOME/Maildir/new")" 1 "the message is in the default mailbox (implicit keep)"

# A filter that uses up the budget leaves nothing for a pipe after it.
rm -f "$T/started"
printf 'filter "sleep 1; cat"\ncopy pipe "echo p >> %s/started; sleep 30"\ncopy pipe "echo q >> %s/started"\n' "$T" "$T" > "$HOME/.weir/rules"
deliver
is "$rc" 0 "filter then pipes: delivered"
[ "$secs" -lt 6 ]; ok $? "filter then pipes share the 2 s budget: $secs s"
is "$(cat "$T/started" | tr '\n' ' ')" "p " "the pipe after the hanging one was not started"

# Programs that finish in time all run.
rm -f "$T/started"
for i in 1 2 3 4 5; do echo "copy pipe \"echo $i >> $T/started\""; done > "$HOME/.weir/rules"
deliver
is "$rc" 0 "five quick pipes: exit 0"
is "$(wc -l < "$T/started" | tr -d ' ')" 5 "five quick pipes: all ran"
done_testing
