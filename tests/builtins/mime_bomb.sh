#!/bin/sh
# mime_bomb.sh -- archive bombs are facts, not expansions: `weir mime`
# (the real binary, libarchive through its module) on messages carrying
# a zip of a 128 MiB file of zeros, the same as tar.gz, as a lone .gz,
# and a zip of zips (42.zip style), all built here with zip, tar and
# gzip from a sparse file.  Each must be reported as "limit reached:
# archive_expansion" (the default limit is 64 MiB) with its member
# listed, within bounded CPU time and memory measured by wait4(2)
# (tests/builtins/rusage_run): generous bounds, the point is that
# nothing near 128 MiB is ever unpacked or held.
. "$top_srcdir/tests/lib.sh"

# Bounds: CPU seconds and peak RSS (kB); ASan's shadow memory and
# slower code get more room.
cpu_max=5000
rss_max=65536
if [ "${WEIR_SANITIZERS:-no}" = yes ]; then
    cpu_max=20000
    rss_max=524288
fi
run="$top_builddir/tests/builtins/rusage_run"

for tool in zip tar gzip base64; do
    if ! command -v $tool >/dev/null 2>&1; then
        skip "$tool not installed (build-aux/install-deps.sh installs it)"
        done_testing
        exit $?
    fi
done

cd "$T" || exit 1
truncate -s 128M zero.bin
zip -q -9 bomb.zip zero.bin
tar -czf bomb.tar.gz zero.bin
gzip -9 -c zero.bin > zero.bin.gz
for i in 1 2 3 4; do cp bomb.zip b$i.zip; done
zip -q -0 nested.zip b1.zip b2.zip b3.zip b4.zip
rm zero.bin

mkmsg() {   # mkmsg FILE TYPE > message
    printf 'From: a@example.org\nSubject: %s\nMIME-Version: 1.0\n' "$1"
    printf 'Content-Type: multipart/mixed; boundary="b"\n\n--b\n\ntext\n--b\n'
    printf 'Content-Type: %s; name="%s"\nContent-Transfer-Encoding: base64\n\n' "$2" "$1"
    base64 -w 76 "$1"
    printf -- '--b--\n'
}
printf '# built-in defaults\n' > defaults.yaml

for case in bomb.zip:application/zip bomb.tar.gz:application/gzip \
            zero.bin.gz:application/gzip nested.zip:application/zip; do
    f=${case%%:*}
    mkmsg "$f" "${case#*:}" > "$f.eml"
    set -- $("$run" "$f.out" "$WEIR" mime -c defaults.yaml "$f.eml")
    rss=$1 cpu=$2 rc=$3
    before=$_failed
    is "$rc" 0 "$f: weir mime exits 0"
    grep -q 'limit reached: archive_expansion' "$f.out"
    ok $? "$f: reported as limit reached: archive_expansion"
    grep -q 'member .*zero.bin' "$f.out"
    ok $? "$f: the member is listed"
    [ "$cpu" -le $cpu_max ]
    ok $? "$f: CPU ${cpu} ms <= ${cpu_max} ms"
    [ "$rss" -le $rss_max ]
    ok $? "$f: peak RSS ${rss} kB <= ${rss_max} kB"
    [ "$_failed" -eq "$before" ] || sed 's/^/# /' "$f.out"
done
grep -q 'member b4.zip/zero.bin .*size=134217728' nested.zip.out
ok $? "nested.zip: members of the inner zips are listed"
done_testing
