#!/bin/sh
# cli.sh -- `weir test` from the command line: inputs (message file, mbox,
# Maildir, standard input), envelope rules, output formats, the summary
# table, the root refusal, and side-effect freedom (HOME tree unchanged,
# a fake sendmail never run, strace: no file written, no program run,
# no network socket).
. "$top_srcdir/tests/lib.sh"

M=$TESTDATA/messages
chmod 755 "$T"

# As root the tester refuses to run without -d; run it as nobody then.
if [ "$(id -u)" = 0 ]; then
    "$WEIR" test "$M/ham-plain.eml" > "$T/out" 2> "$T/err"
    is $? 77 "root without -d: refused (exit 77)"
    is "$(cat "$T/err")" "weir test: refusing to run as root; use -d USER to test as USER" \
        "root without -d: the reason"
    is "$(wc -c < "$T/out" | tr -d ' ')" 0 "root without -d: no report"
    "$WEIR" test -d nobody -q "$M/ham-plain.eml" > "$T/out" 2> "$T/err"
    is $? 0 "root with -d nobody: runs"
    home=$(getent passwd nobody | cut -d: -f6)
    is "$(cat "$T/out")" "$M/ham-plain.eml: delivered to $home/Maildir/ (implicit keep)" \
        "root with -d nobody: as nobody, with nobody's home"
    wt() { HOME=$HOME setpriv --reuid=nobody --regid=nogroup --clear-groups "$WEIR" test "$@"; }
else
    skip "not root: root refusal"; skip "not root"; skip "not root"; skip "not root"; skip "not root"
    wt() { "$WEIR" test "$@"; }
fi

# one message: the full report
printf 'From: a@example.org\nSubject: exact report\n\nbody\n' > "$T/plain.eml"
chmod 644 "$T/plain.eml"
if [ "$(id -u)" = 0 ]; then me=nobody; else me=$(id -un); fi
wt -S "$T/plain.eml" > "$T/out" 2>&1
is $? 0 "one message: exit 0"
cat > "$T/want" <<EOT
message 1: $T/plain.eml
  envelope: from <> to <$me>
  subject: exact report
  implicit keep: yes
  score: 0
  dns: not looked up
  verdict: delivered to $HOME/Maildir/ (implicit keep)
EOT
is "$(cat "$T/out")" "$(cat "$T/want")" "one message: exact report"

# envelope: -f/-a override; else From_ line, Return-Path, Delivered-To
printf 'Return-Path: <rp@example.org>\nDelivered-To: dt@example.net\nSubject: e\n\nb\n' > "$T/env.eml"
chmod 644 "$T/env.eml"
wt -q --format json "$T/env.eml" | grep -c '"from":"rp@example.org","to":"dt@example.net"' > "$T/n"
is "$(cat "$T/n")" 2 "envelope from Return-Path and Delivered-To"
wt --format json -f 'a@b.example' -a 'c@d.example' "$T/env.eml" |
    grep -c '"from":"a@b.example","to":"c@d.example"' > "$T/n"
is "$(cat "$T/n")" 2 "-f and -a override the headers"
{ echo "From fl@example.com Sat Nov 28 01:00:00 2026"; cat "$T/env.eml"; } > "$T/fl.eml"
chmod 644 "$T/fl.eml"
wt --format json "$T/fl.eml" | grep -c '"from":"fl@example.com"' > "$T/n"
is "$(cat "$T/n")" 2 "a From_ line wins over Return-Path"

