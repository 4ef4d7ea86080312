#!/bin/sh
# bench/tester/run.sh -- `weir test` replaying the bench corpus (2,000
# messages of ../shared/bench-anchors) from one mbox in one process,
# against procmail run once per message on the same messages (the only way
# procmail can do it), both with the anchors' 41 rules.  Prints messages/s
# for each and the ratio (target: weir test >= 20x procmail).
#
# usage: WEIR=/path/to/build/weir bench/tester/run.sh [-n N] [-r ROUNDS] [-w WORKDIR]
# Needs python3, gcc, procmail (apt-get install procmail).  As root, both
# tools run as nobody.  Not part of `make check`.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
N=2000 ROUNDS=3 WORK=/tmp/weir-bench-tester
while getopts n:r:w: o; do
    case $o in n) N=$OPTARG ;; r) ROUNDS=$OPTARG ;; w) WORK=$OPTARG ;; *) exit 64 ;; esac
done
: "${WEIR:?set WEIR to the weir binary}"
ANCHORS=${ANCHORS:-}
for a in "$HERE/../../../shared/bench-anchors" "$HERE/../../../../shared/bench-anchors"; do
    [ -z "$ANCHORS" ] && [ -d "$a" ] && ANCHORS=$(cd "$a" && pwd)
done
[ -n "$ANCHORS" ] || { echo "bench-anchors not found; set ANCHORS" >&2; exit 66; }
PY=$(command -v python3)
PROCMAIL=$(command -v procmail) || { echo "procmail missing: apt-get install procmail" >&2; exit 69; }

mkdir -p "$WORK"; chmod 755 "$WORK"
if [ ! -f "$WORK/corpus/expected.tsv" ] || [ "$(($(wc -l < "$WORK/corpus/expected.tsv") - 1))" != "$N" ]; then
    rm -rf "$WORK/corpus"
    "$PY" "$ANCHORS/lib/gen_corpus.py" "$WORK/corpus" --count "$N" >&2
fi
# the archive: mboxrd, From_ line per message, as a mail client saves it
"$PY" - "$WORK/corpus" "$WORK/corpus.mbox" <<'PYEOF'
import os, re, sys
d, out = sys.argv[1], sys.argv[2]
q = re.compile(rb"^(>*From )", re.M)
with open(out, "wb") as f:
    for name in sorted(os.listdir(os.path.join(d, "msgs"))):
        raw = open(os.path.join(d, "msgs", name), "rb").read()
        if not raw.endswith(b"\n"):
            raw += b"\n"
        f.write(b"From bench@example.org Sat Nov 28 01:19:29 2026\n" + q.sub(rb">\1", raw) + b"\n")
PYEOF
ls "$WORK/corpus/msgs/"*.eml > "$WORK/list"

mkdir -p "$WORK/conf" "$WORK/build"
"$PY" "$HERE/render_weir.py" "$ANCHORS" | sed "s|{MAILDIR}|$WORK/home/Maildir|" > "$WORK/conf/weir.rules"
"$PY" "$ANCHORS/lib/render.py" procmail "$WORK/conf" "$WORK/home/Maildir"
gcc -O2 -o "$WORK/build/runmany" "$ANCHORS/src/runmany.c"
chmod -R a+rX "$WORK"

if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    AS=
fi
fresh_maildir() {
    rm -rf "$WORK/home"; mkdir -p "$WORK/home"
    for f in "" .spam .lists-kernel .lists-debian .lists-misc .devnotify .work .family \
             .finance .shopping .newsletters .big; do
        mkdir -p "$WORK/home/Maildir/$f/new" "$WORK/home/Maildir/$f/cur" "$WORK/home/Maildir/$f/tmp"
    done
    [ -z "$AS" ] || chown -R nobody:nogroup "$WORK/home"
}
now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# weir test: the whole mbox in one process
fresh_maildir
rules="-r $WORK/conf/weir.rules"
if ! env -i HOME="$WORK/home" PATH=/usr/bin:/bin $AS "$WEIR" test -q -S $rules "$WORK/corpus.mbox" \
        > "$WORK/weir.out" 2> "$WORK/weir.err"; then
    if grep -q "not part of this build" "$WORK/weir.err"; then
        echo "NOTE: the rule language is not in this weir build; timing weir test WITHOUT rules" >&2
        rules=
    else
        cat "$WORK/weir.err" >&2; exit 70
    fi
fi
: > "$WORK/weir.times"
for r in $(seq "$ROUNDS"); do
    t0=$(now)
    env -i HOME="$WORK/home" PATH=/usr/bin:/bin $AS "$WEIR" test -q -S $rules "$WORK/corpus.mbox" > "$WORK/weir.out"
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >> "$WORK/weir.times"
done
weir_s=$(median < "$WORK/weir.times")
weir_n=$(grep -c ': delivered to \|: dropped \|: bounced \|: deferred ' "$WORK/weir.out")

# procmail: once per message, through a pipe, as an MTA runs it
: > "$WORK/procmail.times"
for r in $(seq "$ROUNDS"); do
    fresh_maildir
    env -i HOME="$WORK/home" PATH=/usr/bin:/bin $AS "$WORK/build/runmany" "$WORK/list" -- \
        "$PROCMAIL" -m "$WORK/conf/procmailrc" > "$WORK/procmail.line" 2> "$WORK/procmail.err"
    cut -f4 "$WORK/procmail.line" >> "$WORK/procmail.times"
done
pm_s=$(median < "$WORK/procmail.times")
pm_n=$(cut -f2 "$WORK/procmail.line")

weir_rate=$(awk -v n="$weir_n" -v s="$weir_s" 'BEGIN { print n / s }')
pm_rate=$(awk -v n="$pm_n" -v s="$pm_s" 'BEGIN { print n / s }')
printf '\nweir test vs procmail, %s messages (%s), median of %s rounds\n' "$N" \
    "$(du -sh "$WORK/corpus.mbox" | cut -f1) mbox" "$ROUNDS"
printf '%-44s %8s %10s\n' tool seconds messages/s
printf '%-44s %8.3f %10.0f\n' "weir test, one process${rules:+, 41 rules}${rules:-, NO rules}" "$weir_s" "$weir_rate"
printf '%-44s %8.3f %10.0f\n' "procmail -m, one process per message" "$pm_s" "$pm_rate"
printf 'ratio: %.1fx (target >= 20x)\n' "$(awk -v a="$weir_rate" -v b="$pm_rate" 'BEGIN { print a / b }')"
if [ -n "$rules" ]; then
    echo; echo "filing (weir test summary vs procmail Maildir):"
    sed -n '/^summary:/,$p' "$WORK/weir.out" | awk 'NR > 2 { print "  weir     " $1 " " $2 }'
    for d in "$WORK/home/Maildir" "$WORK/home/Maildir"/.*/; do
        [ -d "$d/new" ] && printf '  procmail %s %s\n' "$d" "$(ls "$d/new" | wc -l)"
    done
fi
