#!/bin/sh
# bounce.sh -- `bounce "text"` and `defer "text"` with the real weir
# binary: the text reaches the MTA as the first output line, led by an
# RFC 3463 code (the rule's own when it starts with one of the right
# class, else 5.7.1 / 4.2.1), and the exit code follows sysexits (67 for
# 5.1.1, 77 for 5.7.x, 75 for any defer).  A defer can never bounce; a
# text with control characters stays one line.
. "$top_srcdir/tests/lib.sh"

mkdir -p "$HOME/.weir"
R="$HOME/.weir/rules"
m() { printf 'From: a@example.com\nSubject: x\n\nbody\n'; }
run() {     # run RULE -> sets rc and line
    printf '%s\n' "$1" > "$R"; chmod 600 "$R"
    m | "$WEIR" 2> "$T/err"; rc=$?
    line=$(head -1 "$T/err")
}
run 'bounce "5.1.1 no such user here"'
is "$rc:$line" "67:5.1.1 weir: no such user here" "bounce with 5.1.1: that code, EX_NOUSER"
run 'bounce "5.7.1 go away"'
is "$rc:$line" "77:5.7.1 weir: go away" "bounce with 5.7.1: EX_NOPERM"
run 'bounce "not wanted"'
is "$rc:$line" "77:5.7.1 weir: not wanted" "bounce without a code: 5.7.1"
run 'bounce "5.2.2 mailbox full"'
is "$rc:$line" "69:5.2.2 weir: mailbox full" "other 5.x.x: EX_UNAVAILABLE"
run 'bounce "4.2.2 try later"'
is "$rc:$line" "77:5.7.1 weir: 4.2.2 try later" "a 4.x.x code cannot make a bounce temporary"
run 'defer "4.2.2 mailbox full, try later"'
is "$rc:$line" "75:4.2.2 weir: mailbox full, try later" "defer with 4.2.2: that code, exit 75"
run 'defer "5.1.1 gone"'
is "$rc:$line" "75:4.2.1 weir: 5.1.1 gone" "a defer can never bounce"
run 'defer'
is "$rc:$line" "75:4.2.1 weir: deferred by the recipient's rules" "plain defer"
run 'bounce "5.1.1"'
is "$rc:$line" "67:5.1.1 weir: message refused by the recipient's rules" "a code alone"
run 'bounce "a\nb"'
is "$(wc -l < "$T/err" | tr -d ' ')" 1 "the text stays one line"
done_testing
