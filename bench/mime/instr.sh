#!/bin/sh
# bench/mime/instr.sh -- instructions per message (callgrind), the measure
# that does not depend on how loaded the machine is: reformime -i against
# weir mime --no-content and weir mime (libmagic, archives) on every Nth
# file of the corpus, message on standard input, one process each, as an
# MDA runs.  Prints a Markdown table; not run by make check.
# usage: WEIR=/path/to/build/weir bench/mime/instr.sh [-n SAMPLE]
set -eu
N=40
while getopts n: o; do case $o in n) N=$OPTARG ;; *) exit 64 ;; esac; done
: "${WEIR:?set WEIR to the weir binary}"
[ -d "$(dirname "$WEIR")/.libs" ] && { WEIR_MODULEDIR=$(cd "$(dirname "$WEIR")/.libs" && pwd); export WEIR_MODULEDIR; }
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=${CORPUS:-$HERE/../../../shared/corpus}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
printf '# built-in defaults\n' > "$W/defaults.yaml"
find "$CORPUS" -type f ! -name SOURCES.md | sort > "$W/all"
total=$(wc -l < "$W/all")
awk -v n="$N" -v t="$total" 'NR % int(t / n) == 0' "$W/all" | head -n "$N" > "$W/list"
bytes=$(xargs cat < "$W/list" | wc -c)
ins() {     # ins CMD... < file: instructions
    valgrind --tool=callgrind --callgrind-out-file="$W/cg" "$@" > /dev/null 2> "$W/err"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$W/err"
}
r=0 a=0 b=0
while read -r f; do
    r=$((r + $(ins reformime -i < "$f")))
    a=$((a + $(ins "$WEIR" mime -c "$W/defaults.yaml" --no-content - < "$f")))
    b=$((b + $(ins "$WEIR" mime -c "$W/defaults.yaml" - < "$f")))
done < "$W/list"
n=$(wc -l < "$W/list")
echo "Instructions per message (callgrind), $n corpus messages ($bytes bytes), one process each:"
echo
echo "| tool | M instructions/message | vs reformime |"
echo "| --- | --- | --- |"
for row in "reformime -i:$r" "weir mime --no-content:$a" "weir mime (sniff, archives):$b"; do
    echo "$row" | awk -F: -v r="$r" -v n="$n" '{ printf "| %s | %.2f | %.2fx |\n", $1, $2 / n / 1e6, r / $2 }'
done
