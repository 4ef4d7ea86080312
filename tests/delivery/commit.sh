#!/bin/sh
# Commit semantics: implicit keep (real weir and the driver), file/copy,
# Maildir/Maildir++/MH/mbox targets, duplicates, discard, bounce, defer,
# fakebounce/reply, pipe kept, shadow, fallback to the default mailbox,
# whole-message deferral with roll-back, and the log line.
. "$top_srcdir/tests/delivery/lib-delivery.sh"

M="$T/msg"; mkmsg "$M" one
MD="$HOME/Maildir"

# The real binary with no rules: implicit keep through commit_run().
"$WEIR" < "$M" 2> "$T/err"; is "$?" 0 "weir: exit 0"
is "$(count_files "$MD/new")" 1 "weir: implicit keep into ~/Maildir/new"
is "$(cat "$T/err")" "" "weir: nothing on stderr"
cmp -s "$M" "$MD"/new/* ; ok $? "weir: file is the message"

"$DRIVER" file:inbox < "$M"; is "$?" 0 "file:inbox exit 0"
is "$("$SPLIT" "$HOME/Mail/inbox" "$T" 2>&1)" 1 "mbox ~/Mail/inbox has 1 message"
is "$(count_files "$MD/new")" 1 "file cancels implicit keep"
"$DRIVER" copy:inbox < "$M"; is "$?" 0 "copy:inbox exit 0"
is "$(count_files "$MD/new")" 2 "copy keeps implicit keep"
rm -rf "$HOME/Mail" "$MD"

"$DRIVER" file:a file:b/ file:c/. file:a file:lists/deep/d < "$M"; is "$?" 0 "four targets: exit 0"
mkdir -p "$T/s"
is "$("$SPLIT" "$HOME/Mail/a" "$T/s")" 1 "duplicate target delivered once"
is "$(count_files "$MD/b/new")" 1 "Maildir target b/"
is "$(count_files "$HOME/Mail/c")" 1 "MH target c/."
cmp -s "$M" "$HOME/Mail/c/1"; ok $? "MH message 1 is the message"
is "$("$SPLIT" "$HOME/Mail/lists/deep/d" "$T/s")" 1 "missing directories under the mail root created"
[ ! -d "$MD/new" ]; ok $? "no implicit keep"
"$DRIVER" file:c/. < "$M"; "$DRIVER" file:c/. < "$M"
is "$(cd "$HOME/Mail/c" && ls | tr '\n' ' ')" "1 2 3 " "MH numbers 1 2 3"

"$DRIVER" file:.lists.weir/ < "$M"; is "$?" 0 "Maildir++ target"
[ -f "$MD/.lists.weir/maildirfolder" ]; ok $? "maildirfolder marker"
is "$(stat -c %a "$MD/.lists.weir" "$MD/.lists.weir/new" "$MD" | tr '\n' ' ')" "700 700 700 " "modes 0700"
is "$(count_files "$MD/.lists.weir/new")" 1 "delivered into .lists.weir/new"
[ -d "$MD/cur" ] && [ -d "$MD/tmp" ]; ok $? "root Maildir created for the subfolder"
rm -rf "$HOME/Mail" "$MD"

"$DRIVER" discard < "$M"; is "$?" 0 "discard: exit 0"
[ ! -e "$MD" ] && [ ! -e "$HOME/Mail" ]; ok $? "discard: nothing delivered"
"$DRIVER" discard copy:kept < "$M"; is "$?" 0 "discard + copy"
[ -f "$HOME/Mail/kept" ] && [ ! -e "$MD" ]; ok $? "discard + copy: only the copy"
rm -rf "$HOME/Mail"

"$DRIVER" file:x bounce:'Go away, spammer' < "$M" 2> "$T/err"; is "$?" 77 "bounce: exit 77"
is "$(cat "$T/err")" "5.7.1 weir: Go away, spammer" "bounce: 5.7.1 line with the rule's text"
[ ! -e "$HOME/Mail" ] && [ ! -e "$MD" ]; ok $? "bounce: nothing delivered"
"$DRIVER" copy:x bounce:b defer:'Try later' < "$M" 2> "$T/err"; is "$?" 75 "defer: exit 75"
is "$(cat "$T/err")" "4.2.1 weir: Try later" "defer: 4.2.1 line"
[ ! -e "$HOME/Mail" ] && [ ! -e "$MD" ]; ok $? "defer: nothing delivered"

# reply and fakebounce through the recording FAKE sendmail
# (tests/resp/fake-sendmail: records into $HOME/sent/, exits with
# $HOME/sendmail.exit); tests/resp/deliver.sh has the rest.
FAKE="$top_srcdir/tests/resp/fake-sendmail"
sent() { find "$HOME/sent" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l | tr -d ' '; }
rm -rf "$MD" "$HOME/sent"
"$DRIVER" -s "$FAKE" reply:away < "$M"; is "$?" 0 "reply to the null sender: exit 0"
is "$(count_files "$MD/new")/$(sent)" 1/0 "reply to the null sender: suppressed, message kept"
rm -rf "$MD"
"$DRIVER" -s "$FAKE" fakebounce < "$M"; is "$?" 0 "fakebounce to the null sender: exit 0"
[ ! -e "$MD" ] && [ "$(sent)" = 0 ]; ok $? "fakebounce to <>: suppressed, message dropped (the rule said so)"
"$DRIVER" -s "$FAKE" -f bob@example.com fakebounce < "$M"; is "$?" 0 "fakebounce, From another organisation: exit 0"
[ ! -e "$MD" ] && [ "$(sent)" = 0 ]; ok $? "fakebounce, From @example.org, envelope @example.com: no backscatter"
"$DRIVER" -s "$FAKE" -f bob@example.org fakebounce < "$M"; is "$?" 0 "fakebounce: exit 0"
[ ! -e "$MD" ] && [ "$(sent)" = 1 ]; ok $? "fakebounce: the DSN handed to sendmail, message dropped"
echo 1 > "$HOME/sendmail.exit"
"$DRIVER" -s "$FAKE" -f carol@example.org fakebounce < "$M"; is "$?" 0 "fakebounce, sendmail fails: exit 0"
is "$(count_files "$MD/new")" 1 "fakebounce, sendmail fails: message kept in the default mailbox"
rm -rf "$MD" "$HOME/sent" "$HOME/sendmail.exit" "$HOME/.weir/state"

# pipe and forward through lda/sys/child.c.
"$DRIVER" -f test@example.org pipe:"cat > '$T/piped'; echo \"\$SENDER|\$RECIPIENT\" > '$T/pipe-env'" < "$M"
is "$?" 0 "pipe: exit 0"
cmp -s "$M" "$T/piped"; ok $? "pipe: the program got the message on stdin"
is "$(cat "$T/pipe-env")" "test@example.org|$(id -un)" "pipe: SENDER and RECIPIENT set"
[ ! -e "$MD" ]; ok $? "pipe cancels implicit keep"
"$DRIVER" cpipe:"cat > /dev/null" < "$M"; is "$(count_files "$MD/new")" 1 "pipe :copy keeps implicit keep"
rm -rf "$MD"
"$DRIVER" pipe:"cat > /dev/null; exit 3" < "$M"; is "$?" 0 "failing pipe: exit 0"
is "$(count_files "$MD/new")" 1 "failing pipe: default mailbox instead"
rm -rf "$MD"
"$DRIVER" -D /nonexistent/Maildir/ file:good/ pipe:"exit 1" < "$M" 2>/dev/null
is "$?" 75 "failing pipe, failing default mailbox: exit 75"
is "$(count_files "$MD/good/new")" 0 "failing pipe, failing default: folder delivery taken back"
rm -rf "$MD"
"$DRIVER" tpipe:"touch '$T/injected'" < "$M"; is "$?" 0 "tainted pipe: exit 0"
[ ! -e "$T/injected" ] && [ "$(count_files "$MD/new")" = 1 ]; ok $? "tainted pipe refused, default mailbox instead"
rm -rf "$MD"

cat > "$T/sendmail" <<SM
#!/bin/sh
printf '%s\n' "\$@" > '$T/sm-args'
cat > '$T/sm-in'
SM
chmod 755 "$T/sendmail"
"$DRIVER" -s "$T/sendmail" -f 'orig@example.org' forward:fwd@example.net < "$M"
is "$?" 0 "forward: exit 0"
is "$(tr '\n' ' ' < "$T/sm-args")" "-oi -f orig@example.org -- fwd@example.net " "forward: sendmail -oi -f sender -- target"
{ printf 'X-Loop: %s\n' "$(id -un)"; cat "$M"; } | cmp -s - "$T/sm-in"
ok $? "forward: sendmail got the loop marker X-Loop: <recipient>, then the message"
[ ! -e "$MD" ]; ok $? "forward cancels implicit keep"
# what we forwarded comes back: not forwarded again, kept
cp "$T/sm-in" "$T/looped"; rm -f "$T/sm-args"
"$DRIVER" -s "$T/sendmail" -f 'orig@example.org' forward:fwd@example.net < "$T/looped"
[ ! -e "$T/sm-args" ] && [ "$(count_files "$MD/new")" = 1 ]; ok $? "our X-Loop: a forwarding loop, not forwarded, kept"
rm -rf "$MD"
sed 's/^X-Loop: .*/X-Loop: someone-else@example.net/' "$T/looped" > "$T/other"
"$DRIVER" -s "$T/sendmail" -f 'orig@example.org' forward:fwd@example.net < "$T/other"
[ -e "$T/sm-args" ] && [ ! -e "$MD" ]; ok $? "another X-Loop: forwarded"
set --; i=0; while [ $i -lt 11 ]; do set -- "$@" "forward:f$i@example.net"; i=$((i + 1)); done
"$DRIVER" -s "$T/sendmail" -v -f 'orig@example.org' "$@" < "$M" 2> "$T/err"
is "$(grep ' status=' "$T/err" | grep -o 'refused: too many forwards' | wc -l | tr -d ' '):$(count_files "$MD/new")" 1:1 \
   "11 forwards: the 11th refused (at most 10), the default mailbox instead"
