#!/bin/sh
# attachment_delivery.sh -- attachment and body rules with the real binary
# delivering into real Maildirs (the same checks `weir test` makes are in
# tests/rulelang/vm-cases/attachment*.rules, run by vm.sh and agree.sh):
#   - an .exe named invoice.pdf is quarantined by `attachment mismatch`;
#   - an executable inside a zip inside an attached message is found by
#     `attachment in archive`, and the part's facts reach the log line;
#   - a message without attachments is kept (implicit keep), as is a
#     malformed one (the walk never refuses);
#   - the modules load only when a rule needs them (measured with the
#     dynamic loader's own record, LD_DEBUG=files): body and name rules
#     load neither libmagic nor libarchive; `type` loads libmagic only;
#     `in archive` on a message with a zip loads both; on a message
#     without an archive, libarchive is never loaded;
#   - limits.mime_parts from weir.yaml bounds the walk of a delivery.
. "$top_srcdir/tests/lib.sh"

chmod 755 "$T"
if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    AS=
fi
M="$TESTDATA/mime"
{
    echo "logging: { syslog: false, user_log: true }"
    echo "spool_dir: $T/spool"
} > "$T/weir.yaml"
chmod 644 "$T/weir.yaml"
mkdir -p "$T/spool"
[ -z "$AS" ] || chown -R nobody:nogroup "$HOME" "$T/spool"
mkdir -p "$T/ld"; chmod 777 "$T/ld"

# deliver RULES MESSAGE: a fresh HOME, one delivery; $rc is weir's exit
deliver() {
    rm -rf "$HOME"; mkdir -p "$HOME/.weir"
    [ -z "$AS" ] || chown -R nobody:nogroup "$HOME"
    printf '%s\n' "$1" > "$T/rules"; chmod 644 "$T/rules"
    $AS env HOME="$HOME" LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld/ld" \
        "$WEIR" -c "$T/weir.yaml" -r "$T/rules" -a user@example.org < "$2" \
        > "$T/out" 2>&1
    rc=$?
}
# inbox FOLDER: messages in that Maildir's new/
inbox() { count_files "$HOME/$1/new"; }
# loaded NAME: 0 when weir_NAME.so was dlopen'ed by the last delivery
loaded() { cat "$T"/ld/ld.* 2>/dev/null | grep -q "file=[^ ]*weir_$1\.so"; }
cleanld() { rm -f "$T"/ld/ld.*; }

QUAR='if attachment mismatch or attachment in archive extension matches /^(exe|scr)$/ {
    log "quarantine ${attachment.name} ${attachment.path} ${attachment.member}"
    file "~/Maildir/.Quarantine/"
}'

cleanld; deliver "$QUAR" "$M/exe-as-pdf.eml"
is "$rc:$(inbox Maildir/.Quarantine):$(inbox Maildir)" "0:1:0" "an .exe named invoice.pdf is quarantined (mismatch)"
grep -q "quarantine invoice.pdf 1.2" "$HOME/.weir/log"; ok $? "the log line names the part: invoice.pdf 1.2"

cleanld; deliver "$QUAR" "$M/zip-in-message.eml"
is "$rc:$(inbox Maildir/.Quarantine):$(inbox Maildir)" "0:1:0" "an .exe in a zip in an attached message is quarantined"
grep -q "quarantine files.zip 1.2.1.2 payload/setup.exe" "$HOME/.weir/log"; ok $? "the log line names the zip, its path and the member"
loaded magic && loaded archive; ok $? "in archive on a message with a zip loaded libmagic and libarchive"

cleanld; deliver "$QUAR" "$TESTDATA/messages/ham-plain.eml"
is "$rc:$(inbox Maildir/.Quarantine):$(inbox Maildir)" "0:0:1" "a message without attachments: implicit keep"
loaded archive; is "$?" 1 "no archive in the message: libarchive is never loaded"

cleanld; deliver "$QUAR" "$M/boundary-garbage.eml"
is "$rc:$(inbox Maildir)" "0:1" "malformed MIME is delivered (implicit keep)"

cleanld; deliver 'if attachment name matches /\.zip$/ or body contains "hello" { file "~/Maildir/.Named/" }' "$M/zip-in-message.eml"
is "$rc:$(inbox Maildir/.Named)" "0:1" "a rule on names files the message"
loaded magic || loaded archive; is "$?" 1 "name and body rules load neither libmagic nor libarchive"
cat "$T"/ld/ld.* 2>/dev/null | grep -q "file=[^ ]*libpcre2"; ok $? "LD_DEBUG recorded the delivery (the measurement works)"

cleanld; deliver 'if attachment type is "application/zip" { file "~/Maildir/.Zip/" }' "$M/zip-in-message.eml"
is "$rc:$(inbox Maildir/.Zip)" "0:1" "the sniffed type of a part files the message"
loaded magic && ! loaded archive; ok $? "a type rule loads libmagic, not libarchive"

cleanld; deliver 'if header "Subject" exists { file "~/Maildir/.H/" }' "$M/zip-in-message.eml"
loaded magic || loaded archive; is "$?" 1 "rules without attachment tests load no module"

deliver 'if attachment encrypted { file "~/Maildir/.Encrypted/" }' "$M/encrypted-enc-zip.eml"
is "$rc:$(inbox Maildir/.Encrypted)" "0:1" "an encrypted zip is a fact (attachment encrypted)"

deliver 'if body contains "you won free money" and not body raw contains "you won free money" { file "~/Maildir/.Decoded/" }' \
    "$top_srcdir/tests/rulelang/vm-cases/body-decoded.eml"
is "$rc:$(inbox Maildir/.Decoded)" "0:1" "body sees decoded base64 text, body raw does not"
# weir test --trace names the part (and member) that made a test true,
# and says how many attachments were looked at when none did.
printf '%s\n' 'if attachment in archive extension is "exe" { log "x" }' \
    'if attachment mismatch { log "y" }' > "$T/rules"
$AS env HOME="$HOME" "$WEIR" test -c "$T/weir.yaml" -S -r "$T/rules" -a user@example.org --trace \
    "$M/zip-in-message.eml" > "$T/trace" 2>&1
grep -q 'attachment in archive extension is "exe" on "exe" -> true (part 1.2.1.2 files.zip member payload/setup.exe)' "$T/trace"
ok $? "trace: the part and member that made the test true"
grep -q 'attachment mismatch on "" -> false (2 attachments, none matches)' "$T/trace"
ok $? "trace: how many attachments were looked at"

# Limits come from weir.yaml: with limits.mime_parts 3 the walk stops
# before the zip (part 1.2.1.2), the rule cannot see it, the limit is
# logged, and the message is delivered (implicit keep).
cp "$T/weir.yaml" "$T/weir.yaml.save"
echo "limits: { mime_parts: 3 }" >> "$T/weir.yaml"
deliver "$QUAR" "$M/zip-in-message.eml"
is "$rc:$(inbox Maildir/.Quarantine):$(inbox Maildir)" "0:0:1" "limits.mime_parts from weir.yaml: the walk stops, implicit keep"
grep -q "MIME walk: limit reached: mime_parts" "$HOME/.weir/log"; ok $? "the limit is logged"
cp "$T/weir.yaml.save" "$T/weir.yaml"
done_testing
