#!/bin/sh
# dnsbl_rules.sh -- the dnsbl and rhsbl tests of the rule language in real
# deliveries (the weir binary, real Maildirs) against a real DNS server
# (rbldnsd on 127.0.0.1, tests/lib-dns.sh, zones of testdata/dns/).
# Asserts the exact query names the server received, that every lookup of
# a message leaves before the rules run (one round: zones that never
# answer cost one dns.timeout, not one each), the verdicts, returns,
# ${dnsbl.txt}, on all relays, rhsbl sender/from/urls/domain, that a
# failure (timeout, refused code, answer outside 127/8) never lists and
# never defers, that a second delivery is answered from the per-user cache
# with no query, that weir test --dns agrees with the delivery, and that
# dns.health_check makes a zone listing everything unusable (RFC 5782).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-dns.sh"

dns_start_test_zones

mkdir -p "$HOME/.weir"
R="$HOME/.weir/rules"
md="$HOME/Maildir"
conf() {   # conf [extra yaml lines]
    { printf 'default_mailbox: "~/Maildir/"\ndns:\n  servers: [ "%s" ]\n  timeout: 1500ms\n' \
          "$DNS_SERVER"; printf '%s\n' "$@"; } > "$T/weir.yaml"
}
rules() { printf '%s\n' "$@" > "$R"; chmod 600 "$R"; }
# deliver MESSAGE [args]: exit code; the delivered file's X-Bl lines in $T/got
deliver() {
    m=$1; shift
    rm -rf "$md"
    env -u CLIENT_ADDRESS -u SENDER_HOST_ADDRESS "$WEIR" -c "$T/weir.yaml" -v "$@" \
        < "$m" > "$T/out" 2> "$T/err"
    rc=$?
    f=$(ls "$md/new" 2>/dev/null | head -1)
    : > "$T/got"
    # header add puts each new field on top: tac gives rule order
    [ -n "$f" ] && sed -n '1,/^$/s/^X-Bl: //p' "$md/new/$f" | tac > "$T/got"
    return $rc
}
since() { dns_queries | tail -n +$(($1 + 1)) | sort | tr '\n' ' '; }

msg="$T/m.eml"
cat > "$msg" <<'MSG'
Return-Path: <news@a.evil.example>
Received: from mx.example.net (mx.example.net [203.0.113.7])
	by mx.example.org (Postfix) with ESMTP id 1; Mon, 1 Jan 2026 00:00:02 +0000
Received: from client.example (client.example [IPv6:2001:db8:1::5])
	by mx.example.net (Postfix) with ESMTPS id 2; Mon, 1 Jan 2026 00:00:01 +0000
From: Shop <shop@good.example>
To: me@example.org
Subject: offer
Content-Type: text/plain; charset=utf-8

See https://www.XN--BCHER-KVA.example/deal and http://user@Track.Good.Example:8080/x
MSG
# the documentation ranges of the test zones must count: trust nothing
TR='trusted_relays: [ "!192.0.2.0/24", "!203.0.113.0/24", "!2001:db8::/32", "!198.51.100.0/24" ]'

# 1. the client (-i), returns, ${dnsbl.txt}, and the exact query names
conf "$TR"
rules 'if dnsbl "bl.test" { header add "X-Bl" "listed ${dnsbl.code} ${dnsbl.txt}" }' \
      'if dnsbl "bl.test" returns 127.0.0.3 .. 127.0.0.9 { header add "X-Bl" "WRONG" }' \
      'if not dnsbl "bl.test" returns 127.0.0.2 { header add "X-Bl" "WRONG" }'
n0=$(dns_query_count)
deliver "$msg" -i 192.0.2.99
is "$rc" 0 "delivered (exit 0)"
is "$(cat "$T/got")" "listed 127.0.0.2 Listed: see http://bl.test/lookup?192.0.2.99" \
   "dnsbl: the client listed, code and TXT reason as facts"
is "$(since "$n0")" "99.2.0.192.bl.test A 99.2.0.192.bl.test TXT " \
   "the server got exactly the reversed octets, A and TXT, once for three tests"

# 2. the client from Received: (the newest untrusted hop: 203.0.113.7,
#    code 127.0.0.4); on all relays: 203.0.113.7 and 2001:db8:1::5
rules 'if dnsbl "bl.test" returns 127.0.0.4 { header add "X-Bl" "client ${client} ${dnsbl.code}" }' \
      'if dnsbl "bl.test" on all relays returns 127.0.0.3 { header add "X-Bl" "relay ${dnsbl.query}" }'
n0=$(dns_query_count)
deliver "$msg"
is "$(cat "$T/got")" "client 203.0.113.7 127.0.0.4
relay 5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.test" \
   "dnsbl on the Received: client; on all relays finds the IPv6 hop (nibbles)"
