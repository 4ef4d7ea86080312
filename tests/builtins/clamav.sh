#!/bin/sh
# clamav.sh -- real attachments: every file of Debian's clamav-testfiles
# (executables packed by a dozen packers, archives of ten formats, office
# documents; all carry ClamAV's harmless test signature) is attached to a
# message as application/octet-stream named "document.pdf", delivered by
# the real binary with a quarantine rule, and read back with `weir mime
# --format json`.  Asserted per file: what it sniffs as, the members of
# archives, and whether the rule caught it (every executable, bare or in
# an archive libarchive reads, disguised as a PDF).  The raw mail files
# (clam.mail, the uuencoded and base64 mboxes) are walked as messages.
# Skipped without the package (build-aux/install-deps.sh installs it).
. "$top_srcdir/tests/lib.sh"

D=/usr/share/clamav-testfiles
if [ ! -f "$D/clam.exe" ] || ! command -v jq > /dev/null 2>&1; then
    skip "clamav-testfiles or jq is not installed (build-aux/install-deps.sh)"
    done_testing
    exit
fi
chmod 755 "$T"
if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    AS=
fi
printf 'logging: { syslog: false }\nspool_dir: %s\n' "$T/spool" > "$T/weir.yaml"
mkdir -p "$T/spool"; chmod 644 "$T/weir.yaml"
[ -z "$AS" ] || chown nobody:nogroup "$T/spool"
cat > "$T/rules" <<'EOT'
if attachment mismatch or attachment type matches /(dosexec|portable-executable)/
   or attachment in archive name matches /\.exe$/i {
    file "~/Maildir/.Quarantine/"
}
EOT
chmod 644 "$T/rules"

# wrap FILE > message: FILE attached, base64, disguised as document.pdf
wrap() {
    printf 'From: a@example.org\nTo: b@example.org\nSubject: %s\n' "$(basename "$1")"
    printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="=b="\n\n'
    printf -- '--=b=\nContent-Type: text/plain\n\nsee the attachment\n--=b=\n'
    printf 'Content-Type: application/octet-stream; name="document.pdf"\n'
    printf 'Content-Disposition: attachment; filename="document.pdf"\n'
    printf 'Content-Transfer-Encoding: base64\n\n'
    base64 "$1"
    printf -- '--=b=--\n'
}

# FILE  SNIFFED(regex)  MEMBERS(, joined; - none)  QUARANTINED(1/0)
# Packed executables stay executables; archives list clam.exe; formats
# libarchive cannot read (arj, chm, binhex, szdd, sis, tnef) or office
# files are sniffed, not opened, and are caught by the type mismatch
# with the .pdf name when their class is known.  A lone compressed file
# named document.pdf has one member, "data" (no name to strip .bz2 from).
while read -r f sniff members quar; do
    case $f in '#'*|'') continue ;; esac
    wrap "$D/$f" > "$T/m.eml"
    "$WEIR" mime -c "$T/weir.yaml" --format json "$T/m.eml" > "$T/j" 2>&1
    got_s=$(jq -r '.parts[] | select(.path == "1.2") | .sniffed' "$T/j")
    got_m=$(jq -r '[.parts[] | select(.path == "1.2") | .archive.members[]?.name] | join(",")' "$T/j")
    [ -n "$got_m" ] || got_m=-
    echo "$got_s" | grep -Eq "^($sniff)\$"
    ok $? "$f sniffs as $sniff (got $got_s)"
    is "$got_m" "$members" "$f: archive members"
    rm -rf "$HOME"; mkdir -p "$HOME"; [ -z "$AS" ] || chown nobody:nogroup "$HOME"
    $AS env HOME="$HOME" "$WEIR" -c "$T/weir.yaml" -r "$T/rules" -a b@example.org < "$T/m.eml"
    rc=$?
    n=$(count_files "$HOME/Maildir/.Quarantine/new")
    is "$rc:$n" "0:$quar" "$f: quarantined $quar"
done <<'EOT'
clam.exe              application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam-aspack.exe       application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam-fsg.exe          application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam-mew.exe          application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam-nsis.exe         application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam-pespin.exe       application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam-petite.exe       application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam-upack.exe        application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam-upx.exe          application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam-wwpack.exe       application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam-yc.exe           application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam.ea05.exe         application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam.ea06.exe         application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam_IScab_ext.exe    application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam_ISmsi_int.exe    application/vnd.microsoft.portable-executable|application/x-dosexec - 1
clam.zip              application/zip clam.exe 1
clam.bz2.zip          application/zip clam.exe 1
clam.d64.zip          application/zip clam.exe 1
clam.impl.zip         application/zip CLAM.EXE 1
clam.7z               application/x-7z-compressed clam.exe 1
clam.cab              application/vnd.ms-cab-compressed clam.exe 1
clam.tar.gz           application/(x-)?gzip clam.exe 1
clam.exe.bz2          application/x-bzip2 data 1
clam.newc.cpio        application/x-cpio clam.exe 1
clam.odc.cpio         application/x-cpio clam.exe 1
clam.bin-be.cpio      application/x-cpio clam.exe 1
clam.bin-le.cpio      application/x-cpio clam.exe 1
clam.ole.doc          application/msword - 1
clam.ppt              application/vnd.ms-powerpoint - 1
clam.pdf              application/pdf - 0
clam.exe.html         text/html - 1
clam.exe.rtf          text/rtf - 1
clam.arj              application/x-arj - 0
clam.chm              application/vnd.ms-htmlhelp - 0
EOT

# Mail files: the walk finds clam.exe in each (base64, uuencode, MIME).
for f in clam.mail clam.exe.mbox.base64 clam.exe.mbox.uu; do
    "$WEIR" mime -c "$T/weir.yaml" --format json "$D/$f" > "$T/j" 2>&1
    got=$(jq -r '[.parts[] | select(.name == "clam.exe") | .sniffed] | join(",")' "$T/j")
    echo "$got" | grep -Eq '^(application/vnd.microsoft.portable-executable|application/x-dosexec)$'
    ok $? "$f: the walk finds clam.exe and sniffs it as an executable (got $got)"
done

# Nested archives: the depth limit is a fact, the listing stops there.
wrap "$D/clam_cache_emax.tgz" > "$T/m.eml"
"$WEIR" mime -c "$T/weir.yaml" --format json "$T/m.eml" > "$T/j" 2>&1
jq -e '.parts[] | select(.path == "1.2") | .archive.flags | index("limit reached: archive_depth")' "$T/j" > /dev/null
ok $? "nested tgz archives: archive_depth reached, reported"
done_testing
