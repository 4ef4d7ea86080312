#!/bin/bash
# bench/concurrency/run.sh -- deliveries/s with P concurrent delivery
# processes (P = 1, 2, 4, 8 by default), the way a busy MTA runs its local
# deliveries, on the anchor corpus and its 41 rules (../shared/bench-anchors,
# as bench/anchors/run.sh prepared them):
#   one   all P processes deliver into one user's Maildir++ tree
#   many  P users, each with its own HOME (rule cache) and Maildir
# Columns: floor-fsync (the harness's mdfloor -s: copy + fsync + rename),
# procmail -m, weir (warm cache).  Each cell: the messages split
# round-robin over P copies of the harness's runmany (fork+exec per
# message, message through a pipe), all started together; deliveries/s =
# messages / wall time until the last one ends.  Every message must land
# (counted).  "Users" are separate HOMEs and Maildirs of the one bench user
# (nobody): what they change for a delivery -- the directory written, the
# rule cache read -- is theirs; the uid is not.
#
# usage (root, after bench/anchors/run.sh has run once):
#   WEIR=build/weir bench/concurrency/run.sh [-n MSGS] [-p "1 2 4 8"] [-r ROUNDS] [-t TOOLS]
# Prints a markdown table (median of the rounds) with the load average
# before and after.  Wall-clock numbers: run nothing else of yours at the
# same time.  Not part of make check.
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
: "${WEIR:?set WEIR to the built weir binary}"
H=${ANCHORS_COPY:-/tmp/weir-bench-anchors/harness}
N=1000 PS="1 2 4 8" ROUNDS=1 TOOLS="floor-fsync procmail weir"
while [ $# -gt 0 ]; do
    case $1 in
    -n) N=$2; shift 2 ;;
    -p) PS=$2; shift 2 ;;
    -r) ROUNDS=$2; shift 2 ;;
    -t) TOOLS=$(echo "$2" | tr , ' '); shift 2 ;;
    *) echo "usage: $0 [-n MSGS] [-p \"1 2 4 8\"] [-r ROUNDS] [-t floor-fsync,procmail,weir]" >&2; exit 2 ;;
    esac
done
[ -d "$H/corpus/msgs" ] || { echo "no corpus in $H: run bench/anchors/run.sh first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root (the tools run as nobody)" >&2; exit 1; }

