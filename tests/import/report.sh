#!/bin/sh
# report.sh -- measure weir import procmailrc against procmail and put the
# numbers into the documentation (`make import-report`; never typed by
# hand).  Runs tests/import/differential.sh over every rcfile set (the
# user rcfiles of testdata/procmailrc/user, Debian's procmail-lib,
# procmail's examples) on the corpus sample (FULL=1: all of
# testdata/corpus, hours), then writes
#   doc/import-report.md      per rcfile: recipes translated, statements
#                             not translated, messages compared,
#                             disagreements and how each is explained;
#                             and the figures of larger runs (FULL=N)
#                             recorded in testdata/procmailrc/full-runs.md
#   doc/weir-import.1         the MEASURED paragraph (between its markers)
#   README.md                 the same numbers (between its markers)
# Needs the environment make check gives tests (WEIR, top_srcdir,
# top_builddir, TESTDATA).
set -u
: "${WEIR:?run through make import-report}"
: "${top_srcdir:?}"
R=$(mktemp -d "${TMPDIR:-/tmp}/weir-report.XXXXXX")
trap 'rm -rf "$R"' EXIT

: > "$R/raw"
SET=${SET:-all} REPORT="$R/raw" sh "$top_srcdir/tests/import/differential.sh" > "$R/tap" 2>&1
if ! grep -q '^== ' "$R/raw"; then
    echo "report.sh: the differential test produced no report:" >&2
    tail -20 "$R/tap" >&2
    exit 1
fi

pmv=$(dpkg-query -W -f '${Version}' procmail 2>/dev/null || echo unknown)
plv=$(dpkg-query -W -f '${Version}' procmail-lib 2>/dev/null || echo unknown)
when=$(date -u +%Y-%m-%d)
if [ "${FULL:-0}" = 1 ]; then
    msgs="every message of testdata/corpus"
else
    msgs="the sample of testdata/corpus that testdata/procmailrc/sample lists"
fi

# totals per set: user, lib, ex (name prefix)
awk '/^== / {
        s = ($2 ~ /^lib-/) ? "lib" : ($2 ~ /^ex-/) ? "ex" : "user"
        files[s]++; tr[s] += $3; rec[s] += $4; un[s] += $5; n[s] += $6 * 1
        bad[s] += $7; known[s] += $8; expl[s] += $9
        if ($5 == 0) complete[s]++
     }
     END {
        for (s in files)
            printf "%s %d %d %d %d %d %d %d %d %d\n", s, files[s], tr[s], rec[s], un[s], n[s],
                   bad[s], known[s], expl[s], complete[s]
     }' "$R/raw" > "$R/totals"
get() {   # get SET FIELD (2 files, 3 translated, 4 recipes, 5 untranslated statements,
          # 6 deliveries compared, 7 disagreements, 8 known, 9 where incomplete, 10 complete files)
    awk -v s="$1" -v f="$2" '$1 == s { print $f; found = 1 } END { if (!found) print 0 }' "$R/totals"
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "0.0"; else printf "%.1f", 100 * a / b }'; }

lt=$(get lib 3); lr=$(get lib 4); et=$(get ex 3); er=$(get ex 4)
le_t=$((lt + et)); le_r=$((lr + er)); le_p=$(pct $le_t $le_r)
nlib=$(get lib 2); nex=$(get ex 2); nuser=$(get user 2)
ut=$(get user 3); ur=$(get user 4)
allbad=$(( $(get user 7) + $(get lib 7) + $(get ex 7) ))
allknown=$(( $(get user 8) + $(get lib 8) + $(get ex 8) ))
allexpl=$(( $(get user 9) + $(get lib 9) + $(get ex 9) ))
alln=$(( $(get user 6) + $(get lib 6) + $(get ex 6) ))
nmsg=$(awk '/^== / { print $6; exit }' "$R/raw")
complete=$(( $(get user 10) + $(get lib 10) + $(get ex 10) ))
nfiles=$((nlib + nex + nuser))

