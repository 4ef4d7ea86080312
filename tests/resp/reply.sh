#!/bin/sh
# reply.sh -- vacation replies (lda/resp/responder.h) through the
# recording fake sendmail: every suppression rule both ways (the trigger
# suppresses, the same message without it is answered); the reply parsed
# back by Python's email package (headers, threading, Re: without
# stacking, RFC 2047, MIME); CR/LF smuggled through encoded words or the
# rule's own text never adds a header; sendmail's argv and envelope; 100
# messages from one sender inside the period give one reply and one more
# after it; two users on vacation answer each other at most once; a
# failed sendmail records nothing; a damaged reply database sends nothing
# (fail-closed) and is recovered for the next message.
. "$top_srcdir/tests/resp/lib-resp.sh"

PY="python3 $top_srcdir/tests/resp/parse_mail.py"
TEXT="I am away until Monday."

# ---- suppression, table-driven: sender | extra header | reason ----
check() {   # check DESCRIPTION SENDER HEADER WANT-REASON [CONTROL-SENDER CONTROL-HEADER]
    got=$(msg ${3:+"$3"} | drv --dry --sender "$2" --reply "$TEXT")
    case $got in
        "suppressed: "*"$4"*) ok 0 "$1: suppressed" ;;
        *) ok 1 "$1: suppressed"; echo "#   got: $got" ;;
    esac
    got=$(msg ${6:+"$6"} | drv --dry --sender "${5-bob@example.com}" --reply "$TEXT")
    is "$got" "would send" "$1: control is answered"
}
check "null sender" "" "" "envelope sender is empty"
check "sender with a space" "bob smith@example.com" "" "not a plain address"
for s in MAILER-DAEMON postmaster LISTSERV majordomo owner-cats cats-request \
         noreply no-reply do-not-reply donotreply cats-bounces bounces+x=y; do
    check "system sender $s" "$s@example.com" "" "system, list or no-reply"
done
check "own address" "alice@example.org" "" "your own addresses"
check "own address with +detail" "Alice+news@Example.ORG" "" "your own addresses"
check "List-Id" bob@example.com "List-Id: <cats.example.com>" "List-Id header"
check "List-Unsubscribe" bob@example.com "List-Unsubscribe: <mailto:x@example.com>" \
      "List-Unsubscribe header"
check "Auto-Submitted: auto-replied" bob@example.com "Auto-Submitted: auto-replied" \
      "Auto-Submitted: auto-replied" bob@example.com "Auto-Submitted: no"
check "Auto-Submitted: auto-generated" bob@example.com "Auto-Submitted: Auto-Generated (x)" \
      "Auto-Submitted: auto-generated" bob@example.com "Auto-Submitted: No"
for p in bulk list junk; do
    check "Precedence: $p" bob@example.com "Precedence: $p" "Precedence: $p" \
          bob@example.com "Precedence: first-class"
done
check "X-Auto-Response-Suppress: OOF" bob@example.com "X-Auto-Response-Suppress: DR, OOF" \
      "X-Auto-Response-Suppress: oof" bob@example.com "X-Auto-Response-Suppress: DR, RN"
check "X-Auto-Response-Suppress: All" bob@example.com "X-Auto-Response-Suppress: All" \
      "X-Auto-Response-Suppress: all"
MSG_TO="To: carol@example.net"
check "not addressed to the user" bob@example.com "" "not addressed to you" \
      bob@example.com "Cc: Alice <alice@example.org>"
check "Bcc/Resent-To count" bob@example.com "" "not addressed to you" \
      bob@example.com "Resent-To: alice@example.org"
check "+detail in To counts" bob@example.com "" "not addressed to you" \
      bob@example.com "Cc: alice+x@EXAMPLE.org"
unset MSG_TO
MSG_TO="To: Alice Smith <a.smith@example.net>"
got=$(msg | drv --dry --sender bob@example.com --reply "$TEXT")
case $got in "suppressed: not addressed"*) ok 0 "alias not in addresses: suppressed";; *) ok 1 "alias: $got";; esac
got=$(msg | drv --dry --sender bob@example.com --address a.smith@example.net --reply "$TEXT")
is "$got" "would send" "alias listed in addresses: answered"
unset MSG_TO

