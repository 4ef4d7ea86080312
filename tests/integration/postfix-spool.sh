#!/bin/sh
# postfix-spool.sh -- /var/mail shared by three writers at once, through a
# real Postfix (issue 16).  A private Postfix instance delivers, in one
# burst of 3 x 15 messages:
#  - to U1 through ~/.forward (doc/mta.md's safe form) into the installed-
#    style setgid weir, whose default mailbox is /var/mail/U1 (mbox, spool
#    dotlock + fcntl);
#  - to U2 with Postfix's own local(8) into /var/mail/U2;
#  - to U3 through weir too, while U3 holds procmail's `lockfile -ml` on
#    /var/mail/U3 for 3 seconds (weir waits for it, or defers and Postfix
#    retries: either way after the lock is gone).
# Every spool ends with all 15 messages, each complete and in one piece
# (its numbered body lines in order, nothing of another message inside),
# and no lock file is left behind.
# Needs root, Debian's postfix and procmail (lockfile), a mail group owning
# /var/mail, and a filesystem honouring the setgid bit.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-postfix.sh"

SPOOL=/var/mail
N=15
if [ "$(id -u)" != 0 ]; then
    skip "not root: cannot run Postfix, create users or use $SPOOL"; done_testing; exit
fi
for tool in postfix lockfile useradd setpriv; do
    command -v $tool >/dev/null 2>&1 || { ok 1 "$tool is installed (build-aux/install-deps.sh)"; done_testing; exit; }
done

U1=weirsp1; U2=weirsp2; U3=weirsp3
USERS="$U1 $U2 $U3"
cleanup() {
    postfix -c "$PF/etc" stop >/dev/null 2>&1
    for u in $USERS; do
        rm -f "$SPOOL/$u" "$SPOOL/$u".lock*
        userdel "$u" >/dev/null 2>&1; groupdel "$u" >/dev/null 2>&1
    done
    chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"
}
trap cleanup EXIT

pf_init
chown root:mail "$T/bin/weir"; chmod 2755 "$T/bin/weir"
cp /etc/postfix/master.cf "$PF/etc/master.cf"
pf_main_cf "master_service_disable = inet" "mail_spool_directory = $SPOOL" \
    "queue_run_delay = 2s" "minimal_backoff_time = 2s" "maximum_backoff_time = 4s"

for u in $USERS; do
    userdel "$u" >/dev/null 2>&1; groupdel "$u" >/dev/null 2>&1
    rm -f "$SPOOL/$u" "$SPOOL/$u".lock*
    useradd -M -d "$T/$u" -s /bin/sh -U "$u" || { echo "Bail out! useradd $u failed"; exit 1; }
    mkdir -p "$T/$u"; chown "$u": "$T/$u"; chmod 755 "$T/$u"
done
if [ "$(stat -c %G "$SPOOL" 2>/dev/null)" != mail ]; then
    ok 1 "$SPOOL is owned by group mail"; done_testing; exit
fi
# U1 and U3: weir from ~/.forward, into their spool mbox
for u in $U1 $U3; do
    mkdir -p "$T/$u/.weir"
    printf 'default_mailbox: %s/%s\n' "$SPOOL" "$u" > "$T/$u/.weir/config.yaml"
    pf_snippet postfix-forward > "$T/$u/.forward"
    chown -R "$u": "$T/$u"; chmod 700 "$T/$u/.weir"; chmod 644 "$T/$u/.forward"
done
[ -s "$T/$U1/.forward" ]; ok $? "the .forward line comes from doc/mta.md"

postfix -c "$PF/etc" start >/dev/null 2>&1
ok $? "private Postfix instance started"

# U3 holds procmail's lock on its spool for 3 seconds
# (the markers go where U3 may write; the lock is released whatever happens)
M3="$T/$U3"
setpriv --reuid="$U3" --regid="$U3" --init-groups env LOGNAME="$U3" USER="$U3" HOME="$M3" \
    sh -c 'lockfile -ml || exit 1; touch "$0/locked"; sleep 3; touch "$0/released"; lockfile -mu' "$M3" &
lockpid=$!
i=0; while [ ! -e "$M3/locked" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$M3/locked" ] && [ -e "$SPOOL/$U3.lock" ]
ok $? "U3 holds lockfile -ml ($SPOOL/$U3.lock)"

# the burst: N messages to each user, interleaved, each with numbered lines
k=1
while [ $k -le $N ]; do
    for u in $USERS; do
        { printf 'From: s@example.org\nTo: %s@localhost\nSubject: m%s-%s\n\n' "$u" "$u" "$k"
          l=1; while [ $l -le 200 ]; do printf 'BODY %s %s line %s of 200\n' "$u" "$k" "$l"; l=$((l + 1)); done
        } | sendmail -C "$PF/etc" -f s@example.org "$u@localhost" &
    done
    k=$((k + 1))
done
wait 2>/dev/null
wait_sent() {   # wait_sent USER: until N deliveries to USER are logged sent
    i=0
    while [ $i -lt 240 ]; do
        [ "$(grep -c "to=<$1@localhost>.*status=sent" "$PF/maillog" 2>/dev/null)" -ge $N ] && return 0
        sleep 0.5; i=$((i + 1))
    done
    return 1
}
for u in $USERS; do
    wait_sent "$u"; ok $? "$u: $N deliveries logged status=sent"
done
wait "$lockpid" 2>/dev/null

# check SPOOLFILE USER: N messages, each one complete and unmixed
check() {
    awk -v u="$2" -v n=$N '
        /^From / && prev == "" { msgs++; cur = ""; next_line = 1 }
        /^Subject: m/ { sub(/^Subject: m/, ""); cur = $0 }
        /^BODY / {
            if ($2 != u) { bad = bad " foreign:" $0 }
            want = u "-" $3
            if (want != cur) { bad = bad " mixed:" cur "/" want }
            if ($5 != next_line) { bad = bad " order:" cur "@" $5 }
            next_line = $5 + 1
            if ($5 == 200) done++
        }
        { prev = $0 }
        END {
            if (msgs != n || done != n || bad != "") { print msgs, done, substr(bad, 1, 200); exit 1 }
        }' "$1"
}
for u in $USERS; do
    out=$(check "$SPOOL/$u" "$u")
    ok $? "$SPOOL/$u: $N messages, each complete and in one piece $out"
    is "$(stat -c %U:%G "$SPOOL/$u")" "$u:mail" "$SPOOL/$u owned by $u, group mail"
done
grep -q "to=<$U2@localhost>.*relay=local.*status=sent (delivered to mailbox)" "$PF/maillog"
ok $? "$U2 was delivered by Postfix's local(8) itself"
[ -e "$M3/released" ] && [ "$(stat -c %Y "$SPOOL/$U3")" -ge "$(stat -c %Y "$M3/released")" ]
ok $? "$U3's spool was written after lockfile released it"
left=$(ls "$SPOOL" | grep -E "^($U1|$U2|$U3)\.lock" | tr '\n' ' ')
is "$left" "" "no lock file left in $SPOOL"
! grep -q "status=bounced" "$PF/maillog"
ok $? "nothing bounced"

if [ "$_failed" -ne 0 ]; then sed 's/^/# /' "$PF/maillog" | tail -60; fi
done_testing
