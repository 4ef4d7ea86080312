#!/bin/sh
# bounds.sh -- issue 18's resource bounds as tests.  Each hostile input is
# delivered by the real weir (a Maildir delivery through a rules file
# that tests it), measured by wait4(2) (tests/builtins/rusage_run), and
# must end delivered -- the exact bytes in the Maildir -- with peak RSS
# and CPU time under the bounds below:
#   a 100 MB header block; 500,000 header lines; 10,000 nested MIME
#   parts; a 100 MB body line without a newline; 10,000 Received fields;
#   the ReDoS rule /(a+)+$/ against a long line (the match limit fires,
#   the test is logged as an error, the message is kept); a rule file of
#   100,000 rules (compiled, then from the cache); the VM step budget
#   used up by that file (the run stops, the implicit keep applies).
# Archive bombs have the same kind of test in tests/builtins/mime_bomb.sh.
# The bounds are generous (several times what weir needed when they were
# set: 2.6-7.7 MB and 13-850 ms per message on the CI machine); the point
# is that nothing grows with the input beyond the configured limits.  ASan's shadow memory and
# slower code get more room.
. "$top_srcdir/tests/lib.sh"

rss_max=32768          # kB, for one message
cpu_max=8000           # ms
rules_rss_max=196608   # kB, for the 100,000-rule files (measured: 141 MB
                       # compiling, 40 MB from the cache: about 1.4 kB a
                       # rule while compiling -- the bound holds that line)
if [ "${WEIR_SANITIZERS:-no}" = yes ]; then
    rss_max=262144
    cpu_max=60000
    rules_rss_max=1048576
fi
run="$top_builddir/tests/builtins/rusage_run"
mkdir -p "$HOME/.weir"
printf 'default_mailbox: ~/Maildir/\n' > "$T/weir.yaml"

# deliver NAME MESSAGE [RULES]: deliver MESSAGE with RULES (default: one
# header test), check the cost and that the inbox got exactly the bytes.
deliver() {
    _name=$1 _msg=$2 _rules='if header "Subject" is "never" { file "~/Maildir/.never/" }'
    [ $# -ge 3 ] && _rules=$3
    printf '%s\n' "$_rules" > "$HOME/.weir/rules"
    chmod 600 "$HOME/.weir/rules"
    rm -rf "$HOME/Maildir"
    "$run" "$T/out" "$WEIR" -v -c "$T/weir.yaml" < "$_msg" > "$T/cost" 2> "$T/err"
    read -r _rss _cpu _rc < "$T/cost"
    is "$_rc" 0 "$_name: exit 0" || sed 's/^/# /' "$T/err" | head -5
    _f=$(find "$HOME/Maildir/new" -type f 2>/dev/null | head -n 1)
    # the exact bytes, and the final newline weir adds when one is missing
    [ -n "$_f" ] && { cat "$_msg"; [ -z "$(tail -c 1 "$_msg" | tr -d '\n')" ] || echo; } | cmp -s "$_f" -
    ok $? "$_name: delivered to the inbox, byte for byte ($(wc -c < "$_msg" | tr -d ' ') bytes)"
    [ "$_rss" -le $rss_max ]
    ok $? "$_name: peak RSS ${_rss} kB <= ${rss_max} kB"
    [ "$_cpu" -le $cpu_max ]
    ok $? "$_name: CPU ${_cpu} ms <= ${cpu_max} ms"
}

# 1. A 100 MB header block (1M fields of 100 bytes), then a short body.
awk 'BEGIN { printf "From: a@example.org\nSubject: big header\n";
    for (i = 0; i < 1000000; i++) printf "X-Filler-%07d: %079d\n", i, i;
    printf "\nbody\n" }' > "$T/m"
deliver "100 MB header block" "$T/m"

# 2. 500,000 short header lines.
awk 'BEGIN { printf "From: a@example.org\nSubject: many lines\n";
    for (i = 0; i < 500000; i++) printf "X: %d\n", i;
    printf "\nbody\n" }' > "$T/m"
deliver "500,000 header lines" "$T/m" 'if header "X" is "499999" { file "~/Maildir/.last/" }'

# 3. 10,000 nested multipart levels (limits.mime_depth stops the walk).
awk 'BEGIN { n = 10000; printf "From: a@example.org\nSubject: nested\nMIME-Version: 1.0\n";
    printf "Content-Type: multipart/mixed; boundary=\"b0\"\n\n";
    for (i = 0; i < n; i++) printf "--b%d\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n", i, i + 1;
    printf "--b%d\nContent-Type: application/octet-stream; name=\"x.exe\"\n\nMZ\n", n;
    for (i = n; i >= 0; i--) printf "--b%d--\n", i }' > "$T/m"
deliver "10,000 nested MIME parts" "$T/m" 'if attachment exists { file "~/Maildir/.att/" }'

# 4. A 100 MB body line without a newline.
{ printf 'From: a@example.org\nSubject: long line\n\n'; head -c 100000000 /dev/zero | tr '\0' 'x'; } > "$T/m"
deliver "100 MB line without newline" "$T/m" 'if body contains "needle" { file "~/Maildir/.needle/" }'

