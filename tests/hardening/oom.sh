#!/bin/sh
# tests/hardening/oom.sh -- issue 10, item 5: out of memory in the middle
# of an mbox append.  Under `ulimit -v` (a real address-space limit, in a
# subshell) weir delivered a message with a 3 MB line by buffering the
# whole line for mboxrd quoting: "fatal: out of memory", exit 75, and 44
# bytes, the dotlock and the append record left behind.
#  1. quoting holds no line in memory: with room for weir and the message
#     (plus 5 MB) but not for a second copy of the line, it is delivered;
#  2. at every limit from "weir cannot start" up to "delivered", weir
#     either delivers the message complete or exits 75 leaving the
#     mailbox byte for byte as it was, with no lock and no record.
# (The fatal path's roll-back itself is tested without a memory limit in
# tests/delivery/test_mbox and tests/unit/test_maildir.)
. "$top_srcdir/tests/lib.sh"

if [ "${WEIR_SANITIZERS:-no}" = yes ]; then
    skip "AddressSanitizer reserves terabytes of address space: ulimit -v cannot apply"
    done_testing; exit
fi

chmod 755 "$T"
BOX="$HOME/Mail/box"
REC="$HOME/.weir/append"
mkdir -p "$HOME/Mail"
printf 'default_mailbox: ~/Mail/box\n' > "$T/weir.yaml"
printf 'From: a@example.org\nSubject: small\n\nsmall body\n' > "$T/small"
awk 'BEGIN { printf "From: a@example.org\nSubject: a 3 MB line\n\n";
             for (i = 0; i < 30000; i++) printf "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/0123456789abcdefghijklmnopqrstuvwxyz!";
             printf "\nFrom the end of the message\n" }' > "$T/long"

# run_limited KB FILE: deliver FILE under ulimit -v KB; prints the exit code
run_limited() {
    ( ulimit -v "$1" 2>/dev/null || exit 99
      "$WEIR" -c "$T/weir.yaml" < "$2" > /dev/null 2> "$T/err" ); echo $?
}
fresh() { rm -rf "$BOX" "$BOX.lock" "$REC"; printf 'From x Thu Jan  1 00:00:00 1970\nS: x\n\nold\n\n' > "$BOX"; cp "$BOX" "$T/before"; }

# The smallest limit (in 256 KB steps) under which weir delivers a small
# message: weir's own address space, whatever this build and libc need.
base=2048
while [ "$base" -lt 65536 ]; do
    fresh
    [ "$(run_limited "$base" "$T/small")" = 0 ] && break
    base=$((base + 256))
done
if [ "$base" -ge 65536 ]; then
    echo "Bail out! weir does not run under any ulimit -v up to 64 MB"
    exit 1
fi
echo "# weir delivers a small message under ulimit -v $base KB"
# What the message adds to the mailbox, delivered without a limit.
fresh
"$WEIR" -c "$T/weir.yaml" < "$T/long" || echo "Bail out! weir cannot deliver the long message"
grow=$(( $(stat -c %s "$BOX") - $(stat -c %s "$T/before") ))

# 1. Room for weir, the message held in memory (3 MB, growing in a
#    doubling buffer) and 1 MB more, but not for a copy of the line.
lim=$((base + 5 * 1024))
fresh
rc=$(run_limited "$lim" "$T/long")
is "$rc" 0 "3 MB line under ulimit -v $lim KB: delivered"
is "$(tail -n 2 "$BOX" | head -n 1)" ">From the end of the message" "... complete (quoted, to the end)"
is "$(( $(stat -c %s "$BOX") - $(stat -c %s "$T/before") ))" "$grow" "... every byte"
[ ! -e "$BOX.lock" ] && [ "$(ls -A "$REC" 2>/dev/null | wc -l)" -eq 0 ]
ok $? "... no lock, no append record left"

# 2. Every limit from the small message's up to success: complete
#    delivery, or 75 with nothing changed.
bad=0 n75=0 n0=0 v=$base
while [ "$v" -le $((lim + 1024)) ]; do
    fresh
    rc=$(run_limited "$v" "$T/long")
    case $rc in
    0)  n0=$((n0 + 1))
        [ "$(( $(stat -c %s "$BOX") - $(stat -c %s "$T/before") ))" = "$grow" ] ||
            { echo "# $v KB: exit 0 but incomplete"; bad=$((bad + 1)); } ;;
    75) n75=$((n75 + 1))
        cmp -s "$BOX" "$T/before" ||
            { echo "# $v KB: exit 75, mailbox changed ($(stat -c %s "$BOX") bytes)"; bad=$((bad + 1)); }
        [ ! -e "$BOX.lock" ] || { echo "# $v KB: exit 75, dotlock left"; bad=$((bad + 1)); }
        [ "$(ls -A "$REC" 2>/dev/null | wc -l)" -eq 0 ] ||
            { echo "# $v KB: exit 75, append record left"; bad=$((bad + 1)); } ;;
    *)  echo "# $v KB: exit $rc: $(head -c 200 "$T/err")"; bad=$((bad + 1)) ;;
    esac
    v=$((v + 128))
done
echo "# $n0 limits delivered, $n75 deferred"
is "$bad" 0 "every limit from $base to $((lim + 1024)) KB: delivered whole, or 75 with nothing left behind"
[ "$n75" -gt 0 ] && [ "$n0" -gt 0 ]; ok $? "the sweep saw both outcomes ($n75 deferred, $n0 delivered)"
done_testing
