#!/bin/sh
# formail.sh -- `procmail reply` (what VAR=`formail -r[t][z]xTo:` gives a
# .procmailrc) and `procmail extract` against the real formail, byte for
# byte: every message of testdata/corpus and the hostile headers of
# testdata/procmailrc/formail-reply (make check: every 8th corpus
# message; FULL=1: all of them), each with the From_ line the
# differential test gives it (procmail hands formail one) unless it has
# its own, through formail -rtzxTo:, -rzxTo:, -rtxTo:, -zxTo: and
# -xSubject:; weir test then checks, with rules made for the message,
# that weir computes the same five values.  One message is also given to
# weir without a From_ line and an envelope sender instead: procmail
# makes formail a From_ line from it, and weir must answer the same.
. "$top_srcdir/tests/lib.sh"

FORMAIL=${FORMAIL:-/usr/bin/formail}
if [ ! -x "$FORMAIL" ]; then
    # never a skip: build-aux/install-deps.sh installs procmail
    ok 1 "formail is installed ($FORMAIL)"
    done_testing; exit
fi
if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    AS=
fi
chmod 755 "$T"
mkdir -p "$T/m" "$T/r"
chmod 755 "$T/m" "$T/r"

# formail's value as procmail's backquotes take it (trailing newlines
# off), as a weir string literal: every byte as \xHH.  weir cuts a string
# it builds at 64 KiB (weir-rules(5)): a longer value is compared as its
# first 65536 bytes.
fm() {
    v=$("$FORMAIL" "$@" < "$m")
    printf '%s' "$v" | head -c 65536 | od -An -v -tx1 | tr -s ' \n' '  ' |
        sed -e 's/^ *//' -e 's/ *$//' -e 's/ /\\x/g' -e 's/^\(..\)/\\x\1/'
}

n=0 bad=0
check() {   # check NAME MESSAGE-FOR-FORMAIL MESSAGE-FOR-WEIR [weir test options]
    name=$1 m=$2 w=$3
    shift 3
    a=$(fm -rtzxTo:) b=$(fm -rzxTo:) c=$(fm -rtxTo:) d=$(fm -zxTo:) e=$(fm -xSubject:)
    r="$T/r/$n.rules"
    {
        echo "if procmail reply trust trim and string \"\${procmail.field}\" is \"$a\" { log \"A=ok\" }"
        echo "if procmail reply trim and string \"\${procmail.field}\" is \"$b\" { log \"B=ok\" }"
        echo "if procmail reply trust and string \"\${procmail.field}\" is \"$c\" { log \"C=ok\" }"
        # the header as formail reads it, for extract too (-zxTo:, -xSubject:)
        if [ -z "$d" ]; then
            echo "if not procmail extract \"To:\" trim { log \"D=ok\" }"
        else
            echo "if procmail extract \"To:\" trim and string \"\${procmail.field}\" is \"$d\" { log \"D=ok\" }"
        fi
        if [ -z "$e" ]; then
            echo "if not procmail extract \"Subject:\" or string \"\${procmail.field}\" is \"\" { log \"E=ok\" }"
        else
            echo "if procmail extract \"Subject:\" and string \"\${procmail.field}\" is \"$e\" { log \"E=ok\" }"
        fi
        echo "if procmail reply trust trim { log \"A=\${procmail.field}\" }"
    } > "$r"
    chmod 644 "$r"
    # --mbox raw: the message as the MTA hands it over (no >From unquoting)
    out=$($AS "$WEIR" test -S --mbox raw "$@" -r "$r" "$w" 2>&1)
    got=$(printf '%s\n' "$out" | grep -c 'action: log "[ABCDE]=ok"')
    n=$((n + 1))
    if [ "$got" != 5 ]; then
        bad=$((bad + 1))
        [ "$bad" -le 10 ] && {
            echo "# $name: weir agrees with formail on $got of 5 (-rtzxTo:, -rzxTo:, -rtxTo:, -zxTo:, -xSubject:)"
            printf '%s\n' "$out" | grep 'action: log "[A-E]=ok"' | sed 's/^/#   /'
            echo "#   formail -rtzxTo: $("$FORMAIL" -rtzxTo: < "$m" | head -c 200)"
            printf '%s\n' "$out" | grep 'action: log "A=' | sed 's/^/#   weir: /' | head -3
            printf '%s\n' "$out" | grep -i 'error' | sed 's/^/#   /' | head -3
        }
    fi
}

# make check: the hostile headers and every 8th corpus message; FULL=1:
# every corpus message (FULL=N: every Nth).
FULL=${FULL:-8}
for f in $(cd "$TESTDATA" && { ls -d corpus/*/* | sort | awk -v n="$FULL" '(NR - 1) % n == 0'
                               ls -d procmailrc/formail-reply/*.eml; }); do
    src="$TESTDATA/$f"
    [ -f "$src" ] || continue
    msg="$T/m/$n.eml"
    # its own From_ line (not "From  : name", a From field)
    if head -n 1 "$src" | grep -q '^From [^ :][^ ]* .*[0-9]:[0-9][0-9]'; then
        sed -e 's/\r*$//' "$src" > "$msg"
    else
        { echo "From sender@example.org Mon Nov 30 01:00:00 2026"
          sed -e 's/\r*$//' "$src"; } > "$msg"
    fi
    chmod 644 "$msg"
    check "$f" "$msg" "$msg"
done
total=$n
is "$bad" 0 "procmail reply and extract agree with formail -rtzxTo:, -rzxTo:, -rtxTo:, -zxTo: and -xSubject: on all $total messages"
want=$(( $(cd "$TESTDATA" && ls -d corpus/*/* | wc -l) / FULL + $(ls "$TESTDATA"/procmailrc/formail-reply/*.eml | wc -l) ))
[ "$total" -ge "$want" ]
ok $? "corpus and hostile headers were all read ($total messages, FULL=$FULL)"

# No From_ line: procmail makes one from the envelope sender for formail.
for env in 'bounce-me@x.example' 'bareuser' ''; do
    src="$TESTDATA/procmailrc/formail-reply/32-no-sender-fields.eml"
    { echo "From ${env:-MAILER-DAEMON}  Mon Nov 30 01:00:00 2026"; cat "$src"; } > "$T/m/env.eml"
    cp "$src" "$T/m/noenv.eml"
    chmod 644 "$T/m/env.eml" "$T/m/noenv.eml"
    bad=0
    check "envelope <$env>" "$T/m/env.eml" "$T/m/noenv.eml" -f "$env"
    is "$bad" 0 "no From_ line: the answer comes from the envelope sender <$env>, as procmail's From_ line gives formail"
done

done_testing
