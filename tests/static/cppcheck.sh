#!/bin/sh
# cppcheck.sh -- static analysis of every C file in the tree with Debian's
# cppcheck, zero findings required.  The check set: cppcheck's default
# checks (errors: leaks, out-of-bounds, uninitialised use, va_list misuse)
# plus --enable=warning,portability; `style` and `performance` are left
# out (they are taste, not defects).  A false positive is silenced only by
# an inline comment `cppcheck-suppress ID ; why` at the line.  Run in the
# plain build only (the analysis does not depend on the build flags).
. "$top_srcdir/tests/lib.sh"

command -v cppcheck >/dev/null 2>&1
ok $? "cppcheck installed (build-aux/install-deps.sh)" || { done_testing; exit; }
cd "$top_srcdir" || exit 1
cppcheck -q --std=c11 --enable=warning,portability --inline-suppr \
    -I lda/sys -I lda/store -I lda/prog -I lda/resp -I lda/tester -I rulelang -I builtins \
    -I "$top_builddir" -D__GNUC__ -j2 lda rulelang builtins fuzz tests bench \
    > "$T/out" 2>&1
grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning|portability):' "$T/out" | sort -u > "$T/findings"
sed 's/^/# /' "$T/findings"
is "$(wc -l < "$T/findings" | tr -d ' ')" 0 "cppcheck: no findings in lda/ rulelang/ builtins/ fuzz/ tests/ bench/"
done_testing
