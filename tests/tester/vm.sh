#!/bin/sh
# vm.sh -- `weir test` with real rules (the rule compiler and VM): a
# ruleset's suite passes, a suite with deliberate failures reports them
# exactly (vm/failing.ref), compile errors, the trace in text and JSON, a
# tainted folder name refused as delivery would, and side-effect freedom
# with rules that reply, forward, fake-bounce, pipe and filter over the
# whole corpus (HOME unchanged, a fake sendmail never run, strace).
. "$top_srcdir/tests/lib.sh"

chmod 755 "$T"
cp -r "$TESTDATA/tester" "$T/s"
chmod -R a+rX "$T/s"
if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"; me=nobody
else
    AS=; me=$(id -un)
fi
wt() { (cd "$T/s/vm" && HOME=$HOME $AS "$WEIR" test "$@"); }

wt --suite lists.yaml > "$T/out" 2>&1
is $? 0 "lists.rules: its suite passes"
is "$(tail -1 "$T/out")" "5 cases: 5 passed, 0 failed" "lists.rules: 5 cases"

wt --suite failing.yaml > "$T/out" 2>&1
is $? 1 "deliberate failures: exit 1"
diff "$T/s/vm/failing.ref" "$T/out" > "$T/diff"
ok $? "deliberate failures: exact report (vm/failing.ref)"
sed 's/^/# /' "$T/diff"

wt -r broken.rules ../msg/list.eml > "$T/out" 2> "$T/err"
is $? 65 "rules that do not compile: exit 65"
is "$(head -1 "$T/err")" "broken.rules:1:34: error: unclosed '{'" "the diagnostic with file:line:col"
is "$(tail -1 "$T/err")" "weir test: broken.rules: 1 error in the rules" "then a summary line"
is "$(wc -c < "$T/out" | tr -d ' ')" 0 "and no report"

wt --trace -r lists.rules ../msg/list.eml > "$T/out" 2>&1
is $? 0 "--trace: exit 0"
cat > "$T/want" <<EOT
message 1: ../msg/list.eml (trace)
  trace lists.rules:2: set mail = "~/Maildir"
  trace lists.rules:4: header "List-Id" matches "/<([a-z0-9._-]+)\.winehq\.com>/i" on "Wine Announcements <wine-announce.winehq.com>" -> true
  trace lists.rules:4: capture 1 = "wine-announce"
  trace lists.rules:5: action file ~/Maildir/.lists.wine-announce/
  log: rules: lists.rules:5: file ~/Maildir/.lists.wine-announce/
  trace lists.rules:6: stop
message 1: ../msg/list.eml
  envelope: from <julliard@winehq.com> to <$me>
  client: 207.115.63.84 (Received)
  subject: Wine release 20020904
  action: file $HOME/Maildir/.lists.wine-announce/ (Maildir) [lists.rules:5 tainted]
  implicit keep: no
  score: 0
  dns: not looked up
  verdict: delivered to $HOME/Maildir/.lists.wine-announce/ (lists.rules:5)
EOT
diff "$T/want" "$T/out" > "$T/diff"
ok $? "--trace: rules, values tested, captures, actions, stop, then the report"
sed 's/^/# /' "$T/diff"

wt --trace --format json -r lists.rules ../msg/list.eml > "$T/out" 2>&1
grep -qF '{"event":"trace","kind":"test","file":"lists.rules","line":4,"rule":null,"test":"header \"List-Id\" matches","value":"Wine Announcements <wine-announce.winehq.com>","operand":"/<([a-z0-9._-]+)\\.winehq\\.com>/i","result":true,"values":1}' "$T/out"
ok $? "json: a typed test event with its line, value and result"
grep -qF '{"event":"trace","kind":"stop","file":"lists.rules","line":6,' "$T/out"
ok $? "json: the stop event"

printf 'List-Id: <../../etc.example.org>\nSubject: t\n\nb\n' > "$T/s/vm/taint.eml"
printf 'if header "List-Id" matches /<([^>]+)\\.example\\.org>/ { file "${1}/" }\n' > "$T/s/vm/taint.rules"
chmod 644 "$T/s/vm/taint.eml" "$T/s/vm/taint.rules"
wt -r taint.rules taint.eml > "$T/out" 2>&1
is "$(grep '^  verdict:' "$T/out")" \
   "  verdict: delivered to $HOME/Maildir/ (taint.rules:1; refused name: \".\" or \"..\" path component)" \
   "a tainted folder leaving the mail root: the default mailbox, as delivery would"

# The plan a delivery executes: a forward to an address from the message
# is refused (the default mailbox instead); a fakebounce of list mail is
# suppressed (no backscatter to a list) and still drops the message.  weir
# test used to say "forwarded" here.
printf 'if header "List-Id" matches /<([a-z-]+)\\./ { forward "${1}@example.org" }\n' > "$T/s/vm/tfwd.rules"
printf 'fakebounce\n' > "$T/s/vm/fb.rules"
chmod 644 "$T/s/vm/tfwd.rules" "$T/s/vm/fb.rules"
wt -q -r tfwd.rules ../msg/list.eml > "$T/out" 2>&1
is "$(cat "$T/out")" "../msg/list.eml: delivered to $HOME/Maildir/ (tfwd.rules:1; refused forward: forward address taken from the message)" \
   "a forward address taken from the message: refused, the default mailbox, as delivery does"
wt -q -r fb.rules ../msg/list.eml > "$T/out" 2>&1
is "$(cat "$T/out")" "../msg/list.eml: dropped by fakebounce (fb.rules:1); fakebounce (fb.rules:1) suppressed: the message has a List-Help header (mailing list)" \
   "fakebounce of list mail: suppressed, the message dropped, as delivery does"

