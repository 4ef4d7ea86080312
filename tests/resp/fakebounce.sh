#!/bin/sh
# fakebounce.sh -- fake bounces (lda/resp/responder.h, dsn.h) through the
# recording fake sendmail: the DSN parsed back by Python's email package
# with every RFC 3464 field asserted, the Postfix look, the original
# header attached, no injection through the rule's text or the message;
# backscatter guards both ways (null, system and list senders,
# Auto-Submitted); once per sender per N days; the per-hour cap; a
# template file; a damaged database sends nothing.
. "$top_srcdir/tests/resp/lib-resp.sh"

PY="python3 $top_srcdir/tests/resp/parse_mail.py"

msg | drv --fakebounce --sender spammer@example.com > "$T/o"
is "$(cat "$T/o")" "sent" "fake bounce sent"
d=$(find "$SENT" -mindepth 1 -maxdepth 1 -type d | head -1)
is "$(tr '\n' ' ' < "$d/argv")" "-oi -f <> -- spammer@example.com " \
   "sendmail argv: envelope sender <>, to the envelope sender"
$PY "$d/msg" dsn > "$T/p"
sed 's/^/# /' "$T/p" | head -60
want() { grep -qxF "$1" "$T/p"; ok $? "$2"; }
grep -qx 'From: MAILER-DAEMON@mx.example.org (Mail Delivery System)' "$d/msg"
ok $? "From: MAILER-DAEMON (Postfix style)"
want 'H From: MAILER-DAEMON@mx.example.org' "... which Python reads as that address"
want 'H To: spammer@example.com' "To: the envelope sender"
want 'H Subject: Undelivered Mail Returned to Sender' "Postfix subject"
want 'H Auto-Submitted: auto-replied' "Auto-Submitted"
want 'TYPE multipart/report delivery-status' "multipart/report; report-type=delivery-status"
want 'PARTS text/plain message/delivery-status text/rfc822-headers' "three parts in RFC 3464 order"
want 'DS0 Reporting-MTA: dns; mx.example.org' "Reporting-MTA"
want 'DS0 X-Postfix-Sender: rfc822; spammer@example.com' "X-Postfix-Sender"
want 'DS0 Arrival-Date: Fri, 15 Jan 2027 08:00:00 +0000' "Arrival-Date"
grep -q '^DS0 X-Postfix-Queue-ID: [0-9A-F]\{10\}$' "$T/p"; ok $? "queue id"
want 'DS1 Final-Recipient: rfc822; alice@example.org' "Final-Recipient"
want 'DS1 Original-Recipient: rfc822;alice@example.org' "Original-Recipient"
want 'DS1 Action: failed' "Action: failed"
want 'DS1 Status: 5.1.1' "Status: 5.1.1"
want 'DS1 Diagnostic-Code: X-Postfix; unknown user: "alice"' "Diagnostic-Code: Postfix's unknown user"
want 'ORIG Subject: lunch?' "original header attached"
want 'ORIG Message-ID: <m1@example.com>' "... all of it"
grep -q '^ORIG Are you free' "$T/p"; [ $? -ne 0 ]; ok $? "... but not the body"
grep -q "^HUMAN 'This is the mail system at host mx.example.org" "$T/p"; ok $? "human part reads like Postfix"
grep -q 'alice@example.org>: unknown user: "alice"' "$T/p"; ok $? "... naming the recipient"
want 'DEFECTS 0' "no parser defects"

# The rule's text as the diagnostic; hostile text cannot escape.
rm -rf "$SENT" "$STATE"
msg | drv --fakebounce --sender s2@example.com \
    --text "$(printf 'mailbox gone\r\nBcc: x@example.net\n--bound\n')" > /dev/null
d=$(find "$SENT" -mindepth 1 -maxdepth 1 -type d | head -1)
$PY "$d/msg" dsn > "$T/p"
grep -q '^DS1 Diagnostic-Code: X-Postfix; mailbox gone  Bcc: x@example.net --bound *$' "$T/p"
ok $? "the rule's text becomes one line of the diagnostic"
grep -q '^H Bcc' "$T/p"; [ $? -ne 0 ]; ok $? "... and adds no header"
want 'PARTS text/plain message/delivery-status text/rfc822-headers' "... nor a MIME part"