# ---- the reply itself ----
msg 'References: <r1@example.com> <r2@example.com>' |
    drv --sender bob@example.com --reply "$TEXT
Back on Monday." > "$T/out"
is "$(cat "$T/out")" "sent" "reply sent"
is "$(sent_count)" 1 "one message handed to sendmail"
d=$(find "$SENT" -mindepth 1 -maxdepth 1 -type d | head -1)
is "$(tr '\n' ' ' < "$d/argv")" "-oi -f <> -- bob@example.com " \
   "sendmail argv: -oi, envelope sender <>, the sender after --"
grep -q '^HOME=' "$d/env" && ! grep -q '^WEIR_TEST_NOW=' "$d/env"
ok $? "sendmail got the allowlisted environment only"
$PY "$d/msg" reply > "$T/p"
grep -qx 'H From: alice@example.org' "$T/p"; ok $? "From: the user"
grep -qx 'H To: bob@example.com' "$T/p"; ok $? "To: the envelope sender"
grep -qx 'H Subject: Re: lunch?' "$T/p"; ok $? "Subject: Re: original"
grep -qx 'H In-Reply-To: <m1@example.com>' "$T/p"; ok $? "In-Reply-To"
grep -qx 'H References: <r1@example.com> <r2@example.com> <m1@example.com>' "$T/p"
ok $? "References: the original's, then its Message-ID"
grep -qx 'H Auto-Submitted: auto-replied' "$T/p"; ok $? "Auto-Submitted: auto-replied"
grep -q '^H Message-ID: <1800000000\.[0-9]*\.[0-9a-f]*@mx.example.org>$' "$T/p"; ok $? "own Message-ID"
grep -qx 'H Date: Fri, 15 Jan 2027 08:00:00 +0000' "$T/p"; ok $? "Date from the (test) clock"
grep -qx 'TYPE text/plain utf-8' "$T/p"; ok $? "text/plain; charset=UTF-8"
grep -qx "BODY 'I am away until Monday.\\\\nBack on Monday.\\\\n'" "$T/p"; ok $? "body as written"
grep -qx 'DEFECTS 0' "$T/p"; ok $? "no parser defects"
grep -q '^Subject: Re: lunch?$' "$d/msg"; ok $? "ASCII subject not encoded"

# Re: without stacking, non-ASCII encoded (RFC 2047), rule subject.
sub() {     # sub ORIGINAL-SUBJECT-LINE WANT-DECODED [driver args]
    l=$1; w=$2; shift 2
    printf 'From: bob@example.com\nTo: alice@example.org\n%s\n\nx\n' "$l" |
        drv --dry --show --sender bob@example.com --reply "$TEXT" "$@" | sed '1,/^----$/d' > "$T/m"
    $PY "$T/m" reply | grep '^H Subject: ' | sed 's/^H Subject: //'
}
is "$(sub 'Subject: Re: lunch?' 'Re: lunch?')" "Re: lunch?" "Re: not stacked"
is "$(sub 'Subject: RE: Re[2]: AW: lunch?' x)" "Re: lunch?" "Re:/RE:/Re[2]:/AW: collapsed to one Re:"
is "$(sub 'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=' x)" "Re: Grüße aus Köln" \
   "non-ASCII subject decoded and re-encoded"
grep -q '^Subject: =?UTF-8?B?' "$T/m"; ok $? "... as an RFC 2047 encoded-word"
long=$(printf 'Straße %.0s' $(seq 1 30))
got=$(sub "Subject: =?UTF-8?B?$(printf '%s' "$long" | base64 -w0)?=" x)
case $got in "Re: Straße Straße"*) ok 0 "long non-ASCII subject survives folding";; *) ok 1 "long subject: $got";; esac
awk 'length > 78 && /^( |Subject)/ { bad = 1 } END { exit bad }' "$T/m"; ok $? "folded lines stay short"
is "$(sub 'Subject: lunch?' x --subject 'Out of office')" "Out of office" "the rule's subject"
is "$(sub 'X-No-Subject: 1' x)" "Re: your message" "no subject at all"