rm -rf "$MD"
"$DRIVER" -s "$T/sendmail" -f '' forward:fwd@example.net < "$M"
is "$(sed -n 3p "$T/sm-args")" "<>" "forward of a null-sender message: -f <>"
rm -f "$T/sm-args"
"$DRIVER" -s "$T/sendmail" forward:-oQ/tmp/evil < "$M"; is "$?" 0 "forward to an option-like address: exit 0"
[ ! -e "$T/sm-args" ] && [ "$(count_files "$MD/new")" = 1 ]; ok $? "option-like address refused, default mailbox"
rm -rf "$MD"
"$DRIVER" -s "$T/sendmail" tforward:x@evil.example < "$M"
[ ! -e "$T/sm-args" ] && [ "$(count_files "$MD/new")" = 1 ]; ok $? "tainted forward address refused, default mailbox"
rm -rf "$MD"
printf '#!/bin/sh\ncat > /dev/null\nexit 75\n' > "$T/sendmail-fail"; chmod 755 "$T/sendmail-fail"
"$DRIVER" -s "$T/sendmail-fail" forward:fwd@example.net < "$M"; is "$?" 0 "sendmail exits 75: exit 0"
is "$(count_files "$MD/new")" 1 "sendmail failed: default mailbox instead"
rm -rf "$MD"
"$DRIVER" shadow:shadowbox < "$M"; is "$?" 0 "shadow: exit 0"
[ ! -e "$HOME/Mail/shadowbox" ] && [ "$(count_files "$MD/new")" = 1 ]; ok $? "shadow: not performed, kept"
rm -rf "$MD"

