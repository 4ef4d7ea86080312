#!/bin/sh
# filter-edits.sh -- header edits and filters in a real delivery: an edit
# made before a filter is in the message the filter reads, the rules after
# the filter see it, and the delivered message holds it once (it is not
# applied again); an edit after the filter is applied on delivery.
. "$top_srcdir/tests/lib.sh"

msg="$TESTDATA/messages/ham-plain.eml"
HOME="$T/h"; export HOME
mkdir -p "$HOME/Maildir"
cat > "$T/rules" <<'RULES'
header add "X-Before" "1"
header set "Subject" "edited"
filter "tee ${home}/filter-input"
if header "X-Before" is "1" { header add "X-Seen-After" "yes" }
header add "X-After" "2"
file "~/Maildir/"
RULES
"$WEIR" -r "$T/rules" < "$msg" 2> "$T/err"
is $? 0 "delivered"
grep -q '^X-Before: 1$' "$HOME/filter-input" && grep -q '^Subject: edited$' "$HOME/filter-input"
ok $? "the filter read the edited header"
f=$(ls "$HOME/Maildir/new/"* 2>/dev/null | head -1)
hdr=$(sed '/^$/q' "$f")
is "$(printf '%s\n' "$hdr" | grep -c '^X-Before: 1$')" 1 "the edit before the filter is in the delivered message once"
is "$(printf '%s\n' "$hdr" | grep -c '^Subject: ')" 1 "one Subject"
printf '%s\n' "$hdr" | grep -q '^Subject: edited$'
ok $? "the edited Subject"
printf '%s\n' "$hdr" | grep -q '^X-Seen-After: yes$'
ok $? "a test after the filter saw the edit made before it"
is "$(printf '%s\n' "$hdr" | grep -c '^X-After: 2$')" 1 "the edit after the filter is applied on delivery"
done_testing
