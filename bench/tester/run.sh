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
: "${WEIR:?set WEIR to the weir binary}"; TESTER="$WEIR test"
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
if ! env -i HOME="$WORK/home" PATH=/usr/bin:/bin $AS $TESTER -q -S $rules "$WORK/corpus.mbox" \
        > "$WORK/weir.out" 2> "$WORK/weir.err"; then
    if grep -q "not part of this build" "$WORK/weir.err"; then
        echo "NOTE: the rule language is not in this weir build; timing weir test WITHOUT rules" >&2
        rules=
    else
        cat "$WORK/weir.err" >&2; exit 70
    fi
fi
: > "$WORK/weir.times"; : > "$WORK/weir.cpu"
for r in $(seq "$ROUNDS"); do
    /usr/bin/time -f "%e %U %S" -o "$WORK/weir.time" env -i HOME="$WORK/home" PATH=/usr/bin:/bin \
        $AS $TESTER -q -S $rules "$WORK/corpus.mbox" > "$WORK/weir.out"
    awk '{ print $1 }' "$WORK/weir.time" >> "$WORK/weir.times"
    awk '{ print $2 + $3 }' "$WORK/weir.time" >> "$WORK/weir.cpu"
done
weir_s=$(median < "$WORK/weir.times")
weir_cpu=$(median < "$WORK/weir.cpu")
weir_n=$(grep -c ': delivered to \|: dropped \|: bounced \|: deferred ' "$WORK/weir.out")

# procmail: once per message, through a pipe, as an MTA runs it
: > "$WORK/procmail.times"; : > "$WORK/procmail.cpu"
for r in $(seq "$ROUNDS"); do
    fresh_maildir
    env -i HOME="$WORK/home" PATH=/usr/bin:/bin $AS "$WORK/build/runmany" "$WORK/list" -- \
        "$PROCMAIL" -m "$WORK/conf/procmailrc" > "$WORK/procmail.line" 2> "$WORK/procmail.err"
    cut -f4 "$WORK/procmail.line" >> "$WORK/procmail.times"
    awk -F'\t' '{ print $5 + $6 }' "$WORK/procmail.line" >> "$WORK/procmail.cpu"
done
pm_s=$(median < "$WORK/procmail.times")
pm_cpu=$(median < "$WORK/procmail.cpu")
pm_n=$(cut -f2 "$WORK/procmail.line")

weir_rate=$(awk -v n="$weir_n" -v s="$weir_s" 'BEGIN { print n / s }')
pm_rate=$(awk -v n="$pm_n" -v s="$pm_s" 'BEGIN { print n / s }')
printf '\nweir test vs procmail, %s messages (%s), median of %s rounds\n' "$N" \
    "$(du -sh "$WORK/corpus.mbox" | cut -f1) mbox" "$ROUNDS"
printf '%-40s %8s %10s %8s %12s\n' tool "wall s" messages/s "CPU s" "msgs/CPU s"
if [ -n "$rules" ]; then label="weir test, one process, 41 rules"; else label="weir test, one process, NO rules"; fi
printf '%-40s %8.3f %10.0f %8.3f %12.0f\n' "$label" \
    "$weir_s" "$weir_rate" "$weir_cpu" "$(awk -v n="$weir_n" -v c="$weir_cpu" 'BEGIN { print n / c }')"
printf '%-40s %8.3f %10.0f %8.3f %12.0f\n' "procmail -m, one process per message" \
    "$pm_s" "$pm_rate" "$pm_cpu" "$(awk -v n="$pm_n" -v c="$pm_cpu" 'BEGIN { print n / c }')"
printf 'ratio: %.1fx by wall time, %.1fx by CPU time (target >= 20x)\n' \
    "$(awk -v a="$weir_rate" -v b="$pm_rate" 'BEGIN { print a / b }')" \
    "$(awk -v a="$pm_cpu" -v b="$weir_cpu" -v n="$weir_n" -v m="$pm_n" 'BEGIN { print (n / b) / (m / a) }')"
if [ -n "$rules" ]; then
    # per folder: what weir test says vs what procmail delivered
    sed -n '/^summary:/,$p' "$WORK/weir.out" | awk -v root="$WORK/home/Maildir/" 'NR > 2 {
        f = $1; sub(root, "", f); sub("/$", "", f); sub("^[.]", "", f); if (f == "") f = "INBOX"
        print f, $2 }' | sort > "$WORK/weir.folders"
    for d in "$WORK/home/Maildir" "$WORK/home/Maildir"/.[!.]*; do
        f=${d##*/Maildir}; f=${f#/}; f=${f#.}; [ -n "$f" ] || f=INBOX
        echo "$f $(ls "$d/new" | wc -l)"
    done | sort > "$WORK/procmail.folders"
    printf '\n%-14s %6s %9s\n' folder weir procmail
    join -a1 -a2 -e - -o 0,1.2,2.2 "$WORK/weir.folders" "$WORK/procmail.folders" |
        awk '{ printf "%-14s %6s %9s%s\n", $1, $2, $3, ($2 == $3 ? "" : "   DIFFERENT") }'
fi
