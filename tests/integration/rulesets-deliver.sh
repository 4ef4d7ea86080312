#!/bin/sh
# rulesets-deliver.sh -- the shipped rulesets in real deliveries (the weir
# binary, real Maildirs), not only in weir test: system.rules quarantines a
# zip with an executable into .Quarantine/ with X-Weir-Quarantine and the
# score headers, and a user ruleset that bounces and forwards cannot undo
# it (exit 0, nothing sent); forged X-Weir-* fields are gone from the
# delivered file; junk.rules (level 2, nodns) + the README's one-line rule
# files GTUBE into .Junk/ with X-Weir-Score 10, X-Weir-Reasons and
# X-Weir-Junk; ordinary mail gets X-Weir-Junk "no, level 2" in the inbox.
. "$top_srcdir/tests/lib.sh"

mkdir -p "$HOME/.weir"
R="$HOME/.weir/rules"
md="$HOME/Maildir"
n() { count_files "$1"; }
reset() { rm -rf "$md" "$HOME/.weir/cache"; }
hdr() { sed -n "1,/^\$/s/^$1: //p" "$2"; }    # hdr NAME FILE: that field's values

cp "$top_srcdir/rulesets/system.rules" "$T/system.rules"
chmod 644 "$T/system.rules"
# a sendmail that records: nothing must be sent
printf '#!/bin/sh\necho sent >> "%s/sent"\ncat > /dev/null\n' "$T" > "$T/sendmail"
chmod 755 "$T/sendmail"
printf 'system_rules: %s\nsendmail: %s\ndefault_mailbox: "~/Maildir/"\n' "$T/system.rules" "$T/sendmail" > "$T/weir.yaml"

# 1. quarantine, final, the user's bounce and forward cannot undo it
cp "$TESTDATA/rulesets/user-overrides.rules" "$R"; chmod 600 "$R"
reset
"$WEIR" -c "$T/weir.yaml" -f sender@example.net -a me@example.org \
    < "$TESTDATA/corpus/rspamd/zip.eml" > "$T/out" 2> "$T/err"
rc=$?
is "$rc:$(n "$md/.Quarantine/new")" "0:1" "rspamd/zip.eml: exit 0, one file in .Quarantine/"
is "$(n "$md/new" 2>/dev/null):$(n "$md/.Elsewhere/new" 2>/dev/null)" "0:0" \
   "nothing in the inbox or the user's folder"
test ! -e "$T/sent"; ok $? "the user's forward was not sent"
f=$(ls "$md/.Quarantine/new/"* 2>/dev/null | head -1)
is "$(hdr X-Weir-Quarantine "$f")" "executable in archive: f.zip member fake.exe" "X-Weir-Quarantine says why"
is "$(hdr X-Weir-Score "$f")" "10" "X-Weir-Score: 10"

# 2. forged X-Weir-* fields from outside are not in the delivered message
: > "$R"
reset
"$WEIR" -c "$T/weir.yaml" -a me@example.org < "$TESTDATA/rulesets/forged-weir-headers.eml" 2> "$T/err"
f=$(ls "$md/new/"* 2>/dev/null | head -1)
is "$(hdr X-Weir-Score "$f" | tr '\n' ' ')" "0 " "forged X-Weir-Score -100 replaced by the system's 0"
is "$(hdr X-Weir-Reasons "$f")" "" "forged X-Weir-Reasons removed"
grep -q '^X-Weir-Quarantine' "$f"; is $? 1 "forged X-Weir-Quarantine removed"

# 3. junk.rules at level 2 with the README's rule
printf 'set junk_level = "2 nodns"\ninclude "%s"\nif score >= 10 { file "~/Maildir/.Junk/" stop }\n' \
    "$top_srcdir/rulesets/junk.rules" > "$R"
chmod 600 "$R"
reset
"$WEIR" -c "$T/weir.yaml" -a me@example.org < "$TESTDATA/corpus/rspamd/gtube.eml" 2> "$T/err"
is "$?:$(n "$md/.Junk/new")" "0:1" "rspamd/gtube.eml: filed into .Junk/"
f=$(ls "$md/.Junk/new/"* 2>/dev/null | head -1)
is "$(hdr X-Weir-Score "$f")" "10" "X-Weir-Score: 10 (one field: the system's was replaced)"
is "$(hdr X-Weir-Reasons "$f")" "gtube: the GTUBE spam test string (+10)" "X-Weir-Reasons"
is "$(hdr X-Weir-Junk "$f")" "yes, level 2" "X-Weir-Junk: yes, level 2"
"$WEIR" -c "$T/weir.yaml" -a me@example.org < "$TESTDATA/corpus/rspamd/ham.eml" 2> "$T/err"
rc=$?
f=$(ls "$md/new/"* 2>/dev/null | head -1)
is "$rc:$(hdr X-Weir-Junk "$f")" "0:no, level 2" "rspamd/ham.eml: inbox, X-Weir-Junk: no, level 2"
done_testing
