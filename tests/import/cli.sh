#!/bin/sh
# cli.sh -- weir import procmailrc as a command: usage and exit codes,
# ~/.procmailrc by default, the summary (file:line) and the exit status
# telling a complete translation from an incomplete one, every comment and
# every statement kept, -o (a regular file replaced atomically with mode
# 0600; a FIFO written to, never replaced), --user/--home, and output that
# always passes weir check.
. "$top_srcdir/tests/lib.sh"

"$WEIR" import > /dev/null 2>&1
is $? 64 "no kind of file: usage (64)"
"$WEIR" import sieve x > /dev/null 2>&1
is $? 64 "an unknown kind: usage (64)"
"$WEIR" import procmailrc a b > /dev/null 2>&1
is $? 64 "two rcfiles: usage (64)"
"$WEIR" import procmailrc "$T/none" > /dev/null 2> "$T/err"
is $? 66 "a missing rcfile: 66"
grep -q "cannot read $T/none" "$T/err"
ok $? "and says which"

cat > "$HOME/.procmailrc" <<'RC'
# top comment
MAILDIR=$HOME/Mail   # where mail goes

# lists
:0:
* ^List-Id:.*<\/[a-z]+
lists/$MATCH
RC
"$WEIR" import procmailrc > "$T/out" 2> "$T/err"
is $? 0 "~/.procmailrc by default, complete: exit 0"
grep -q "^weir import: 1 of 1 recipes translated; 0 statements not translated" "$T/err"
ok $? "the summary counts recipes"
for c in "# top comment" "# MAILDIR=\$HOME/Mail   # where mail goes" "# lists" "# :0:" \
         "# \* ^List-Id:.*<\\\\/\[a-z\]+" "# lists/\$MATCH"; do
    grep -q "^$c\$" "$T/out"
    ok $? "kept: $c"
