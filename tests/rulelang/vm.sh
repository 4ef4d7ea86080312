#!/bin/sh
# vm.sh -- rules x messages: for each tests/rulelang/vm-cases/NAME.rules, run the
# test driver (tests/rulelang/rl_run) with the options and message in
# NAME.args ($TESTDATA expands to testdata/) and compare the action list,
# scores and host log with NAME.ref.
. "$top_srcdir/tests/lib.sh"

dir="$top_srcdir/tests/rulelang/vm-cases"
RUN="$top_builddir/tests/rulelang/rl_run"
for f in "$dir"/*.rules; do
    name=$(basename "$f" .rules)
    args=$(sed "s|\\\$TESTDATA|$TESTDATA|g" "$dir/$name.args")
    # shellcheck disable=SC2086
    got=$(cd "$dir" && "$RUN" $args "$name.rules" 2>&1; echo "exit: $?")
    if [ "${REGEN:-}" = 1 ]; then printf '%s\n' "$got" >"$dir/$name.ref"; fi
    is "$got" "$(cat "$dir/$name.ref")" "vm $name"
done
done_testing
