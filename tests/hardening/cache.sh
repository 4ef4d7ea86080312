#!/bin/sh
# tests/hardening/cache.sh -- issue 10, item 9: FIFOs planted among the
# files a delivery reads (the bytecode cache, a source file a cache names,
# the rule file) cannot hang it.  Each delivery runs under `timeout`: a
# hang shows as exit 124 instead of the expected result.
. "$top_srcdir/tests/lib.sh"

mkdir -p "$HOME/.weir"
R="$HOME/.weir/rules"
md="$HOME/Maildir"
MSG="$T/msg"
printf 'From: a@example.org\nTo: b@example.org\nSubject: cache\n\nbody\n' > "$MSG"
deliver() { timeout 60 "$WEIR" -v < "$MSG" 2> "$T/err"; }

# 1. A FIFO in place of the compiled cache file.
printf 'file "~/Maildir/.ruled/"\n' > "$R"
chmod 600 "$R"
deliver
is "$?" 0 "rules compiled and cached"
c=$(find "$HOME/.weir/cache" -name '*.wbc' | head -n 1)
[ -n "$c" ]; ok $? "the cache file exists"
rm -f "$c"; mkfifo -m 600 "$c"
deliver
is "$?" 0 "a FIFO as the cache file: delivered, not hung"
is "$(count_files "$md/.ruled/new")" 2 "... by the rules (compiled again)"
grep -q "not a regular file" "$T/err"; ok $? "... the cache was refused as not a regular file"
rm -f "$c"

# 2. A cache that names a source file which is now a FIFO: the cache is
#    checked against its sources only after each passes the trust check,
#    before a byte of it is read.
printf 'file "~/Maildir/.inc/"\n' > "$HOME/.weir/inc.rules"
chmod 600 "$HOME/.weir/inc.rules"
printf 'include "inc.rules"\n' > "$R"
deliver
is "$?" 0 "rules with an include compiled and cached"
is "$(count_files "$md/.inc/new")" 1 "... the include ran"
rm -f "$HOME/.weir/inc.rules"; mkfifo -m 600 "$HOME/.weir/inc.rules"
deliver
is "$?" 0 "an included file replaced by a FIFO: delivered, not hung"
is "$(count_files "$md/new")" 1 "... by implicit keep (the include is refused)"
grep -q "inc.rules: not a regular file" "$T/err"; ok $? "... the reason is logged"
rm -f "$HOME/.weir/inc.rules"

# 3. A cache naming a source that fails the trust check (world-writable)
#    is not used, even with the source unchanged: compiled again, and the
#    compile refuses the include too.
printf 'file "~/Maildir/.inc/"\n' > "$HOME/.weir/inc.rules"
chmod 600 "$HOME/.weir/inc.rules"
rm -rf "$HOME/.weir/cache"
deliver
is "$(count_files "$md/.inc/new")" 2 "trusted include: from the cache"
chmod 666 "$HOME/.weir/inc.rules"
deliver
is "$?" 0 "world-writable include named by a cache: delivered"
is "$(count_files "$md/.inc/new")$(count_files "$md/new")" "22" "... by implicit keep, not by the cached rules"
grep -q "inc.rules: world-writable" "$T/err"; ok $? "... the refusal is logged"

# 4. The rule file itself a FIFO.
rm -f "$R"; mkfifo -m 600 "$R"
deliver
is "$?" 0 "~/.weir/rules is a FIFO: delivered, not hung"
is "$(count_files "$md/new")" 3 "... by implicit keep"
done_testing
