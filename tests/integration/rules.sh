#!/bin/sh
# rules.sh -- the real binary delivering through ~/.weir/rules: rules route
# messages into folders; a broken, refused or missing rule file still
# delivers (implicit keep); discard, bounce and defer do what they say with
# the right exit codes and status lines; ~/.weir/hold holds mail (75); the
# bytecode cache is written, reused, and a corrupt one is rebuilt; a
# message-derived folder name cannot leave the mail root.
. "$top_srcdir/tests/lib.sh"

mkdir -p "$HOME/.weir"
R="$HOME/.weir/rules"
md="$HOME/Maildir"
list="$TESTDATA/messages/list-mailman.eml"
plain="$TESTDATA/messages/crlf-endings.eml"
n() { count_files "$1"; }
reset() { rm -rf "$md" "$HOME/.weir/cache"; }

# 1. Routing by List-Id into a Maildir++ folder.
cat > "$R" <<'RULES'
if header "List-Id" matches /<([a-z0-9-]+)\./ {
    file "~/Maildir/.lists.${1}/"
    stop
}
RULES
chmod 600 "$R"
reset
"$WEIR" < "$list"
ok $? "list message: exit 0"
is "$(n "$md/.lists.wine-announce/new")" 1 "filed into ~/Maildir/.lists.wine-announce/"
test -f "$md/.lists.wine-announce/maildirfolder"
ok $? "Maildir++ folder has its maildirfolder marker"
is "$(n "$md/new")" 0 "not also kept in the inbox"
"$WEIR" < "$plain"
is "$(n "$md/new")" 1 "a message no rule files: implicit keep into ~/Maildir/"

# 2. The exact envelope sender from the From_ line (not a sanitised $SENDER).
cat > "$R" <<'RULES'
if envelope from is "o'b&x|y@example.org" { file "~/Maildir/.exact/" }
RULES
reset
{ printf "From o'b&x|y@example.org Sat Nov 28 01:00:00 2026\n"; cat "$plain"; } |
    SENDER=o_b_x_y@example.org "$WEIR"
is "$(n "$md/.exact/new")" 1 "envelope from is the exact From_ line address"

# 3. A broken rule file: implicit keep, exit 0, the error logged with its position.
printf 'if header "Subject" contain "x" {\n    discard\n}\n' > "$R"
reset
"$WEIR" -v < "$plain" 2> "$T/err"
ok $? "broken rules: exit 0"
is "$(n "$md/new")" 1 "broken rules: implicit keep"
grep -q 'rules:1:[0-9]*: error' "$T/err"
ok $? "broken rules: the log names file:line:col"

# 4. Refused rule files (group/world-writable): implicit keep, rules not run.
printf 'discard\n' > "$R"
chmod 666 "$R"
reset
"$WEIR" -v < "$plain" 2> "$T/err"
ok $? "world-writable rules: exit 0"
is "$(n "$md/new")" 1 "world-writable rules: not run (no discard), implicit keep"
chmod 620 "$R"
reset
"$WEIR" < "$plain"
is "$(n "$md/new")" 1 "group-writable rules: not run, implicit keep"
chmod 600 "$R"

# 4b. weir test refuses the same file a delivery refuses (and says why).
if [ "$(id -u)" = 0 ]; then AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"; else AS=; fi
chmod 755 "$T"; mkdir -p "$T/wt"; chmod 755 "$T/wt"
printf 'discard\n' > "$T/wt/r"; cp "$plain" "$T/wt/m"; chmod 644 "$T/wt/m"
chmod 666 "$T/wt/r"
$AS env HOME="$T/wt" "$WEIR" test -q -r "$T/wt/r" "$T/wt/m" > "$T/out" 2> "$T/err"
is $? 65 "weir test: world-writable rules refused (exit 65)"
grep -q "refused, as a delivery would refuse it: .*world-writable" "$T/err"
ok $? "weir test: the refusal names the reason"
chmod 644 "$T/wt/r"
$AS env HOME="$T/wt" "$WEIR" test -q -r "$T/wt/r" "$T/wt/m" > "$T/out" 2> "$T/err"
is $? 0 "weir test: the same rules once fixed are run"

