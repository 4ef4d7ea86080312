#!/bin/sh
# tests/fault/walk.sh -- issue 18: fail every call, one at a time.
# For each scenario (a complete delivery of one message by the real weir
# binary), tests/fault/walker counts the calls weir makes through the
# LD_PRELOAD shim (tests/fault/faultshim.so), then runs the delivery once
# per call of every intercepted function with that one call failing, and
# checks each run against the only allowed outcomes:
#   - exit 0, every target complete with the exact message (the state of
#     a clean run, or of the scenario's declared fallback: the default
#     mailbox instead of a failed target, no reply sent);
#   - exit 75 (or the rule's own bounce code) with every file byte for
#     byte as before and nothing left behind (tmp files, locks, records);
#   - or a state the next clean delivery repairs (asserted by running it).
# EINTR (read, write, fcntl, flock, waitpid) and a clock jumping back a
# day must end exactly like a clean run.  See tests/fault/README.md.
# FULL=1: a longer message and every scenario also with a spooled (file)
# message; FAULT_SCENARIOS="maildir mbox": only those (default: all, and
# in the sanitizer build "maildir mbox"; FAULT_SCENARIOS=all
# walks every one there too).
. "$top_srcdir/tests/lib.sh"

WALKER="$top_builddir/tests/fault/walker"
SHIM="$top_builddir/tests/fault/faultshim.so"
FAKE_SENDMAIL="$top_srcdir/tests/fault/sendmail-stub"
for f in "$WALKER" "$SHIM" "$FAKE_SENDMAIL"; do
    [ -e "$f" ] || { echo "Bail out! $f missing"; exit 1; }
done
export WEIR_TEST_NOW=1800000000
TZ=UTC; export TZ

# fsync is the cost of a run on a disk; on tmpfs the walk is ~3x faster.
W0=$T
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    W0=$(mktemp -d /dev/shm/weir-fault.XXXXXX) && trap 'rm -rf "$W0"; chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
fi
# KEEP_T=1: keep the templates (debugging)
[ -z "${KEEP_T:-}" ] || { trap - EXIT; echo "# T=$T W0=$W0"; }
chmod 755 "$W0"

MFLAG=
if [ "${WEIR_SANITIZERS:-no}" = yes ]; then
    # The shim goes first in the link order, which ASan checks; and
    # ASan owns malloc, so the shim is built without malloc/calloc/realloc.
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
    export ASAN_OPTIONS
    # A fault can crash Berkeley DB itself (libdb 5.3 dereferences NULL
    # when close() fails while it creates a file): ASan would report that
    # uninstrumented crash as exit 1.  weir's crash handler (exit 75 after
    # the undo; walked in the -Werror build) is not installed under ASan,
    # so the crash is left to the kernel and counts as exit 75 (-k).
    ASAN_OPTIONS="$ASAN_OPTIONS:handle_segv=0:handle_abort=0"
    MFLAG="-m -k"
    echo "# sanitizer build: malloc/calloc/realloc are not interposed (AddressSanitizer owns malloc)"
fi

# The message: its body has "From " lines mboxrd must quote.
M="$T/msg"
{
    printf 'From: Bob <bob@example.com>\nTo: Root <root@example.org>\n'
    printf 'Subject: fault walk\nMessage-ID: <walk@example.com>\n\n'
    printf 'Body line one\nFrom the start of a line\n>From quoted once\n'
    i=0; n=${FULL:+2000}; while [ "$i" -lt "${n:-3}" ]; do
        printf 'line %s: the quick brown fox jumps over the lazy dog\n' "$i"; i=$((i + 1))
    done
} > "$M"

