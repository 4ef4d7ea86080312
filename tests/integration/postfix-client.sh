#!/bin/sh
# postfix-client.sh -- the SMTP client's address travels from a real Postfix
# to weir's `dnsbl` test.  A private Postfix instance listens on 127.0.0.1
# and a free port; a test client connects and, through XCLIENT (allowed for
# 127.0.0.1 only), presents itself as 8.8.4.4, an address the test DNS
# server (rbldnsd, tests/lib-dns.sh) lists in bl.test with 127.0.0.3.
# Postfix's local(8) runs weir as mailbox_command with CLIENT_ADDRESS set,
# weir asks bl.test about exactly that address, and files the message by
# the answer; a message from an unlisted client is not filed there.
# Needs root, Debian's postfix and rbldnsd (CI installs them).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-dns.sh"
. "$top_srcdir/tests/lib-postfix.sh"

USERS="weirpc1"
pf_require
cleanup() { dns_stop; pf_cleanup; }

dns_start "$TESTDATA/dns" bl.test:ip4trie:ip4
ok $? "rbldnsd started on $DNS_SERVER"
trap cleanup EXIT

pf_init
printf 'dns:\n  servers: [ "%s" ]\n  timeout: 2s\n' "$DNS_SERVER" > "$T/weir.yaml"
chmod 644 "$T/weir.yaml"

# a free port for smtpd (the kernel's choice, released again)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
[ -n "$port" ]; ok $? "a free port for smtpd: $port"

cp /etc/postfix/master.cf "$PF/etc/master.cf"
sed -i '/^smtp *inet/d' "$PF/etc/master.cf"
printf '127.0.0.1:%s inet n - n - - smtpd\n' "$port" >> "$PF/etc/master.cf"
pf_main_cf "mynetworks = 127.0.0.0/8" "smtpd_authorized_xclient_hosts = 127.0.0.1" \
    "mailbox_command = $T/bin/weir -c $T/weir.yaml"

for u in $USERS; do
    userdel "$u" >/dev/null 2>&1
    useradd -M -d "$T/$u" -s /bin/sh "$u" || { skip "useradd $u failed"; done_testing; exit; }
    mkdir -p "$T/$u/.weir"
    printf '%s\n' 'header add "X-Env-Client" "${env.CLIENT_ADDRESS} ${client}"' \
        'if dnsbl "bl.test" returns 127.0.0.3 { file "~/Maildir/.listed/" }' \
        > "$T/$u/.weir/rules"
    chown -R "$u": "$T/$u"; chmod 700 "$T/$u" "$T/$u/.weir"; chmod 600 "$T/$u/.weir/rules"
done

postfix -c "$PF/etc" start >/dev/null 2>&1
ok $? "private Postfix instance with smtpd on 127.0.0.1:$port started"

# smtp_send CLIENT-ADDR SUBJECT: one message over SMTP, the client address
# set with XCLIENT
smtp_send() {
    python3 - "$port" "$1" "$2" <<'PY'
import smtplib, sys
port, addr, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = smtplib.SMTP("127.0.0.1", port, timeout=30)
s.ehlo("client.example")
code, text = s.docmd("XCLIENT", "ADDR=%s NAME=[UNAVAILABLE]" % addr)
if code != 220:
    sys.exit("XCLIENT refused: %d %s" % (code, text))
s.ehlo("client.example")
s.sendmail("someone@example.org", ["weirpc1@localhost"],
           "From: someone@example.org\r\nTo: weirpc1@localhost\r\nSubject: %s\r\n\r\nbody\r\n" % subject)
s.quit()
PY
}

n0=$(dns_query_count)
smtp_send 8.8.4.4 listed
ok $? "SMTP with XCLIENT ADDR=8.8.4.4 accepted"
pf_wait_log "to=<weirpc1@localhost>.*status=sent"
ok $? "delivered through mailbox_command"
is "$(count_files "$T/weirpc1/Maildir/.listed/new")" 1 \
    "CLIENT_ADDRESS reached the dnsbl test: filed as listed"
f=$(find "$T/weirpc1/Maildir/.listed/new" -type f | head -n 1)
grep -q '^X-Env-Client: 8.8.4.4 8.8.4.4$' "$f" 2>/dev/null
ok $? "the rules saw CLIENT_ADDRESS=8.8.4.4 from Postfix, and \${client} took it"
dns_queries | tail -n +$((n0 + 1)) | grep -q '^4.4.8.8.bl.test A$'
ok $? "weir asked bl.test about the client Postfix passed (4.4.8.8.bl.test)"

smtp_send 9.9.9.9 unlisted
ok $? "SMTP with XCLIENT ADDR=9.9.9.9 accepted"
i=0
while [ $i -lt 60 ] && [ "$(count_files "$T/weirpc1/Maildir/new")" -lt 1 ]; do sleep 0.5; i=$((i + 1)); done
is "$(count_files "$T/weirpc1/Maildir/new")" 1 "an unlisted client: implicit keep in the inbox"
is "$(count_files "$T/weirpc1/Maildir/.listed/new")" 1 "and not filed as listed"

if [ "$_failed" -ne 0 ]; then sed 's/^/# /' "$PF/maillog"; fi
done_testing
