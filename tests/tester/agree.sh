#!/bin/sh
# agree.sh -- `weir test` and a real delivery agree.  Every case of
# tests/rulelang/vm-cases, and a sample of the shared message corpus run
# through testdata/tester/agree/corpus.rules, goes once through
# `weir test --format json` (the plan) and once through the real binary
# delivering into a scratch HOME with real Maildirs, mboxes and MH folders
# (`weir -c CONF -v -r RULES < MESSAGE`).  Both are reduced to the same
# canonical lines and compared:
#   exit N              weir's exit code (the plan's "exit")
#   folder PATH         every folder holding the message afterwards (on
#                       disk: Maildir new/, MH numbers, mbox files)
#   send ADDRESS        every forward, reply and fake bounce sendmail was
#                       run for
#   pipe COMMAND        every pipe that ran
#   action FILE:LINE KIND FATE   each action's fate (performed, refused,
#                       suppressed, shadow); file actions that were
#                       performed are covered by the folder lines
# The delivery's side comes from the disk, a recording sendmail and its
# one log line; the tester's from its JSON.
#
# Harness adjustments, the same for both sides: "/var/mail/" in a rule is
# rewritten to a scratch spool; forwards go to a FAKE sendmail (below:
# a real one would send mail); -a names the user when a case gives no
# recipient (saved mail takes Delivered-To, a delivery $RECIPIENT);
# `-S FILE` of rl_run becomes weir.yaml's system_rules, `-n N` its
# limits.vm_steps (at least 1000, weir.yaml's minimum), `-x EXT`
# $EXTENSION, `-F` --run-programs.
# The corpus (testdata/corpus, as tests/tester/vm.sh finds it) is
# sampled evenly over its sorted file list; without it that part skips.
. "$top_srcdir/tests/lib.sh"

if ! command -v jq > /dev/null 2>&1; then
    skip "jq is not installed (build-aux/install-deps.sh installs it)"
    done_testing
    exit
fi
chmod 755 "$T"
if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"; me=nobody
else
    AS=; me=$(id -un)
fi
REC="$T/rec"; SPOOL="$T/spool"; CASES="$T/cases"
mkdir -p "$REC" "$SPOOL" "$CASES" "$T/bin"
cat > "$T/bin/sendmail" <<EOT
#!/bin/sh
# FAKE sendmail for tests/tester/agree.sh: records the recipient (the
# argument after --) of a forward, reply or fake bounce and swallows the
# message.
while [ \$# -gt 0 ] && [ "\$1" != "--" ]; do shift; done
shift
printf 'send %s\n' "\$*" >> "$REC/out"
cat > /dev/null
EOT
chmod 755 "$T/bin/sendmail"

# own FILE...: make it the test user's (root runs the cases as nobody)
own() { [ -z "$AS" ] || chown -R nobody:nogroup "$@"; }

# config SYSTEM_RULES [VM_STEPS]
config() {
    {
        echo "sendmail: $T/bin/sendmail"
        echo "spool_dir: $SPOOL"
        echo "system_rules: $1"
        echo "logging: { syslog: false }"
        [ -n "${2:-}" ] && echo "limits: { vm_steps: $2 }"
    } > "$T/weir.yaml"
    chmod 644 "$T/weir.yaml"
}

# fresh: an empty HOME, spool and record
fresh() {
    rm -rf "$HOME" "$SPOOL" "$REC"
    mkdir -p "$HOME" "$SPOOL" "$REC"
    own "$HOME" "$SPOOL" "$REC"
}

# Where the message is on disk (as folder names weir test prints).
on_disk() {
    find "$HOME" "$SPOOL" -path "$HOME/.weir" -prune -o -type f -print 2>/dev/null |
    while read -r f; do
        dir=${f%/*}; base=${f##*/}
        case "$dir" in
        */new|*/cur) echo "folder ${dir%/*}/" ;;
        */tmp) echo "folder LEFTOVER ${f}" ;;
        *) case "$base" in
           maildirfolder) ;;
           *[!0-9]*) echo "folder $f" ;;
           *) echo "folder $dir/." ;;
           esac ;;
        esac
    done
}