# an mbox built from the test messages (mboxrd quoting, as a writer does)
: > "$T/box"
n=0
for f in "$M"/*.eml; do
    echo "From sender$n@example.org Sat Nov 28 01:19:29 2026" >> "$T/box"
    sed -e 's/^\(>*From \)/>\1/' "$f" >> "$T/box"
    [ -n "$(tail -c 1 "$f")" ] && echo >> "$T/box"
    echo >> "$T/box"
    n=$((n + 1))
done
chmod 644 "$T/box"
wt -q "$T/box" > "$T/out" 2>&1
is $? 0 "mbox: exit 0"
is "$(grep -c "^$T/box:[0-9]*: delivered to $HOME/Maildir/ (implicit keep)\$" "$T/out")" "$n" \
    "mbox: one verdict per message ($n)"
is "$(sed -n 's/^summary: //p' "$T/out")" "$n messages" "mbox: summary counts every message"
grep -q "^$HOME/Maildir/ *$n  $T/box:1, $T/box:" "$T/out"
ok $? "mbox: summary row with count and examples"
wt -q - < "$T/box" | grep -c '^-:[0-9]*: delivered' > "$T/n"
is "$(cat "$T/n")" "$n" "mbox on standard input"
wt --format json "$T/box" > "$T/json"
is "$(grep -c '^{"event":"result",' "$T/json")" "$n" "json: one result event per message"
is "$(grep -c '^{"event":"summary","messages":'"$n"',' "$T/json")" 1 "json: a summary event"
is "$(grep -vc '^{"event":"[a-z]*",.*}$' "$T/json")" 0 "json: every line is one event object"

# a Maildir: new/ and cur/ together, in delivery order (the time in the names)
mkdir -p "$T/md/new" "$T/md/cur" "$T/md/tmp"
cp "$M/gtube.eml" "$T/md/new/2"; cp "$M/ham-plain.eml" "$T/md/new/1"
cp "$M/no-body.eml" "$T/md/cur/0:2,S"
chmod -R a+rX "$T/md"
wt -q "$T/md" | head -3 | cut -d: -f1 > "$T/order"
is "$(tr '\n' ' ' < "$T/order")" "$T/md/cur/0 $T/md/new/1 $T/md/new/2 " "Maildir: delivery order, new/ and cur/ together"
wt -q "$T" > /dev/null 2> "$T/err"
is $? 66 "a directory that is not a Maildir: exit 66"
wt -q "$T/nonexistent" > /dev/null 2> "$T/err"
is $? 66 "a missing input: exit 66"
wt --format xml "$T/env.eml" > /dev/null 2>&1
is $? 64 "bad --format: exit 64"
wt -r "$T/nonexistent.rules" "$T/env.eml" > /dev/null 2> "$T/err"
is $? 65 "unreadable rules: exit 65"
grep -q "nonexistent.rules" "$T/err"
ok $? "unreadable rules: named in the error"

# ---- side-effect freedom ------------------------------------------------
# A corpus mbox, a HOME with a Maildir, rules and state, a fake sendmail on
# PATH (test-only: it leaves a marker if anything runs it).
CORPUS=$top_srcdir/testdata/corpus
mkdir -p "$T/bin" "$HOME/Maildir/new" "$HOME/Maildir/cur" "$HOME/Maildir/tmp" "$HOME/.weir/state"
cat > "$T/bin/sendmail" <<EOT
#!/bin/sh
# FAKE sendmail for tests: records that it ran.
echo ran >> "$T/sendmail-ran"
EOT
chmod 755 "$T/bin/sendmail"; ln -s sendmail "$T/bin/procmail"
chmod -R a+rX "$HOME"
if [ -d "$CORPUS" ]; then
    : > "$T/corpus.mbox"
    for f in "$CORPUS"/*/*; do
        echo "From corpus@example.org Sat Nov 28 01:19:29 2026" >> "$T/corpus.mbox"
        sed -e 's/^\(>*From \)/>\1/' "$f" >> "$T/corpus.mbox"
        [ -n "$(tail -c 1 "$f")" ] && echo >> "$T/corpus.mbox"
        echo >> "$T/corpus.mbox"
    done
    chmod 644 "$T/corpus.mbox"
    ncorpus=$(ls "$CORPUS"/*/* | wc -l)
else
    cp "$T/box" "$T/corpus.mbox"; ncorpus=$n
fi
snap() { (cd "$HOME" && find . -printf '%p %y %s %m %T@\n' | sort); }
snap > "$T/before"
PATH="$T/bin:$PATH" wt -q "$T/corpus.mbox" > "$T/out" 2>&1
is $? 0 "corpus mbox: exit 0"
is "$(grep -c ': delivered to\|: dropped\|: bounced\|: deferred' "$T/out")" "$ncorpus" \
    "corpus mbox: a verdict for each of $ncorpus messages"
snap > "$T/after"
cmp -s "$T/before" "$T/after"
ok $? "no file under HOME created, changed or removed"
[ ! -e "$T/sendmail-ran" ]
ok $? "the fake sendmail never ran"
wt --format json "$T/corpus.mbox" > "$T/corpus.json" 2>&1
if command -v python3 > /dev/null 2>&1; then
    python3 -c 'import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    json.loads(line); n += 1
print(n)' "$T/corpus.json" > "$T/n" 2> "$T/err"
    is "$(cat "$T/n")" "$((2 * ncorpus + 1))" "json over the corpus: every line is valid UTF-8 JSON"
    sed 's/^/# /' "$T/err" | tail -3
else
    skip "python3 not installed: JSON not validated"
fi
if command -v strace > /dev/null 2>&1 && strace -f -qq -o /dev/null true 2> /dev/null; then
    asuser=
    [ "$(id -u)" = 0 ] && asuser="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    # shellcheck disable=SC2086
    # LeakSanitizer cannot run under ptrace: leaks are checked elsewhere
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    PATH="$T/bin:$PATH" strace -f -qq -o "$T/strace" \
        -e trace=open,openat,creat,execve,socket,connect,unlink,unlinkat,rename,renameat,renameat2,mkdir,mkdirat,link,linkat,symlink,symlinkat,truncate,chmod,fchmodat,chown,fchownat \
        $asuser "$WEIR" test -q "$T/corpus.mbox" > /dev/null 2>&1
    is $? 0 "under strace: exit 0"
    grep -q "open.*\"$T/corpus.mbox\", O_RDONLY" "$T/strace"
    ok $? "strace saw weir read the mbox (the trace is real)"
    grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(' "$T/strace" > "$T/writes"
    is "$(wc -l < "$T/writes" | tr -d ' ')" 0 "strace: no file opened for writing"
    [ -s "$T/writes" ] && sed 's/^/# /' "$T/writes" | head -5
    grep -E '(unlink|rename|mkdir|link|symlink|truncate|chmod|chown)[a-z0-9]*\(' "$T/strace" | grep -v ' = -1 ' > "$T/fsops"
    is "$(wc -l < "$T/fsops" | tr -d ' ')" 0 "strace: no file created, renamed, removed or changed"
    grep 'execve(' "$T/strace" | grep ' = 0$' | grep -v "execve(\"$WEIR\"" |
        grep -v 'execve("[^"]*/\(env\|setpriv\|sh\)"' > "$T/execs"
    is "$(wc -l < "$T/execs" | tr -d ' ')" 0 "strace: no program run but weir itself"
    grep -E 'socket\((AF_INET|AF_INET6|PF_INET)' "$T/strace" > "$T/socks"
    is "$(wc -l < "$T/socks" | tr -d ' ')" 0 "strace: no network socket"
else
    skip "strace not available or not permitted"; skip "strace"; skip "strace"; skip "strace"; skip "strace"; skip "strace"
fi

done_testing
