#!/bin/sh
# tests/hardening/big-header.sh -- issue 10, item 11: header fields past
# limits.header_size were invisible to the rules (a message with 10k
# Received lines hid its Subject).  Now the fields rules need most (From,
# To, Cc, Subject, Message-ID, List-*, Content-Type...) are kept past the
# cap; other fields past it stay invisible; body tests see the body.
. "$top_srcdir/tests/lib.sh"

chmod 755 "$T"
mkdir -p "$HOME/.weir" "$HOME/Mail"
printf 'default_mailbox: ~/Maildir/\nlimits:\n  header_size: 16k\n' > "$T/weir.yaml"
awk 'BEGIN {
    printf "Return-Path: <a@example.org>\n";
    for (i = 0; i < 2000; i++)
        printf "Received: from relay%d.example.net (relay%d.example.net [192.0.2.%d]) by mx.example.org\n", i, i, i % 250;
    printf "From: Alice <alice@example.org>\nTo: bob@example.org\n";
    printf "Subject: the secret\n\tfolded part\nList-Id: <weir-dev.lists.example.org>\n";
    printf "X-Hidden: past the cap\nMessage-ID: <big@example.org>\n\n";
    printf "BODYMARK first line of the body\n" }' > "$T/m"
cat > "$HOME/.weir/rules" <<'EOT'
if header "Subject" contains "secret" { copy file "~/Mail/subject" }
if header "Subject" contains "folded part" { copy file "~/Mail/folded" }
if header "List-Id" matches /<([a-z-]+)\.lists/ { copy file "~/Mail/list-${1}" }
if address "From" domain is "example.org" { copy file "~/Mail/from" }
if header "X-Hidden" exists { copy file "~/Mail/hidden" }
if body contains "BODYMARK" { copy file "~/Mail/body" }
if body contains "Received:" { copy file "~/Mail/header-as-body" }
EOT
chmod 600 "$HOME/.weir/rules"
"$WEIR" -v -c "$T/weir.yaml" < "$T/m" > "$T/out" 2> "$T/err"
is "$?" 0 "delivered"
[ -f "$HOME/Mail/subject" ]; ok $? "Subject past the header cap: seen by the rules"
[ -f "$HOME/Mail/folded" ]; ok $? "... with its continuation line"
[ -f "$HOME/Mail/list-weir-dev" ]; ok $? "List-Id past the cap: seen (capture works)"
[ -f "$HOME/Mail/from" ]; ok $? "From past the cap: address tests work"
[ ! -f "$HOME/Mail/hidden" ]; ok $? "a field outside the kept list past the cap: still invisible"
[ -f "$HOME/Mail/body" ]; ok $? "body tests see the body"
[ ! -f "$HOME/Mail/header-as-body" ]; ok $? "... and not the rest of the header"
grep -q 'subject="the secret' "$T/err"; ok $? "the log line has the Subject"
cmp -s "$T/m" "$(find "$HOME/Maildir/new" -type f | head -n 1)"
ok $? "the delivered message is the whole message, byte for byte"
done_testing