# 5. discard, bounce, defer.
reset
"$WEIR" < "$plain"
ok $? "discard: exit 0"
test ! -d "$md/new" || is "$(n "$md/new")" 0 "discard: nothing delivered"
printf 'bounce "no such mailbox here"\n' > "$R"
reset
"$WEIR" < "$plain" 2> "$T/err"
r=$?
[ "$r" != 0 ] && [ "$r" != 75 ]
ok $? "bounce: a permanent exit code ($r)"
grep -q '^5\.[0-9]\.[0-9] .*no such mailbox here' "$T/err"
ok $? "bounce: one 5.x.x line with the rule's text"
test ! -d "$md/new" || is "$(n "$md/new")" 0 "bounce: nothing delivered"
printf 'defer "busy"\n' > "$R"
reset
"$WEIR" < "$plain" 2> "$T/err"
is $? 75 "defer: exit 75"
grep -q '^4\.[0-9]\.[0-9] ' "$T/err"
ok $? "defer: a 4.x.x line"

# 6. -r names the rule file.
printf 'file "~/Maildir/.viaR/"\n' > "$T/other.rules"; chmod 600 "$T/other.rules"
reset
"$WEIR" -r "$T/other.rules" < "$plain"
is "$(n "$md/.viaR/new")" 1 "-r FILE: its rules are used"

# 7. ~/.weir/hold: exit 75, nothing delivered, rules not read.
printf 'file "~/Maildir/.held/"\n' > "$R"
: > "$HOME/.weir/hold"
reset
"$WEIR" < "$plain" 2> "$T/err"
is $? 75 "hold file: exit 75"
test ! -e "$md"
ok $? "hold file: nothing delivered"
rm -f "$HOME/.weir/hold"

# 8. The cache: written on first use, reused, a corrupt one rebuilt.
reset
"$WEIR" < "$plain"
c=$(find "$HOME/.weir/cache" -type f 2>/dev/null | head -n 1)
[ -n "$c" ]
ok $? "a compiled cache file is written under ~/.weir/cache"
before=$(stat -c %Y.%i "$c" 2>/dev/null)
"$WEIR" < "$plain"
is "$(stat -c %Y.%i "$c" 2>/dev/null)" "$before" "second delivery reuses the cache (not rewritten)"
is "$(n "$md/.held/new")" 2 "both delivered by the cached rules"
printf 'garbage' | dd of="$c" bs=1 seek=20 conv=notrunc 2>/dev/null
"$WEIR" < "$plain"
ok $? "corrupt cache: exit 0"
is "$(n "$md/.held/new")" 3 "corrupt cache: rules still applied (rebuilt)"

# 9. A message-derived folder name cannot leave the mail root.
cat > "$R" <<'RULES'
if header "X-Folder" matches /^(.+)$/ { file "~/Maildir/${1}/" }
RULES
reset
for bad in "../../escape" "/etc" ".." "a/../../b" "new"; do
    printf 'X-Folder: %s\nSubject: t\n\nb\n' "$bad" | "$WEIR"
done
is "$(n "$md/new")" 5 "5 hostile X-Folder names: all 5 in the default mailbox"
test ! -e "$T/escape" && test ! -e "$HOME/escape"
ok $? "nothing written outside the mail root"

# 10. Body tests see the first limits.body_scan bytes (1 MiB by default).
cat > "$R" <<'RULES'
if body contains "NEEDLE-7f3a" { file "~/Maildir/.found/" }
RULES
reset
{ printf 'Subject: near\n\nNEEDLE-7f3a\n'; head -c 2000000 /dev/zero | tr '\0' 'a'; printf '\n'; } > "$T/near"
{ printf 'Subject: far\n\n'; head -c 2000000 /dev/zero | tr '\0' 'a'; printf '\nNEEDLE-7f3a\n'; } > "$T/far"
"$WEIR" < "$T/near"; "$WEIR" < "$T/far"
is "$(n "$md/.found/new") $(n "$md/new")" "1 1" "a body pattern within 1 MiB is seen, one 2 MB further is not"
printf 'limits:\n  body_scan: 4M\n' > "$T/weir.yaml"
reset
"$WEIR" -c "$T/weir.yaml" < "$T/far"
is "$(n "$md/.found/new")" 1 "limits.body_scan: 4M lets the body test see it"

