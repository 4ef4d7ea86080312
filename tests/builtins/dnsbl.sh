#!/bin/sh
# dnsbl.sh -- the DNSBL/RHSBL engine (builtins/dnsbl.h, dns.h) against a
# real DNS server: rbldnsd on 127.0.0.1 (tests/lib-dns.sh) serving the
# zones of testdata/dns/.  Asserts the exact query names the server
# received, the results, every fallback (timeout, REFUSED, answers outside
# 127/8 and 127.255.255.x, dead servers, no budget), that N zones that
# never answer cost about one timeout, and the RFC 5782 health check.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-dns.sh"

Q="$top_builddir/tests/builtins/dnsbl_query"
dns_start_test_zones \
    dead4.test:ip4trie:ip4 dead4.test:acl:ignore
S="-s $DNS_SERVER"

# 1. listings, codes, TXT, IPv4 and IPv6, RHSBL, not listed
"$Q" $S -T -t 2000 \
    ip bl.test 192.0.2.99 ip bl.test 203.0.113.7 ip bl.test 192.0.2.1 \
    ip bl.test 2001:db8:1::5 ip bl.test ::ffff:198.51.100.20 ip bl.test 2001:db8:3::1 \
    domain rhs.test a.evil.example domain rhs.test evil.example \
    domain rhs.test good.example domain rhs.test xn--bcher-kva.example > "$T/out" 2> "$T/err"
is "$(sed -n 1p "$T/out")" "99.2.0.192.bl.test listed codes=127.0.0.2 txt=Listed: see http://bl.test/lookup?192.0.2.99 why=listed: 127.0.0.2" "IPv4 listed: reversed octets, default code, TXT with \$ expanded"
is "$(sed -n 2p "$T/out")" "7.113.0.203.bl.test listed codes=127.0.0.4 txt=Spam source why=listed: 127.0.0.4" "IPv4 listed with its own code and reason"
is "$(sed -n 3p "$T/out")" "1.2.0.192.bl.test not-listed why=NXDOMAIN" "IPv4 not listed"
is "$(sed -n 4p "$T/out")" "5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.test listed codes=127.0.0.3 txt=IPv6 listed why=listed: 127.0.0.3" "IPv6 listed: 32 reversed nibbles (RFC 5782 2.4)"
is "$(sed -n 5p "$T/out")" "20.100.51.198.bl.test listed codes=127.0.0.10 txt=Policy block list why=listed: 127.0.0.10" "IPv4-mapped IPv6 is asked as IPv4"
is "$(sed -n 6p "$T/out")" "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.0.8.b.d.0.1.0.0.2.bl.test not-listed why=NXDOMAIN" "IPv6 not listed"
is "$(sed -n 7p "$T/out")" "a.evil.example.rhs.test listed codes=127.0.1.2 txt=Domain listed why=listed: 127.0.1.2" "RHSBL: subdomain listed"
is "$(sed -n 8p "$T/out")" "evil.example.rhs.test listed codes=127.0.1.2 txt=Domain listed why=listed: 127.0.1.2" "RHSBL: the domain itself"
is "$(sed -n 9p "$T/out")" "good.example.rhs.test not-listed why=NXDOMAIN" "RHSBL: not listed"
is "$(sed -n 10p "$T/out")" "xn--bcher-kva.example.rhs.test listed codes=127.0.1.3 txt=IDN listed why=listed: 127.0.1.3" "RHSBL: an IDN as A-labels"
is "$(dns_queries | sort | tr '\n' ' ')" "$(printf '%s\n' \
    1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.0.8.b.d.0.1.0.0.2.bl.test \
    1.2.0.192.bl.test 20.100.51.198.bl.test \
    5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.test \
    7.113.0.203.bl.test 99.2.0.192.bl.test a.evil.example.rhs.test evil.example.rhs.test \
    good.example.rhs.test xn--bcher-kva.example.rhs.test |
    sed 's/$/ A/; p; s/ A$/ TXT/' | sort | tr '\n' ' ')" \
    "the server received exactly these names, A and TXT, once each"
