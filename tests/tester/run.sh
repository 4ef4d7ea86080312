#!/bin/sh
# run.sh -- `weir test` over a run of messages (issue 11): options after the
# inputs, the MTA environment (--env, a suite's env:), the responder state
# simulated across the run, a Maildir read in delivery order, and the
# progress bar on a terminal.
. "$top_srcdir/tests/lib.sh"

chmod 755 "$T"
if [ "$(id -u)" = 0 ]; then
    wt() { HOME=$T setpriv --reuid=nobody --regid=nogroup --clear-groups "$WEIR" test "$@"; }
else
    wt() { HOME=$T "$WEIR" test "$@"; }
fi
mkdir -p "$T/.weir"
printf 'logging: { syslog: false }\n' > "$T/weir.yaml"
for i in 1 2 3; do
    printf 'Return-Path: <bob@example.org>\nFrom: Bob <bob@example.org>\nTo: me@example.com\nSubject: hi %s\nMessage-ID: <%s@example.org>\n\nbody %s\n' \
        "$i" "$i" "$i" > "$T/m$i"
done
printf 'Return-Path: <carol@example.net>\nFrom: Carol <carol@example.net>\nTo: me@example.com\nSubject: hello\nMessage-ID: <c@example.net>\n\nbody\n' > "$T/c1"

# 1. Options after the inputs are options, not file names.
printf 'file "~/Mail/all"\n' > "$T/r-all"
chmod -R a+rX "$T"
wt -S -c "$T/weir.yaml" -r "$T/r-all" "$T/m1" -q > "$T/out" 2>&1
is $? 0 "an option after the input: exit 0"
is "$(cat "$T/out")" "$T/m1: delivered to $T/Mail/all ($T/r-all:1)" \
    "an option after the input (-q) is applied, not read as a file"
wt -S -c "$T/weir.yaml" -r "$T/r-all" -q -- "$T/m1" > "$T/out" 2>&1
is $? 0 "'--' ends the options"

# 2. --env: the MTA environment reaches ${env.*}, ${extension}, the client
#    and a filter program run by --run-programs.
cat > "$T/r-env" <<'EOF'
if string "${env.CLIENT_ADDRESS}" is "1.2.3.4" { file "~/Mail/by-env" }
if string "${extension}" is "lists" { file "~/Mail/by-extension" }
EOF
chmod a+r "$T/r-env"
wt -S -c "$T/weir.yaml" -r "$T/r-env" -f bob@example.org "$T/m1" \
    --env CLIENT_ADDRESS=1.2.3.4 --env EXTENSION=lists > "$T/out" 2>&1
is $? 0 "--env: exit 0"
grep -q "^  client: 1.2.3.4 (CLIENT_ADDRESS)$" "$T/out"
ok $? "--env CLIENT_ADDRESS: the client address, from CLIENT_ADDRESS"
grep -q "action: file $T/Mail/by-env (mbox) \[$T/r-env:1\]" "$T/out"
ok $? "--env: \${env.CLIENT_ADDRESS} has the value given"
grep -q "action: file $T/Mail/by-extension (mbox) \[$T/r-env:2\]" "$T/out"
ok $? "--env EXTENSION: \${extension} has the value given"
wt -S -c "$T/weir.yaml" -r "$T/r-env" "$T/m1" > "$T/out" 2>&1
if grep -q "by-env\|by-extension" "$T/out"; then r=1; else r=0; fi
ok $r "without --env neither test is true"
cat > "$T/r-prog" <<'EOF'
filter "/bin/sh -c 'printf \"X-Ext: %s\\n\" \"$EXTENSION\"; cat'"
if header "X-Ext" is "lists" { file "~/Mail/seen" }
EOF
chmod a+r "$T/r-prog"
wt -S -c "$T/weir.yaml" -r "$T/r-prog" --run-programs --env EXTENSION=lists "$T/m1" > "$T/out" 2>&1
grep -q "verdict: delivered to $T/Mail/seen ($T/r-prog:2)" "$T/out"
ok $? "--env EXTENSION: a filter run by --run-programs sees it as a delivery's would"
sed 's/^/# /' "$T/out" | head -20
wt -S -c "$T/weir.yaml" -r "$T/r-all" --env '1BAD=x' "$T/m1" > "$T/out" 2>&1
is $? 64 "--env with a bad name: usage error"
grep -q "^weir test: --env takes NAME=VALUE" "$T/out"; ok $? "--env with a bad name: says what it takes"
wt -S -c "$T/weir.yaml" -r "$T/r-all" --env NOEQUALS "$T/m1" > /dev/null 2>&1
is $? 64 "--env without '=': usage error"