# 11. The system ruleset runs first, and its `final` decisions stick.
cat > "$T/system.rules" <<'RULES'
if header "Subject" contains "quarantine-me" { final file "~/Maildir/.Quarantine/" }
if header "Subject" contains "plain-system" { file "~/Maildir/.Sys/" }
if header "Subject" contains "drop-me" { final discard }
RULES
chmod 644 "$T/system.rules"
printf 'system_rules: %s\n' "$T/system.rules" > "$T/sys.yaml"
printf 'bounce "not wanted"\n' > "$R"
reset
printf 'Subject: quarantine-me\n\nb\n' | "$WEIR" -c "$T/sys.yaml" 2> "$T/err"
is "$?:$(n "$md/.Quarantine/new")" "0:1" "final system file: the user's bounce cannot undo it"
printf 'Subject: plain-system\n\nb\n' | "$WEIR" -c "$T/sys.yaml" 2> "$T/err"
r=$?
is "$r:$(n "$md/.Sys/new" 2>/dev/null)" "77:0" "without final, the user's bounce wins (control)"
printf 'file "~/Maildir/.mine/"\n' > "$R"
reset
printf 'Subject: drop-me\n\nb\n' | "$WEIR" -c "$T/sys.yaml"
is "$?:$(n "$md/.mine/new" 2>/dev/null):$(n "$md/new" 2>/dev/null)" "0:0:0" \
    "final system discard: the user's file cannot bring the message back"

# 12. Header edits reach the delivered message; the body is kept as it was.
cat > "$R" <<'RULES'
header add "X-Weir-Seen" "yes"
header set "Subject" "[tagged] original"
header remove "X-Drop-Me"
rule "trial" shadow { header add "X-Shadow" "no" }
if header "X-Weir-Seen" is "yes" { file "~/Maildir/.edited/" }
RULES
reset
printf 'Subject: original\nX-Drop-Me: 1\nX-Drop-Me: 2\nFrom: a@example.org\n\nbody line 1\nbody line 2\n' | "$WEIR"
ok $? "header edits: exit 0"
f=$(find "$md/.edited/new" -type f 2>/dev/null | head -n 1)
[ -n "$f" ]
ok $? "header edits: later rules saw the added header (filed into .edited)"
sed '/^$/q' "$f" | grep -qx 'X-Weir-Seen: yes'
ok $? "header add: the field is in the delivered message"
is "$(grep -c '^Subject: ' "$f")" 1 "header set: one Subject left"
grep -qx 'Subject: \[tagged\] original' "$f"
ok $? "header set: the new value"
! grep -q '^X-Drop-Me' "$f"
ok $? "header remove: every occurrence gone"
! grep -q '^X-Shadow' "$f"
ok $? "a shadow rule's header edit is not applied"
is "$(sed '1,/^$/d' "$f")" "$(printf 'body line 1\nbody line 2')" "the body is byte for byte the same"

# 13. A broken or refused system ruleset holds mail (4.3.5, exit 75) as a
# broken weir.yaml does: the administrator's policy is never silently off.
cat > "$T/system.rules" <<'RULES'
if header "Subject" contains "malware" { final file "~/Maildir/.Quarantine/" }
if header "Subject" contain "typo" { discard }
RULES
chmod 644 "$T/system.rules"
printf 'file "~/Maildir/.mine/"\n' > "$R"
reset
printf 'Subject: malware inside\n\nb\n' | "$WEIR" -c "$T/sys.yaml" > "$T/out" 2> "$T/err"
is "$?" 75 "system rules that do not compile: exit 75 (mail held)"
test ! -e "$md"
ok $? "system rules that do not compile: nothing delivered (not even the user's folder)"
is "$(head -n 1 "$T/err" | cut -c1-6)" "4.3.5 " "the MTA's line starts with 4.3.5"
grep -q '^4\.3\.5 .*system\.rules:2:[0-9]*: .*contain' "$T/err"
ok $? "the status line names the first error with its position"
printf 'if header "Subject" contains "malware" { final file "~/Maildir/.Quarantine/" }\n' > "$T/system.rules"
chmod 666 "$T/system.rules"
printf 'Subject: malware inside\n\nb\n' | "$WEIR" -c "$T/sys.yaml" > "$T/out" 2> "$T/err"
is "$?" 75 "world-writable system rules: exit 75 (mail held)"
test ! -e "$md"
ok $? "world-writable system rules: nothing delivered"
grep -q '^4\.3\.5 .*world-writable' "$T/err"
ok $? "the status line says why the system rules were refused"
chmod 644 "$T/system.rules"
printf 'Subject: malware inside\n\nb\n' | "$WEIR" -c "$T/sys.yaml"
is "$?:$(n "$md/.Quarantine/new")" "0:1" "the same ruleset once fixed quarantines (control)"
rm -f "$T/system.rules"
reset
printf 'Subject: malware inside\n\nb\n' | "$WEIR" -c "$T/sys.yaml"
is "$?:$(n "$md/.mine/new")" "0:1" "no system ruleset at all is not an error: the user's rules run"

