#!/bin/sh
# opensmtpd.sh -- real OpenSMTPD delivering through weir.  Debian's
# opensmtpd, unpacked into a private root by build-aux/install-deps.sh
# (Debian's MTA packages conflict with each other and with the postfix the
# other MTA tests use), listens on 127.0.0.1 and a free port with the
# tested snippet of doc/mta.md as its configuration; messages arrive over
# SMTP and OpenSMTPD's mda runs weir as each recipient:
#  - the user's rules file the message by the exact envelope sender
#    (o'b&x|y@example.org, which OpenSMTPD accepts: why the command has no
#    %{...} arguments) and recipient;
#  - ~/.forward with "|weir";
#  - exit 75: TempFail, the message stays queued, and after the fix a
#    schedule delivers it exactly once;
#  - a rule's bounce "5.1.1 ...": exit 67, PermFail, OpenSMTPD's bounce
#    with weir's text reaches the (local) sender;
#  - OpenSMTPD passes no client address (the docs say so).
# OpenSMTPD's spool and control socket are compiled in
# (/var/spool/smtpd, /var/run/smtpd.sock): the test owns them while it
# runs, and refuses to run where a real OpenSMTPD is installed.
# Needs root (CI runs as root).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-postfix.sh"     # pf_snippet: doc/mta.md's text

R=/opt/weir-test-mta/opensmtpd
SMTPD=$R/usr/sbin/smtpd
SMTPCTL=$R/usr/sbin/smtpctl
SPOOL=/var/spool/smtpd
if [ "$(id -u)" != 0 ]; then
    skip "not root: cannot run OpenSMTPD or create users"; done_testing; exit
fi
[ -x "$SMTPD" ] && [ -x /usr/libexec/opensmtpd/mail.mda ] && id opensmtpq >/dev/null 2>&1
ok $? "OpenSMTPD unpacked at $R, its helpers and users in place (build-aux/install-deps.sh)" ||
    { done_testing; exit; }
! dpkg -S /usr/sbin/smtpd >/dev/null 2>&1
ok $? "no real OpenSMTPD installed (the test takes over $SPOOL)" || { done_testing; exit; }

USERS="weirsm1 weirsm2 weirsm3 weirsm4 weirsm5"
SPID=
cleanup() {
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && sleep 0.5
    rm -rf "$SPOOL"
    for u in $USERS; do userdel "$u" >/dev/null 2>&1; done
    chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"
}
trap cleanup EXIT

chmod 755 "$T"
mkdir -p "$T/bin"
cp "$WEIR" "$T/bin/weir"; chmod 755 "$T/bin" "$T/bin/weir"
rm -rf "$SPOOL"; mkdir -p "$SPOOL"; chmod 711 "$SPOOL"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

[ -n "$(pf_snippet opensmtpd-conf)" ]
ok $? "doc/mta.md has the snippet opensmtpd-conf"
{
    echo "listen on 127.0.0.1 port $port"
    pf_snippet opensmtpd-conf
} > "$T/smtpd.conf"
"$SMTPD" -n -f "$T/smtpd.conf" > "$T/check" 2>&1
ok $? "OpenSMTPD accepts the configuration" || sed 's/^/# /' "$T/check"

for u in $USERS; do
    userdel "$u" >/dev/null 2>&1
    useradd -M -d "$T/$u" -s /bin/sh "$u" || { ok 1 "useradd $u"; done_testing; exit; }
    mkdir -p "$T/$u"; chown "$u": "$T/$u"; chmod 700 "$T/$u"
done

"$SMTPD" -d -f "$T/smtpd.conf" > "$T/log" 2>&1 &
SPID=$!
i=0
while [ $i -lt 40 ] && ! grep -q "smtpd: .*ready\|OpenSMTPD .* starting" "$T/log"; do sleep 0.25; i=$((i + 1)); done
python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(40):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close(); sys.exit(0)
    except OSError:
        time.sleep(0.25)
sys.exit(1)
PY
ok $? "private OpenSMTPD listening on 127.0.0.1:$port"