# 3. Replies and fake bounces: the state a delivery would write is
#    simulated across the run (once per sender within the period).
printf 'reply text "away" days 7\n' > "$T/r-reply"
chmod a+r "$T/r-reply"
wt -S -c "$T/weir.yaml" -r "$T/r-reply" -f bob@example.org -a me@example.com -q \
    "$T/m1" "$T/m2" "$T/m3" > "$T/out" 2>&1
is $? 0 "three messages from one sender: exit 0"
is "$(grep -c 'reply to <bob@example.org>' "$T/out")" 1 "the first is answered"
is "$(grep -c 'suppressed: already answered bob@example.org earlier in this run (simulated state: weir test records nothing)' "$T/out")" 2 \
    "the second and third are not, and the reason says the state is simulated"
wt -S -c "$T/weir.yaml" -r "$T/r-reply" -a me@example.com -q "$T/m1" "$T/c1" > "$T/out" 2>&1
grep -q "m1: .*reply to <bob@example.org>" "$T/out" && grep -q "c1: .*reply to <carol@example.net>" "$T/out"
ok $? "two senders (their Return-Path): each is answered once"
[ ! -e "$T/.weir/state" ] || [ -z "$(ls -A "$T/.weir/state" 2>/dev/null)" ]
ok $? "no state was written"
printf 'fakebounce "no such user"\n' > "$T/r-fb"
chmod a+r "$T/r-fb"
wt -S -c "$T/weir.yaml" -r "$T/r-fb" -f bob@example.org -a me@example.com -q \
    "$T/m1" "$T/m2" > "$T/out" 2>&1
grep -q "m2: .*suppressed: already answered bob@example.org earlier in this run" "$T/out"
ok $? "fake bounces: the second in the run is suppressed as a delivery's state would"
sed 's/^/# /' "$T/out"

# 4. Suites: env: per case; each case starts from its own state.
cat > "$T/s.yaml" <<EOF
rules: r-suite
cases:
  - name: env reaches the rules
    message: "From: bob@example.org\nTo: me@example.com\nSubject: x\n\nb\n"
    envelope: { from: bob@example.org, to: me@example.com }
    env: { EXTENSION: lists, CLIENT_ADDRESS: 1.2.3.4 }
    expect:
      actions_include:
        - file: ~/Mail/lists
  - name: the same sender again is answered (cases are independent)
    message: "From: bob@example.org\nTo: me@example.com\nSubject: x\n\nb\n"
    envelope: { from: bob@example.org, to: me@example.com }
    expect:
      actions_include:
        - reply
EOF
cat > "$T/r-suite" <<'EOF'
if string "${extension}" is "lists" and string "${env.CLIENT_ADDRESS}" is "1.2.3.4" {
    file "~/Mail/lists"
}
reply text "away" days 7
EOF
chmod a+r "$T/s.yaml" "$T/r-suite"
(cd "$T" && wt -c "$T/weir.yaml" --suite s.yaml) > "$T/out" 2>&1
is $? 0 "suite with env: exit 0"
sed 's/^/# /' "$T/out"
printf 'cases:\n  - message: "a\\n\\nb\\n"\n    env: { "9X": y }\n    expect: { keep: true }\n' > "$T/bad.yaml"
chmod a+r "$T/bad.yaml"
(cd "$T" && wt -c "$T/weir.yaml" --suite bad.yaml) > "$T/out" 2>&1
is $? 65 "suite env: with a bad name: refused"
sed "s/^/# /" "$T/out"; grep -q "bad.yaml:3:.*env: .9X. is not a variable name" "$T/out"; ok $? "suite env: bad name: file:line:col"

# 5. A Maildir is read in delivery order (the time in the unique name),
#    new/ and cur/ together, not in name order.
md=$T/md
mkdir -p "$md/new" "$md/cur" "$md/tmp"
for n in "10.M5P1.host" "9.M1P1.host" "10.M40P1.host" "100.M0P1.host:2,S" "2.M9P1.host" "zz-no-time"; do
    case $n in *:2,*) sub=cur ;; *) sub=new ;; esac
    printf 'From: a@example.org\nSubject: %s\n\nb\n' "$n" > "$md/$sub/$n"