is "$(grep -c . "$T/err")" 0 "no log line for answers that are listings or NXDOMAIN"
n0=$(dns_query_count)

# 2. without -T (no \${dnsbl.txt} in the rules) only A is asked
"$Q" $S ip bl.test 192.0.2.99 > "$T/out" 2>&1
is "$(dns_queries | tail -n +$((n0 + 1)) | tr '\n' ' ')" "99.2.0.192.bl.test A " "no TXT query unless the reason is wanted"
is "$(sed -n 1p "$T/out")" "99.2.0.192.bl.test listed codes=127.0.0.2 why=listed: 127.0.0.2" "listed without TXT"

# 3. accepted answers: returns 127.0.0.2, 127.0.0.4 .. 127.0.0.11
"$Q" $S -r 127.0.0.2 -r 127.0.0.4-127.0.0.11 ip bl.test 8.8.4.4 ip bl.test 203.0.113.7 \
    ip bl.test 198.51.100.1 ip bl.test 192.0.2.1 > "$T/out" 2>&1
is "$(cut -d' ' -f2- "$T/out" | sed 's/ why=.*//' | head -4 | tr '\n' '|')" \
   "listed codes=127.0.0.3 match=0|listed codes=127.0.0.4 match=1|listed codes=127.0.0.10 match=1|not-listed match=0|" \
   "returns filter: 127.0.0.3 outside the accepted answers, 4 and 10 inside"

# 4. answers that are errors, never listings; logged once per zone
"$Q" $S ip refused.test 192.0.2.5 ip refused.test 192.0.2.6 ip outside.test 192.0.2.5 \
    ip nozone.test 192.0.2.5 > "$T/out" 2> "$T/err"
is "$(sed -n 1p "$T/out")" "5.2.0.192.refused.test bad-answer why=answer 127.255.255.254 is a 127.255.255.x error code (query refused?), not a listing" "127.255.255.254 is an error, not a listing"
is "$(sed -n 2p "$T/out" | cut -d' ' -f2)" "bad-answer" "second address in that zone: also an error"
is "$(sed -n 3p "$T/out")" "5.2.0.192.outside.test bad-answer why=answer 192.0.2.1 is outside 127.0.0.0/8, not a listing" "an answer outside 127/8 is an error"
is "$(sed -n 4p "$T/out")" "5.2.0.192.nozone.test error why=REFUSED" "a zone the server refuses: error, not listed"
is "$(grep -c 'refused.test' "$T/err")" 1 "one log line for the zone, not one per lookup"
grep -q "dnsbl outside.test: 5.2.0.192.outside.test: answer 192.0.2.1 is outside 127.0.0.0/8, not a listing (taken as not listed)" "$T/err"
ok $? "the log line says what and that it counts as not listed"

# 5. zones that never answer: N zones cost about one timeout, not N
"$Q" $S -t 1000 ip dead1.test 192.0.2.99 ip dead2.test 192.0.2.99 ip dead3.test 192.0.2.99 \
    ip dead4.test 192.0.2.99 ip bl.test 192.0.2.99 > "$T/out" 2> "$T/err"
ms=$(sed -n 's/.*elapsed_ms=//p' "$T/out")
is "$(head -4 "$T/out" | cut -d' ' -f2- | sort -u)" "error why=no answer in time" "4 silent zones: timeout, not listed"
is "$(sed -n 5p "$T/out" | cut -d' ' -f2)" "listed" "the answering zone in the same round is still answered"
ok "$([ "$ms" -ge 900 ] && [ "$ms" -lt 1900 ]; echo $?)" "4 timeouts of 1000 ms took ${ms} ms together (about one timeout, not four)"
is "$(grep -c 'no answer in time (taken as not listed)' "$T/err")" 4 "one log line per silent zone"

