#!/bin/sh
# bench/anchors/phases.sh -- where a weir delivery's instructions go, per
# phase, from callgrind files (one per delivery process, e.g. the anchor
# harness's /tmp/mdabench/t/weir/cg/ after bench/anchors/run.sh).
#
# usage: bench/anchors/phases.sh CGDIR [CGDIR...]
# Prints one markdown row per CGDIR: the mean per delivery of
#   loader    before main: ld.so maps and relocates weir and its libraries,
#             runs their constructors (total - __libc_start_main)
#   start     main's own start-up: privileges, environment, logging,
#             configuration (weir.yaml, defaults), the delivery's state
#   intake    flow_prepare: the user, the message read from stdin, the
#             envelope and the client
#   cache     rules_load: the compiled rules read, checked against their
#             sources and verified (or compiled when there is no cache)
#   rules     host_run: the VM, the builtins, regexes, MIME walk
#   delivery  commit_plan + commit_execute: the folders written, fsynced,
#             the log line
#   exit      delivery_free, config_free and what runs after main returns
#   other     the rest of main (small)
# Lazy symbol binding by ld.so is counted in the phase that first calls
# the function.  Needs callgrind_annotate (valgrind).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 CGDIR..." >&2; exit 2; }
echo "| run | deliveries | total | loader | start | intake | cache | rules | delivery | exit | other |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for d in "$@"; do
    for f in "$d"/cg.*; do
        callgrind_annotate --auto=no --inclusive=yes --threshold=100 "$f" 2>/dev/null |
            awk -v f="$f" '
            /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
            /:__libc_start_main/ && !lsm { gsub(",", "", $1); lsm = $1 }
            / [^ ]*lda\/prog\/main\.c:main / { gsub(",", "", $1); m = $1 }
            / [^ ]*flow\.c:flow_prepare / { gsub(",", "", $1); fp = $1 }
            / [^ ]*rules\.c:rules_load / { gsub(",", "", $1); rl = $1 }
            / [^ ]*host\.c:host_run / { gsub(",", "", $1); hr = $1 }
            / [^ ]*commit_plan\.c:commit_plan / { gsub(",", "", $1); cp = $1 }
            / [^ ]*commit\.c:commit_execute / { gsub(",", "", $1); ce = $1 }
            / [^ ]*delivery\.c:delivery_free / { gsub(",", "", $1); df = $1 }
            / [^ ]*config\.c:config_free / { gsub(",", "", $1); cf = $1 }
            / [^ ]*flow\.c:flow_deliver / { gsub(",", "", $1); fd = $1 }
            END { print total, lsm, m, fp, rl, hr, cp, ce, df, cf, fd }'
    done | awk -v name="$d" '
        { n++; T += $1; L += $1 - $2; X += $2 - $3; I += $4; C += $5; R += $6; D += $7 + $8
          E += $9 + $10; main += $3; fd += $11 }
        END {
            # start: main minus flow_deliver minus the exit frees
            S = main - fd - E
            O = fd - I - C - R - D
            f = "%.0f k"
            printf "| %s | %d | %.3f M | " f " | " f " | " f " | " f " | " f " | " f " | " f " | " f " |\n",
                name, n, T / n / 1e6, L / n / 1e3, S / n / 1e3, I / n / 1e3, C / n / 1e3, R / n / 1e3,
                D / n / 1e3, (E + X) / n / 1e3, O / n / 1e3
        }'
done