# ---- side-effect freedom with rules that would touch the world ----------
CORPUS=$top_srcdir/testdata/corpus
mkdir -p "$T/bin" "$HOME/Maildir/new" "$HOME/Maildir/cur" "$HOME/Maildir/tmp" "$HOME/.weir/state"
for p in sendmail procmail; do
    cat > "$T/bin/$p" <<EOT
#!/bin/sh
# FAKE $p for tests: records that it ran.
echo ran >> "$T/fake-ran"
EOT
    chmod 755 "$T/bin/$p"
done
chmod -R a+rX "$HOME"
: > "$T/corpus.mbox"
if [ -d "$CORPUS" ]; then
    for f in "$CORPUS"/*/*; do
        echo "From corpus@example.org Sat Nov 28 01:19:29 2026" >> "$T/corpus.mbox"
        sed -e 's/^\(>*From \)/>\1/' "$f" >> "$T/corpus.mbox"
        [ -n "$(tail -c 1 "$f")" ] && echo >> "$T/corpus.mbox"
        echo >> "$T/corpus.mbox"
    done
    n=$(ls "$CORPUS"/*/* | wc -l)
else
    cp "$T/s/msg/list.eml" "$T/corpus.mbox"; n=1
fi
chmod 644 "$T/corpus.mbox"
snap() { (cd "$HOME" && find . -printf '%p %y %s %m %T@\n' | sort); }
snap > "$T/before"
PATH="$T/bin:$PATH" wt -q -r sidefx.rules "$T/corpus.mbox" > "$T/out" 2>&1
is $? 0 "sidefx.rules over the corpus: exit 0"
is "$(grep -c 'forwarded to elsewhere@example.org (sidefx.rules:3), piped to sendmail -t' "$T/out")" "$n" \
    "every message would be forwarded, piped, filed ($n)"
snap > "$T/after"
cmp -s "$T/before" "$T/after"
ok $? "no file under HOME created, changed or removed"
[ ! -e "$T/fake-ran" ]
ok $? "the fake sendmail never ran (no reply, forward, fake bounce, pipe or filter)"
if command -v strace > /dev/null 2>&1 && strace -f -qq -o /dev/null true 2> /dev/null; then
    (cd "$T/s/vm" && ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
        PATH="$T/bin:$PATH" HOME=$HOME strace -f -qq -o "$T/strace" \
        -e trace=open,openat,creat,execve,socket,connect,unlink,unlinkat,rename,renameat,renameat2,mkdir,mkdirat,link,linkat,symlink,symlinkat,truncate,chmod,fchmodat,chown,fchownat \
        $AS "$WEIR" test -q -r sidefx.rules "$T/corpus.mbox" > /dev/null 2>&1)
    is $? 0 "under strace: exit 0"
    grep -q 'sidefx.rules", O_RDONLY' "$T/strace"
    ok $? "strace saw the rules read (the trace is real)"
    grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(' "$T/strace" > "$T/writes"
    is "$(wc -l < "$T/writes" | tr -d ' ')" 0 "strace: no file opened for writing"
    grep -E '(unlink|rename|mkdir|link|symlink|truncate|chmod|chown)[a-z0-9]*\(' "$T/strace" | grep -v ' = -1 ' > "$T/fsops"
    is "$(wc -l < "$T/fsops" | tr -d ' ')" 0 "strace: no file created, renamed, removed or changed"
    grep 'execve(' "$T/strace" | grep ' = 0$' | grep -v "execve(\"$WEIR\"" |
        grep -v 'execve("[^"]*/setpriv"' > "$T/execs"
    is "$(wc -l < "$T/execs" | tr -d ' ')" 0 "strace: no program run"
    grep -E 'socket\((AF_INET|AF_INET6|PF_INET)' "$T/strace" > "$T/socks"
    is "$(wc -l < "$T/socks" | tr -d ' ')" 0 "strace: no network socket"
else
    for i in 1 2 3 4 5 6; do skip "strace not available or not permitted"; done
fi

# --run-programs: a filter really runs and later rules see its output;
# without the option it is only recorded.
cat > "$T/s/vm/filter.rules" <<'RULES'
filter "sed 's/^Subject: .*/Subject: FILTERED/'"
if header "Subject" is "FILTERED" { file "~/Maildir/.filtered/" }
RULES
chmod 644 "$T/s/vm/filter.rules"
wt -q -r filter.rules ../msg/list.eml > "$T/out" 2>&1
is "$(cat "$T/out")" "../msg/list.eml: delivered to $HOME/Maildir/ (implicit keep)" \
    "filter without --run-programs: not run, the message is unchanged"
wt -q --run-programs -r filter.rules ../msg/list.eml > "$T/out" 2>&1
is "$(cat "$T/out")" "../msg/list.eml: delivered to $HOME/Maildir/.filtered/ (filter.rules:2)" \
    "filter with --run-programs: run, later rules see its output"
printf 'filter "exit 3"\n' > "$T/s/vm/badfilter.rules"; chmod 644 "$T/s/vm/badfilter.rules"
wt -q --run-programs -r badfilter.rules ../msg/list.eml > "$T/out" 2>&1
is "$(tail -1 "$T/out")" "../msg/list.eml: delivered to $HOME/Maildir/ (implicit keep)" \
   "a failing filter with --run-programs: the message goes on unchanged, as a delivery's"
grep -q 'filter failed (4.3.0 .*exited 3): the message goes on unchanged' "$T/out"
ok $? "... and the failure is reported"
printf 'filter "exit 3" else defer\n' > "$T/s/vm/badfilter.rules"
wt -q --run-programs -r badfilter.rules ../msg/list.eml > "$T/out" 2>&1
grep -q "deferred" "$T/out"
ok $? "filter ... else defer, failing, with --run-programs: the verdict is deferred, as a delivery would"

done_testing