# ---- header injection ----
inj() {     # inj DESCRIPTION SUBJECT-LINE [driver args]
    printf 'From: bob@example.com\nTo: alice@example.org\n%s\nMessage-ID: <x@y>\n\nb\n' "$2" > "$T/in"
    shift 2
    drv --dry --show --sender bob@example.com --reply "$TEXT" "$@" < "$T/in" |
        sed '1,/^----$/d' > "$T/m"
    $PY "$T/m" reply > "$T/p"
    ! grep -qi '^H \(Bcc\|Cc\|X-Injected\|Content-Type2\): ' "$T/p" &&
        [ "$(grep -c '^H Subject: ' "$T/p")" = 1 ] &&
        [ "$(grep -c '^H To: ' "$T/p")" = 1 ] && grep -qx 'DEFECTS 0' "$T/p"
}
inj x 'Subject: =?UTF-8?Q?hi=0D=0ABcc:_victim@example.net?='; ok $? "encoded CRLF in Subject adds no header"
inj x 'Subject: =?UTF-8?B?aGkNCkJjYzogdmljdGltQGV4YW1wbGUubmV0DQpYLUluamVjdGVkOiAx?='
ok $? "base64 CR LF in Subject adds no header"
inj x 'Subject: =?UTF-8?Q?hi=0ABcc:_v@example.net=0A=0Abody?='; ok $? "encoded LF LF (end of header) in Subject"
inj x 'Subject: ok' --subject "$(printf 'away\r\nBcc: v@example.net')"
ok $? "CR LF in the rule's subject adds no header"
got=$(msg | drv --dry --sender bob@example.com --reply "$TEXT" \
      --from "$(printf 'alice@example.org\nBcc: v@example.net')")
case $got in "suppressed: the reply's From address"*"is not a plain address") ok 0 "newline in the From address: refused";; *) ok 1 "from injection: $got";; esac
got=$(printf 'From: bob@example.com\nTo: alice@example.org\n\nb\n' |
      drv --dry --sender "$(printf 'bob@example.com\r\nBcc: v@example.net')" --reply "$TEXT")
case $got in "suppressed: the envelope sender is not a plain address") ok 0 "CR LF in the envelope sender: no reply";; *) ok 1 "sender injection: $got";; esac
printf 'From: bob@example.com\nTo: alice@example.org\nMessage-ID: <a@b>\r\nBcc: v@example.net\n\nb\n' |
    drv --dry --show --sender bob@example.com --reply "$TEXT" | sed '1,/^----$/d' > "$T/m"
grep -c '^Bcc:' "$T/m" | grep -qx 0; ok $? "headers of the original are never copied"
got=$(printf 'From: b@example.com\nTo: alice@example.org\nMessage-ID: <a@b>\n\nb\n' |
      drv --dry --show --sender bob@example.com --reply "$(printf 'line1\n\nBcc: v@example.net\n.\n')" |
      sed '1,/^----$/d' | $PY /dev/stdin reply | grep -c '^H Bcc')
is "$got" 0 "the rule's text stays in the body"

# ---- once per period ----
rm -rf "$SENT" "$STATE"
i=0; while [ $i -lt 100 ]; do
    msg | drv --sender bob@example.com --reply "$TEXT" >> "$T/runs"; i=$((i + 1))
done
is "$(grep -c '^sent$' "$T/runs")" 1 "100 messages from one sender: one reply"
is "$(sent_count)" 1 "... one message given to sendmail"
grep -q '^suppressed: already answered bob@example.com on 2027-01-15 08:00:00; not again before 2027-01-22 08:00:00' "$T/runs"
ok $? "... the others say when it was sent and until when"
msg | at $((1800000000 + 7 * 86400 - 1)) drv --sender bob@example.com --reply "$TEXT" > "$T/o"
case $(cat "$T/o") in suppressed:*) ok 0 "one second before the period ends: still suppressed";; *) ok 1 "early: $(cat "$T/o")";; esac
msg | at $((1800000000 + 7 * 86400)) drv --sender bob@example.com --reply "$TEXT" > "$T/o"
is "$(cat "$T/o")" "sent" "after the period: one more reply"
is "$(sent_count)" 2 "... two replies in all"
msg | drv --sender bob@example.com --reply "$TEXT Really." > "$T/o"
is "$(cat "$T/o")" "sent" "a new text is a new handle: answered again"
msg | drv --sender BOB@Example.COM --reply "$TEXT Really." > "$T/o"
case $(cat "$T/o") in "suppressed: already answered"*) ok 0 "sender case does not matter";; *) ok 1 "case: $(cat "$T/o")";; esac
msg | drv --sender bob@example.com --reply "$TEXT" --handle trip > "$T/o"
msg | drv --sender bob@example.com --reply "other text" --handle trip >> "$T/o"
is "$(cut -c1-25 "$T/o" | tr '\n' '|')" "sent|suppressed: already answe|" "an explicit handle survives a new text"

