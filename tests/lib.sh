# tests/lib.sh -- shared helpers for weir's shell integration tests (TAP).
# Source it; it makes a private scratch directory $T (removed at exit),
# a HOME inside it, and provides ok/is/done_testing.

set -u
: "${WEIR:?WEIR must name the weir binary (run through make check)}"
: "${TESTDATA:?TESTDATA must name testdata/}"
# Files the tests write are not group-writable whatever the caller's umask
# (weir refuses group-writable rule files, and weir check reports them).
umask 022
T=$(mktemp -d "${TMPDIR:-/tmp}/weir-test.XXXXXX")
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
HOME="$T/home"; export HOME
mkdir -p "$HOME"
unset SENDER RECIPIENT EXTENSION
# make check-valgrind: WEIR_VALGRIND names a directory for memcheck's
# logs, and every run of $WEIR in the test goes through valgrind (one log
# a process; definite leaks and invalid accesses are errors, exit 99).
if [ -n "${WEIR_VALGRIND:-}" ]; then
    mkdir -p "$T/vg"
    cat > "$T/vg/weir" <<VG
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \\
    --suppressions="$top_srcdir/tests/valgrind.supp" \\
    --errors-for-leak-kinds=definite --log-file="$WEIR_VALGRIND/\$(basename "$0" .sh).%p.log" \\
    "$WEIR" "\$@"
VG
    chmod 755 "$T/vg" "$T/vg/weir"
    WEIR="$T/vg/weir"
fi
_n=0
_failed=0

# ok and is return 0 when the check passed, 1 when it failed, so that
# `ok $? "desc" || diagnose` prints its diagnosis only on a failure.
ok() {   # ok CONDITION-EXIT-STATUS DESCRIPTION   (use: cmd; ok $? "desc")
    _n=$((_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; return 0; fi
    echo "not ok $_n - $2"; _failed=$((_failed + 1)); return 1
}

is() {   # is GOT WANT DESCRIPTION
    _n=$((_n + 1))
    if [ "$1" = "$2" ]; then echo "ok $_n - $3"; return 0; fi
    echo "not ok $_n - $3"; _failed=$((_failed + 1))
    printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
    return 1
}

skip() { # skip REASON
    _n=$((_n + 1)); echo "ok $_n # SKIP $1"
}

done_testing() {
    echo "1..$_n"
    [ "$_failed" -eq 0 ]
}

# count_files DIR: number of regular files directly in DIR
count_files() {
    find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l | tr -d ' '
}
