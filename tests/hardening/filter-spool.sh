#!/bin/sh
# tests/hardening/filter-spool.sh -- issue 10, item 11: a filter's output
# was held in memory (250 MB of output, 246 MB resident).  Now it goes
# straight to an unlinked temporary file and is read back like intake, so
# weir's peak memory does not grow with it.  Measured against the same
# delivery with a small filter output (works in sanitizer builds too).
. "$top_srcdir/tests/lib.sh"

TIME=/usr/bin/time
if ! "$TIME" -f %M true >/dev/null 2>&1; then
    skip "GNU time (/usr/bin/time, package time) is not installed"
    done_testing; exit
fi
chmod 755 "$T"
mkdir -p "$HOME/.weir" "$HOME/Mail" "$T/tmp"
printf 'default_mailbox: ~/Maildir/\ntemp_dir: %s/tmp\n' "$T" > "$T/weir.yaml"
printf 'From: a@example.org\nSubject: filtered\n\nbody\n' > "$T/m"

# peak SIZE: weir's peak RSS (KB) with a filter that adds SIZE bytes
peak() {
    printf 'filter "cat; head -c %s /dev/zero | tr %s %s | fold -w 76"\nfile "~/Mail/out-%s"\n' \
        "$1" "'\\\\000'" "'a'" "$1" > "$HOME/.weir/rules"
    chmod 600 "$HOME/.weir/rules"
    "$TIME" -o "$T/rss" -f %M "$WEIR" -c "$T/weir.yaml" < "$T/m" > "$T/out" 2> "$T/err"
    echo "$? $(tail -n 1 "$T/rss")"
}
set -- $(peak 1000); rc_small=$1; small=$2
set -- $(peak 100000000); rc_big=$1; big=$2
echo "# peak RSS: $small KB with 1 KB of filter output, $big KB with 100 MB"
is "$rc_small" 0 "small filter output: delivered"
is "$rc_big" 0 "100 MB filter output: delivered"
sz=$(stat -c %s "$HOME/Mail/out-100000000" 2>/dev/null || echo 0)
[ "$sz" -gt 100000000 ]; ok $? "... the filtered message is in the mailbox ($sz bytes)"
[ $((big - small)) -lt 30000 ]; ok $? "... peak memory grew by $((big - small)) KB, not by the output's size"
is "$(ls -A "$T/tmp" | wc -l | tr -d ' ')" 0 "no temporary file left in temp_dir"
done_testing