# 14. A test that cannot be decided is not turned into true by `not`: a
# regex that hits its match limit leaves the condition not taken, and an
# if/else runs neither branch.
cat > "$R" <<'RULES'
if not header "Subject" matches /^(a+)+$/ { file "~/Maildir/.fired/" }
if header "Subject" matches /^(a+)+$/ { file "~/Maildir/.fired2/" } else { file "~/Maildir/.else/" }
RULES
reset
long=$(head -c 40 /dev/zero | tr '\0' 'a')
printf 'Subject: %s!\n\nb\n' "$long" | "$WEIR" -v 2> "$T/err"
is "$?:$(n "$md/new")" "0:1" "an undecided regex under not: implicit keep"
test ! -e "$md/.fired" && test ! -e "$md/.fired2" && test ! -e "$md/.else"
ok $? "neither the negated condition, nor the if, nor its else was taken"
grep -q 'rules:1: regex match limit reached: test undecided' "$T/err"
ok $? "the log says the test was undecided, with its line"
printf 'Subject: plain\n\nb\n' | "$WEIR"
is "$(n "$md/.fired/new"):$(n "$md/.else/new")" "1:1" "a decided subject takes both rules (control)"
printf 'Subject: %s!\n\nb\n' "$long" > "$T/wt/long.eml"; chmod 644 "$T/wt/long.eml"
cp "$R" "$T/wt/r"; chmod 644 "$T/wt/r"
$AS env HOME="$T/wt" "$WEIR" test --trace -S -r "$T/wt/r" "$T/wt/long.eml" > "$T/out" 2>&1
grep -q -- 'header "Subject" matches .* -> undecided$' "$T/out"
ok $? "weir test --trace shows the test as undecided"

# 15. A target spelled as an mbox that names an existing Maildir is
# delivered into that Maildir (maildrop does the same), not refused and
# filed in the inbox; a missing one is still an mbox file.
printf 'file "~/Maildir/.Spam"\n' > "$R"
reset
mkdir -p "$md/.Spam/cur" "$md/.Spam/new" "$md/.Spam/tmp"
printf 'Subject: s\n\nb\n' | "$WEIR" 2> "$T/err"
is "$?:$(n "$md/.Spam/new"):$(n "$md/new")" "0:1:0" "file \"~/Maildir/.Spam\" (no slash) into the existing Maildir .Spam/"
printf 'file "~/Maildir/.Other"\n' > "$R"
printf 'Subject: s\n\nb\n' | "$WEIR"
test -f "$md/.Other" && grep -q '^Subject: s' "$md/.Other"
ok $? "a name that is no existing Maildir is an mbox file, as before"

# 16. ~/.weir/log stays text: a raw 8-bit (Latin-1) Subject is logged with
# its non-UTF-8 bytes as \xHH, valid UTF-8 as it is.
rm -f "$R"
printf 'logging:\n  user_log: true\n' > "$HOME/.weir/config.yaml"
rm -f "$HOME/.weir/log"
reset
printf 'Subject: caf\351 cr\350me \303\251t\303\251\n\nb\n' | "$WEIR"
want=$(printf 'subject="caf\\\\xE9 cr\\\\xE8me \303\251t\303\251"')
grep -aq "$want" "$HOME/.weir/log"
ok $? "the Latin-1 bytes are logged as \\xE9 and \\xE8, the UTF-8 ones as they are"
iconv -f UTF-8 -t UTF-8 "$HOME/.weir/log" > /dev/null 2>&1
ok $? "the log is valid UTF-8"
out=$(LC_ALL=C.UTF-8 grep 'subject=' "$HOME/.weir/log" 2>&1)
case $out in *"inary file"*|"") false ;; *) true ;; esac
ok $? "grep in a UTF-8 locale prints the line (not 'binary file matches')"
rm -f "$HOME/.weir/config.yaml"

done_testing
