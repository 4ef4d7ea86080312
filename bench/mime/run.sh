#!/bin/sh
# bench/mime/run.sh -- the MIME walk against maildrop's reformime(1) on the
# same files in one run:
#   1. throughput over the corpus (testdata/corpus), each tool run
#      once per message with the message on standard input, as an MDA is
#      run: `reformime -i` (parse and print the MIME structure) against
#      `weir mime --no-content -` (walk, decode every part, print the tree)
#      and `weir mime -` (also libmagic and archive listings); MB/s from
#      wall time (best of ROUNDS), and the ratio weir/reformime (target:
#      >= 3);  plus `weir mime --no-content FILE...` in one process;
#   2. peak RSS for messages with a 1, 10 and 100 MB base64 attachment
#      (random bytes, and a stored zip of random bytes), which must stay
#      flat as the attachment grows.
# Prints a Markdown report (and writes it to -o FILE).  Not run by make check.
#
# usage: WEIR=/path/to/build/weir bench/mime/run.sh [-r ROUNDS] [-w WORKDIR] [-o FILE]
# Needs gcc, reformime (apt-get install maildrop), zip.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROUNDS=3 WORK=/tmp/weir-bench-mime OUT=
while getopts r:w:o: o; do
    case $o in r) ROUNDS=$OPTARG ;; w) WORK=$OPTARG ;; o) OUT=$OPTARG ;; *) exit 64 ;; esac
done
: "${WEIR:?set WEIR to the weir binary}"
WEIR=$(cd "$(dirname "$WEIR")" && pwd)/$(basename "$WEIR")
[ -d "$(dirname "$WEIR")/.libs" ] && { WEIR_MODULEDIR=$(dirname "$WEIR")/.libs; export WEIR_MODULEDIR; }
REFORMIME=$(command -v reformime) || { echo "reformime missing: apt-get install maildrop" >&2; exit 69; }
CORPUS=${CORPUS:-$HERE/../../testdata/corpus}
[ -d "$CORPUS" ] || { echo "corpus not found at $CORPUS; set CORPUS" >&2; exit 66; }
CORPUS=$(cd "$CORPUS" && pwd)

mkdir -p "$WORK"
gcc -O2 -o "$WORK/runeach" "$HERE/runeach.c"
find "$CORPUS" -type f ! -name SOURCES.md | sort > "$WORK/list"
nfiles=$(wc -l < "$WORK/list")
bytes=$(xargs cat < "$WORK/list" | wc -c)
mb=$(echo "$bytes" | awk '{ printf "%.2f", $1 / 1e6 }')
printf '# built-in defaults\n' > "$WORK/defaults.yaml"

# best ROUNDS wall time of: runeach LIST CMD...  -> "wall cpu maxrss"
best() {
    list=$1; shift
    b=
    r=0
    while [ $r -lt "$ROUNDS" ]; do
        res=$("$WORK/runeach" "$list" "$@")
        fails=$(echo "$res" | cut -d' ' -f4)
        [ "$fails" = 0 ] || echo "warning: $fails failures: $*" >&2
        if [ -z "$b" ] || [ "$(echo "$res $b" | awk '{ print ($1 < $5) }')" = 1 ]; then
            b=$res
        fi
        r=$((r + 1))
    done
    echo "$b"
}

rate() { echo "$1" | awk -v mb="$mb" '{ printf "%.1f", mb / $1 }'; }

ref=$(best "$WORK/list" "$REFORMIME" -i)
wnc=$(best "$WORK/list" "$WEIR" mime -c "$WORK/defaults.yaml" --no-content -)
wc_=$(best "$WORK/list" "$WEIR" mime -c "$WORK/defaults.yaml" -)
# One process for all files.
batch=
r=0
while [ $r -lt "$ROUNDS" ]; do
    t0=$(date +%s.%N)
    xargs "$WEIR" mime -c "$WORK/defaults.yaml" --no-content < "$WORK/list" > /dev/null
    t1=$(date +%s.%N)
    w=$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')
    if [ -z "$batch" ] || [ "$(echo "$w $batch" | awk '{ print ($1 < $2) }')" = 1 ]; then
        batch=$w
    fi
    r=$((r + 1))
