#!/bin/sh
# exim.sh -- real Exim delivering through weir.  Debian's exim4-daemon-light,
# unpacked into a private root by build-aux/install-deps.sh (Debian's MTA
# packages conflict with each other and with the postfix the other MTA
# tests use), runs with its own configuration, spool and logs under $T; the
# routers and transports are the tested snippets of doc/mta.md.  Messages
# are submitted as Exim's trusted caller (root) and delivered by Exim's
# own delivery processes, which run weir as each recipient:
#  - the user's rules file the message by the exact envelope sender, and
#    the delivered bytes are the message's;
#  - ~/.forward with "|weir" goes through the forward router and the pipe;
#  - exit 75: Exim keeps the message queued (-bp), a queue run after the
#    fix delivers it exactly once;
#  - a rule's bounce (exit 67): Exim returns the message to the sender
#    with weir's status line and code, nothing is delivered;
#  - the client address of a message Exim accepted from a host (-oMa, as
#    for one received over SMTP) reaches weir's dnsbl test through the
#    snippet's environment line (the test DNS server, tests/lib-dns.sh).
# Needs root (CI runs as root).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-dns.sh"
. "$top_srcdir/tests/lib-postfix.sh"     # pf_snippet: doc/mta.md's text

EXIM=/opt/weir-test-mta/exim/usr/sbin/exim4
TRUSTED=/etc/exim4/trusted_configs
if [ "$(id -u)" != 0 ]; then
    skip "not root: cannot run Exim or create users"; done_testing; exit
fi
[ -x "$EXIM" ]
ok $? "Exim unpacked at $EXIM (build-aux/install-deps.sh)" || { done_testing; exit; }

E="$T/exim"
USERS="weirex1 weirex2 weirex3 weirex4 weirex5"
cleanup() {
    dns_stop
    # our line out of Exim's list of trusted configurations
    if [ -f "$TRUSTED" ]; then
        grep -vxF "$E/exim.conf" "$TRUSTED" > "$TRUSTED.weir$$"; cat "$TRUSTED.weir$$" > "$TRUSTED"
        rm -f "$TRUSTED.weir$$"
    fi
    for u in $USERS; do userdel "$u" >/dev/null 2>&1; done
    chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"
}

dns_start "$TESTDATA/dns" bl.test:ip4trie:ip4
ok $? "rbldnsd started on $DNS_SERVER"
# after dns_start, which sets its own EXIT trap: ours stops the DNS server
# too, and also takes our line out of Exim's trusted list and the users
# away (with the trap set before, they were left behind on every run)
trap cleanup EXIT

chmod 755 "$T"
mkdir -p "$E/spool" "$E/log" "$T/bin"
chown Debian-exim: "$E/spool" "$E/log"
cp "$WEIR" "$T/bin/weir"; chmod 755 "$T/bin" "$T/bin/weir"
printf 'dns:\n  servers: [ "%s" ]\n  timeout: 2s\n' "$DNS_SERVER" > "$T/weir.yaml"
chmod 644 "$T/weir.yaml"

for n in exim-routers exim-transports; do
    [ -n "$(pf_snippet "$n")" ]; ok $? "doc/mta.md has the snippet $n"
done
# The configuration: a test-only main section (private paths, loopback
# names), then the documented routers and transports.  The weir command
# gets -c for the test DNS server (weir.yaml), nothing else.
{
    cat <<CONF
exim_path = $EXIM
spool_directory = $E/spool
log_file_path = $E/log/%slog
pid_file_path = $E/exim.pid
primary_hostname = weir-test.localdomain
qualify_domain = localhost
domainlist local_domains = localhost
exim_user = Debian-exim
exim_group = Debian-exim
trusted_users = root
never_users = root
host_lookup =
rfc1413_hosts =
keep_environment =
add_environment = <; PATH=/bin:/usr/bin
tls_advertise_hosts =

begin routers
CONF
    pf_snippet exim-routers
    echo
    echo "begin transports"
    pf_snippet exim-transports | sed "s|command = $T/bin/weir$|& -c $T/weir.yaml|"
    echo
    echo "begin retry"
    echo "*  *  F,1d,1m"
} > "$E/exim.conf"
chmod 644 "$E/exim.conf"
mkdir -p "$(dirname "$TRUSTED")"
# Our configuration goes first in Exim's list of trusted ones, and lines
# of earlier runs whose file is gone (a run killed before its cleanup)
# are dropped: Exim reads only the start of the list, and with stale lines
# piled up in front of ours on a reused machine it ran our configuration
# untrusted ("exim user lost privilege for using -C option").
{
    echo "$E/exim.conf"
    if [ -f "$TRUSTED" ]; then
        while IFS= read -r _l; do [ -e "$_l" ] && printf '%s\n' "$_l"; done < "$TRUSTED"
    fi
} > "$TRUSTED.weir$$"
cat "$TRUSTED.weir$$" > "$TRUSTED"; rm -f "$TRUSTED.weir$$"; chmod 644 "$TRUSTED"
"$EXIM" -C "$E/exim.conf" -bV > "$T/bv" 2>&1
ok $? "Exim accepts the configuration" || sed 's/^/# /' "$T/bv"

for u in $USERS; do
    userdel "$u" >/dev/null 2>&1
    useradd -M -d "$T/$u" -s /bin/sh "$u" || { ok 1 "useradd $u"; done_testing; exit; }
    mkdir -p "$T/$u"; chown "$u": "$T/$u"; chmod 700 "$T/$u"
done

# send SENDER RCPT [EXIM-OPTION...] < MESSAGE: submit as the trusted
# caller and deliver at once (-odi); Exim's exit status
send() {
    _s=$1 _r=$2; shift 2
    "$EXIM" -C "$E/exim.conf" -odi "$@" -f "$_s" "$_r"
}
mainlog() { cat "$E/log/mainlog" 2>/dev/null; }
queue() { "$EXIM" -C "$E/exim.conf" -bpc; }

