#!/bin/sh
# mime_golden.sh -- golden MIME trees: `weir mime` (the real binary, with
# libmagic and libarchive through its modules) on every message of
# testdata/mime/ must print exactly NAME.ref; NAME.json.ref, when there,
# holds the --format json output.  NAME.yaml, when there, is the
# configuration (limits) for that message; the others run with
# testdata/mime/defaults.yaml, so an installed /etc/weir/weir.yaml cannot
# change the result.  Origins of the messages: testdata/README.md.
# MIME_GOLDEN_UPDATE=1 rewrites the .ref files (then review the diff).
. "$top_srcdir/tests/lib.sh"

dir="$TESTDATA/mime"
cd "$dir" || exit 1
for eml in *.eml; do
    name=${eml%.eml}
    cfg=defaults.yaml
    [ -f "$name.yaml" ] && cfg="$name.yaml"
    for fmt in text json; do
        ref="$name.ref"
        [ $fmt = json ] && ref="$name.json.ref"
        [ $fmt = json ] && [ ! -f "$ref" ] && [ -z "${MIME_GOLDEN_UPDATE:-}" ] && continue
        [ $fmt = json ] && [ ! -f "$ref" ] && continue
        "$WEIR" mime -c "$cfg" --format $fmt "$eml" >"$T/out" 2>"$T/err"
        rc=$?
        if [ -n "${MIME_GOLDEN_UPDATE:-}" ]; then
            cp "$T/out" "$ref"
        fi
        if [ $rc -eq 0 ] && [ ! -s "$T/err" ] && cmp -s "$T/out" "$ref"; then
            ok 0 "$eml ($fmt)"
        else
            ok 1 "$eml ($fmt): exit $rc"
            diff -u "$ref" "$T/out" 2>&1 | sed 's/^/# /' | head -40
            sed 's/^/# stderr: /' "$T/err" | head -5
        fi
    done
done
# The command line itself.
"$WEIR" mime -c defaults.yaml --no-content exe-as-pdf.eml >"$T/out" 2>&1
rc=$?
is "$rc" 0 "--no-content: exit 0"
grep -q 'sniffed=\|archive' "$T/out"
is "$?" 1 "--no-content: no sniffed types, no archives"
grep -q '^  1.2 application/pdf .*name=invoice.pdf' "$T/out"
ok $? "--no-content: the tree is the same"
"$WEIR" mime -c defaults.yaml no-such-file.eml exe-as-pdf.eml >"$T/out" 2>"$T/err"
is "$?" 66 "a missing file: exit 66 (EX_NOINPUT)"
grep -q '^exe-as-pdf.eml:' "$T/out"
ok $? "a missing file: the other files are still printed"
"$WEIR" mime --format xml exe-as-pdf.eml >/dev/null 2>&1
is "$?" 64 "a bad --format: exit 64 (EX_USAGE)"
printf 'limits:\n  mime_parts: 0\n' > "$T/bad.yaml"
"$WEIR" mime -c "$T/bad.yaml" exe-as-pdf.eml >/dev/null 2>&1
is "$?" 78 "a config with an out-of-range limit: exit 78 (EX_CONFIG)"
"$WEIR" mime -c defaults.yaml - < exe-as-pdf.eml | head -1 > "$T/out"
is "$(cat "$T/out")" "-:" "- reads standard input"

n=$(ls ./*.ref | grep -vc '\.json\.ref$')
[ "$n" -ge 40 ]
ok $? "at least 40 golden trees ($n)"
done_testing