done

# Big attachments.
mkmsg() {   # mkmsg MB KIND > message
    printf 'From: a@example.org\nSubject: %s MB\nMIME-Version: 1.0\n' "$1"
    printf 'Content-Type: multipart/mixed; boundary="b"\n\n--b\n\nsee attached\n--b\n'
    if [ "$2" = zip ]; then
        head -c "$(($1 * 1000000))" /dev/urandom > "$WORK/r.bin"
        rm -f "$WORK/r.zip"
        (cd "$WORK" && zip -q -0 r.zip r.bin)
        printf 'Content-Type: application/zip; name="big.zip"\nContent-Transfer-Encoding: base64\n\n'
        base64 -w 76 "$WORK/r.zip"
        rm -f "$WORK/r.bin" "$WORK/r.zip"
    else
        printf 'Content-Type: application/octet-stream; name="big.bin"\nContent-Transfer-Encoding: base64\n\n'
        head -c "$(($1 * 1000000))" /dev/urandom | base64 -w 76
    fi
    printf -- '--b--\n'
}
rss_rows=
for size in 1 10 100; do
    for kind in bin zip; do
        f="$WORK/big-$size-$kind.eml"
        [ -f "$f" ] || mkmsg $size $kind > "$f"
        echo "$f" > "$WORK/one"
        a=$("$WORK/runeach" "$WORK/one" "$REFORMIME" -i)
        b=$("$WORK/runeach" "$WORK/one" "$WEIR" mime -c "$WORK/defaults.yaml" --no-content -)
        c=$("$WORK/runeach" "$WORK/one" "$WEIR" mime -c "$WORK/defaults.yaml" -)
        rss_rows="$rss_rows$(printf '| %s MB %s | %s | %s | %s | %s | %s | %s |' "$size" "$kind" \
            "$(echo "$a" | awk '{ printf "%.1f", $3 / 1024 }')" "$(echo "$a" | cut -d' ' -f1)" \
            "$(echo "$b" | awk '{ printf "%.1f", $3 / 1024 }')" "$(echo "$b" | cut -d' ' -f1)" \
            "$(echo "$c" | awk '{ printf "%.1f", $3 / 1024 }')" "$(echo "$c" | cut -d' ' -f1)")
"
    done
done

{
    echo "# MIME walk: weir mime vs reformime -i"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), $(uname -sr), $(nproc) CPUs; weir $("$WEIR" --version | head -1 | cut -d' ' -f2), $(dpkg-query -W -f='maildrop ${Version}' maildrop 2>/dev/null || echo reformime); best of $ROUNDS rounds."
    echo
    echo "Corpus: $nfiles messages, $mb MB ($CORPUS). One process per message, message on standard input."
    echo
    echo "| tool | wall s | CPU s | MB/s | vs reformime |"
    echo "| --- | --- | --- | --- | --- |"
    for row in "reformime -i:$ref" "weir mime --no-content:$wnc" "weir mime (sniff, archives):$wc_"; do
        name=${row%%:*} res=${row#*:}
        w=$(echo "$res" | cut -d' ' -f1) c=$(echo "$res" | cut -d' ' -f2)
        ratio=$(echo "$(echo "$ref" | cut -d' ' -f1) $w" | awk '{ printf "%.2fx", $1 / $2 }')
        echo "| $name | $w | $c | $(rate "$w") | $ratio |"
    done
    echo "| weir mime --no-content, all files in one process | $batch | - | $(rate "$batch") | $(echo "$(echo "$ref" | cut -d' ' -f1) $batch" | awk '{ printf "%.2fx", $1 / $2 }') |"
    echo
    echo "Peak RSS (MB) and wall time (s) for one message with a base64 attachment of random bytes (bin) or a stored zip of random bytes (zip):"
    echo
    echo "| attachment | reformime RSS | s | weir --no-content RSS | s | weir (sniff, archive) RSS | s |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    printf '%s' "$rss_rows"
} > "$WORK/report.md"
cat "$WORK/report.md"
[ -z "$OUT" ] || cp "$WORK/report.md" "$OUT"
