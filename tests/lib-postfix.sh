# tests/lib-postfix.sh -- a private Postfix instance for the MTA tests: its
# own configuration, queue and log under $T/pf, loopback only, stopped by
# the test's cleanup (postfix -c "$PF/etc" stop).  Source it after
# tests/lib.sh.
#
#   pf_require TOOL...      as root only (else every test is skipped: a
#                           developer's make check); postfix and each TOOL
#                           must be installed (a failure: CI installs them);
#                           sets pf_cleanup as the EXIT trap
#   pf_cleanup              stop the instance, delete the users in $USERS,
#                           remove $T (a test with more to undo calls it
#                           from its own trap)
#   pf_init                 $PF, its directories, and the weir under test
#                           copied to $T/bin/weir (0755)
#   pf_main_cf LINE...      main.cf: the common settings, then LINEs
#   pf_wait_log PATTERN     wait up to 30 s for a maillog line matching it
#   rules USER LINE...      USER's ~/.weir/rules (under $T/USER), owned by
#                           USER, mode 0600 (the MTA tests' test users)
#   pf_snippet NAME         the fenced block after "<!-- snippet: NAME -->"
#                           in doc/mta.md, with /usr/bin/weir replaced by
#                           $T/bin/weir (the documented text is the tested
#                           text)

PF="$T/pf"

pf_require() {
    if [ "$(id -u)" != 0 ]; then
        skip "not root: cannot run a Postfix instance or create users"; done_testing; exit
    fi
    for _tool in postfix "$@"; do
        command -v "$_tool" >/dev/null 2>&1 ||
            { ok 1 "$_tool is installed (build-aux/install-deps.sh)"; done_testing; exit 1; }
    done
    id postfix >/dev/null 2>&1 || { ok 1 "the postfix user exists"; done_testing; exit 1; }
    trap pf_cleanup EXIT
}

pf_cleanup() {
    postfix -c "$PF/etc" stop >/dev/null 2>&1
    for _u in $USERS; do userdel "$_u" >/dev/null 2>&1; done
    chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"
}

pf_init() {
    chmod 755 "$T"
    mkdir -p "$PF/etc" "$PF/queue" "$PF/data" "$T/bin"
    chown postfix: "$PF/data"
    cp "$WEIR" "$T/bin/weir"
    chmod 755 "$T/bin" "$T/bin/weir"
}

pf_main_cf() {
    {
        cat <<CF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
myhostname = weir-test.localdomain
mydomain = localdomain
myorigin = \$myhostname
mydestination = \$myhostname, localhost
inet_interfaces = loopback-only
inet_protocols = ipv4
alias_maps =
alias_database =
maillog_file = $PF/maillog
maillog_file_prefixes = $T
biff = no
CF
        printf '%s\n' "$@"
    } > "$PF/etc/main.cf"
}

pf_wait_log() {
    _i=0
    while [ $_i -lt 60 ]; do
        grep -q -- "$1" "$PF/maillog" 2>/dev/null && return 0
        sleep 0.5; _i=$((_i + 1))
    done
    return 1
}

pf_snippet() {
    awk -v n="$1" '$0 == "<!-- snippet: " n " -->" { f = 1; next }
        f && /^```$/ { if (b) exit; b = 1; next }
        f && b { print }' "$top_srcdir/doc/mta.md" | sed "s|/usr/bin/weir|$T/bin/weir|g"
}

rules() {
    _u=$1; shift
    mkdir -p "$T/$_u/.weir"
    printf '%s\n' "$@" > "$T/$_u/.weir/rules"
    chown -R "$_u": "$T/$_u/.weir"; chmod 700 "$T/$_u/.weir"; chmod 600 "$T/$_u/.weir/rules"
}