W=/tmp/weir-bench-conc
rm -rf "$W"; mkdir -p "$W/bin"; chmod 755 "$W" "$W/bin"
gcc -O2 -o "$W/bin/runmany" "$H/src/runmany.c"
gcc -O2 -o "$W/bin/mdfloor" "$H/src/mdfloor.c"
cp "$WEIR" "$W/bin/weir"
chmod 755 "$W/bin"/*
awk -F'\t' -v n="$N" -v c="$H/corpus" 'NR > 1 && NR <= n + 1 {print c "/" $1}' \
    "$H/corpus/expected.tsv" > "$W/list"
N=$(wc -l < "$W/list")
FOLDERS=$(python3 -c "import sys; sys.path.insert(0, '$H/lib'); import rules; print(' '.join(rules.FOLDERS))")
python3 "$TOP/bench/tester/render_weir.py" "$H" > "$W/weir.tmpl"
echo 'file "${mail}/"' >> "$W/weir.tmpl"

maxp=1
for p in $PS; do [ "$p" -gt "$maxp" ] && maxp=$p; done
# user u: $W/u$u/{home,conf,Maildir}
for u in $(seq 1 "$maxp"); do
    d=$W/u$u
    mkdir -p "$d/home" "$d/conf"
    sed "s#{MAILDIR}#$d/Maildir#g" "$W/weir.tmpl" > "$d/conf/weir.rules"
    python3 "$H/lib/render.py" procmail "$d/conf" "$d/Maildir"
    chmod 644 "$d/conf"/*
done
chown -R nobody: "$W"/u*

reset_md() { # user
    local md=$W/u$1/Maildir
    rm -rf "$md"
    install -d -m 700 -o nobody "$md" "$md"/{cur,new,tmp}
    for f in $FOLDERS; do install -d -m 700 -o nobody "$md/.$f" "$md/.$f"/{cur,new,tmp}; done
}
cmd() { # tool user -> command words
    local d=$W/u$2
    case $1 in
    floor-fsync) echo "$W/bin/mdfloor -s $d/Maildir" ;;
    procmail) echo "/usr/bin/procmail -m $d/conf/procmailrc" ;;
    weir) echo "$W/bin/weir -r $d/conf/weir.rules" ;;
    esac
}
run_as() { # user cmd...
    setpriv --reuid=nobody --regid="$(id -g nobody)" --init-groups \
        env -i HOME="$W/u$1/home" USER=nobody LOGNAME=nobody SHELL=/bin/sh PATH=/usr/bin:/bin "${@:2}"
}
# one cell: tool mode P -> deliveries/s (prints "rate delivered")
cell() {
    local t=$1 mode=$2 p=$3 i u start end
    for u in $(seq 1 "$p"); do reset_md "$u"; done
    rm -f "$W"/part.*
    awk -v p="$p" -v w="$W" '{print > (w "/part." ((NR - 1) % p + 1))}' "$W/list"
    chmod 644 "$W"/part.*
    # warm: the rule cache of every user used (weir), page cache of the corpus
    for u in $(seq 1 "$p"); do
        [ "$mode" = one ] && [ "$u" -gt 1 ] && break
        head -1 "$W/list" > "$W/warm"; chmod 644 "$W/warm"
        # shellcheck disable=SC2046
        run_as "$u" "$W/bin/runmany" "$W/warm" -- $(cmd "$t" "$u") > /dev/null 2>&1 || true
        reset_md "$u"
    done
    cat "$W/list" | xargs cat > /dev/null
    sync
    start=$(date +%s.%N)
    for i in $(seq 1 "$p"); do
        u=$i; [ "$mode" = one ] && u=1
        # shellcheck disable=SC2046
        run_as "$u" "$W/bin/runmany" "$W/part.$i" -- $(cmd "$t" "$u") \
            > "$W/res.$i" 2>> "$W/stderr.$t" &
    done
    wait
    end=$(date +%s.%N)
    local got=0
    for u in $(seq 1 "$p"); do
        [ -d "$W/u$u/Maildir" ] && got=$((got + $(find "$W/u$u/Maildir" -path '*/new/*' -type f | wc -l)))
    done
    awk -v n="$N" -v s="$start" -v e="$end" -v g="$got" 'BEGIN{printf "%.0f %d\n", n / (e - s), g}'
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A R
for r in $(seq 1 "$ROUNDS"); do
    for mode in one many; do
        for p in $PS; do
            for t in $TOOLS; do
                read -r rate got < <(cell "$t" "$mode" "$p")
                [ "$got" = "$N" ] || echo "WARNING: $t $mode P=$p: $got of $N messages delivered" >&2
                R[$t,$mode,$p]="${R[$t,$mode,$p]:-} $rate"
                printf '[%s] round %d %-11s %-4s P=%d: %s deliveries/s (%d delivered)\n' \
                    "$(date +%T)" "$r" "$t" "$mode" "$p" "$rate" "$got" >&2
            done
        done
    done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
med() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

echo "Concurrent deliveries, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), $(findmnt -no FSTYPE -T "$W") on $(findmnt -no SOURCE -T "$W")"
echo "$N messages of the anchor corpus, 41 rules, median of $ROUNDS round(s); load average before: $load0, after: $load1"
echo
printf '| P | mode |'; for t in $TOOLS; do printf ' %s |' "$t"; done
[[ " $TOOLS " == *" weir "* ]] && [[ " $TOOLS " == *" floor-fsync "* ]] && printf ' weir / floor |'
[[ " $TOOLS " == *" weir "* ]] && [[ " $TOOLS " == *" procmail "* ]] && printf ' weir / procmail |'
echo
printf '|---|---|'; for t in $TOOLS; do printf -- '---:|'; done
[[ " $TOOLS " == *" weir "* ]] && [[ " $TOOLS " == *" floor-fsync "* ]] && printf -- '---:|'
[[ " $TOOLS " == *" weir "* ]] && [[ " $TOOLS " == *" procmail "* ]] && printf -- '---:|'
echo
for mode in one many; do
    for p in $PS; do
        printf '| %d | %s |' "$p" "$mode"
        declare -A M=()
        for t in $TOOLS; do M[$t]=$(echo "${R[$t,$mode,$p]}" | med); printf ' %s |' "${M[$t]}"; done
        [[ -n "${M[weir]:-}" && -n "${M[floor-fsync]:-}" ]] && awk -v a="${M[weir]}" -v b="${M[floor-fsync]}" 'BEGIN{printf " %.2f |", a / b}'
        [[ -n "${M[weir]:-}" && -n "${M[procmail]:-}" ]] && awk -v a="${M[weir]}" -v b="${M[procmail]}" 'BEGIN{printf " %.2f |", a / b}'
        echo
        unset M
    done
done