# 5. 10,000 Received fields.
awk 'BEGIN { for (i = 0; i < 10000; i++)
        printf "Received: from relay%d.example.net (relay%d.example.net [192.0.2.%d]) by mx%d.example.org; Mon, 30 Nov 2026 10:00:00 +0000\n", i, i, i % 250, i;
    printf "From: a@example.org\nSubject: hops\n\nbody\n" }' > "$T/m"
deliver "10,000 Received fields" "$T/m" 'if header "Received" contains "relay9999." { file "~/Maildir/.hop/" }'

# 6. ReDoS: /(a+)+$/ against 10,000 a's and a '!': the match limit fires,
# the test is an error (logged), and the message is kept in the inbox.
{ printf 'From: a@example.org\nSubject: redos\n\n'; head -c 10000 /dev/zero | tr '\0' 'a'; printf '!\n'; } > "$T/m"
deliver "ReDoS /(a+)+\$/ on a long line" "$T/m" 'if body matches /(a+)+$/ { file "~/Maildir/.redos/" }'
test ! -d "$HOME/Maildir/.redos"
ok $? "ReDoS: the runaway test did not file the message"
grep -qi "limit" "$T/err"
ok $? "ReDoS: the regex limit is reported" || sed 's/^/# /' "$T/err" | head -5

rss_max=$rules_rss_max
# 7. 100,000 rules (3.3 MB, under the 4 MB cap on a rules file): compiled
# (cold), then loaded from the cache (warm).
printf 'From: a@example.org\nSubject: s100001\n\nbody\n' > "$T/m"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "if header \"X\" is \"%d\" { stop }\n", i }' > "$T/big.rules"
deliver "100,000 rules, compiled" "$T/m" "$(cat "$T/big.rules")"
cold=$_cpu
! grep -q "not used\|not run" "$T/err"
ok $? "100,000 rules: the rules were run" || sed 's/^/# /' "$T/err" | head -5
ls "$HOME/.weir/cache"/*.wbc > /dev/null 2>&1
ok $? "100,000 rules: the compiled rules are cached"
"$run" "$T/out" "$WEIR" -v -c "$T/weir.yaml" < "$T/m" > "$T/cost" 2> "$T/err"
read -r _rss warm _rc < "$T/cost"
is "$_rc" 0 "100,000 rules, from the cache: exit 0"
[ "$warm" -le "$cold" ]
ok $? "100,000 rules: from the cache ${warm} ms CPU, compiled ${cold} ms"
[ "$_rss" -le $rss_max ]
ok $? "100,000 rules, from the cache: peak RSS ${_rss} kB <= ${rss_max} kB"

# 7b. A rules file over the 4 MB cap is not compiled at all: a warning,
# the system rules only, the implicit keep.
awk 'BEGIN { for (i = 0; i < 100000; i++)
    printf "if header \"Subject\" is \"s%d\" { file \"~/Maildir/.f%d/\" }\n", i, i }' > "$T/huge.rules"
deliver "a 5.9 MB rules file" "$T/m" "$(cat "$T/huge.rules")"
grep -q "not used: larger than" "$T/err"
ok $? "a rules file over the size cap is refused with a warning" || sed 's/^/# /' "$T/err" | head -5

# 8. The VM step budget: the 100,000 rules need about 400,000 steps for a
# message none of them matches; with limits.vm_steps 1000 the run stops
# and the implicit keep applies (the message is not lost).
printf 'default_mailbox: ~/Maildir/\nlimits:\n  vm_steps: 1000\n' > "$T/weir.yaml"
deliver "VM step budget of 1000 over 100,000 rules" "$T/m" "$(cat "$T/big.rules")"
grep -qi "step" "$T/err"
ok $? "VM step budget: reported" || sed 's/^/# /' "$T/err" | head -5


# 9. A variable doubled 40 times ("set a = \"${a}${a}\""): the checker
# follows known values only up to a bound, so weir check and the compile
# stay small (it built the 2^40-byte value: fuzz_parser timeout); the
# delivery files the message (the VM bounds the string at run time).
printf 'default_mailbox: ~/Maildir/\n' > "$T/weir.yaml"
{ echo 'set a = "x"'; i=0; while [ $i -lt 40 ]; do echo 'set a = "${a}${a}"'; i=$((i + 1)); done
  echo 'if header "Subject" is "never" { file "~/Maildir/.${a}/" }'; } > "$T/double.rules"
chmod 600 "$T/double.rules"
"$run" "$T/out" "$WEIR" check "$T/double.rules" > "$T/cost" 2> "$T/err"
read -r _rss _cpu _rc < "$T/cost"
is "$_rc" 0 "doubling a variable 40 times: weir check accepts the file" || sed 's/^/# /' "$T/err" | head -5
[ "$_cpu" -le 2000 ] && [ "$_rss" -le 65536 ]
ok $? "doubling a variable 40 times: weir check ${_cpu} ms CPU, ${_rss} kB"
deliver "doubling a variable 40 times" "$T/m" "$(cat "$T/double.rules")"

done_testing