# send SENDER RCPT SUBJECT: one message over SMTP
send() {
    python3 - "$port" "$1" "$2" "$3" <<'PY'
import smtplib, sys
port, sender, rcpt, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
s = smtplib.SMTP("127.0.0.1", port, timeout=30)
s.sendmail(sender, [rcpt], "From: someone@example.org\r\nTo: %s\r\nSubject: %s\r\n"
           "Message-ID: <%s@test>\r\n\r\nthe body of %s\r\n" % (rcpt, subject, subject, subject))
s.quit()
PY
}
# wait_log PATTERN: up to 30 s for an OpenSMTPD log line
wait_log() {
    _i=0
    while [ $_i -lt 120 ]; do
        grep -q -- "$1" "$T/log" && return 0
        sleep 0.25; _i=$((_i + 1))
    done
    return 1
}
queued() { find "$SPOOL/queue" -type f 2>/dev/null | wc -l | tr -d ' '; }

# 1. Filed by the rules on the exact envelope sender and recipient.
rules weirsm1 'header add "X-Env-Client" "[${env.CLIENT_ADDRESS}${env.SENDER_HOST_ADDRESS}]"' \
    "if envelope from is \"o'b&x|y@example.org\" and envelope to is \"weirsm1+box@localhost\" { file \"~/Maildir/.exact/\" stop }"
send "o'b&x|y@example.org" weirsm1+box@localhost exact
ok $? "OpenSMTPD accepted a message from o'b&x|y@example.org"
wait_log "to=<weirsm1+box@localhost>.*result=Ok"
ok $? "OpenSMTPD logs the mda delivery as Ok"
f=$(find "$T/weirsm1/Maildir/.exact/new" -type f 2>/dev/null | head -n 1)
[ -n "$f" ] && [ "$(stat -c %U "$f")" = weirsm1 ]
ok $? "filed by the rules on the exact envelope sender and recipient, owned by the user"
grep -q '^the body of exact$' "$f" 2>/dev/null
ok $? "the message body is there"
grep -q '^X-Env-Client: \[\]$' "$f" 2>/dev/null
ok $? "OpenSMTPD passes no client address to weir (as doc/mta.md says)"

# 2. ~/.forward with a pipe to weir.
printf '"|%s"\n' "$T/bin/weir" > "$T/weirsm2/.forward"
chown weirsm2: "$T/weirsm2/.forward"; chmod 644 "$T/weirsm2/.forward"
send sender@example.org weirsm2@localhost forward
wait_log "to=<weirsm2@localhost>.*result=Ok"
ok $? ".forward: OpenSMTPD logs the delivery as Ok"
is "$(count_files "$T/weirsm2/Maildir/new")" 1 ".forward: delivered into the user's Maildir"

# 3. Exit 75: TempFail, still queued; after the fix, delivered once.
: > "$T/weirsm3/Maildir"; chown weirsm3: "$T/weirsm3/Maildir"
send sender@example.org weirsm3@localhost defer
wait_log "to=<weirsm3@localhost>.*result=TempFail"
ok $? "exit 75: OpenSMTPD records a temporary failure"
[ "$(queued)" -ge 1 ]
ok $? "exit 75: the message stays in OpenSMTPD's queue"
rm -f "$T/weirsm3/Maildir"
"$SMTPCTL" schedule all > /dev/null 2>&1
wait_log "to=<weirsm3@localhost>.*result=Ok"
ok $? "after the fix, a schedule delivers it"
is "$(count_files "$T/weirsm3/Maildir/new")" 1 "delivered exactly once"

# 4. A rule's bounce: exit 67, PermFail; the bounce reaches the local
# sender (weirsm5), delivered by weir too, with weir's text.
rules weirsm4 'if envelope from is "weirsm5@localhost" { bounce "5.1.1 no such user here" }'
rules weirsm5 'if envelope from is "" { file "~/Maildir/.null-sender/" }'
send weirsm5@localhost weirsm4@localhost bounce
wait_log "to=<weirsm4@localhost>.*result=PermFail"
ok $? "bounce: exit 67 is a permanent failure for OpenSMTPD"
test ! -e "$T/weirsm4/Maildir"
ok $? "bounce: nothing delivered for the recipient"
i=0
while [ $i -lt 120 ] && [ "$(count_files "$T/weirsm5/Maildir/.null-sender/new")" -lt 1 ]; do sleep 0.25; i=$((i + 1)); done
b=$(grep -l "no such user here" "$T"/weirsm5/Maildir/.null-sender/new/* 2>/dev/null | head -n 1)
[ -n "$b" ]
ok $? "bounce: OpenSMTPD's bounce with weir's text reached the sender, whose rules saw a null envelope sender"
grep -q '5\.1\.1' "$b" 2>/dev/null
ok $? "bounce: weir's 5.1.1 status code is in it"

if [ "$_failed" -ne 0 ]; then sed 's/^/# /' "$T/log"; fi
done_testing