# ---- two users on vacation answer each other ----
rm -rf "$SENT" "$HOME/carol"
mkdir -p "$HOME/carol"
msg | drv --sender carol@example.net --reply "Alice is away." > /dev/null
a2c=$(find "$SENT" -name msg | head -1)
# carol's responder gets alice's reply: envelope <> (as sent), and even
# if an MTA rewrote the envelope, Auto-Submitted stops it.
"$DRIVER" --state "$HOME/carol/state" --sendmail "$FAKE_SENDMAIL" --login carol \
    --recipient carol@example.net --domain example.net --sender "" --reply "Carol is away." \
    < "$a2c" > "$T/o"
"$DRIVER" --state "$HOME/carol/state" --sendmail "$FAKE_SENDMAIL" --login carol \
    --recipient carol@example.net --domain example.net --sender alice@example.org \
    --reply "Carol is away." < "$a2c" >> "$T/o"
is "$(cut -c1-60 "$T/o" | tr '\n' '|')" \
   "suppressed: the envelope sender is empty (<>)|suppressed: Auto-Submitted: auto-replied (automatic mail)|" \
   "vacation meets vacation: the reply is not answered"
is "$(sent_count)" 1 "at most one reply each"

# ---- sendmail fails: nothing recorded ----
rm -rf "$SENT" "$STATE"
echo 75 > "$HOME/sendmail.exit"
msg | drv --sender dave@example.com --reply "$TEXT" > "$T/o"
case $(cat "$T/o") in "error: 4."*) ok 0 "sendmail exit 75: an error";; *) ok 1 "sendmail fail: $(cat "$T/o")";; esac
rm -f "$HOME/sendmail.exit"
msg | drv --sender dave@example.com --reply "$TEXT" > "$T/o"
is "$(cat "$T/o")" "sent" "... nothing was recorded: the next message is answered"

# ---- damaged database: fail closed, then recovered ----
printf 'not a database at all %.0s' $(seq 1 400) > "$STATE/reply.db"
msg | drv --sender erin@example.com --reply "$TEXT" > "$T/o" 2> "$T/err"
case $(cat "$T/o") in "suppressed: state unavailable"*) ok 0 "damaged reply.db: no reply (fail-closed)";; *) ok 1 "damaged: $(cat "$T/o")";; esac
grep -q 'moved aside' "$T/err"; ok $? "... logged and moved aside"
msg | drv --sender erin@example.com --reply "$TEXT" > "$T/o"
is "$(cat "$T/o")" "sent" "the next message is answered from the new database"
command -v db_verify >/dev/null && { db_verify -q "$STATE/reply.db"; ok $? "db_verify accepts it"; } ||
    skip "db_verify not installed (db-util)"

# ---- hourly cap ----
rm -rf "$SENT" "$STATE"
for s in a b c d; do msg | drv --per-hour 3 --sender "$s@example.com" --reply "$TEXT"; done > "$T/o"
is "$(tr '\n' '|' < "$T/o")" "sent|sent|sent|suppressed: the limit of 3 answers per hour is reached|" \
   "per-hour cap"
msg | at $((1800000000 + 3600)) drv --per-hour 3 --sender d@example.com --reply "$TEXT" > "$T/o"
is "$(cat "$T/o")" "sent" "next hour: answered (the capped sender was not recorded)"
done_testing
