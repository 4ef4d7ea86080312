#!/bin/sh
# tests/hardening/taint.sh -- issue 10, item 2: `filter` ran message text
# as shell commands.  `filter "sh -c 'cat' ${1}"` with a Subject of
# `x; touch FILE` created FILE, and `set c = "${1}"` then `filter "${c}"`
# ran a whole command taken from the message.  The taint rule (as for
# pipe): a command with text from the message or envelope in it is never
# run; the action is refused, logged, and the message also goes to the
# default mailbox.  `weir test` reports the same refusal, and a `reply
# from` built from the message is marked tainted and suppressed.
. "$top_srcdir/tests/lib.sh"

chmod 755 "$T"
MD="$HOME/Maildir"
printf 'default_mailbox: ~/Maildir/\n' > "$T/weir.yaml"
mkdir -p "$HOME/.weir"

# deliver RULES MESSAGE: the real binary with these user rules
deliver() {
    printf '%s\n' "$1" > "$HOME/.weir/rules"
    chmod 600 "$HOME/.weir/rules"
    "$WEIR" -v -c "$T/weir.yaml" < "$2" > "$T/out" 2> "$T/err"
}

printf 'From: a@example.org\nSubject: x; touch %s/INJ1\n\nbody\n' "$T" > "$T/m1"
printf 'From: a@example.org\nSubject: touch %s/INJ2\n\nbody\n' "$T" > "$T/m2"
printf 'From: a@example.org\nSubject: plain\n\nbody a\n' > "$T/m3"
chmod 644 "$T/m1" "$T/m2" "$T/m3"

# 1. A capture spliced into a filter command.
deliver 'if header "Subject" matches /^(.*)$/ { filter "sh -c '"'cat'"' ${1}" }' "$T/m1"
is "$?" 0 "filter with a capture: exit 0"
[ ! -e "$T/INJ1" ]; ok $? "filter with a capture: the message text was not run"
is "$(count_files "$MD/new")" 1 "... the message is in the default mailbox"
grep -q 'filter refused: command built from message content' "$T/err"
ok $? "... the refusal is logged"

# 2. A whole command taken from the message through a variable.
deliver 'if header "Subject" matches /^(.*)$/ { set c = "${1}"
filter "${c}"
file "~/Mail/box" }' "$T/m2"
is "$?" 0 "filter of a variable set from a capture: exit 0"
[ ! -e "$T/INJ2" ]; ok $? "... the command from the message was not run"
[ -f "$HOME/Mail/box" ] && grep -q '^Subject: touch' "$HOME/Mail/box"
ok $? "... the rules went on: file action done"
is "$(count_files "$MD/new")" 2 "... and a copy in the default mailbox (the refusal)"

# 3. The header value itself (a header test's value, no capture).
deliver 'set s = "${header.Subject}"
filter "echo ${s}"' "$T/m1"
[ ! -e "$T/INJ1" ]; ok $? "filter of a header value: not run"

# 4. Control: an untainted filter still runs, and may use a variable
#    set from a constant.
deliver 'set prog = "sed s/body/BODY/"
filter "${prog}"
file "~/Mail/filtered"' "$T/m3"
is "$?" 0 "untainted filter: exit 0"
grep -q "^BODY a$" "$HOME/Mail/filtered"; ok $? "untainted filter: its output replaced the message"

# 5. `weir test` reports the refusal as delivery does.
printf '%s\n' 'if header "Subject" matches /^(.*)$/ { filter "sh -c '"'cat'"' ${1}" }
reply from "${1}@example.org" text "away"' > "$HOME/.weir/rules"
chmod 600 "$HOME/.weir/rules"
if [ "$(id -u)" = 0 ]; then
    chown -R nobody "$HOME"
    wt() { HOME=$HOME setpriv --reuid=nobody --regid=nogroup --clear-groups "$WEIR" test "$@"; }
else
    wt() { "$WEIR" test "$@"; }
fi
wt -S -c "$T/weir.yaml" -f a@example.org --run-programs "$T/m1" > "$T/out" 2>&1
is "$?" 0 "weir test: exit 0"
[ ! -e "$T/INJ1" ]; ok $? "weir test --run-programs: the message text was not run"
grep -q "action: filter sh -c 'cat' x; touch $T/INJ1 refused (command built from message content)" "$T/out"
ok $? "weir test: the filter is reported refused"
grep -q "verdict: delivered to $MD/ (.*refused filter: command built from message content)" "$T/out"
ok $? "weir test: the verdict names the refusal"
grep -q "suppressed: the reply's From address was built from message content" "$T/out"
ok $? "weir test: a reply from a tainted address is suppressed"
grep -q 'action: reply .*tainted\]' "$T/out"; ok $? "weir test: the reply is marked tainted"
done_testing