msg="$TESTDATA/messages/ham-plain.eml"
body() { awk 'NR == 1 && /^From / { next } { print }' "$1"; }

# 1. The weir_user router: filed by the user's rules on the exact sender.
rules weirex1 "if envelope from is \"o'b&x|y@example.org\" and envelope to is \"weirex1@localhost\" { file \"~/Maildir/.exact/\" stop }"
send "o'b&x|y@example.org" weirex1@localhost < "$msg"
ok $? "submitted to weirex1"
f=$(find "$T/weirex1/Maildir/.exact/new" -type f 2>/dev/null | head -n 1)
[ -n "$f" ] && [ "$(stat -c %U "$f")" = weirex1 ]
ok $? "filed by the rules on the exact envelope sender and recipient, owned by the user"
grep -q "^Return-path: <o'b&x|y@example.org>$" "$f" 2>/dev/null
ok $? "Exim's Return-path (return_path_add) carries the exact sender"
grep -q '^Envelope-to: weirex1@localhost$' "$f" 2>/dev/null
ok $? "Exim's Envelope-to header is there (envelope_to_add)"
body "$msg" | tail -n 20 > "$T/want"
tail -n 20 "$f" 2>/dev/null | cmp -s - "$T/want"
r=$?; [ $r = 0 ] || { tail -n 20 "$f" | diff "$T/want" - | head; }; ok $r "the message body is intact"
mainlog | grep -q "weirex1 <weirex1@localhost> R=weir_user T=weir_pipe"
ok $? "Exim logs the delivery through weir_user/weir_pipe"

# 2. ~/.forward with a pipe to weir.
printf '"|%s"\n' "$T/bin/weir" > "$T/weirex2/.forward"
chown weirex2: "$T/weirex2/.forward"
send sender@example.org weirex2@localhost < "$msg"
is "$(count_files "$T/weirex2/Maildir/new")" 1 ".forward: delivered into the user's Maildir"
mainlog | grep -q "R=weir_forward T=address_pipe"
ok $? ".forward: Exim used weir_forward and address_pipe"

# 3. Exit 75: queued, retried after the fix, delivered once.
: > "$T/weirex3/Maildir"; chown weirex3: "$T/weirex3/Maildir"
send sender@example.org weirex3@localhost < "$msg"
mainlog | grep "weirex3@localhost" | grep -q "== .*T=weir_pipe defer"
ok $? "exit 75: Exim defers the delivery"
is "$(queue)" 1 "exit 75: the message stays in Exim's queue"
! mainlog | grep -q "weirex3@localhost.*\*\*"
ok $? "exit 75: nothing bounced"
rm -f "$T/weirex3/Maildir"
"$EXIM" -C "$E/exim.conf" -qff
is "$(count_files "$T/weirex3/Maildir/new")" 1 "after the fix a queue run delivers it exactly once"
is "$(queue)" 0 "and the queue is empty"

# 4. A rule's bounce: exit 67, Exim returns it to the (local) sender with
# weir's text; the bounce (null sender) is delivered by weir too.
rules weirex4 'if envelope from is "weirex5@localhost" { bounce "5.1.1 no such user here" }'
send weirex5@localhost weirex4@localhost < "$msg"
mainlog | grep "weirex4@localhost" | grep -q '\*\* .*returned 67'
ok $? "bounce: Exim fails the delivery permanently on weir's exit 67"
test ! -e "$T/weirex4/Maildir"
ok $? "bounce: nothing delivered for the recipient"
b=$(grep -l "no such user here" "$T"/weirex5/Maildir/new/* 2>/dev/null | head -n 1)
[ -n "$b" ]
ok $? "bounce: the sender's mailbox has Exim's bounce with weir's text"
grep -q '^Return-path: <>$' "$b" 2>/dev/null
ok $? "bounce: sent with a null envelope sender"
grep -q '5\.1\.1' "$b" 2>/dev/null
ok $? "bounce: weir's 5.1.1 status code is in it"

# 5. The client address: a message accepted as if over SMTP from 8.8.4.4
# (listed in bl.test) and one from 9.9.9.9 (not listed).
rules weirex1 'header add "X-Env-Client" "${env.SENDER_HOST_ADDRESS} ${client}"' \
    'if dnsbl "bl.test" returns 127.0.0.3 { file "~/Maildir/.listed/" stop }'
n0=$(dns_query_count)
send client@example.org weirex1@localhost -oMa 8.8.4.4 -oMr esmtp < "$msg"
is "$(count_files "$T/weirex1/Maildir/.listed/new")" 1 "client 8.8.4.4: filed as listed by dnsbl"
f=$(find "$T/weirex1/Maildir/.listed/new" -type f 2>/dev/null | head -n 1)
grep -q '^X-Env-Client: 8.8.4.4 8.8.4.4$' "$f" 2>/dev/null
ok $? "the rules saw SENDER_HOST_ADDRESS=8.8.4.4 from Exim, and \${client} took it"
dns_queries | tail -n +$((n0 + 1)) | grep -q '^4.4.8.8.bl.test A$'
ok $? "weir asked bl.test about the client Exim passed"
send client@example.org weirex1@localhost -oMa 9.9.9.9 -oMr esmtp < "$msg"
is "$(count_files "$T/weirex1/Maildir/new")" 1 "client 9.9.9.9: not listed, kept in the inbox"

if [ "$_failed" -ne 0 ]; then mainlog | sed 's/^/# /'; cat "$E/log/paniclog" 2>/dev/null | sed 's/^/# panic: /'; fi
done_testing
