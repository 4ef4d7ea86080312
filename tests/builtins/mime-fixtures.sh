#!/bin/sh
# mime-fixtures.sh -- (re)generate the hand-made messages of testdata/mime/
# (the golden trees of tests/builtins/mime_golden.sh) with real tools:
# zip, 7z (p7zip-full), gzip, tar, uuencode (sharutils), base64.  Not run
# by `make check`: the messages are committed, and a regenerated archive
# differs in timestamps only.  Usage: tests/builtins/mime-fixtures.sh [DIR]
# (default: testdata/mime next to this script).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../testdata/mime}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
mkdir -p "$out"

# A minimal PE32 executable: DOS header, "PE\0\0", COFF and optional
# header magic; libmagic calls it application/vnd.microsoft.portable-executable.
pe() {
    printf 'MZ\220\000\003\000\000\000\004\000\000\000\377\377\000\000'
    head -c 44 /dev/zero
    printf '\100\000\000\000PE\000\000\114\001\001\000'
    head -c 12 /dev/zero
    printf '\340\000\002\001\013\001'
    head -c 222 /dev/zero
    printf 'This program cannot be run in DOS mode.'
}

b64() { base64 -w 76 "$1"; }

# stamp FILE...: a fixed modification time, so archives differ less.
stamp() { touch -d '2024-01-02 03:04:05' "$@"; }

hdr() {   # hdr SUBJECT: the top of every message
    printf 'From: Sender <sender@example.org>\nTo: rcpt@example.net\n'
    printf 'Subject: %s\nDate: Tue, 02 Jan 2024 03:04:05 +0000\n' "$1"
    printf 'Message-ID: <%s@example.org>\nMIME-Version: 1.0\n' "$(echo "$1" | tr -c 'a-z0-9\n' '-')"
}

att() {   # att TYPE NAME FILE: a base64 attachment part (no boundary line)
    printf 'Content-Type: %s; name="%s"\n' "$1" "$2"
    printf 'Content-Disposition: attachment; filename="%s"\n' "$2"
    printf 'Content-Transfer-Encoding: base64\n\n'
    b64 "$3"
}

cd "$tmp"
pe > evil.exe
printf 'quarterly numbers\n' > report.txt
stamp evil.exe report.txt

# --- an .exe named .pdf, declared application/pdf ---
{
    hdr "exe renamed pdf"
    printf 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
    printf 'Content-Type: text/plain\n\nPlease see the invoice.\n--b1\n'
    att application/pdf invoice.pdf evil.exe
    printf -- '--b1--\n'
} > "$out/exe-as-pdf.eml"

# --- an executable in a zip in an attached message in a multipart ---
mkdir -p payload && cp evil.exe payload/setup.exe && stamp payload payload/setup.exe
zip -q -X inner.zip payload/setup.exe report.txt
{
    hdr "zip in rfc822 in multipart"
    printf 'Content-Type: multipart/mixed; boundary="outer"\n\n--outer\n'
    printf 'Content-Type: text/plain\n\nForwarding this.\n--outer\n'
    printf 'Content-Type: message/rfc822; name="fwd.eml"\n'
    printf 'Content-Disposition: attachment; filename="fwd.eml"\n\n'
    hdr "the forwarded one"
    printf 'Content-Type: multipart/mixed; boundary="inner"\n\n--inner\n'
    printf 'Content-Type: text/plain\n\nHere are the files.\n--inner\n'
    att application/zip files.zip inner.zip
    printf -- '--inner--\n\n--outer--\n'
} > "$out/zip-in-message.eml"

# --- encrypted archives ---
zip -q -X -P secret enc.zip evil.exe report.txt
7z a -bd -bso0 -psecret enc.7z evil.exe report.txt
7z a -bd -bso0 -psecret -mhe=on enchdr.7z evil.exe report.txt
for a in enc.zip:application/zip enc.7z:application/x-7z-compressed enchdr.7z:application/x-7z-compressed; do
    f=${a%%:*}
    {
        hdr "encrypted $f"
        printf 'Content-Type: multipart/mixed; boundary="e"\n\n--e\n'
        att "${a#*:}" "$f" "$f"
        printf -- '--e--\n'
    } > "$out/encrypted-$(echo "$f" | tr . -).eml"
done

# --- archive formats: 7z, tar.gz, a lone .gz, zip in zip, tar.bz2 ---
7z a -bd -bso0 plain.7z evil.exe report.txt
tar --mtime='2024-01-02 03:04:05' --owner=0 --group=0 -czf logs.tar.gz report.txt payload
gzip -n -c report.txt > report.txt.gz
zip -q -X nested.zip inner.zip report.txt
tar --mtime='2024-01-02 03:04:05' --owner=0 --group=0 -cjf both.tar.bz2 inner.zip report.txt
{
    hdr "archive formats"
    printf 'Content-Type: multipart/mixed; boundary="f"\n\n'
    for a in plain.7z:application/x-7z-compressed logs.tar.gz:application/gzip \
             report.txt.gz:application/octet-stream nested.zip:application/zip \
             both.tar.bz2:application/x-bzip2; do
        printf -- '--f\n'
        att "${a#*:}" "${a%%:*}" "${a%%:*}"
    done
    printf -- '--f--\n'
} > "$out/archive-formats.eml"