# 6. budget: dns.budget spent -> nothing sent, not listed
n0=$(dns_query_count)
"$Q" $S -b 0 ip bl.test 192.0.2.99 > "$T/out" 2> "$T/err"
is "$(sed -n 1p "$T/out")" "99.2.0.192.bl.test invalid why=dns.budget spent" "no budget: not asked, not listed"
is "$(dns_query_count)" "$n0" "no budget: the server got no query"
"$Q" $S -t 2000 -b 1000 ip dead1.test 192.0.2.99 > "$T/out" 2>&1
ms=$(sed -n 's/.*elapsed_ms=//p' "$T/out")
ok "$([ "$ms" -ge 900 ] && [ "$ms" -lt 1900 ]; echo $?)" "the budget (1000 ms) cuts a longer timeout (2000 ms): ${ms} ms"

# 7. servers: a dead one first, then the real one (failover); only dead ones
dead=$(_dns_random_port)
"$Q" -s "127.0.0.1:$dead" $S -t 2000 ip bl.test 192.0.2.99 > "$T/out" 2>&1
is "$(sed -n 1p "$T/out" | cut -d' ' -f2)" "listed" "a dead first server: the second one answers"
"$Q" -s "127.0.0.1:$dead" -t 1000 ip bl.test 192.0.2.99 > "$T/out" 2> "$T/err"
is "$(sed -n 1p "$T/out" | cut -d' ' -f2)" "error" "only a dead server: error, not listed"
grep -q "taken as not listed" "$T/err"; ok $? "and a log line"

# the server over IPv6, as dns.servers writes it: [::1]:PORT
if [ -n "$DNS_SERVER6" ]; then
    "$Q" -s "$DNS_SERVER6" ip bl.test 192.0.2.99 > "$T/out" 2>&1
    is "$(sed -n 1p "$T/out" | cut -d' ' -f2)" "listed" "server $DNS_SERVER6 (IPv6 with a port) answers"
    is "$(awk '$2 == "::1" { print $3 }' "$_dns_dir/out" | tail -n 1)" "99.2.0.192.bl.test" "and the query came over IPv6"
else
    skip "no IPv6 loopback: [::1]:PORT not tested"
    skip "no IPv6 loopback"
fi

# 8. names that are not DNS names are never sent
n0=$(dns_query_count)
"$Q" $S domain rhs.test 'a b.example' domain 'bad zone' x.example domain rhs.test 'x;rm.example' \
    domain rhs.test "$(printf 'a%.0s' $(seq 1 64)).example" > "$T/out" 2>&1
is "$(grep -c '^- invalid' "$T/out")" 4 "spaces, ';' and a 64-byte label: refused"
is "$(dns_query_count)" "$n0" "nothing sent for them"

# 9. RFC 5782 health check: 127.0.0.2 listed and 127.0.0.1 not
n0=$(dns_query_count)
"$Q" $S -H ip bl.test 192.0.2.99 ip all.test 192.0.2.1 domain rhs.test evil.example > "$T/out" 2> "$T/err"
is "$(sed -n 1p "$T/out" | cut -d' ' -f2)" "listed" "a healthy zone answers"
is "$(sed -n 2p "$T/out" | cut -d' ' -f2-)" "unusable why=zone failed the RFC 5782 check: 2.0.0.127.all.test listed, 1.0.0.127.all.test listed" "a zone that lists 127.0.0.1 is unusable"
is "$(sed -n 3p "$T/out" | cut -d' ' -f2)" "listed" "RHSBL health: test listed, invalid not"
is "$(dns_queries | tail -n +$((n0 + 1)) | sort | tr '\n' ' ')" \
   "1.0.0.127.all.test A 1.0.0.127.bl.test A 1.2.0.192.all.test A 2.0.0.127.all.test A 2.0.0.127.bl.test A 99.2.0.192.bl.test A evil.example.rhs.test A invalid.rhs.test A test.rhs.test A " \
   "health queries sent in the same round as the lookups"
