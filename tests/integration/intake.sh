#!/bin/sh
# intake.sh -- the real binary delivers every testdata message into a
# Maildir: exactly one complete file per message in new/, with the same
# bytes minus the From_ line and with CRLF turned into LF; tmp/ stays empty.
# Also: empty message, NUL bytes, a very long line, missing final newline.
. "$top_srcdir/tests/lib.sh"

md="$HOME/Maildir"

# expected BYTES-FILE: input minus a leading From_ line, CRLF -> LF, final
# newline added when missing.
expected() {
    awk 'NR == 1 && /^From / { next } { sub(/\r$/, ""); print }' "$1"
}

for f in "$TESTDATA"/messages/*.eml; do
    name=$(basename "$f")
    rm -rf "$md"
    "$WEIR" < "$f"
    ok $? "$name: exit 0"
    is "$(count_files "$md/new")" 1 "$name: one file in new/"
    is "$(count_files "$md/tmp")" 0 "$name: tmp/ empty"
    got=$(find "$md/new" -type f)
    expected "$f" > "$T/want"
    cmp -s "$got" "$T/want"
    ok $? "$name: same bytes (From_ line removed, CRLF -> LF)"
done

# The From_ line's sender is used as the envelope sender (seen in the log).
rm -rf "$md"
out=$("$WEIR" -v < "$TESTDATA/messages/list-mailman.eml" 2>&1)
case $out in *"from=<julliard@winehq.com>"*) r=0 ;; *) r=1 ;; esac
ok $r "From_ line sender becomes the envelope sender"
out=$("$WEIR" -v -f 'o@example.org' < "$TESTDATA/messages/list-mailman.eml" 2>&1)
case $out in *"from=<o@example.org>"*) r=0 ;; *) r=1 ;; esac
ok $r "-f overrides the From_ line"
out=$("$WEIR" -v < "$TESTDATA/messages/bounce-from-line.eml" 2>&1)
case $out in *"from=<>"*) r=0 ;; *) r=1 ;; esac
ok $r "From MAILER-DAEMON is the null sender"
out=$(printf 'Return-Path: <rp@example.net>\nSubject: x\n\nb\n' | "$WEIR" -v 2>&1)
case $out in *"from=<rp@example.net>"*) r=0 ;; *) r=1 ;; esac
ok $r "Return-Path used when there is no From_ line"
out=$(printf 'Subject: x\n\nb\n' | SENDER=env@example.com "$WEIR" -v 2>&1)
case $out in *"from=<env@example.com>"*) r=0 ;; *) r=1 ;; esac
ok $r "\$SENDER used last"
out=$(printf 'Subject: x\n\nb\n' | RECIPIENT=rcpt@example.com "$WEIR" -v 2>&1)
case $out in *"to=<rcpt@example.com>"*) r=0 ;; *) r=1 ;; esac
ok $r "\$RECIPIENT is the recipient"

# Edge cases: each is delivered, exit 0, bytes as specified.
edge() {  # edge NAME INPUT-FILE WANT-FILE
    rm -rf "$md"
    "$WEIR" < "$2"
    ok $? "$1: exit 0"
    is "$(count_files "$md/new")" 1 "$1: one file"
    cmp -s "$(find "$md/new" -type f)" "$3"
    ok $? "$1: bytes"
}
: > "$T/empty"
edge "empty message" "$T/empty" "$T/empty"
printf 'Subject: n\n\nno final newline' > "$T/in"; printf 'Subject: n\n\nno final newline\n' > "$T/want"
edge "missing final newline" "$T/in" "$T/want"
printf 'Subject: nul\n\na\000b\000\n' > "$T/in"
edge "NUL bytes kept" "$T/in" "$T/in"
{ printf 'Subject: long\n\n'; head -c 3000000 /dev/zero | tr '\0' 'x'; printf '\n'; } > "$T/in"
edge "3 MB line" "$T/in" "$T/in"
printf 'From a@b Sat Nov 28 00:00:00 2026\r\nSubject: c\r\n\r\nx\r\n' > "$T/in"; printf 'Subject: c\n\nx\n' > "$T/want"
edge "From_ line and CRLF" "$T/in" "$T/want"
# "From  : name <addr>" first is the From field in obsolete syntax (RFC
# 5322 4.5.3), not a From_ line: kept, byte for byte
printf 'From  : John Doe <jdoe@example.net>\nTo: m@example.org\n\nx\n' > "$T/in"
edge "first line 'From  : name' (a From field)" "$T/in" "$T/in"
printf 'From\t:x@example.net\nSubject: t\n\nx\n' > "$T/in"
edge "first line 'From<TAB>:addr' (a From field)" "$T/in" "$T/in"
# a From_ line, then another line starting "From ": only the first goes
printf 'From a@b Sat Nov 28 00:00:00 2026\nFrom b@c\nSubject: two\n\nx\n' > "$T/in"
printf 'From b@c\nSubject: two\n\nx\n' > "$T/want"
edge "From_ line, then a second 'From ' line (kept)" "$T/in" "$T/want"

# weir test reads the same message as an mbox: its rules see the header
# delivery sees (the second "From " line stays in the header there too)
printf 'if procmail header contains "\\nFrom b@c\\nSubject: two\\n" { file "~/Mail/two/" }\n' > "$T/rules"
chmod 644 "$T/rules"
# (as root: as nobody from the start, so that valgrind's process never
# changes its uid)
AS=
if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    chmod 755 "$T" && chmod 644 "$T/in"
fi
$AS env HOME=/nonexistent "$WEIR" test -S -r "$T/rules" -q "$T/in" > "$T/tq" 2>&1
grep -q 'Mail/two/' "$T/tq"
ok $? "weir test on the same message: the header after the From_ line as delivery reads it" ||
    sed 's/^/# /' "$T/tq"
mkdir -p "$HOME/.weir" && cp "$T/rules" "$HOME/.weir/rules"
rm -rf "$md" "$HOME/Mail"
"$WEIR" < "$T/in"
is "$(count_files "$HOME/Mail/two/new")" 1 "delivery with the same rules files it in the same folder"
rm -f "$HOME/.weir/rules"

done_testing