# setup NAME RULES [YAML...]: a template home in $T/tmpl-NAME with
# existing mail in each kind of mailbox, the rules, and weir.yaml.
setup() {
    name=$1 rules=$2; shift 2
    TM="$T/tmpl-$name"; H="$TM/home"; WK="$W0/w-$name"
    mkdir -p "$H/.weir" "$H/Maildir/new" "$H/Maildir/cur" "$H/Maildir/tmp" \
             "$H/Mail/inbox" "$H/sent/tmp" "$TM/spool" "$TM/tmp"
    chmod 700 "$H" "$H/.weir"
    printf 'From: a@example.org\nSubject: old\n\nold mail\n' > "$H/Maildir/cur/100.old:2,S"
    printf 'From: a@example.org\nSubject: old mh\n\nold mh\n' > "$H/Mail/inbox/1"
    printf 'From: a@example.org\nSubject: old mh 2\n\nold mh 2\n' > "$H/Mail/inbox/2"
    printf 'From a@example.org Thu Jan  1 00:00:00 1970\nSubject: old\n\nold mbox\n\n' > "$TM/spool/root"
    chmod 600 "$TM/spool/root"
    printf '%s\n' "$rules" > "$H/.weir/rules"; chmod 600 "$H/.weir/rules"
    {
        printf 'logging: { syslog: false }\nsystem_rules: %s/no-system.rules\n' "$T"
        printf 'default_mailbox: ~/Maildir/\nspool_dir: %s/spool\ntemp_dir: %s/tmp\n' "$WK" "$WK"
        printf 'sendmail: %s\nlock_wait: 5s\n' "$FAKE_SENDMAIL"
        for y in "$@"; do printf '%s\n' "$y"; done
    } > "$TM/weir.yaml"
    # Compile the rules once, where the walk runs (the cache file is
    # named after the rules' path): the runs then only read the cache.
    rm -rf "$WK"; cp -a "$TM" "$WK"
    HOME="$WK/home" "$WEIR" -c "$TM/weir.yaml" -a root@example.org -f bob@example.com \
        < "$M" > /dev/null 2>&1 || echo "# $name: the warm-up delivery failed"
    [ -d "$WK/home/.weir/cache" ] && cp -a "$WK/home/.weir/cache" "$H/.weir/"
    rm -rf "$WK"
}
# variant NAME RULES: rules whose clean outcome is also allowed
variant() { printf '%s\n' "$2" > "$T/var-$name-$1"; VARIANTS="$VARIANTS -v $T/var-$name-$1"; }

total=0
JOBS=${FAULT_JOBS:-2}
NAMES= PIDS=
# walk NAME: start the walker for the scenario set up last (at most JOBS
# at a time: scenarios are independent); report() prints the TAP lines.
walk() {
    # wait for any one to end (dash has no wait -n)
    while [ "$(echo $PIDS | wc -w)" -ge "$JOBS" ]; do
        live=
        for p in $PIDS; do kill -0 "$p" 2>/dev/null && live="$live $p"; done
        [ "$(echo $live | wc -w)" -lt "$JOBS" ] || sleep 0.2
        PIDS=$live
    done
    (
        t0=$(date +%s)
        HOME="$WK/home" "$WALKER" -n "$1" -t "$TM" -w "$WK" -i "$M" -s "$SHIM" \
            -r home/.weir/rules -N home/.weir/cache -X home/sent/tmp $MFLAG $AFTER $VARIANTS $SNAPX $RESP \
            ${SNAPCMD:+-S "$SNAPCMD"} ${FAULT_ONLY:+-f "$FAULT_ONLY"} \
            -- "$WEIR" -c "$TM/weir.yaml" -a root@example.org -f bob@example.com > "$T/out-$1" 2>&1
        echo "$? $(( $(date +%s) - t0 )) ${RESP:+resp}" > "$T/rc-$1"
    ) &
    PIDS="$PIDS $!"
    NAMES="$NAMES $1"
    VARIANTS= SNAPX= SNAPCMD= RESP=
    # The start-up calls (before weir reads the message: configuration,
    # environment, privileges) are the same in every scenario: the first
    # scenario walks them, the others (unless FULL=1) start at the message.
    [ -n "${FULL:-}" ] || AFTER=-A
}
report() {
    for name in $NAMES; do
        read -r rc secs resp < "$T/rc-$name"
        out=$(cat "$T/out-$name")
        printf '%s\n' "$out" | grep '^#'
        pts=$(printf '%s\n' "$out" | sed -n 's/^POINTS \([0-9]*\) BAD.*/\1/p')
        rbad=$(printf '%s\n' "$out" | sed -n 's/^POINTS .* RESP_BAD \([0-9]*\)$/\1/p')
        total=$((total + ${pts:-0}))
        [ "$rc" -eq 0 ] && [ "${pts:-0}" -gt 0 ]
        ok $? "$name: ${pts:-0} injection points, all outcomes allowed ($secs s)"
        if [ -n "$resp" ]; then
            [ "${rbad:-1}" -eq 0 ]
            ok $? "$name: responder side (reply sent once and recorded, or neither; records kept) in every run"
        fi
    done
}
# The sanitizer build walks Maildir (with weir's start-up) and mbox with
# its dotlock; the other six are walked by the -Werror build, and ASan
# would only repeat their shared paths at several times the cost (CI's
# time budget).
if [ "${WEIR_SANITIZERS:-no}" = yes ]; then default_scen="maildir mbox"; else default_scen=all; fi
want() { case " ${FAULT_SCENARIOS:-$default_scen} " in *" all "*|*" $1 "*) return 0;; esac; return 1; }