done
chmod -R a+rX "$md"
wt -S -c "$T/weir.yaml" -r "$T/r-all" -q "$md" > "$T/out" 2>&1
sed -n 's|^.*/\([^/]*\): delivered.*|\1|p' "$T/out" | tr '\n' ' ' > "$T/order"
is "$(cat "$T/order")" "2.M9P1.host 9.M1P1.host 10.M5P1.host 10.M40P1.host 100.M0P1.host:2,S zz-no-time " \
    "Maildir: seconds, then microseconds, new/ and cur/ together, untimed names last"

# 6. The progress line: on a terminal (stderr) with stdout elsewhere, a bar
#    with the total; not when stderr is not a terminal.
i=0
while [ $i -lt 130 ]; do
    printf 'From x@example.org Mon Jan  1 00:00:00 2024\nFrom: x@example.org\nSubject: %s\n\nb\n\n' "$i"
    i=$((i + 1))
done > "$T/box"
chmod a+r "$T/box"
if [ "$(id -u)" = 0 ]; then
    set -- setpriv --reuid=nobody --regid=nogroup --clear-groups "$WEIR" test
else
    set -- "$WEIR" test
fi
HOME=$T python3 - "$T/prog.err" "$@" -S -c "$T/weir.yaml" -r "$T/r-all" -q "$T/box" > "$T/out" <<'EOF'
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[2:], stdout=sys.stdout, stderr=slave, stdin=subprocess.DEVNULL)
os.close(slave)
data = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
p.wait()
open(sys.argv[1], "wb").write(data)
sys.exit(p.returncode)
EOF
is $? 0 "progress on a terminal: exit 0"
is "$(wc -l < "$T/out" | tr -d ' ')" 134 "progress on a terminal: the report still goes to stdout (130 lines + summary)"
grep -aq '\[#*\.*\] *[0-9]*%  128 messages' "$T/prog.err"
ok $? "progress on a terminal: a bar with a percentage and the count"
grep -aq '130 messages' "$T/prog.err"; ok $? "progress on a terminal: the final count"
sed 's/\r/\n/g; s/^/# /' "$T/prog.err" | tail -3
wt -S -c "$T/weir.yaml" -r "$T/r-all" -q "$T/box" > "$T/out" 2> "$T/err"
is "$(wc -c < "$T/err" | tr -d ' ')" 0 "no progress line when stderr is not a terminal"

# 7. The trace shows tests as written: `is not`, a missing header apart
#    from an empty one, how many values of a repeated header were compared.
printf 'From: a@example.org\nReceived: one\nReceived: two\nReceived: three\nSubject:\n\nb\n' > "$T/tr.eml"
cat > "$T/r-trace" <<'EOF'
if header "Subject" is not "a" { file "~/Mail/a" }
if header "X-None" is "" { file "~/Mail/b" }
if header "Subject" is "" { file "~/Mail/c" }
if header "Received" contains "two" { file "~/Mail/d" }
if not header "Received" contains "four" { file "~/Mail/e" }
EOF
chmod a+r "$T/tr.eml" "$T/r-trace"
wt -S -c "$T/weir.yaml" -r "$T/r-trace" --trace "$T/tr.eml" > "$T/out" 2>&1
grep -qF "r-trace:1: header \"Subject\" is not \"a\" on \"\" -> true" "$T/out"
ok $? "trace: 'is not' as written, with the result the condition sees"
grep -qF "r-trace:2: header \"X-None\" is \"\" on (none in the message) -> false" "$T/out"
ok $? "trace: a missing header is not shown as an empty value"
grep -qF "r-trace:3: header \"Subject\" is \"\" on \"\" -> true" "$T/out"
ok $? "trace: an empty header is shown as empty"
grep -qF "r-trace:4: header \"Received\" contains \"two\" on \"two\" (2 values compared, the last shown) -> true" "$T/out"
ok $? "trace: a repeated header says how many of its values were compared"
grep -qF "r-trace:5: not header \"Received\" contains \"four\" on \"three\" (3 values compared, the last shown) -> true" "$T/out"
ok $? "trace: 'not' before a test as written"
sed 's/^/# /' "$T/out" | grep trace
wt -S -c "$T/weir.yaml" -r "$T/r-trace" --trace --format json "$T/tr.eml" > "$T/out" 2>&1
grep -q '"line":1,.*"result":true,"negated":true,"values":1}' "$T/out"
ok $? "json trace: the result as written, negated and the number of values"
grep -q '"line":2,.*"result":false,"values":0}' "$T/out"
ok $? "json trace: no such header: values 0"

done_testing