done
# the recipe comes before its translation
a=$(grep -n '^# :0:$' "$T/out" | cut -d: -f1)
b=$(grep -n '^if procmail header' "$T/out" | cut -d: -f1)
[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
ok $? "the original recipe is above its translation"
"$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "the output passes weir check"

cat > "$T/partial.rc" <<'RC'
:0
* ? test -f $HOME/x
away/
LOAD=`uptime`
:0 e
error/
:0
* ^Subject: hi
hi/
:0 h
KEYS=| grep -i "^Keywords:"
RC
"$WEIR" import procmailrc "$T/partial.rc" > "$T/out" 2> "$T/err"
is $? 1 "incomplete translation: exit 1"
grep -q "^$T/partial.rc:2: note: \`? program\` becomes weir's program test" "$T/err"
ok $? "summary: file:line of the program test (translated, with a note)"
grep -q "^$T/partial.rc:10: not translated: VAR=| command" "$T/err"
ok $? "summary: file:line of the captured program output"
grep -q "^$T/partial.rc:4: not translated: LOAD=" "$T/err"
ok $? "summary: file:line of the backquote"
grep -q "^$T/partial.rc:5: not translated: an 'e' recipe" "$T/err"
ok $? "summary: file:line of the e recipe"
grep -q "^weir import: 2 of 4 recipes translated; 3 statements not translated" "$T/err"
ok $? "summary: counts"
grep -q '^# weir import: not translated: ' "$T/out"
ok $? "the untranslated recipe is marked in the output"
"$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "incomplete output passes weir check too"
"$WEIR" import procmailrc -q "$T/partial.rc" > /dev/null 2> "$T/err"
is "$(wc -c < "$T/err" | tr -d ' ')" 0 "-q: no summary"

# `date`, `date +FORMAT`: the clock, as weir's ${date:FORMAT}; any other
# command, and a date that prints in UTC, stays untranslated
cat > "$T/date.rc" <<'RC'
MONTH=`date +%Y-%m`
:0:
reports/`/bin/date "+%Y"`/`date '+%m-%d'`-$MONTH
STAMP=`date`
UTC=`date -u +%Y`
BAD=`date +%Y%n`
RC
"$WEIR" import procmailrc "$T/date.rc" > "$T/out" 2> "$T/err"
grep -qx 'set MONTH = "${date:%Y-%m}"' "$T/out" &&
    grep -qF 'file "~/reports/${date:%Y}/${date:%m-%d}-${MONTH}"' "$T/out" &&
    grep -qx 'set STAMP = "${date:%a %b %e %H:%M:%S %Z %Y}"' "$T/out"
ok $? "date +FORMAT becomes \${date:FORMAT}, in assignments and folder names"
grep -q "^$T/date.rc:5: not translated: UTC=" "$T/err" &&
    grep -q "^$T/date.rc:6: not translated: BAD=" "$T/err"
ok $? "date -u, and a format weir does not take (%n), are not translated"
"$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "the date translation passes weir check"

# | command without shell metacharacters: procmail drops a word that is
# only unquoted variables expanding to nothing; a command left with no
# word writes to procmail's standard output (not translated)
cat > "$T/words.rc" <<'RC'
EMPTY
:0 wc
| /bin/prog $EMPTY a "$EMPTY" b$EMPTY
:0
| $EMPTY $NOSUCH
RC
"$WEIR" import procmailrc "$T/words.rc" > "$T/out" 2> "$T/err"
grep -qxF "copy pipe \"/bin/prog a '' b\"" "$T/out"
ok $? "an unquoted empty variable is no word, a quoted one an empty argument"
grep -q "^$T/words.rc:4: not translated: a pipe to procmail's standard output" "$T/err"
ok $? "a command that expands to nothing is not translated"

# -o: a regular file, replaced, mode 0600
echo old > "$T/rules"
chmod 644 "$T/rules"
"$WEIR" import procmailrc -q -o "$T/rules" "$HOME/.procmailrc"
is $? 0 "-o FILE: exit 0"
grep -q '^if procmail header' "$T/rules"
ok $? "-o FILE: the rules are in it"
is "$(stat -c %a "$T/rules")" 600 "-o FILE: mode 0600"
# -o on a FIFO: written to, never replaced
mkfifo "$T/fifo"
cat "$T/fifo" > "$T/fifo.out" &
"$WEIR" import procmailrc -q -o "$T/fifo" "$HOME/.procmailrc"
is $? 0 "-o FIFO: exit 0"
wait
test -p "$T/fifo"
ok $? "-o FIFO: still a FIFO"
grep -q '^if procmail header' "$T/fifo.out"
ok $? "-o FIFO: the rules went through it"

# --user / --home: where a $ condition needs the value when translating
printf ':0\n* $ ^To:.*$LOGNAME@\n* $ ^X-Home: $HOME\nme/\n' > "$T/me.rc"
"$WEIR" import procmailrc -q --user alice --home /home/alice "$T/me.rc" > "$T/out"
grep -q 'alice@' "$T/out" && grep -q 'X-Home: \\/home\\/alice' "$T/out"
ok $? "--user and --home go into the regexes"
printf ':0\n* $ ^X-Loop: $LOGNAME@$HOST\n/dev/null\n' > "$T/host.rc"
"$WEIR" import procmailrc --user alice --host mx.example "$T/host.rc" > "$T/out" 2> "$T/err"
is $? 0 "\$HOST: translated"
grep -q 'X-Loop: alice@mx\.example/' "$T/out" && grep -q 'HOST is taken to be mx.example' "$T/err"
ok $? "--host goes into the regex, and the summary says so"

# HOST unset, or not this host: procmail stops and drops the message
printf ':0\n* ^Subject: x\n{ HOST }\nHOST=mx.example\nHOST=other.example\n' > "$T/host2.rc"
"$WEIR" import procmailrc --host mx.example "$T/host2.rc" > "$T/out" 2> "$T/err"
[ "$(grep -c '^ *discard$' "$T/out")" = 2 ] && grep -qx 'set HOST = "mx.example"' "$T/out"
ok $? "HOST unset or another host's name: discard and stop; this host's: kept"
grep -q "^$T/host2.rc:3: approximated: unsetting HOST: procmail stops here" "$T/err" &&
    grep -q "^$T/host2.rc:5: approximated: HOST=other.example, not this host (mx.example)" "$T/err"
ok $? "the summary says where procmail stops"

# values only known at delivery: a regex with MATCH in it, a $ ? program
printf ':0\n* ^From:.*@\\/[a-z.]+\n{ D=$MATCH }\n:0\n*$ ^Received:.*$\\D\n*$ ? test -n "$HOME"\nd/\n' \
    > "$T/dyn.rc"
"$WEIR" import procmailrc "$T/dyn.rc" > "$T/out" 2> "$T/err"
is $? 0 "a regex put together at delivery: translated"
grep -q 'procmail search "^Received:\.\*\\x011q" with "${D}" in header' "$T/out"
ok $? "as procmail search, the value disarmed at delivery"
"$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "and the rules compile"

# VAR=`formail -xNAME:` (-z, -c): procmail extract; VAR=`formail -r[t][z]xTo:`:
# procmail reply; -r with another option (-c, -a...) is not translated
printf 'S=`formail -zxSubject:`\nF="`formail -czx From:`"\nR=`formail -rtzxTo:`\nE=`formail -rzx To:`\nQ=`formail -rtcxTo:`\n:0\n* S ?? ^^hi\nhi/\n' \
    > "$T/x.rc"
"$WEIR" import procmailrc "$T/x.rc" > "$T/out" 2> "$T/err"
is $? 1 "formail -x and -r backquotes: translated, formail -rtcx not"
grep -q '^if procmail extract "Subject:" trim { set S = "${procmail.field}" }$' "$T/out" &&
    grep -q '^if procmail extract "From:" trim join { set F = "${procmail.field}" }$' "$T/out" &&
    grep -q '^if procmail reply trust trim { set R = "${procmail.field}" }$' "$T/out" &&
    grep -q '^if procmail reply trim { set E = "${procmail.field}" }$' "$T/out" &&
    grep -q "^$T/x.rc:5: not translated: Q=" "$T/err"
ok $? "as procmail extract, with trim (-z) and join (-c), and procmail reply with trust (-t) and trim (-z)"
"$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "and the rules compile"

# $FORMAIL -D (FORMAIL set to formail, or not set): the duplicate idiom,
# never a pipe that would swallow every message
printf 'FORMAIL=/usr/bin/formail\n:0 Wh: msgid.lock\n| $FORMAIL -D 8192 msgid.cache\n' > "$T/fd.rc"
"$WEIR" import procmailrc -q "$T/fd.rc" > "$T/out"
grep -q '^if procmail formail id and duplicate key "${procmail.id}" within 7 days {$' "$T/out" &&
    ! grep -q '^ *pipe ' "$T/out"
ok $? "\$FORMAIL -D: the duplicate test"
printf 'FORMAIL=/usr/local/bin/myformail\n:0 Wh\n| $FORMAIL -D 8192 msgid.cache\n' > "$T/fd2.rc"
"$WEIR" import procmailrc -q "$T/fd2.rc" > "$T/out"
grep -q '^pipe ' "$T/out"
ok $? "\$FORMAIL naming another program: a pipe"

# MAILDIR written with a slash at the end: folder names without "//"
printf 'MAILDIR=$HOME/Maildir/\n:0\n.Junk/\n' > "$T/slash.rc"
"$WEIR" import procmailrc -q "$T/slash.rc" > "$T/out"
grep -q '^ *file "~/Maildir/\.Junk/"$' "$T/out"
ok $? "MAILDIR=\$HOME/Maildir/: file \"~/Maildir/.Junk/\""

# procmail variables named like weir's builtins or specials are renamed
cp "$TESTDATA/fuzz/pmrc/27-reserved.rc" "$T/reserved.rc"
"$WEIR" import procmailrc -q -o "$T/reserved.rules" "$T/reserved.rc"
is $? 0 "variables named program, client, reply, duplicate: translated"
"$WEIR" check "$T/reserved.rules" > /dev/null 2>&1
ok $? "and the rules compile"

# An rcfile whose last recipe always delivers (DEFAULT set): the end of the
# file is never reached, so no $DEFAULT delivery is written after the last
# `stop` (weir check would call it unreachable); with the last recipe
# conditional, the $DEFAULT delivery stays.
printf 'DEFAULT=$HOME/Mail/Inbox\n:0\n* ^Subject: x\nx/\n\n:0\n$DEFAULT/\n# the end\n' > "$T/last.rc"
"$WEIR" import procmailrc -q "$T/last.rc" > "$T/out"
"$WEIR" check "$T/out" > "$T/check" 2>&1
is "$(cat "$T/check")" "$T/out: ok" "last recipe always delivers: weir check finds nothing unreachable"
tail -n 3 "$T/out" | tr '\n' '|' | grep -q '^file "${DEFAULT}/"|stop|# the end|$'
ok $? "... the translation ends with that recipe's stop"
printf 'DEFAULT=$HOME/Mail/Inbox\n:0\n* ^Subject: x\nx/\n' > "$T/last2.rc"
"$WEIR" import procmailrc -q "$T/last2.rc" > "$T/out"
tail -n 1 "$T/out" | grep -q '^file "~/Mail/Inbox"$'
ok $? "last recipe conditional: the \$DEFAULT delivery stays at the end"

# A block that ends in a delivery, in a file using A: the chain variables
# are not restored after its stop (unreachable), and a block that does not
# end in one restores them, one statement a line
printf ':0\n* ^Subject: a\n{\n  :0 c\n  z/\n  :0\n  /dev/null\n}\n:0\n* ^Subject: b\n{\n  :0\n  * ^From: c\n  x/\n}\n:0 A\ny/\n' > "$T/blk.rc"
"$WEIR" import procmailrc -q "$T/blk.rc" > "$T/out"
"$WEIR" check "$T/out" > "$T/check" 2>&1
is "$(cat "$T/check")" "$T/out: ok" "blocks with A in the file: weir check finds nothing unreachable"
! grep -q 'set .* set ' "$T/out" && [ "$(grep -c '^    set pm_last = "1"$' "$T/out")" -ge 2 ]
ok $? "... the restores after the second block are there, one a line"
# Shapes from a survey of users' rcfiles (2026-12):
# procmailex(5)'s `:0 Whc | formail -D` then `:0 a` files a duplicate, not
# every message: the a recipe needs the test to have been true
printf ':0 Whc: msgid.lock\n| formail -D 8192 msgid.cache\n\n:0 a:\nduplicates\n' > "$T/da.rc"
"$WEIR" import procmailrc "$T/da.rc" > "$T/out" 2> "$T/err"
is $? 0 "formail -D then a: translated"
grep -q '^if string "${pm_last}" is "1" and string "${pm_fail}" is "" {$' "$T/out" &&
    ! grep -q "'a' is translated as 'A'" "$T/err"
ok $? "... the a recipe runs only when formail would have found the Message-ID"
# the cache file named with a variable or ~: still the duplicate test
printf 'PMDIR=$HOME/.procmail\n:0 Wh: $PMDIR/msgid.lock\n| formail -D 8192 $PMDIR/msgid.cache\n:0 Wh\n| formail -D 8192 ~/.msgid.cache\n' > "$T/dv.rc"
"$WEIR" import procmailrc "$T/dv.rc" > "$T/out" 2> "$T/err"
[ "$(grep -c 'duplicate key "${procmail.id}"' "$T/out")" = 2 ] && ! grep -q '^ *pipe ' "$T/out" &&
    grep -q 'the last 8192 bytes of them in \$PMDIR/msgid.cache' "$T/err"
ok $? "formail -D with \$VAR/cache or ~/cache: the duplicate test"
# "any of these" weights over many conditions: an or, whatever their number
{ echo ':0'; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "* 1^0 ^X-Tag-$i:"; done
  echo '* 2^1 ^X-More:'; echo '* 0^0 ^X-Zero:'; echo 'tagged/'; } > "$T/w12.rc"
"$WEIR" import procmailrc "$T/w12.rc" > "$T/out" 2> "$T/err"
is $? 0 "13 weighted conditions, none negative: translated"
[ "$(grep -v "^#" "$T/out" | grep -o " or " | wc -l)" = 12 ] && ! grep -v "^#" "$T/out" | grep -q X-Zero &&
    "$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "... as an or of the 13 of positive weight (the weight-0 one adds nothing), and it compiles"
# with a negative weight the subsets are listed, within weir's limits
{ echo ':0'; for i in 1 2 3 4 5 6 7 8; do echo "* 1^0 ^X-Tag-$i:"; done
  echo '* -1^0 ^X-Not:'; echo 'tagged/'; } > "$T/w9.rc"
"$WEIR" import procmailrc "$T/w9.rc" > "$T/out" 2> "$T/err"
is $? 1 "9 weighted conditions, one negative: reported, not a failed translation"
grep -q "^$T/w9.rc:1: not translated: more than 8 weighted conditions" "$T/err" &&
    "$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "... with its line, and the rest compiles"
{ echo ':0'; for i in 1 2 3 4 5 6 7; do echo "* 1^0 ^X-Tag-$i:"; done
  echo '* -1^0 ^X-Not:'; echo 'tagged/'; } > "$T/w8.rc"
"$WEIR" import procmailrc "$T/w8.rc" > "$T/out" 2> "$T/err"
is $? 1 "8 weighted conditions, one negative: too many sums to list, reported"
grep -q "not translated: weighted conditions with a negative weight whose positive sums are too many" "$T/err"
ok $? "... saying why"
# \/ inside parentheses that only group: MATCH is set
printf 'MAILDIR=$HOME/Mail\n:0\n* ^((List-Id|X-(Mailing-)?List): .*<\\/[^.]*)\nML/$MATCH/\n' > "$T/pm.rc"
"$WEIR" import procmailrc "$T/pm.rc" > "$T/out" 2> "$T/err"
grep -q 'matches /\\n(?:List-Id|X-(?:Mailing-)??List): \.\*?<(\[^\\n\\.\]\*)/i {$' "$T/out" &&
    grep -q 'set MATCH = "${1}"' "$T/out" && ! grep -q 'MATCH is not set' "$T/err"
ok $? "\\/ inside grouping parentheses sets MATCH"
printf ':0\n* ^Subject: (a|b\\/c)\nx/$MATCH\n' > "$T/pm2.rc"
"$WEIR" import procmailrc "$T/pm2.rc" > "$T/out" 2> "$T/err"
grep -q 'approximated: \\/ inside parentheses: MATCH is not set' "$T/err"
ok $? "... but not inside parentheses with alternatives (reported)"
# LASTFOLDER (and $-): procmail's last folder, which weir has not: reported
printf ':0 c\nfoo\n:0\n* LASTFOLDER ?? /foo$\nbar\n:0\n$-.x\n' > "$T/lf.rc"
"$WEIR" import procmailrc "$T/lf.rc" > "$T/out" 2> "$T/err"
is $? 1 "LASTFOLDER read: not translated"
grep -q "^$T/lf.rc:3: not translated: LASTFOLDER" "$T/err" && grep -q "^$T/lf.rc:6: not translated: LASTFOLDER" "$T/err"
ok $? "... for the condition and for \$- in a folder name"
# an INCLUDERC inside a block, named with $HOME, leaves HOME and MAILDIR
# known; a variable set on two paths, both under HOME, names a folder as is
mkdir -p "$T/ih/.procmail"
printf ':0\n* ^Subject: y\nyfolder\n' > "$T/ih/.procmail/a"
printf ':0\n* ^Subject: x\n{\nINCLUDERC=$HOME/.procmail/a\n}\nF=$HOME/x\n:0\n* ^Subject: z\n{ F=$HOME/z }\n:0:\n$F\n' > "$T/ib.rc"
"$WEIR" import procmailrc --home "$T/ih" "$T/ib.rc" > "$T/out" 2> "$T/err"
is $? 0 "INCLUDERC in a block: translated"
grep -q '^file "${F}"$' "$T/out" && ! grep -q 'MAILDIR}/' "$T/out"
ok $? "... a folder from a variable set to \$HOME/x or \$HOME/z is that path, not one under MAILDIR"
# `:0 h` (or b) into /dev/null: the message is thrown away all the same
printf ':0 h\n* ^Subject: x\n/dev/null\n:0 b\n* ^Subject: y\n/dev/null\n:0 h\n* ^Subject: z\nheaders\n' > "$T/hn.rc"
"$WEIR" import procmailrc "$T/hn.rc" > "$T/out" 2> "$T/err"
[ "$(grep -c '^    discard$' "$T/out")" = 2 ] && grep -q "^$T/hn.rc:7: not translated: filing only the header" "$T/err" &&
    [ "$(grep -c ': not translated:' "$T/err")" = 1 ]
ok $? "h or b into /dev/null: discard; only the header into a folder: reported"
# a variable set by a statement not translated is empty in weir's rules:
# each use says so, until a translated assignment
printf 'X=`uname -n`\n:0\n* X ?? foo\nfoo/\n:0 h\nY=| cat\n:0\n* $ ^Subject: $Y\nbar/\nX=2\n:0\n* X ?? 2\nbaz/\n' > "$T/un.rc"
"$WEIR" import procmailrc "$T/un.rc" > "$T/out" 2> "$T/err"
grep -q "^$T/un.rc:3: approximated: X is set at line 1 by a statement not translated: here it is empty" "$T/err" &&
    grep -q "^$T/un.rc:8: approximated: Y is set at line 5 by a statement not translated" "$T/err" &&
    ! grep -q "^$T/un.rc:12: .*X is set" "$T/err"
ok $? "uses of a value a statement not translated set are listed, with that statement's line"
# `:0 Wc | program` followed by a or e: the program's exit status, as
# weir's program test; without a next a/e recipe it stays a copy pipe
printf ':0 Wc\n* ^Subject: x\n| gpg --verify\n:0 a\nverified/\n:0 Wc\n| grep -q y\n:0 e\nnot-y/\n:0 wc\n| record\n:0 A\nz/\n' > "$T/pe.rc"
"$WEIR" import procmailrc "$T/pe.rc" > "$T/out" 2> "$T/err"
is $? 0 "w copy into a program, then a or e: translated"
[ "$(grep -c '^ *if program shell "[^"]*" with message {$' "$T/out")" = 2 ] &&
    grep -q '^copy pipe "record"$' "$T/out" && grep -q 'string "${pm_fail}" is "1"' "$T/out" &&
    "$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "... as program tests (a: it exited 0, e: it did not); before A a copy pipe"
# a folder named by an empty variable: procmail's delivery fails and it
# goes on; never "~/" (the home made a Maildir)
printf ':0:\n$FOLDER\n:0\n* ^Subject:.*\\/x\n{ F=$MATCH }\n:0:\n$F\n:0\nlast\n' > "$T/ef.rc"
"$WEIR" import procmailrc "$T/ef.rc" > "$T/out" 2> "$T/err"
! grep -q 'file "~/${FOLDER}"' "$T/out" && grep -q '^if string "${F}" is not "" {$' "$T/out" &&
    grep -q "^$T/ef.rc:1: approximated: the folder name is empty here" "$T/err" &&
    "$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "an empty folder name is no delivery: known empty, skipped; empty at delivery, guarded"
# bogofilter's `:0 fw | bogofilter` then `:0 e { EXITCODE=75 HOST }`:
# filter ... else defer; an e block doing anything else stays reported
printf ':0 fw\n| bogofilter -u -e -p\n\n:0 e\n{ EXITCODE=75 HOST }\n:0 fw\n| spamc\n:0 e\n{ EXITCODE=75 }\n' > "$T/bf.rc"
"$WEIR" import procmailrc "$T/bf.rc" > "$T/out" 2> "$T/err"
grep -q '^filter "bogofilter -u -e -p" else defer$' "$T/out" && grep -q '^filter "spamc"$' "$T/out" &&
    grep -q "^$T/bf.rc:8: not translated: an 'e' recipe" "$T/err" && ! grep -q "bf.rc:4: not translated" "$T/err" &&
    "$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "filter then e { EXITCODE=75 HOST }: filter ... else defer; e { EXITCODE=75 } alone: reported"
# VAR=| formail -x / -r...xTo: in an h recipe: as the backquote forms;
# with b (formail would read the body as a header) reported
printf ':0 h\nHC=| formail -xX-Hashcash:\n:0 hc\nR=| formail -rtzxTo:\n:0 b\nB=| formail -xSubject:\n' > "$T/cv.rc"
"$WEIR" import procmailrc "$T/cv.rc" > "$T/out" 2> "$T/err"
grep -q '^if procmail extract "X-Hashcash:" { set HC = "${procmail.field}" }$' "$T/out" &&
    grep -q '^if procmail reply trust trim { set R = "${procmail.field}" }$' "$T/out" &&
    grep -q "^$T/cv.rc:5: not translated: VAR=| command" "$T/err" && [ "$(grep -c ': not translated:' "$T/err")" = 1 ]
ok $? "VAR=| formail -x and -rtzxTo: as procmail extract and reply; with b reported"
# `echo "$VAR" | tr A-Z a-z` (and [:upper:] [:lower:], the other way):
# ${VAR:lower} / ${VAR:upper}; unquoted echo or other tr sets reported
printf 'P=X\nA=`echo "$P" | tr [:upper:] [:lower:]`\nB=`echo "${P}" | tr a-z A-Z`\nC=`echo $P | tr A-Z a-z`\nD=`echo "$P" | tr A-Z a-y`\n' > "$T/tl.rc"
"$WEIR" import procmailrc "$T/tl.rc" > "$T/out" 2> "$T/err"
grep -q '^set A = "${P:lower}"$' "$T/out" && grep -q '^set B = "${P:upper}"$' "$T/out" &&
    grep -q "^$T/tl.rc:4: not translated: C=" "$T/err" && grep -q "^$T/tl.rc:5: not translated: D=" "$T/err"
ok $? "echo \"\$VAR\" | tr: \${VAR:lower} and \${VAR:upper}; other forms reported"
# $HOME and $LOGNAME in a command are weir's ${home} and ${user} at
# delivery, as in MAILDIR's cd (not the translating user's values)
printf 'MAILDIR=$HOME/Maildir\n:0 c\n| /usr/bin/record $LOGNAME x$HOME/y\n' > "$T/hm.rc"
"$WEIR" import procmailrc --home /home/elsewhere --user other "$T/hm.rc" > "$T/out" 2> "$T/err"
grep -q '^copy pipe "cd \\"${home}/Maildir\\" && /usr/bin/record \\"${user}\\" x\\"${home}\\"/y"$' "$T/out" &&
    ! grep -q 'elsewhere' "$T/out"
ok $? "\$HOME and \$LOGNAME in a command: \${home} and \${user}"
# MAILDIR built from another variable, ending in '/': no "//" before a
# folder named from the message (weir refuses empty path components)
printf 'MAILHOME=$HOME\nMAILDIR=$MAILHOME/Maildir/\n:0\n* ^Subject: \\/[a-z]+\n.$MATCH/\n' > "$T/ms.rc"
"$WEIR" import procmailrc "$T/ms.rc" > "$T/out" 2> "$T/err"
grep -q '^    file "${MAILDIR}.${MATCH}/"$' "$T/out"
ok $? "MAILDIR=\$VAR/Maildir/: file \"\${MAILDIR}.\${MATCH}/\", one slash"
# formail -a "Content-Length: 0000000000": left out (procmail fills it in)
printf ':0 hfw\n* !^Content-Length:\n| formail -a "Content-Length: 0000000000"\n' > "$T/cl.rc"
"$WEIR" import procmailrc "$T/cl.rc" > "$T/out" 2> "$T/err"
! grep -v '^#' "$T/out" | grep -q 'header \(add\|set\) "Content-Length"' &&
    grep -q 'approximated: formail -a "Content-Length: ...": left out' "$T/err"
ok $? "the Content-Length placeholder is left out, with a note"
# formail -r as a filter gets a From_ line, as procmail feeds one
printf ':0 fw\n| formail -r\n' > "$T/fr.rc"
"$WEIR" import procmailrc "$T/fr.rc" > "$T/out" 2> "$T/err"
grep -q '^filter "{ echo \\"From \\${SENDER:-MAILER-DAEMON}  \\$(date)\\"; cat; } | (formail -r)"$' "$T/out"
ok $? "formail -r as a filter: a From_ line from \$SENDER first"
# a pipe with a lockfile is waited for, like w: then e is a program test
printf ':0 c: x.lock\n| prog\n:0 e\nefail\n:0: y.lock\n| prog2\n:0 a\nok/\n' > "$T/lk.rc"
"$WEIR" import procmailrc "$T/lk.rc" > "$T/out" 2> "$T/err"
is $? 0 "a pipe with a lockfile, then e or a: translated"
[ "$(grep -c '^if program shell "prog2*" with message {$' "$T/out")" = 2 ] &&
    grep -q '^    discard$' "$T/out" && "$WEIR" check "$T/out" > /dev/null 2>&1
ok $? "... as program tests (without c the program took the message: discard)"
done_testing