# doc/import-report.md
{
    echo "# weir import procmailrc, measured against procmail"
    echo
    echo "Written by \`tests/import/report.sh\` (\`make import-report\`) on $when: procmail $pmv,"
    echo "procmail-lib $plv, $nmsg messages each ($msgs), delivered by procmail"
    echo "(as an unprivileged user, fixed environment) and by weir with the translation."
    echo "Do not edit: run the script again."
    echo
    echo "## Totals"
    echo
    echo "| rcfiles | files | recipes translated | complete translations | messages compared | disagreements | known differences | disagreements where the translation is incomplete |"
    echo "|---|---|---|---|---|---|---|---|"
    for s in user lib ex; do
        case $s in user) t="user rcfiles (testdata/procmailrc/user)";; lib) t="procmail-lib (PMSRC set)";;
                   ex) t="procmail's examples";; esac
        echo "| $t | $(get $s 2) | $(get $s 3)/$(get $s 4) ($(pct $(get $s 3) $(get $s 4))%) | $(get $s 10) | $(get $s 6) | $(get $s 7) | $(get $s 8) | $(get $s 9) |"
    done
    echo
    echo "procmail-lib and the examples together: $le_t of $le_r recipes translated"
    echo "automatically ($le_p%).  Recipes of an included file count in every rcfile"
    echo "that includes it (procmail-lib's files include pm-javar.rc and others)."
    echo
    echo "A disagreement where the translation is complete is a failure of"
    echo "tests/import/differential.sh; a known difference is one listed, with its"
    echo "reason, in testdata/procmailrc/known-differences; where statements were left"
    echo "untranslated (listed below with file:line) the translation is not meant to"
    echo "agree, and its disagreements are counted apart."
    echo
    echo "## Per rcfile"
    echo
    echo "| rcfile | recipes translated | statements not translated | messages | disagreements | known | where incomplete |"
    echo "|---|---|---|---|---|---|---|"
    awk '/^== / { printf "| %s | %d/%d | %d | %d | %d | %d | %d |\n", $2, $3, $4, $5, $6, $7, $8, $9 }' "$R/raw"
    echo
    # runs on more of the corpus (FULL=N: hours, so not made here): their
    # figures, written down by whoever ran them
    if [ -f "$TESTDATA/procmailrc/full-runs.md" ]; then
        sed -n '/^## /,$p' "$TESTDATA/procmailrc/full-runs.md"
        echo
    fi
    echo "## Notes per rcfile"
    echo
    echo "What was not translated or is approximated (file:line), and which messages"
    echo "ended differently."
    awk '/^== / { printf "\n### %s\n\n", $2; next }
         { print "- " $0 }' "$R/raw"
} > "$top_srcdir/doc/import-report.md"

# the paragraph in weir-import(1) and in the README
para="Measured by tests/import/report.sh on $when (procmail $pmv, procmail-lib $plv):\
 of the $le_r recipes of procmail-lib's $nlib rcfiles and procmail's $nex example rcfiles,\
 $le_t ($le_p%) are translated automatically; the $nuser user rcfiles translate $ut of $ur.\
 $nfiles rcfiles, $complete of them translated completely, were run through procmail and weir\
 on $nmsg messages each ($alln deliveries compared):\
 $allbad disagreements where the translation is complete, $allknown known differences\
 (each with its reason), and $allexpl where statements were left untranslated.\
 Per rcfile: doc/import-report.md."

replace() {   # replace FILE BEGIN-MARKER END-MARKER TEXT (through the
              # environment: awk -v would take the backslash of .\" away)
    RB="$2" RE="$3" RT="$4" awk '
        index($0, ENVIRON["RB"]) == 1 { print; print ENVIRON["RT"]; skip = 1; next }
        index($0, ENVIRON["RE"]) == 1 { skip = 0 }
        !skip { print }' "$1" > "$1.new" && mv "$1.new" "$1"
}
replace "$top_srcdir/doc/weir-import.1" '.\" BEGIN MEASURED' '.\" END MEASURED' "$para"
replace "$top_srcdir/README.md" '<!-- BEGIN MEASURED' '<!-- END MEASURED' "$para"
echo "$para"
