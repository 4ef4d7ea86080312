#!/bin/sh
# stub.sh -- the programs the differential test's rcfiles run (installed
# as sendmail, record, ...; the name tells them apart): records its name,
# its arguments (one per line, each after a '+', so that an empty
# argument is not the empty line that ends them) and its input in $HOME/.rec, for
# tests/import/pm_outcome.c, and succeeds.  While it runs, a file
# .rec/running.PID says so (procmail does not wait for every program it
# starts; the test waits for these files to go).
d="$HOME/.rec"
mkdir -p "$d" || exit 75
: > "$d/running.$$"
f=$(mktemp "$d/r.XXXXXX") || exit 75
{ basename "$0"; for a in "$@"; do printf '+%s\n' "$a"; done; echo; cat; } > "$f"
rm -f "$d/running.$$"
exit 0