# The delivery's log line: exit, pipes that ran, each action's fate.
from_log() {   # from_log LOGFILE
    perl -ne '
        next unless / status=\w+/;
        while (/; (shadow )?([a-z]+(?: add| set| remove)?)(?: :copy)?(?: "[^"]*")? \((?:[^()]*\/)?([^\/()]*):(\d+)\)(?: ([^;]*))?(?=;|$)/g) {
            my ($kind, $line, $tail) = ($2, "$3:$4", defined $5 ? $5 : "");
            my ($fate, $what) = ("performed", "");
            if ($tail =~ /^\(shadow/) { $fate = "shadow" }
            elsif ($tail =~ /^refused/) { $fate = "refused" }
            elsif ($tail =~ /^suppressed/) { $fate = "suppressed" }
            elsif ($tail =~ /^(?:-> \S+ )?failed \(/) { $fate = "failed" }
            elsif ($tail =~ /^-> /) { next if $kind eq "file"; }
            print "action $line $kind $fate\n";
        }
        while (/; pipe(?: :copy)? "([^"]*)" \([^)]*\) -> done/g) { print "pipe $1\n" }
    ' "$1"
}

# The plan: exit, folders, forwards, pipes, each action's fate.
from_json() {   # from_json JSONFILE
    jq -r '
        if .event == "result" then
            if .exit == null then
                "exit " + (if (.destination | startswith("deferred")) then "75" else "77" end)
            else
                ("exit " + (.exit | tostring)),
                (.folders[] | "folder " + .),
                (.forwards[] | "send " + .),
                (.pipes[] | "pipe " + .)
            end
        elif .event == "action" and .plan != null and .plan != "cancelled"
             and (.kind != "file" or .plan != "performed") then
            ("action \(.file | sub(".*/"; "")):\(.line) \(.kind) " +
             (if .plan == "overridden" then "shadow" elif .plan == "decides" then "performed"
              else .plan end)),
            (if (.kind == "reply" or .kind == "fakebounce") and .plan == "performed"
             then "send " + .to else empty end)
        else empty end' "$1"
}

# agree NAME RULES MESSAGE [weir args...]: run both and compare.
agree() {
    name=$1; rules=$2; msg=$3; shift 3
    fresh
    (cd "$CASES" && $AS env HOME="$HOME" ${EXT:+EXTENSION=$EXT} "$WEIR" test -c "$T/weir.yaml" \
        --run-programs --format json -r "$rules" "$@" "$msg") > "$T/plan.json" 2> "$T/plan.err"
    nmsg=$(jq -s '[.[] | select(.event == "message")] | length' "$T/plan.json")
    if [ "$nmsg" = 0 ]; then
        ok 1 "$name: weir test ran"
        sed 's/^/#   /' "$T/plan.err"
        return
    elif [ "$nmsg" != 1 ]; then
        skip "$name: an mbox of $nmsg messages for weir test, one message for a delivery"
        return
    fi
    from_json "$T/plan.json" | sort > "$T/want"
    fresh
    (cd "$CASES" && $AS env HOME="$HOME" ${EXT:+EXTENSION=$EXT} "$WEIR" -c "$T/weir.yaml" -v \
        -r "$rules" "$@" < "$msg") > "$T/out" 2> "$T/log"
    echo "exit $?" > "$T/got"
    on_disk >> "$T/got"
    [ -f "$REC/out" ] && cat "$REC/out" >> "$T/got"
    from_log "$T/log" >> "$T/got"
    sort -o "$T/got" "$T/got"
    if cmp -s "$T/want" "$T/got"; then
        ok 0 "$name: weir test and delivery agree"
    else
        ok 1 "$name: weir test and delivery agree"
        diff "$T/want" "$T/got" | sed 's/^/#   /'
        grep ' status=' "$T/log" | sed 's/^/#   log: /'
        grep '"event":"result"' "$T/plan.json" | sed 's/^/#   plan: /'
    fi
}

# ---- every vm-case ------------------------------------------------------
cp "$top_srcdir"/tests/rulelang/vm-cases/* "$CASES/"
for f in "$CASES"/*.rules "$CASES"/*.inc; do
    sed "s|\"/var/mail/|\"$SPOOL/|g" "$f" > "$f.new" && mv "$f.new" "$f"
done
chmod 644 "$CASES"/*
own "$CASES"
for f in "$CASES"/*.rules; do
    name=$(basename "$f" .rules)
    set -- $(sed "s|\\\$TESTDATA|$TESTDATA|g" "$CASES/$name.args")
    sys="$T/no-system.rules"; steps=; EXT=; opts=
    have_a=
    while [ $# -gt 1 ]; do
        case "$1" in
        -S) sys="$CASES/$2"; shift ;;
        -n) steps=$2; [ "$steps" -ge 1000 ] || steps=1000; shift ;;
        -x) EXT=$2; shift ;;
        -f) opts="$opts -f $2"; shift ;;
        -a) opts="$opts -a $2"; have_a=1; shift ;;
        -i) opts="$opts -i $2"; shift ;;
        -t|-F) ;;
        -T) shift ;;    # rl_run's fixed clock: both sides here read the real one
        esac
        shift
    done
    [ -n "$have_a" ] || opts="$opts -a $me"
    config "$sys" "$steps"
    # shellcheck disable=SC2086
    agree "vm-case $name" "$CASES/$name.rules" "$1" $opts
done
EXT=

# ---- the two verdicts weir test used to get wrong ----------------------
printf 'From: a@example.org\nSubject: spam offer\n\nbody\n' > "$CASES/offer.eml"
printf 'if header "Subject" matches /^(\\w+)/ { forward "${1}@example.org" }\n' > "$CASES/tforward.rules"
printf 'fakebounce\n' > "$CASES/fakebounce.rules"
chmod 644 "$CASES"/*; own "$CASES"
config "$T/no-system.rules"
agree "forward to an address from the message" "$CASES/tforward.rules" "$CASES/offer.eml" -a "$me"
grep -q '"plan":"refused","why":"forward address taken from the message"' "$T/plan.json"
ok $? "weir test: the tainted forward is refused, with the delivery's reason"
agree "fakebounce to <>" "$CASES/fakebounce.rules" "$CASES/offer.eml" -a "$me"
grep -q '"outcome":"discarded","exit":0,"folders":\[\]' "$T/plan.json" &&
grep -q '"plan":"suppressed","why":"the envelope sender is empty (<>)"' "$T/plan.json"
ok $? "weir test: a fakebounce to <> is suppressed and drops the message, as a delivery does"

# ---- replies and fake bounces (lda/resp/respond.h) ---------------------
printf 'From: Bob <bob@example.org>\nTo: %s@example.net\nSubject: lunch?\nMessage-ID: <l1@example.org>\n\nfree?\n' "$me" > "$CASES/lunch.eml"
printf 'From: Bob <bob@example.org>\nTo: %s@example.net\nSubject: news\nList-Id: <news.example.org>\n\nx\n' "$me" > "$CASES/list.eml"
printf 'reply days 3 text "I am away."\n' > "$CASES/reply.rules"
printf 'reply from "${sender}" text "I am away."\n' > "$CASES/treply.rules"
printf 'copy fakebounce "no such user"\n' > "$CASES/cfakebounce.rules"
chmod 644 "$CASES"/*; own "$CASES"
# has PATTERN DESCRIPTION: the delivery's canonical lines (both sides
# agreed on them) have a line matching PATTERN (grep -E, whole line)
has() { grep -Eqx "$1" "$T/got"; ok $? "$2"; }
agree "reply" "$CASES/reply.rules" "$CASES/lunch.eml" -a "$me@example.net" -f bob@example.org
has "send bob@example.org" "reply: handed to sendmail"
grep -q '"kind":"reply".*"plan":"performed"' "$T/plan.json"; ok $? "weir test: the reply is to be sent"
jq -r 'select(.kind == "reply") | .message' "$T/plan.json" > "$T/reply.txt"
grep -qx 'Subject: Re: lunch?' "$T/reply.txt" && grep -qx 'Auto-Submitted: auto-replied' "$T/reply.txt" &&
grep -qx 'I am away.' "$T/reply.txt"
ok $? "weir test: the JSON has the reply's text, as it would be sent"
agree "reply to list mail" "$CASES/reply.rules" "$CASES/list.eml" -a "$me@example.net" -f bob@example.org
grep -q '"plan":"suppressed","why":"the message has a List-Id header (mailing list)"' "$T/plan.json"
ok $? "weir test: no reply to list mail, with the delivery's reason"
agree "reply not addressed to the user" "$CASES/reply.rules" "$CASES/lunch.eml" -a "$me@example.com" -f bob@example.org
has "action reply.rules:1 reply suppressed" "reply not addressed to the user: suppressed"
agree "reply from an address taken from the message" "$CASES/treply.rules" "$CASES/lunch.eml" -a "$me@example.net" -f bob@example.org
has "action treply.rules:1 reply suppressed" "reply from \${sender}: suppressed (taint)"
agree "fakebounce" "$CASES/fakebounce.rules" "$CASES/lunch.eml" -a "$me@example.net" -f bob@example.org
has "send bob@example.org" "fakebounce: handed to sendmail"
agree "fakebounce, envelope and From of different organisations" "$CASES/fakebounce.rules" "$CASES/lunch.eml" -a "$me@example.net" -f bob@example.com
has "action fakebounce.rules:1 fakebounce suppressed" "fakebounce to another organisation: suppressed"
agree "copy fakebounce" "$CASES/cfakebounce.rules" "$CASES/lunch.eml" -a "$me@example.net" -f bob@example.org
has "send bob@example.org" "copy fakebounce: handed to sendmail"
has "folder $HOME/Maildir/" "copy fakebounce: the message kept"

# ---- duplicate and program tests (the host services, builtins/hostsvc.h) --
printf '#!/bin/sh\nexit 0\n' > "$T/bin/yes"; printf '#!/bin/sh\nexit 1\n' > "$T/bin/no"
chmod 755 "$T/bin/yes" "$T/bin/no"
printf 'if duplicate { discard }\nif program "%s" { file "~/Maildir/.Yes/" }\nif program "%s" with message { file "~/Maildir/.No/" }\n' \
    "$T/bin/yes" "$T/bin/no" > "$CASES/dupprog.rules"
chmod 644 "$CASES/dupprog.rules"; own "$CASES/dupprog.rules"
agree "duplicate and program" "$CASES/dupprog.rules" "$CASES/lunch.eml" -a "$me@example.net" -f bob@example.org
has "folder $HOME/Maildir/.Yes/" "program: exit 0 files, exit 1 does not; not a duplicate"

# ---- a sample of the corpus --------------------------------------------
CORPUS=$top_srcdir/testdata/corpus
SAMPLE=${AGREE_SAMPLE:-100}
if [ -d "$CORPUS" ]; then
    sed "s|@REC@|$REC|g" "$TESTDATA/tester/agree/corpus.rules" > "$CASES/corpus.rules"
    chmod 644 "$CASES/corpus.rules"; own "$CASES/corpus.rules"
    config "$T/no-system.rules"
    # evenly spaced within each directory, in proportion to its size,
    # at least one from each
    ls "$CORPUS"/*/* | sort > "$T/corpus.list"
    awk -v n="$SAMPLE" '
        { f[NR] = $0; d = $0; sub(/\/[^\/]*$/, "", d); dir[NR] = d; cnt[d]++ }
        END {
            for (i = 1; i <= NR; i++) {
                d = dir[i]; k = int(n * cnt[d] / NR + 0.5); if (k < 1) k = 1
                if (int(seen[d] * k / cnt[d]) != int((seen[d] + 1) * k / cnt[d])) print f[i]
                seen[d]++
            }
        }' "$T/corpus.list" > "$T/sample"
    while read -r m; do
        cp "$m" "$CASES/m.eml"; chmod 644 "$CASES/m.eml"; own "$CASES/m.eml"
        agree "corpus ${m#"$CORPUS"/}" "$CASES/corpus.rules" "$CASES/m.eml" -a "$me"
    done < "$T/sample"
    n=$(wc -l < "$T/sample" | tr -d ' ')
    [ "$n" -ge $((SAMPLE * 9 / 10)) ] && [ "$n" -le $((SAMPLE * 11 / 10)) ]
    ok $? "the sample has about $SAMPLE messages ($n)"
    is "$(sed "s|^$CORPUS/||; s|/.*||" "$T/sample" | sort -u | wc -l | tr -d ' ')" \
       "$(ls -d "$CORPUS"/*/ | wc -l | tr -d ' ')" "the sample spans every corpus directory"
else
    skip "no corpus at testdata/corpus"
fi

done_testing
