#!/bin/sh
# deliver.sh -- `reply` and `fakebounce` end to end with the real weir
# binary: the user's rules in ~/.weir/rules, weir.yaml's sendmail pointing
# at the recording FAKE sendmail (tests/resp/fake-sendmail: it records
# argv, environment and message under $HOME/sent/ and delivers nothing;
# the real Postfix is tests/integration's), real Maildirs, the state
# databases under ~/.weir/state, the test clock (WEIR_TEST_NOW).
#   reply: sent after delivery with the exact envelope and header fields
#   (parsed back by Python's email package); once per `days` across 100
#   deliveries, again after the period and after `weir state forget`;
#   nothing sent or recorded when the delivery ends in exit 75 (the MTA's
#   retry answers); a failing sendmail records nothing; a reply to a
#   reply is suppressed (two users on vacation); CR/LF smuggled in
#   encoded words adds no header.
#   fakebounce: an RFC 3464 DSN parsed back field by field; the message
#   dropped; once per sender per period (still dropped); `copy` keeps it;
#   a failing sendmail keeps it.
. "$top_srcdir/tests/resp/lib-resp.sh"

PY="python3 $top_srcdir/tests/resp/parse_mail.py"
CONF="$T/weir.yaml"
cat > "$CONF" <<EOF
sendmail: $FAKE_SENDMAIL
system_rules: $T/no-system.rules
logging: { syslog: false }
EOF
mkdir -p "$HOME/.weir"
R="$HOME/.weir/rules"
MD="$HOME/Maildir"
rules() { printf '%s\n' "$@" > "$R"; chmod 600 "$R"; }
# deliver [weir args...] < message: as alice@example.org, from bob
deliver() { "$WEIR" -c "$CONF" -v -a alice@example.org -f "${FROM:-bob@example.com}" "$@" 2> "$T/log"; }
last_sent() { ls -td "$SENT"/*/ 2>/dev/null | head -1; }
reset() { rm -rf "$SENT" "$MD" "$HOME/.weir/state" "$HOME/sendmail.exit"; }

# ---- reply ----------------------------------------------------------------
rules 'if header "Subject" contains "lunch" { reply days 3 text "I am away until Monday." }'
msg | deliver; is "$?" 0 "reply: exit 0"
is "$(count_files "$MD/new")/$(sent_count)" 1/1 "reply: message delivered, one reply handed to sendmail"
d=$(last_sent)
is "$(tr '\n' ' ' < "$d/argv")" "-oi -f <> -- bob@example.com " "reply: envelope sender <>, the sender after --"
$PY "$d/msg" reply > "$T/p"
grep -qx 'H From: alice@example.org' "$T/p" && grep -qx 'H To: bob@example.com' "$T/p" &&
grep -qx 'H Subject: Re: lunch?' "$T/p" && grep -qx 'H In-Reply-To: <m1@example.com>' "$T/p" &&
grep -qx 'H Auto-Submitted: auto-replied' "$T/p" &&
grep -qx "BODY 'I am away until Monday.\\\\n'" "$T/p" && grep -qx 'DEFECTS 0' "$T/p"
ok $? "reply: From the user, To the sender, Re: subject, In-Reply-To, Auto-Submitted, the text"
grep -q 'reply (.*rules:1) -> sent to <bob@example.com>' "$T/log"; ok $? "reply: logged as sent"

i=0; while [ $i -lt 100 ]; do msg | deliver || break; i=$((i + 1)); done
is "$(count_files "$MD/new")/$(sent_count)" 101/1 "100 more messages inside the period: all delivered, no second reply"
grep -q 'reply (.*rules:1) suppressed: already answered bob@example.com' "$T/log"
ok $? "the log says why: already answered"
msg | at $((WEIR_TEST_NOW + 3 * 86400 + 1)) deliver
is "$(sent_count)" 2 "after 3 days: answered again"
key=$("$WEIR" state -c "$CONF" list 2>&1 | sed -n 's/^reply *"\(bob@example.com [0-9a-f]*\)".*/\1/p' | head -1)
[ -n "$key" ]; ok $? "weir state list shows the reply record ($key)"
"$WEIR" state -c "$CONF" forget "$key" > /dev/null 2>&1
msg | deliver; is "$(sent_count)" 3 "after weir state forget: answered again"

# a delivery that ends in exit 75 answers nothing and records nothing
reset
mkdir -p "$HOME"; printf 'x' > "$MD"          # the default mailbox cannot be made
msg | deliver; is "$?" 75 "default mailbox broken: exit 75"
is "$(sent_count)" 0 "exit 75: no reply sent"
rm -f "$MD"
msg | deliver; is "$?:$(sent_count)" 0:1 "the MTA's retry: delivered and answered"

# sendmail fails: the message is delivered, nothing recorded
reset
echo 75 > "$HOME/sendmail.exit"
msg | deliver; is "$?:$(count_files "$MD/new")" 0:1 "sendmail fails: the message is still delivered"
grep -q 'reply (.*rules:1) failed (4' "$T/log"; ok $? "sendmail fails: logged"
rm -f "$HOME/sendmail.exit"
msg | deliver; is "$(sent_count)" 2 "sendmail failed before: nothing was recorded, the next message is answered"

# two users on vacation: alice's reply reaches bob, whose vacation is on
d=$(last_sent)
HOME_A=$HOME; HOME="$T/bob"; mkdir -p "$HOME/.weir"; export HOME
printf '%s\n' 'reply text "Bob is away."' > "$HOME/.weir/rules"; chmod 600 "$HOME/.weir/rules"
"$WEIR" -c "$CONF" -v -a bob@example.com -f alice@example.org < "$d/msg" 2> "$T/log"
is "$?:$(count_files "$HOME/Maildir/new"):$(find "$HOME/sent" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l | tr -d ' ')" \
   0:1:0 "a reply to a reply: delivered, not answered"
grep -q 'suppressed: Auto-Submitted: auto-replied' "$T/log"; ok $? "bob's log says why (Auto-Submitted)"
HOME=$HOME_A; export HOME

# CR/LF in an encoded Subject and in the rule's subject add no header
reset
rules 'reply text "x"'
# "lunch\r\nBcc: victim@example.net" as an RFC 2047 encoded word
enc=$(printf 'lunch\r\nBcc: victim@example.net' | base64 | tr -d '\n')
msg "X-Dummy: 1" | sed "s/^Subject: .*/Subject: =?UTF-8?B?$enc?=/" | deliver
$PY "$(last_sent)/msg" reply > "$T/p"
! grep -qi '^H Bcc' "$T/p" && grep -c '^H ' "$T/p" | grep -qx 12
ok $? "encoded CR/LF in Subject: no Bcc header, exactly weir's 12 header fields"
grep -q '^H Subject: Re: lunch  *Bcc: victim@example.net$' "$T/p"
ok $? "... the text stays inside the Subject"

# 16 concurrent deliveries, 4 senders: every message delivered, exactly
# one reply per sender (the claim in reply.db; tests/resp/race.sh has
# 16 x 1,000 at the driver level)
reset
rules 'reply text "away"'
i=0
while [ $i -lt 16 ]; do
    msg | "$WEIR" -c "$CONF" -a alice@example.org -f "s$((i % 4))@example.com" 2>/dev/null &
    i=$((i + 1))
done
wait
is "$(count_files "$MD/new"):$(sent_count)" 16:4 "16 concurrent deliveries from 4 senders: 16 delivered, 4 replies"
is "$(cat "$SENT"/*/argv | grep '@' | sort -u | wc -l | tr -d ' ')" 4 "... one to each sender"

# the user's other addresses: ~/.weir/config.yaml `addresses`
reset
rules 'reply text "away"'
MSG_TO="To: Alice Smith <a.smith@example.net>"
msg | deliver; is "$(sent_count)" 0 "mail to an alias that is not in addresses: no reply"
grep -q 'suppressed: not addressed to you' "$T/log"; ok $? "... the log says why"
printf 'addresses: [a.smith@example.net]\n' > "$HOME/.weir/config.yaml"; chmod 600 "$HOME/.weir/config.yaml"
msg | deliver; is "$(sent_count)" 1 "the alias listed in addresses: answered"
unset MSG_TO; rm -f "$HOME/.weir/config.yaml"

# ---- fakebounce -------------------------------------------------------------
reset
rules 'if header "Subject" contains "lunch" { fakebounce }'
FROM=bob@example.com
msg | deliver; is "$?" 0 "fakebounce: exit 0"
[ ! -d "$MD/new" ] || [ "$(count_files "$MD/new")" = 0 ]; ok $? "fakebounce: the message is dropped"
is "$(sent_count)" 1 "fakebounce: one DSN handed to sendmail"
d=$(last_sent)
is "$(tr '\n' ' ' < "$d/argv")" "-oi -f <> -- bob@example.com " "fakebounce: envelope sender <>, to the sender"
$PY "$d/msg" dsn > "$T/p"
for want in 'TYPE multipart/report delivery-status' \
            'PARTS text/plain message/delivery-status text/rfc822-headers' \
            'H To: bob@example.com' 'H Auto-Submitted: auto-replied' \
            'DS1 Final-Recipient: rfc822; alice@example.org' 'DS1 Action: failed' \
            'DS1 Status: 5.1.1' 'ORIG Subject: lunch?' 'ORIG Message-ID: <m1@example.com>' \
            'DEFECTS 0'; do
    grep -qx "$want" "$T/p"; ok $? "DSN: $want"
done
grep -q '^H From: .*MAILER-DAEMON@' "$T/p"; ok $? "DSN: From MAILER-DAEMON"
grep -q '^DS0 Reporting-MTA: dns; ' "$T/p" && grep -q '^DS0 Arrival-Date: ' "$T/p" &&
grep -q '^DS1 Diagnostic-Code: ' "$T/p"
ok $? "DSN: Reporting-MTA, Arrival-Date, Diagnostic-Code"
msg | deliver; is "$?:$(sent_count)" 0:1 "second fakebounce to the same sender inside the period: not sent"
[ ! -d "$MD/new" ] || [ "$(count_files "$MD/new")" = 0 ]; ok $? "... and the message is still dropped"
grep -q 'fakebounce (.*rules:1) suppressed: already answered' "$T/log"; ok $? "... with the reason in the log"

rules 'fakebounce "mailbox unavailable"'
FROM=carol@example.com
msg | deliver
$PY "$(last_sent)/msg" dsn | grep -q '^DS1 Diagnostic-Code: .*mailbox unavailable'
ok $? "fakebounce \"text\": the text is the diagnostic"
echo 1 > "$HOME/sendmail.exit"; FROM=dave@example.com
msg | deliver; is "$?:$(count_files "$MD/new")" 0:1 "fakebounce, sendmail fails: the message is kept"
rm -f "$HOME/sendmail.exit"; rm -rf "$MD"
# the template: ~/.weir/config.yaml fakebounce_template
rules 'fakebounce "mailbox gone"'
printf 'Subject: Delivery failed\nFrom: Postmaster\n\nNo mailbox ${recipient} here (${diagnostic}).\n' > "$HOME/.weir/dsn.txt"
printf 'fakebounce_template: ~/.weir/dsn.txt\n' > "$HOME/.weir/config.yaml"; chmod 600 "$HOME/.weir/config.yaml"
FROM=frank@example.com
msg | deliver
$PY "$(last_sent)/msg" dsn > "$T/p"
grep -qx 'H Subject: Delivery failed' "$T/p" &&
grep -q "^HUMAN 'No mailbox alice@example.org here (mailbox gone)" "$T/p" && grep -qx 'DS1 Status: 5.1.1' "$T/p"
ok $? "fakebounce_template: the template's Subject and text, the rest as always"
printf 'fakebounce_template: ~/.weir/missing.txt\n' > "$HOME/.weir/config.yaml"
n=$(sent_count); FROM=gina@example.com
msg | deliver; is "$(sent_count)" $((n + 1)) "a missing template: the fake bounce is still sent"
grep -q 'fakebounce_template .*missing.txt: .*the built-in template is used' "$T/log"; ok $? "... with the built-in template, logged"
rm -f "$HOME/.weir/config.yaml"
rules 'copy fakebounce'
FROM=erin@example.com
msg | deliver; is "$?:$(count_files "$MD/new")" 0:1 "copy fakebounce: the message is kept"
is "$(tr '\n' ' ' < "$(last_sent)/argv")" "-oi -f <> -- erin@example.com " "copy fakebounce: the DSN is sent"

done_testing
