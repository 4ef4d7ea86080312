#!/bin/sh
# run.sh -- fcntl lock + plain btree file (mode 0, weir's choice) against a
# DB_INIT_CDB environment (mode 1) for one delivery's open/get/put/close:
# instructions (callgrind, the 301st delivery into a database of 300) and
# system calls (strace -c), then 16 processes x 50 deliveries and
# db_verify of the file.  Needs cc, libdb-dev, valgrind, strace, db-util.
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cc -O2 -o "$T/lockmode" "$(dirname "$0")/lockmode.c" -ldb
mkdir "$T/base"
echo "baseline (process linking libdb, no work): $(valgrind --tool=callgrind \
    --callgrind-out-file=/dev/null "$T/lockmode" "$T/base" 2 0 2>&1 | sed -n 's/.*Collected : //p') instructions"
for m in 0 1; do
    d="$T/d$m"; mkdir "$d"
    i=0; while [ $i -lt 300 ]; do "$T/lockmode" "$d" $m $i; i=$((i + 1)); done
    ins=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$T/lockmode" "$d" $m 1000 2>&1 |
          sed -n 's/.*Collected : //p')
    sc=$(strace -f -c -o "$T/st" "$T/lockmode" "$d" $m 1001 && awk '/total/ { print $4 }' "$T/st")
    rm -rf "$d"; mkdir "$d"
    "$T/lockmode" "$d" $m 16 50
    if db_verify -q "$d/reply.db" 2>/dev/null; then v=clean; else v=FAILED; fi
    echo "mode $m ($( [ $m = 0 ] && echo fcntl || echo cdb )): $ins instructions, $sc system calls per delivery; 16x50 concurrent: db_verify $v"
done
