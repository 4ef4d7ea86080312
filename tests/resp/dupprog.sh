#!/bin/sh
# dupprog.sh -- the `duplicate` and `program` tests with the real weir
# binary, real Maildirs and the user's duplicate.db (test clock
# WEIR_TEST_NOW):
#   duplicate: the second copy of a Message-ID is a duplicate, a message
#   without one never is; the key form and its period; a delivery that
#   ends in exit 75 records nothing, so the MTA's retry is delivered; a
#   damaged duplicate.db makes the test false (the message delivered) and
#   is recovered.
#   program: exit 0 true, 1 false, the message on stdin only `with
#   message`, the shell form, exit 75 / a timeout / a command built from
#   the message: false with a log line; ${program.status}.
. "$top_srcdir/tests/resp/lib-resp.sh"

CONF="$T/weir.yaml"
cat > "$CONF" <<EOF
sendmail: $FAKE_SENDMAIL
system_rules: $T/no-system.rules
child_timeout: 1s
logging: { syslog: false }
EOF
mkdir -p "$HOME/.weir"
R="$HOME/.weir/rules"
MD="$HOME/Maildir"
rules() { printf '%s\n' "$@" > "$R"; chmod 600 "$R"; }
deliver() { "$WEIR" -c "$CONF" -v -a alice@example.org -f bob@example.com 2> "$T/log"; }
kept() { count_files "$MD/new"; }
# m ID: a message with Message-ID <ID> (none when ID is empty)
m() {
    printf 'From: bob@example.com\nTo: alice@example.org\nSubject: hello\n'
    [ -n "$1" ] && printf 'Message-ID: <%s@example.com>\n' "$1"
    printf '\nbody\n'
}

# ---- duplicate -------------------------------------------------------------
rules 'if duplicate { discard }'
m a1 | deliver; is "$?:$(kept)" 0:1 "first copy delivered"
m a1 | deliver; is "$?:$(kept)" 0:1 "second copy of the Message-ID: a duplicate, discarded"
grep -q 'discard' "$T/log"; ok $? "the log shows the discard"
m a2 | deliver; is "$(kept)" 2 "another Message-ID: delivered"
m "" | deliver; m "" | deliver; is "$(kept)" 4 "no Message-ID: never a duplicate"
m a1 | at $((WEIR_TEST_NOW + 8 * 86400)) deliver
is "$(kept)" 5 "after the 7 days: no longer a duplicate"

rules 'if header "Subject" matches /^(.*)$/ and duplicate key "${sender} ${1}" within 2 days { discard }'
m k1 | deliver; m k2 | deliver; is "$(kept)" 6 "key form: the second message with the same sender and Subject is a duplicate"
m k3 | at $((WEIR_TEST_NOW + 3 * 86400)) deliver; is "$(kept)" 7 "key form: after its 2 days, delivered"

# exit 75 records nothing: the requeued copy is delivered
rules 'if duplicate { discard }'
rm -rf "$MD"; printf 'x' > "$MD"
m r1 | deliver; is "$?" 75 "default mailbox broken: exit 75"
rm -f "$MD"
m r1 | deliver; is "$?:$(kept)" 0:1 "the MTA's retry of the same message: delivered, not a duplicate"
m r1 | deliver; is "$(kept)" 1 "... and a third copy is a duplicate"

# a damaged database: the test is false (delivered), the file recovered
printf 'this is not a Berkeley DB file at all, just junk bytes\n%.0s' 1 2 3 4 5 6 7 8 > "$HOME/.weir/state/duplicate.db"
m r1 | deliver; is "$?:$(kept)" 0:2 "damaged duplicate.db: the message is delivered"
ls "$HOME/.weir/state/" | grep -q '^duplicate\.db\.bad\.'; ok $? "the damaged file was moved aside"
m r9 | deliver; m r9 | deliver; is "$(kept)" 3 "the recreated database works again"

# ---- program ---------------------------------------------------------------
P="$T/progs"; mkdir -p "$P"
printf '#!/bin/sh\nexit 0\n' > "$P/yes"
printf '#!/bin/sh\nexit 1\n' > "$P/no"
printf '#!/bin/sh\nexit 75\n' > "$P/tempfail"
printf '#!/bin/sh\nexit 3\n' > "$P/three"
printf '#!/bin/sh\nsleep 10\n' > "$P/slow"
printf '#!/bin/sh\ngrep -q viagra\n' > "$P/spamcheck"
chmod 755 "$P"/*
rm -rf "$MD"
prog() {    # prog TEST WANT-FOLDER DESCRIPTION: the rule files into .Hit/ when TEST holds
    rules "if $1 { file \"~/Maildir/.Hit/\" }"
    m p1 | deliver
    if [ "$2" = hit ]; then got=$(count_files "$MD/.Hit/new"); else got=$(kept); fi
    is "$got" 1 "$3"
    rm -rf "$MD"
}
prog "program \"$P/yes\"" hit "exit 0: true"
prog "program \"$P/no\"" keep "exit 1: false"
prog "not program \"$P/no\"" hit "not: negated"
prog "program \"$P/spamcheck\"" keep "without 'with message': stdin is empty"
printf 'From: x@example.com\nSubject: viagra\n\nbuy viagra\n' > "$T/spam"
rules "if program \"$P/spamcheck\" with message { file \"~/Maildir/.Hit/\" }"
deliver < "$T/spam"; is "$(count_files "$MD/.Hit/new")" 1 "with message: the program reads the message"
rm -rf "$MD"
prog "program shell \"exit 0\"" hit "shell form: true"
prog "program shell \"test -n \\\"\$RECIPIENT\\\"\"" hit "shell form: the delivery's environment"
prog "program \"$P/tempfail\"" keep "exit 75: false"
grep -q 'program test:.*(the test is false)' "$T/log"; ok $? "exit 75: logged"
prog "program \"$P/slow\"" keep "timeout: false"
grep -q 'program test:' "$T/log"; ok $? "timeout: logged"
rules 'if header "Subject" matches /^(.*)$/ and program "/bin/echo ${1}" { file "~/Maildir/.Hit/" }'
m p2 | deliver; is "$(kept)" 1 "a command built from the message: refused, false"
grep -q 'message content refused' "$T/log"; ok $? "... with the reason logged"
rm -rf "$MD"
rules "if not program \"$P/three\" { log \"status \${program.status}\" }"
m p3 | deliver; grep -q 'status 3' "$T/log"; ok $? "\${program.status} is the exit status"

# weir check accepts what delivery accepts, and refuses the rest
printf 'if program "" { discard }\n' > "$T/bad.rules"
"$WEIR" check "$T/bad.rules" > /dev/null 2>&1; is "$?" 1 "weir check: an empty program is an error"
printf 'if duplicate within 0 days { discard }\n' > "$T/bad.rules"
"$WEIR" check "$T/bad.rules" > /dev/null 2>&1; is "$?" 1 "weir check: within 0 days is an error"
printf 'if duplicate key "x" { discard }\n' > "$T/bad.rules"
"$WEIR" check "$T/bad.rules" > /dev/null 2>&1; is "$?" 1 "weir check: a key needs its period"
printf 'if duplicate within 3 days or duplicate key "${sender}" within 1 days or program shell "true" with message { discard }\n' > "$T/good.rules"
"$WEIR" check "$T/good.rules" > /dev/null 2>&1; is "$?" 0 "weir check: every form accepted"

done_testing
