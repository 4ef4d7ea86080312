#!/bin/sh
# dupfixture.sh -- a suite case's `fixtures: state: seen:` is the duplicate
# state the `duplicate` test sees in weir test (weir-test(1) SUITES): a
# Message-ID with or without <>, a `duplicate key` text; an id not listed
# is not a duplicate; and the user's own duplicate.db is not read then.
# (Before, the fixture was parsed and ignored: every case read the DB.)
. "$top_srcdir/tests/lib.sh"

chmod 755 "$T"
mkdir "$T/s"
cat > "$T/s/dup.rules" <<'RULES'
if duplicate { file "~/Maildir/.Dup/" stop }
if header "Subject" matches /^order (\d+)$/ and duplicate key "order ${1}" within 30 days {
    file "~/Maildir/.DupKey/" stop
}
RULES
cat > "$T/s/dup.yaml" <<'SUITE'
rules: dup.rules
cases:
  - name: a Message-ID listed with its <> is a duplicate
    message: "Message-ID: <a@example.org>\nSubject: x\n\nb\n"
    fixtures: { state: { seen: [ "<a@example.org>" ] } }
    expect: { actions: [ { file: ~/Maildir/.Dup/ } ] }
  - name: a Message-ID listed without <> is a duplicate
    message: "Message-ID: <a@example.org>\nSubject: x\n\nb\n"
    fixtures: { state: { seen: [ "a@example.org" ] } }
    expect: { actions: [ { file: ~/Maildir/.Dup/ } ] }
  - name: another Message-ID is not
    message: "Message-ID: <b@example.org>\nSubject: x\n\nb\n"
    fixtures: { state: { seen: [ "<a@example.org>" ] } }
    expect: { actions: [], keep: true }
  - name: a key listed is a duplicate
    message: "Message-ID: <c@example.org>\nSubject: order 42\n\nb\n"
    fixtures: { state: { seen: [ "order 42" ] } }
    expect: { actions: [ { file: ~/Maildir/.DupKey/ } ] }
  - name: another key is not
    message: "Message-ID: <c@example.org>\nSubject: order 43\n\nb\n"
    fixtures: { state: { seen: [ "order 42" ] } }
    expect: { actions: [], keep: true }
SUITE
chmod -R a+rX "$T/s"
if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    AS=
fi
(cd "$T/s" && HOME=$HOME $AS "$WEIR" test --suite dup.yaml) > "$T/out" 2>&1
is $? 0 "the suite passes: $(tail -1 "$T/out")"
grep -v '^ok' "$T/out" | sed 's/^/# /'
done_testing