# --- uuencoded attachments inside text ---
uuencode evil.exe tool.exe > tool.uu
uuencode -m report.txt notes.txt > notes.b64
{
    hdr "uuencode"
    printf 'Content-Type: text/plain\n\nTwo files follow.\n\n'
    cat tool.uu
    printf '\nand one in base64:\n'
    cat notes.b64
    printf '\nbegin 644 not-really.txt\nbecause this is prose\n'
} > "$out/uuencode-in-text.eml"
{
    hdr "x-uuencode part"
    printf 'Content-Type: multipart/mixed; boundary="u"\n\n--u\n'
    printf 'Content-Type: application/octet-stream; name="tool.exe"\n'
    printf 'Content-Transfer-Encoding: x-uuencode\n\n'
    cat tool.uu
    printf -- '--u--\n'
} > "$out/x-uuencode.eml"

# --- message/global, base64, holding a zip ---
{
    printf 'Subject: inner\nContent-Type: multipart/mixed; boundary=g\n\n--g\n'
    att application/zip files.zip inner.zip
    printf -- '--g--\n'
} > global.eml
{
    hdr "message/global base64"
    printf 'Content-Type: message/global\nContent-Transfer-Encoding: base64\n\n'
    b64 global.eml
} > "$out/message-global-base64.eml"

# --- a hand-made TNEF winmail.dat (signature, key, one attribute) ---
{
    printf '\170\237\076\042\001\000'           # TNEF signature, key
    printf '\001\006\220\010\000\004\000\000\000\000\000\001\000\001\000'
} > winmail.dat
{
    hdr "winmail.dat"
    printf 'Content-Type: multipart/mixed; boundary="w"\n\n--w\n'
    printf 'Content-Type: text/plain\n\nSee attached.\n--w\n'
    att application/ms-tnef winmail.dat winmail.dat
    printf -- '--w--\n'
} > "$out/winmail-dat.eml"

# --- file names: RFC 2231, encoded-words, raw 8-bit, tricks ---
{
    hdr "file names"
    cat <<'EOF'
Content-Type: multipart/mixed; boundary="n"

--n
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20invoice.pdf

x
--n
Content-Type: application/octet-stream
Content-Disposition: attachment;
 filename*0*=iso-8859-1'de'Gr%FC%DFe%20an;
 filename*1*=%20M%FCller;
 filename*2=".docx"

x
--n
Content-Type: application/octet-stream
Content-Disposition: attachment;
 filename*1="part2.txt"; filename*0="part1-"

x
--n
Content-Type: application/octet-stream; name="=?UTF-8?B?0J/RgNC40LLQtdGCLnBkZg==?="
Content-Disposition: attachment

x
--n
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="=?iso-8859-1?Q?caf=E9?= =?iso-8859-1?Q?_au_lait.txt?="

x
--n
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="fallback.txt";
 filename*=utf-8''r%C3%A9el.txt

x
--n
Content-Type: application/octet-stream; name="raw-utf8-café.txt"

x
--n
Content-Type: application/octet-stream; name="raw-latin1-caf@E9@.txt"

x
--n
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="invoice‮fdp.exe"

x
--n
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="C:\\Users\\x\\Desktop\\scan.pdf.scr. "

x
--n
Content-Type: application/octet-stream
Content-Disposition: attachment; filename=unquoted name.zip; size=1

x
--n
Content-Type: application/octet-stream; name="type-name.xls"
Content-Disposition: attachment; filename=""

x
--n
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*0*=utf-8''%E6%97%A5%E6%9C;
 filename*1*=%AC%E8%AA%9E.txt

x
--n
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*0="=?utf-8?q?split?="; filename*1=".log"

x
--n--
EOF
} | sed "s/@E9@/$(printf '\351')/" > "$out/names-rfc2231.eml"