VARIANTS= SNAPX= SNAPCMD= AFTER= RESP=
if want maildir; then
    setup maildir 'file "~/Maildir/"'
    walk maildir
fi
# reply_walk NAME [old]: a vacation reply with its state database;
# "old": reply.db exists with records (carol was answered this hour), and
# no failure may lose them (a database moved aside or written over);
# otherwise the first reply creates the database.
reply_walk() {
    setup "$1" 'reply days 7 text "I am away."'
    variant noreply ''
    if [ "${2:-}" = old ]; then
        mkdir -p "$TM/spool" "$W0/w-$1/tmp"
        HOME="$TM/home" "$WEIR" -c "$TM/weir.yaml" -a root@example.org -f carol@example.net \
            < "$M" > /dev/null 2>&1 || echo "# $1: the delivery that answers carol failed"
        rm -rf "$W0/w-$1"
        [ -f "$TM/home/.weir/state/reply.db" ]
        ok $? "$1: the walk starts with a reply database holding a record"
    fi
    # The database's bytes differ from run to run: its records count.
    SNAPX="-N home/.weir/state/reply.db"
    # A record is "pending" from the claim until the reply went out, then
    # "replied"; a failure in between leaves the claim (it expires), so
    # only the keys count.
    SNAPCMD="$WEIR state -c $T/tmpl-$1/weir.yaml list"
    # (not in the sanitizer build: a second ASan weir per run doubles the
    # time; the records are listed by the -Werror build's walk)
    [ "${WEIR_SANITIZERS:-no}" = yes ] && SNAPCMD=
    # The mail is judged strictly; the reply and its records apart.
    RESP="-R home/sent/ -R [reply -R home/.weir/state/"
    SNAPX="$SNAPX -N home/.weir/state/reply.lock"
    walk "$1"
}
# (the reply walk is the longest: started second, it runs beside the rest)
want reply && reply_walk reply old
# The database's creation (Berkeley DB's temporary __db.reply.db): with
# FULL=1 or FAULT_SCENARIOS=replynew (CI's time budget).
case " ${FAULT_SCENARIOS:-} " in *" replynew "*) FULL_REPLYNEW=1 ;; esac
[ -n "${FULL:-}${FULL_REPLYNEW:-}" ] && reply_walk replynew
if want folder; then
    setup folder 'file "~/Maildir/.lists.weir/"'
    variant default ''
    walk folder
fi
if want mbox; then
    # The spool mbox (dotlock in the spool directory), and the message
    # spooled to a temporary file (limits.memory_spool 0).
    setup mbox "file \"$W0/w-mbox/spool/root\"" 'limits: { memory_spool: 0 }'
    variant default ''
    walk mbox
fi
if want mh; then
    setup mh 'file "~/Mail/inbox/."'
    variant default ''
    walk mh
fi
if want filter; then
    setup filter 'filter "sed s/^Subject:/Subject: [filtered]/"
file "~/Maildir/"'
    variant default ''
    walk filter
fi
if want forward; then
    setup forward 'forward "carol@example.net"'
    variant default ''
    walk forward
fi
if want two; then
    setup two "file \"~/Maildir/.two/\"
file \"~/Mail/box\""
    variant firstonly "file \"~/Maildir/.two/\"
file \"~/Maildir/\""
    variant secondonly "file \"~/Mail/box\"
file \"~/Maildir/\""
    variant default ''
    walk two
fi
wait
report
echo "# $total injection points in all"
done_testing
