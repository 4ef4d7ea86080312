#!/bin/sh
# names_python.sh -- attachment file names as weir decodes them agree with
# a mainstream MIME library (Python's email package) on >= 99% of the
# named parts of the corpus (testdata/corpus) (issue 12's bar for real mail).  The
# known differences are Python's: a raw Latin-1 or cut UTF-8 name becomes
# U+FFFD there (counted as agreeing when the rest matches), an unquoted
# name with spaces is cut at the first space there.
. "$top_srcdir/tests/lib.sh"

CORPUS="$top_srcdir/testdata/corpus"
command -v python3 > /dev/null 2>&1; ok $? "python3 is installed (build-aux/install-deps.sh)"
printf 'logging: { syslog: false }\n' > "$T/weir.yaml"
find "$CORPUS" -type f ! -name SOURCES.md | sort > "$T/list"
xargs "$WEIR" mime -c "$T/weir.yaml" --no-content --format json < "$T/list" > "$T/weir.jsonl" 2> "$T/err"
ok $? "weir mime read every corpus file ($(wc -l < "$T/list") files)"
xargs python3 "$top_srcdir/tests/builtins/names_python.py" "$T/weir.jsonl" < "$T/list" > "$T/cmp"
grep '^#' "$T/cmp"
set -- $(grep -v '^#' "$T/cmp")
total=$1 agree=$2
[ "$total" -ge 200 ]; ok $? "the corpus has enough named attachments ($total)"
[ $((agree * 100)) -ge $((total * 99)) ]
ok $? "file names agree with Python's email package: $agree of $total (>= 99%)"
done_testing