# A failing target falls back to the default mailbox.
"$DRIVER" file:/nonexistent-dir/box < "$M"; is "$?" 0 "failed target: exit 0"
is "$(count_files "$MD/new")" 1 "failed target: default mailbox instead"
rm -rf "$MD"; mkdir -p "$HOME/Mail"
"$DRIVER" -D "$T/alt/" file:"$HOME/Mail" < "$M"; is "$?" 0 "mbox that is a directory: exit 0"
is "$(count_files "$T/alt/new")" 1 "configured default mailbox used"

# Default mailbox fails too: exit 75 and every other delivery taken back.
mkmsg "$T/prev" prev; "$DRIVER" file:keepme < "$T/prev"
cp "$HOME/Mail/keepme" "$T/keepme.before"
"$DRIVER" -D /nonexistent/Maildir/ file:good/ file:keepme file:mh/. file:/nonexistent-dir/box < "$M" 2> "$T/err"
is "$?" 75 "target and default mailbox fail: exit 75"
case "$(cat "$T/err")" in 4.*) ok 0 "4.x.x status line";; *) ok 1 "4.x.x status line: $(cat "$T/err")";; esac
cmp -s "$HOME/Mail/keepme" "$T/keepme.before"; ok $? "mbox target rolled back byte-identical"
is "$(count_files "$MD/good/new")$(count_files "$MD/good/tmp")" 00 "Maildir target: nothing in new/ or tmp/"
is "$(ls -A "$HOME/Mail/mh" | wc -l)" 0 "MH target: no message, no temporary file"
is "$(ls -A "$HOME/.weir/append" | wc -l)" 0 "no append record left"
[ ! -e "$HOME/Mail/keepme.lock" ]; ok $? "no dotlock left"

# The one log line (-v copies it to stderr).
rm -rf "$MD"
printf 'From: a@b\nSubject: caf\303\251 \033[31mred\nMessage-ID: <log@test>\n\nx\n' > "$T/logmsg"
"$DRIVER" -v -f 'sender@example.org' file:lg copy:lgd/ discard log:hello < "$T/logmsg" 2> "$T/err"
grep -c 'status=' "$T/err" | grep -qx 1; ok $? "one log line"
L=$(grep 'status=' "$T/err")
case "$L" in *"from=<sender@example.org>"*"message-id=<log@test>"*'subject="caf'*'?[31mred"'*) ok 0 "log line: sender, message-id, sanitised subject";;
    *) ok 1 "log line: sender, message-id, sanitised subject: $L";; esac
case "$L" in *'file "lg" (driver:1) -> '"$HOME/Mail/lg"*'file :copy "lgd/" (driver:2) -> '"$MD/lgd/new/"*) ok 0 "log line: each action, its folder, its rule line";;
    *) ok 1 "log line: each action, its folder, its rule line: $L";; esac
case "$L" in *'discard (driver:3)'*'log (driver:4) "hello"'*) ok 0 "log line: discard and log actions";;
    *) ok 1 "log line: discard and log actions: $L";; esac
done_testing