# ---- guards, each both ways ----
guard() {   # guard DESCRIPTION SENDER HEADER WANT
    got=$(msg ${3:+"$3"} | drv --dry --fakebounce --sender "$2")
    case $got in "suppressed: "*"$4"*) ok 0 "$1: no fake bounce";; *) ok 1 "$1: $got";; esac
    got=$(msg | drv --dry --fakebounce --sender x@example.com)
    is "$got" "would send" "$1: control is bounced"
}
guard "null sender" "" "" "envelope sender is empty"
guard "MAILER-DAEMON" MAILER-DAEMON@example.com "" "system, list or no-reply"
guard "list owner" owner-cats@example.com "" "system, list or no-reply"
guard "list mail" x@example.com "List-Id: <cats.example.com>" "List-Id header"
guard "Precedence: junk" x@example.com "Precedence: junk" "Precedence: junk"
guard "Auto-Submitted" x@example.com "Auto-Submitted: auto-generated" "Auto-Submitted"
guard "X-Auto-Response-Suppress: NDR" x@example.com "X-Auto-Response-Suppress: NDR" "ndr"
guard "own address" alice@example.org "" "your own addresses"
MSG_TO="To: someone@example.net"
got=$(msg | drv --dry --fakebounce --sender x@example.com)
is "$got" "would send" "not addressed to the user: still bounced (Bcc spam)"
unset MSG_TO

# ---- once per sender per N days, cap per hour ----
rm -rf "$SENT" "$STATE"
for i in 1 2 3; do msg | drv --fakebounce --sender rep@example.com; done > "$T/o"
is "$(cut -c1-40 "$T/o" | tr '\n' '|')" "sent|suppressed: already answered rep@example|suppressed: already answered rep@example|" \
   "one fake bounce per sender per day"
msg | at $((1800000000 + 86400)) drv --fakebounce --sender rep@example.com > "$T/o"
is "$(cat "$T/o")" "sent" "... and one more the next day"
msg | at $((1800000000 + 2 * 86400)) drv --fb-days 3 --fakebounce --sender rep@example.com > /dev/null
msg | at $((1800000000 + 4 * 86400)) drv --fb-days 3 --fakebounce --sender rep@example.com > "$T/o"
case $(cat "$T/o") in suppressed:*) ok 0 "per_sender_days 3 honoured";; *) ok 1 "fb-days: $(cat "$T/o")";; esac
rm -rf "$SENT" "$STATE"
for s in a b c; do msg | drv --fb-per-hour 2 --fakebounce --sender "$s@example.com"; done > "$T/o"
is "$(tr '\n' '|' < "$T/o")" "sent|sent|suppressed: the limit of 2 answers per hour is reached|" \
   "per-hour cap on fake bounces"

# ---- template file ----
rm -rf "$SENT" "$STATE"
printf 'Subject: Delivery failure\nFrom: Postmaster Robot\n\nHost ${host} says: ${diagnostic} (for ${sender}) ${unknown}\n' > "$T/tmpl"
msg | drv --fakebounce --template "$T/tmpl" --sender t@example.com > /dev/null
d=$(find "$SENT" -mindepth 1 -maxdepth 1 -type d | head -1)
$PY "$d/msg" dsn > "$T/p"
want 'H Subject: Delivery failure' "template subject"
grep -qx 'From: MAILER-DAEMON@mx.example.org (Postmaster Robot)' "$d/msg"; ok $? "template From name"
grep -qF "HUMAN 'Host mx.example.org says: unknown user: \"alice\" (for t@example.com) \${unknown}" "$T/p"
ok $? "template text with variables; unknown ones left as written"
want 'DS1 Status: 5.1.1' "machine-readable part unchanged"

# ---- damaged database ----
rm -rf "$SENT"
printf 'junk %.0s' $(seq 1 400) > "$STATE/fakebounce.db"
msg | drv --fakebounce --sender u@example.com > "$T/o" 2> "$T/err"
case $(cat "$T/o") in "suppressed: state unavailable"*) ok 0 "damaged fakebounce.db: nothing sent";; *) ok 1 "damaged: $(cat "$T/o")";; esac
is "$(sent_count)" 0 "... sendmail not run"
msg | drv --fakebounce --sender u@example.com > "$T/o"
is "$(cat "$T/o")" "sent" "recovered for the next message"
done_testing
