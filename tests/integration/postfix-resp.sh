#!/bin/sh
# postfix-resp.sh -- the answers weir makes, through a real Postfix.  A
# private Postfix instance (own config, queue and log under $T, no inet
# listener) runs weir as mailbox_command for real non-root users; weir's
# sendmail is that instance's (a wrapper adding -C), so what weir sends
# is queued, delivered by Postfix and read back from the recipient's
# Maildir:
#  - `bounce "5.7.1 text"`: Postfix bounces with weir's code and text, and
#    the sender receives the DSN carrying them;
#  - `reply`: the sender receives the vacation reply, From the user, with
#    Auto-Submitted, once;
#  - `fakebounce`: the sender receives the fake "user unknown" DSN; the
#    message is in no mailbox.
# Needs root and Debian's postfix package (CI installs it).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-postfix.sh"

USERS="weirrs1 weirrs2 weirrs3 weirrs4"
pf_require

chmod 755 "$T"
mkdir -p "$PF/etc" "$PF/queue" "$PF/data" "$T/bin"
chown postfix: "$PF/data"
cp "$WEIR" "$T/bin/weir"
# the private modules (weir_db.so for the state databases) where this
# (not setgid) copy finds them: Postfix passes no WEIR_MODULEDIR
mkdir -p "$T/lib"
cp "${WEIR_MODULEDIR:?}"/weir_*.so "$T/lib/"
chmod 755 "$T/lib"; chmod 644 "$T/lib"/*
cat > "$T/bin/weir-run" <<EOF
#!/bin/sh
WEIR_MODULEDIR=$T/lib; export WEIR_MODULEDIR
exec $T/bin/weir -c $T/weir.yaml
EOF
chmod 755 "$T/bin/weir-run"
# weir's sendmail for its answers: a submission through the private
# instance's loopback SMTP listener (Postfix's own sendmail would need
# postdrop, which as a non-root user reads the system's main.cf)
PORT=$((20000 + $$ % 20000))
cat > "$T/bin/sendmail" <<EOF
#!/usr/bin/python3
import smtplib, sys
a = sys.argv[1:]
sender = a[a.index("-f") + 1] if "-f" in a else ""
if sender == "<>":
    sender = ""
rcpts = a[a.index("--") + 1:]
with smtplib.SMTP("127.0.0.1", $PORT) as s:
    s.sendmail(sender, rcpts, sys.stdin.buffer.read())
EOF
cat > "$T/weir.yaml" <<EOF
sendmail: $T/bin/sendmail
system_rules: $T/no-system.rules
logging: { user_log: true }
EOF
chmod 755 "$T/bin" "$T/bin/weir" "$T/bin/sendmail"
chmod 644 "$T/weir.yaml"
sed 's/^smtp[[:space:]][[:space:]]*inet/#&/' /etc/postfix/master.cf > "$PF/etc/master.cf"
echo "127.0.0.1:$PORT inet n - n - - smtpd" >> "$PF/etc/master.cf"
pf_main_cf "mailbox_command = $T/bin/weir-run"

for u in $USERS; do
    userdel "$u" >/dev/null 2>&1
    useradd -M -d "$T/$u" -s /bin/sh "$u" || { skip "useradd $u failed"; done_testing; exit; }
    mkdir -p "$T/$u/.weir"; chown -R "$u": "$T/$u"; chmod 700 "$T/$u" "$T/$u/.weir"
done

postfix -c "$PF/etc" start >/dev/null 2>&1
ok $? "private Postfix instance started"

wait_files() {  # wait_files DIR N: up to 30 s for N files in DIR
    i=0
    while [ $i -lt 60 ]; do
        [ "$(count_files "$1")" -ge "$2" ] 2>/dev/null && return 0
        sleep 0.5; i=$((i + 1))
    done
    return 1
}
# msg FROM TO SUBJECT
msg() {
    printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s.%s@example.org>\n\nHello.\n' \
        "$1" "$2" "$3" "$(echo "$3" | tr -c 'a-z' _)" "$$"
}
# weirrs1 is the sender; its own rules only file everything (implicit keep)
S=weirrs1@localhost
IN="$T/weirrs1/Maildir/new"

# 1. bounce with a text: the sender gets Postfix's DSN with weir's code and text
rules weirrs2 'bounce "5.7.1 weirrs2 accepts no mail from strangers"'
msg "$S" weirrs2@localhost "bounce test" | sendmail -C "$PF/etc" -f "$S" weirrs2@localhost
pf_wait_log "to=<weirrs2@localhost>.*status=bounced"
ok $? "bounce: Postfix bounces the message"
grep "to=<weirrs2@localhost>.*status=bounced" "$PF/maillog" |
    grep -q "dsn=5\.7\.1, status=bounced (weir: weirrs2 accepts no mail from strangers *)"
ok $? "bounce: Postfix takes weir's 5.7.1 and its text"
wait_files "$IN" 1
f=$(grep -l "weirrs2 accepts no mail from strangers" "$IN"/* 2>/dev/null | head -1)
[ -n "$f" ] && grep -q '^Status: 5\.7\.1' "$f" && grep -q '^Content-Type: multipart/report' "$f"
ok $? "bounce: the sender received the DSN with Status 5.7.1 and the rule's text"

# 2. vacation reply: the sender receives it, once
rules weirrs3 'reply days 7 text "weirrs3 is away until Monday."'
msg "$S" weirrs3@localhost "lunch" | sendmail -C "$PF/etc" -f "$S" weirrs3@localhost
pf_wait_log "to=<weirrs3@localhost>.*status=sent"
ok $? "reply: the original is delivered"
n0=$(count_files "$IN")
wait_files "$IN" $((n0 + 1)) || true
f=$(grep -l "weirrs3 is away until Monday" "$IN"/* 2>/dev/null | head -1)
[ -n "$f" ] && grep -qi '^Auto-Submitted: auto-replied' "$f" &&
    grep -q '^Subject: Re: lunch' "$f" && grep -q '^Return-Path: <>' "$f"
ok $? "reply: the sender received it (Re: subject, Auto-Submitted, envelope sender <>)"
msg "$S" weirrs3@localhost "lunch" | sendmail -C "$PF/etc" -f "$S" weirrs3@localhost
wait_files "$T/weirrs3/Maildir/new" 2
sleep 3
is "$(grep -l "weirrs3 is away until Monday" "$IN"/* 2>/dev/null | wc -l | tr -d ' ')" 1 \
   "reply: the second message from the same sender is not answered again"

# 3. fakebounce: the sender receives the fake "user unknown"; nothing kept
rules weirrs4 'fakebounce'
msg "$S" weirrs4@localhost "offer" | sendmail -C "$PF/etc" -f "$S" weirrs4@localhost
pf_wait_log "to=<weirrs4@localhost>.*status=sent"
ok $? "fakebounce: Postfix hands the message to weir"
n0=$(count_files "$IN")
wait_files "$IN" $((n0 + 1)) || true
f=$(grep -l '^Status: 5\.1\.1' "$IN"/* 2>/dev/null | head -1)
[ -n "$f" ] && grep -q '^From: MAILER-DAEMON@' "$f" && grep -q '^Action: failed' "$f" &&
    grep -q '^Final-Recipient: rfc822; weirrs4@localhost' "$f" && grep -q '^Subject: offer' "$f"
ok $? "fakebounce: the sender received a DSN from MAILER-DAEMON, Status 5.1.1, the original header"
[ ! -d "$T/weirrs4/Maildir/new" ] || [ "$(count_files "$T/weirrs4/Maildir/new")" = 0 ]
ok $? "fakebounce: the message is in no mailbox"

if [ "$_failed" -ne 0 ]; then
    sed 's/^/# /' "$PF/maillog"
    for u in $USERS; do sed "s/^/# $u: /" "$T/$u/.weir/log" 2>/dev/null; done
fi
done_testing