is "$(since "$n0")" "$(printf '%s\n' 7.113.0.203.bl.test \
    5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.test |
    sed 's/$/ A/; p; s/ A$/ TXT/' | sort | tr '\n' ' ')" "exactly the client's and the relay's names"

# 3. rhsbl: sender domain, From domain, URL domains (decoded body text,
#    organisational domains), a given domain
rules 'if rhsbl "rhs.test" { header add "X-Bl" "sender ${rhsbl.query}" }' \
      'if rhsbl "rhs.test" from { header add "X-Bl" "WRONG from" }' \
      'if rhsbl "rhs.test" urls returns 127.0.1.3 { header add "X-Bl" "url ${rhsbl.txt}" }' \
      'if rhsbl "rhs.test" domain "Evil.Example." { header add "X-Bl" "given ${rhsbl.code}" }'
n0=$(dns_query_count)
deliver "$msg" -i 192.0.2.1
is "$(cat "$T/got")" "sender a.evil.example.rhs.test
url IDN listed
given 127.0.1.2" "rhsbl: sender listed, From not, a URL's domain listed, a given name"
is "$(since "$n0")" "$(printf '%s\n' a.evil.example.rhs.test good.example.rhs.test \
    xn--bcher-kva.example.rhs.test evil.example.rhs.test |
    sed 's/$/ A/; p; s/ A$/ TXT/' | sort | tr '\n' ' ')" \
    "rhsbl names: canonical, URL hosts reduced to their organisation, each asked once"

# 4. failures never list and never defer; zones that never answer cost
#    one timeout together (all queries leave before the rules run)
rules 'if dnsbl "dead1.test" or dnsbl "dead2.test" or dnsbl "dead3.test" { header add "X-Bl" "WRONG dead" }' \
      'if dnsbl "refused.test" { header add "X-Bl" "WRONG refused" }' \
      'if dnsbl "outside.test" { header add "X-Bl" "WRONG outside" }' \
      'header add "X-Bl" "done"'
t0=$(date +%s%N)
deliver "$msg" -i 192.0.2.1
t1=$(date +%s%N)
is "$rc" 0 "timeouts, a refused code and an answer outside 127/8: delivered, exit 0"
is "$(cat "$T/got")" "done" "none of them counts as listed"
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -lt 3000 ]; ok $? "three dead zones cost about one dns.timeout of 1.5 s (took ${ms} ms)"
grep -q "dnsbl refused.test: 1.2.0.192.refused.test:.*(taken as not listed)" "$T/err"
ok $? "the refused code is logged"
grep -q "dnsbl outside.test: 1.2.0.192.outside.test:.*(taken as not listed)" "$T/err"
ok $? "the answer outside 127/8 is logged"
grep -q "dnsbl dead1.test: 1.2.0.192.dead1.test:.*(taken as not listed)" "$T/err"
ok $? "the timeout is logged"

# 5. the per-user cache: a second delivery asks nothing -- nor loads
# c-ares (opened for the first query, builtins/cares_api.h; the dynamic
# loader's own record, LD_DEBUG=files)
cares_loaded() {   # cares_loaded MESSAGE [args]: 0 when the delivery loaded it
    rm -rf "$T/ld"; mkdir "$T/ld"
    LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld/ld" deliver "$@"
    cat "$T"/ld/ld.* 2>/dev/null | grep -q "file=[^ ]*libcares\.so"
}
rules 'if dnsbl "bl.test" { header add "X-Bl" "cached ${dnsbl.txt}" }'
rm -rf "$HOME/.weir/state"
cares_loaded "$msg" -i 192.0.2.99; ok $? "a delivery that sends a DNS query loads c-ares"
grep -q "file=[^ ]*libpcre2" "$T"/ld/ld.*; ok $? "LD_DEBUG recorded the delivery (the measurement works)"
n0=$(dns_query_count)
cares_loaded "$msg" -i 192.0.2.99; is $? 1 "a delivery answered from the cache does not load c-ares"
is "$(cat "$T/got")" "cached Listed: see http://bl.test/lookup?192.0.2.99" "second delivery: same verdict and reason"
is "$(since "$n0")" "" "second delivery: no query reached the server"
test -f "$HOME/.weir/state/dnsbl.db"; ok $? "the cache is ~/.weir/state/dnsbl.db"

