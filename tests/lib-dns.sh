# tests/lib-dns.sh -- a real DNS server for the tests: rbldnsd (Debian
# package rbldnsd), on 127.0.0.1 and a free port, as an unprivileged user
# (nobody when the tests run as root, else the test user itself), stopped
# by its pid.  Source it after tests/lib.sh.
#
#   dns_start ZONEDIR SPEC...   start rbldnsd serving SPECs, each as rbldnsd
#                               takes them (zone:dataset:file), files named
#                               relative to ZONEDIR.  Sets DNS_PORT, DNS_PID,
#                               DNS_SERVER (127.0.0.1:PORT), and DNS_SERVER6
#                               ([::1]:PORT, also served) when the host has
#                               IPv6 loopback, else "".  Returns 1 when
#                               rbldnsd is missing or will not start.
#   dns_start_test_zones [SPEC...]
#                               the block-list zones of testdata/dns that
#                               the DNSBL tests share (listed, timing out,
#                               refused, outside 127/8, everything), plus
#                               SPECs; prints the TAP line (a missing
#                               rbldnsd is a failure: CI installs it)
#   dns_queries                 the queries received so far, one
#                               "qname TYPE" line each, in order
#   dns_query_count             how many
#   dns_stop                    stop it (also done at exit)
#
# A zone that must never answer (the timeout path) is served with an acl
# dataset that ignores 127.0.0.1 ("127.0.0.1 :ignore"): rbldnsd then drops
# the query, exactly like a server that does not answer.  Ignored queries
# are not in the query log.
#
# The rulesets and MTA tests reuse this file; keep it POSIX sh.

DNS_PID=
DNS_PORT=
DNS_SERVER=
DNS_SERVER6=
_dns_dir=

dns_stop() {
    if [ -n "$DNS_PID" ]; then
        kill "$DNS_PID" 2>/dev/null
        wait "$DNS_PID" 2>/dev/null
        DNS_PID=
    fi
    [ -n "$_dns_dir" ] && rm -rf "$_dns_dir"
    _dns_dir=
}

_dns_random_port() {
    # 20000..59999 from /dev/urandom (no $RANDOM in POSIX sh)
    echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
}

dns_start() {
    _src=$1; shift
    command -v rbldnsd >/dev/null 2>&1 || return 1
    # rbldnsd reads its data after dropping privileges: a world-readable
    # copy outside the private test directory.
    _dns_dir=$(mktemp -d "${TMPDIR:-/tmp}/weir-dns.XXXXXX") || return 1
    chmod 755 "$_dns_dir"
    cp -R "$_src"/. "$_dns_dir/"
    chmod -R a+rX "$_dns_dir"
    _args=
    for _spec in "$@"; do
        _z=${_spec%%:*}; _rest=${_spec#*:}; _type=${_rest%%:*}; _file=${_rest#*:}
        _args="$_args $_z:$_type:$_dns_dir/$_file"
    done
    _user=
    [ "$(id -u)" = 0 ] && _user="-u nobody"
    _v6=
    grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null && _v6=1
    trap 'dns_stop; chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
    for _try in 1 2 3 4 5 6 7 8 9 10; do
        DNS_PORT=$(_dns_random_port)
        : > "$_dns_dir/out"
        # -n: foreground; -l +-: every query, unbuffered, on stdout
        # shellcheck disable=SC2086
        rbldnsd -n $_user -l +- -t 60 -b "127.0.0.1/$DNS_PORT" \
            ${_v6:+-b "::1/$DNS_PORT"} $_args \
            > "$_dns_dir/out" 2>&1 &
        DNS_PID=$!
        _i=0
        while [ $_i -lt 50 ]; do
            if grep -q ' started ' "$_dns_dir/out" 2>/dev/null; then
                DNS_SERVER="127.0.0.1:$DNS_PORT"
                DNS_SERVER6=${_v6:+"[::1]:$DNS_PORT"}
                return 0
            fi
            kill -0 "$DNS_PID" 2>/dev/null || break
            sleep 0.1
            _i=$((_i + 1))
        done
        kill "$DNS_PID" 2>/dev/null; wait "$DNS_PID" 2>/dev/null
        DNS_PID=
    done
    sed 's/^/# rbldnsd: /' "$_dns_dir/out" >&2
    return 1
}

# Query log lines look like "1700000000 127.0.0.1 1.2.0.192.bl.test A IN: NOERROR/1/52".
dns_start_test_zones() {
    dns_start "$TESTDATA/dns" \
        bl.test:ip4trie:ip4 bl.test:ip6trie:ip6 rhs.test:dnset:dom \
        dead1.test:ip4trie:ip4 dead1.test:acl:ignore \
        dead2.test:ip4trie:ip4 dead2.test:acl:ignore \
        dead3.test:ip4trie:ip4 dead3.test:acl:ignore \
        refused.test:ip4trie:refused outside.test:ip4trie:outside \
        all.test:ip4trie:everything "$@"
    ok $? "rbldnsd (Debian package rbldnsd) started on ${DNS_SERVER:-nothing} (pid ${DNS_PID:-none})" ||
        { done_testing; exit 1; }
}

dns_queries() {
    awk '$2 ~ /^[0-9.:]+$/ && $5 ~ /^IN:$/ { print $3, $4 }' "$_dns_dir/out"
}

dns_query_count() {
    dns_queries | wc -l | tr -d ' '
}