# --- boundaries ---
{
    hdr "missing closing boundary"
    printf 'Content-Type: multipart/mixed; boundary="m"\n\n--m\n\none\n--m\n'
    printf 'Content-Type: application/zip; name=cut.zip\nContent-Transfer-Encoding: base64\n\n'
    b64 inner.zip
} > "$out/boundary-missing-close.eml"
{
    hdr "garbage and prefix boundaries"
    printf 'Content-Type: multipart/mixed; boundary="abc"\n\n'
    printf -- '--abcdef\nnot a boundary: longer\n--abc garbage\nnot a boundary either\n'
    printf -- '--abc\n\nfirst\n--abc--xyz\nepilogue\n--abc\nafter the close\n'
} > "$out/boundary-garbage.eml"
{
    hdr "overlong boundary"
    long=$(head -c 1000 /dev/zero | tr '\0' 'x')
    printf 'Content-Type: multipart/mixed; boundary="%s"\n\n' "$long"
    printf -- '--%s\n\npart\n--%s--\n' "$long" "$long"
} > "$out/boundary-overlong.eml"
{
    hdr "boundary reused"
    printf 'Content-Type: multipart/mixed; boundary="same"\n\n--same\n'
    printf 'Content-Type: multipart/alternative; boundary="same"\n\n--same\n\ninner\n'
    printf -- '--same--\n--same\n\nouter second\n--same--\n'
} > "$out/boundary-reused.eml"
{
    hdr "no boundary parameter"
    printf 'Content-Type: multipart/mixed\n\nThis is MIME.\n--guessed_1\n'
    printf 'Content-Type: text/plain\n\nbody\n--guessed_1\n'
    att application/octet-stream tool.exe evil.exe
    printf -- '--guessed_1--\n'
} > "$out/boundary-guessed.eml"
{
    hdr "folded quoted boundary"
    printf 'Content-Type: multipart/mixed; boundary="foo\n bar"\n\n--foo bar\n\nA\n--foo bar--\n'
} > "$out/boundary-folded.eml"

# --- parts without header, no separator, bad encodings ---
{
    hdr "headerless parts"
    printf 'Content-Type: multipart/mixed; boundary="h"\n\n--h\n\nno header at all\n'
    printf -- '--h\nthis line is not a header\nso the body starts here\n'
    printf -- '--h\nContent-Type: text/plain\n--h\nContent-Type: image/gif; name=x.gif\n'
    printf 'Content-Transfer-Encoding: base64\nnot-a-header line\nR0lGODlh\n--h--\n'
} > "$out/headerless-parts.eml"
{
    hdr "bad encodings"
    printf 'Content-Type: multipart/mixed; boundary="c"\n\n--c\n'
    printf 'Content-Type: application/octet-stream; name=a.bin\nContent-Transfer-Encoding: base64\n\n'
    printf 'SGVsbG8*gd29y!bGQ\n--c\n'
    printf 'Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n'
    printf 'bad =ZZ escape and =4\n--c\n'
    printf 'Content-Type: text/plain\nContent-Transfer-Encoding: x-binhex\n\nunknown\n--c\n'
    printf 'Content-Type: application/pdf; name=b.pdf\nContent-Transfer-Encoding: BASE64\n\n'
    printf 'JVBERi0xLjQK\n--c\nContent-Type: text\n\ninvalid type\n--c--\n'
} > "$out/bad-encodings.eml"
hdr "crlf" > crlf.tmp
{
    printf 'Content-Type: multipart/mixed; boundary="r"\n\n--r\nContent-Type: text/plain\n\n'
    printf 'line one\nline two\n--r\n'
    att application/octet-stream a.exe evil.exe
    printf -- '--r--\n'
} >> crlf.tmp
sed 's/$/\r/' crlf.tmp > "$out/crlf.eml"

# --- digest, deep nesting, limits ---
{
    hdr "digest"
    printf 'Content-Type: multipart/digest; boundary="d"\n\n--d\n\n'
    printf 'Subject: first\n\none\n--d\n\nSubject: second\nContent-Type: text/html\n\n<p>two</p>\n'
    printf -- '--d\nContent-Type: text/plain\n\nnot a message\n--d--\n'
} > "$out/digest.eml"
{
    hdr "deep nesting"
    i=1
    while [ $i -le 20 ]; do
        printf 'Content-Type: multipart/mixed; boundary="l%d"\n\n--l%d\n' $i $i
        i=$((i + 1))
    done
    printf 'Content-Type: text/plain\n\ndeep\n'
    i=20
    while [ $i -ge 1 ]; do
        printf -- '--l%d--\n' $i
        i=$((i - 1))
    done
} > "$out/deep-nesting.eml"
{
    hdr "many parts"
    printf 'Content-Type: multipart/mixed; boundary="p"\n\n'
    i=1
    while [ $i -le 8 ]; do
        printf -- '--p\nContent-Type: text/plain; name=f%d.txt\n\npart %d\n' $i $i
        i=$((i + 1))
    done
    printf -- '--p--\n'
} > "$out/limit-parts.eml"
printf 'limits:\n  mime_parts: 5\n' > "$out/limit-parts.yaml"
cp "$out/archive-formats.eml" "$out/limit-archive.eml"
printf 'limits:\n  archive_members: 7\n  archive_depth: 0\n' > "$out/limit-archive.yaml"
seq 1 2000 > numbers.txt
stamp numbers.txt
zip -q -X -0 stored.zip numbers.txt evil.exe
{
    hdr "decode limit"
    printf 'Content-Type: multipart/mixed; boundary="l"

--l
Content-Type: text/plain

'
    seq 1 1000
    cat tool.uu
    printf -- '--l
'
    att application/zip stored.zip stored.zip
    printf -- '--l--
'
} > "$out/limit-decode.eml"
printf 'limits:\n  mime_decode: 4k\n' > "$out/limit-decode.yaml"