# 6. weir test: --dns live agrees with the delivery; without --dns it is
#    not looked up (false, and the report says so); --dns offline answers
#    from the suite's fixtures only
chmod 755 "$T"; chmod 644 "$msg" "$T/weir.yaml"
AS=; [ "$(id -u)" = 0 ] && AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
printf 'if dnsbl "bl.test" { file "~/Maildir/.listed/" }\n' > "$T/r"; chmod 644 "$T/r"
n0=$(dns_query_count)
out=$($AS env HOME="$T" "$WEIR" test -c "$T/weir.yaml" -S -r "$T/r" -i 192.0.2.99 --dns live "$msg" 2>&1)
echo "$out" | grep -q 'verdict: delivered to .*/Maildir/.listed/'; ok $? "weir test --dns live: listed, as the delivery"
is "$(since "$n0")" "99.2.0.192.bl.test A 99.2.0.192.bl.test TXT " "weir test --dns live asks the server (and keeps no cache)"
out=$($AS env HOME="$T" "$WEIR" test -c "$T/weir.yaml" -S -r "$T/r" -i 192.0.2.99 --trace "$msg" 2>&1)
echo "$out" | grep -q 'DNS not looked up'; ok $? "weir test without --dns: not looked up, and the trace says so"
echo "$out" | grep -q 'verdict: delivered to .*/Maildir/ (implicit keep)'; ok $? "and the test is false"

# --dns offline (the default for cases with DNS fixtures): answers from the
# fixtures only, nothing sent; a timeout or a refused code never lists
printf 'if dnsbl "bl.test" { score 5 "${dnsbl.txt}" }\nif rhsbl "rhs.test" { score 1 "rhs" }\n' > "$T/sr"
cat > "$T/suite.yaml" <<'SUITE'
rules: sr
cases:
  - name: listed in the fixture
    message: "From: a@x.example\nSubject: s\n\nb\n"
    envelope: { from: a@x.example, client: 192.0.2.99 }
    fixtures:
      dns:
        99.2.0.192.bl.test: { a: [ 127.0.0.2 ], txt: [ "fixture reason" ] }
        x.example.rhs.test: timeout
    expect: { score: 5 }
  - name: refused code and unknown names are not listed
    message: "From: a@x.example\nSubject: s\n\nb\n"
    envelope: { from: a@y.example, client: 192.0.2.98 }
    fixtures:
      dns:
        98.2.0.192.bl.test: { a: [ 127.255.255.254 ] }
    expect: { score: 0 }
SUITE
chmod 644 "$T/sr" "$T/suite.yaml"
n0=$(dns_query_count)
out=$($AS env HOME="$T" "$WEIR" test -c "$T/weir.yaml" -S --suite "$T/suite.yaml" 2>&1)
ok $? "suite with DNS fixtures passes offline: $(echo "$out" | tail -1)"
is "$(since "$n0")" "" "offline: nothing was sent"
out=$($AS env HOME="$T" "$WEIR" test -c "$T/weir.yaml" -S -r "$T/sr" -i 192.0.2.99 --dns offline --trace "$msg" 2>&1)
echo "$out" | grep -q 'not in the fixtures: not listed\|99.2.0.192.bl.test not listed'
ok $? "--dns offline without fixtures: not listed, and the trace says so"
$AS env HOME="$T" "$WEIR" test -c "$T/weir.yaml" -S -r "$T/sr" --dns sometimes "$msg" > /dev/null 2>&1
is $? 64 "--dns takes live or offline (EX_USAGE otherwise)"

# Zone health in a real delivery (dns.health_check, RFC 5782): a zone that
# lists everything (127.0.0.1 included: broken or hijacked) is unusable,
# so its test is false, the healthy zone still lists, the message is
# delivered, and the log says why; without the check the hijacked zone
# "lists" every client.
rules 'if dnsbl "all.test" { header add "X-Bl" "all" }' \
      'if dnsbl "bl.test" { header add "X-Bl" "bl" }'
conf
deliver "$msg" -i 192.0.2.99
is $? 0 "no health check: delivered"
is "$(tr '\n' ' ' < "$T/got")" "all bl " "no health check: the hijacked zone lists the client too"
conf '  health_check: true'
rm -rf "$HOME/.weir/state"
n0=$(dns_query_count)
deliver "$msg" -i 192.0.2.99
is $? 0 "health check: delivered"
is "$(tr '\n' ' ' < "$T/got")" "bl " "health check: the hijacked zone lists nothing, the healthy one still lists"
q=$(since "$n0")
case $q in *"1.0.0.127.all.test"*"2.0.0.127.all.test"*) r=0 ;; *) r=1 ;; esac
ok $r "health check: the RFC 5782 names were asked (127.0.0.1 and 127.0.0.2 of the zone)"
grep -q "dnsbl all.test: failed the RFC 5782 check: 2.0.0.127.all.test listed, 1.0.0.127.all.test listed; zone unusable" "$T/err"
ok $? "health check: the log names the zone and the failed check"

pid=$DNS_PID
dns_stop
kill -0 "$pid" 2>/dev/null; is $? 1 "rbldnsd (pid $pid) stopped"
done_testing