grep -q "dnsbl all.test: failed the RFC 5782 check" "$T/err"; ok $? "an unusable zone is logged"

# 10. the per-user cache (builtins/dnscache.h on the state layer)
C="$T/state"
n0=$(dns_query_count)
"$Q" $S -c "$C" -T ip bl.test 192.0.2.99 ip bl.test 192.0.2.1 domain rhs.test evil.example > "$T/out" 2>&1
is "$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$T/out")" 6 "first lookup: 3 names, A and TXT, sent"
n1=$(dns_query_count)
is "$((n1 - n0))" 6 "the server got them"
"$Q" $S -c "$C" -T ip bl.test 192.0.2.99 ip bl.test 192.0.2.1 domain rhs.test evil.example > "$T/out" 2>&1
is "$(dns_query_count)" "$n1" "second delivery: no query reached the server"
is "$(sed -n 1p "$T/out")" "99.2.0.192.bl.test listed codes=127.0.0.2 txt=Listed: see http://bl.test/lookup?192.0.2.99 cache why=listed: 127.0.0.2 (cached)" "listing, codes and TXT from the cache"
is "$(sed -n 2p "$T/out" | cut -d' ' -f2-)" "not-listed cache why=not listed (cached)" "a negative answer is cached too"
is "$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$T/out")" 0 "sent=0"
# past the TTL (rbldnsd -t 60: 60 s) the answer is asked again
WEIR_TEST_NOW=$(( $(date +%s) + 120 )) "$Q" $S -c "$C" ip bl.test 192.0.2.99 > "$T/out" 2>&1
is "$(dns_query_count)" "$((n1 + 1))" "after its TTL the answer is asked again"
# errors are never cached
"$Q" $S -c "$C" -t 300 ip dead1.test 192.0.2.99 > /dev/null 2>&1
n2=$(dns_query_count)
"$Q" $S -c "$C" -t 300 ip dead1.test 192.0.2.99 > "$T/out" 2> "$T/err"
is "$(sed -n 1p "$T/out" | cut -d' ' -f2)" "error" "a timeout is not cached: asked (and timed out) again"
is "$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$T/out")" 1 "the timed-out query was sent again"
# an unusable zone is remembered for dns.health_hold
"$Q" $S -c "$C" -H ip all.test 192.0.2.1 > /dev/null 2>&1
n2=$(dns_query_count)
"$Q" $S -c "$C" ip all.test 192.0.2.7 > "$T/out" 2> "$T/err"
is "$(sed -n 1p "$T/out" | cut -d' ' -f2-)" "unusable why=zone failed its health check recently" "a zone that failed its health check stays unusable"
grep -q "zone failed its health check recently (taken as not listed)" "$T/err"; ok $? "and the skipped lookup is logged"
is "$(dns_query_count)" "$n2" "and is not asked"
# a damaged cache file is moved aside and rebuilt; lookups go on
printf 'garbage' > "$C/dnsbl.db"
"$Q" $S -c "$C" ip bl.test 192.0.2.99 > "$T/out" 2> "$T/err"
is "$(sed -n 1p "$T/out" | cut -d' ' -f2)" "listed" "damaged cache: the lookup still answers"
ls "$C" | grep -q 'dnsbl.db.bad'; ok $? "the damaged file was moved aside"
"$Q" $S -c "$C" ip bl.test 192.0.2.99 > "$T/out" 2>&1
is "$(sed -n 1p "$T/out" | cut -d' ' -f2-)" "listed codes=127.0.0.2 cache why=listed: 127.0.0.2 (cached)" "and the rebuilt cache works"

pid=$DNS_PID
dns_stop
kill -0 "$pid" 2>/dev/null; is $? 1 "rbldnsd (pid $pid) stopped"
done_testing
