#!/bin/sh
# differential.sh -- weir import procmailrc, proven against procmail: each
# rcfile is translated, then every message is delivered twice, by procmail
# with the rcfile (as an unprivileged user, fixed environment) and by weir
# with the translation, each into its own scratch HOME; where each
# message ended (folders and the bytes delivered, apart from what each
# adds: the From_ line, procmail's Content-Length, mbox quoting) and which
# programs and forwards ran (stub programs record them) must agree.
#
# Prints per rcfile: recipes translated, messages compared, disagreements.
# make check runs the rcfiles of testdata/procmailrc/user on a sample of
# testdata/corpus (testdata/procmailrc/sample); FULL=1 runs them on every
# message of testdata/corpus, FULL=N on every Nth, MSGLIST=FILE on the
# messages FILE lists (as the sample does).  Arguments: rcfiles to run
# instead.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/import/lib-import.sh"

if [ ! -x "$PROCMAIL" ]; then
    # never a skip: build-aux/install-deps.sh installs procmail
    ok 1 "procmail is installed ($PROCMAIL)"
    done_testing; exit
fi
# weir, and the programs it runs, in the locale procmail gets (LANG=C,
# lib-import.sh): sed and grep match bytes that are not UTF-8 only there
for v in $(env | sed -n 's/^\(LC_[A-Za-z_]*\)=.*/\1/p'); do unset "$v"; done
LANG=C
export LANG
OUTCOME="$top_builddir/tests/import/pm_outcome"
FULL=${FULL:-0}
PAR=${PAR:-32}
chmod 755 "$T"
mkdir -p "$T/bin" "$T/rc" "$T/msg"
STUBS="$T/bin"
for p in record sendmail record2; do
    cp "$top_srcdir/tests/import/stub.sh" "$T/bin/$p"
done
for p in spamc bogofilter; do
    cp "$top_srcdir/tests/import/stub-filter.sh" "$T/bin/$p"
done
chmod 755 "$T/bin" "$T/bin"/* "$T/rc"
cat > "$T/weir.yaml" <<YAML
default_mailbox: ~/inbox
sendmail: $T/bin/sendmail
system_rules: $T/no-system.rules
logging:
  syslog: false
YAML

# The messages of testdata/corpus, each with the From_ line an MTA puts in
# front (CRLF made LF): the sample testdata/procmailrc/sample lists, or
# with FULL=1 all of them.
C="$TESTDATA/corpus"
if [ -n "${MSGLIST:-}" ]; then
    LIST=$(grep -v '^#' "$MSGLIST")
elif [ "$FULL" != 0 ]; then
    LIST=$(cd "$C" && ls -d */* | sort | awk -v n="$FULL" '(NR - 1) % n == 0')
else
    LIST=$(grep -v '^#' "$TESTDATA/procmailrc/sample")
fi
for f in $LIST; do
    m="$C/$f"
    [ -f "$m" ] || continue
    n=$(echo "$f" | sed "s|^\(\.\./\)*||" | tr / _)
    { echo "From sender@example.org Mon Nov 30 01:00:00 2026"
      sed -e 's/\r*$//' -e '1{/^From /d}' "$m"
      [ -n "$(tail -c 1 "$m")" ] && echo; } > "$T/msg/$n"
done
chmod 644 "$T/msg"/*
MSGS=$(ls "$T/msg")
NMSG=$(echo "$MSGS" | wc -l)

# Files rcfiles include: @BIN@ is the stubs' directory, @RC@ this one.
if [ -d "$TESTDATA/procmailrc/user/lib" ]; then
    mkdir -p "$T/rc/lib"
    for f in "$TESTDATA"/procmailrc/user/lib/*; do
        sed -e "s|@BIN@|$T/bin|g" -e "s|@RC@|$T/rc|g" "$f" > "$T/rc/lib/$(basename "$f")"
    done
    chmod 755 "$T/rc/lib"; chmod 644 "$T/rc/lib"/*
fi

# run_one NAME RCFILE: translate, deliver every message both ways, compare.
run_one() {
    name=$1
    sed -e "s|@BIN@|$T/bin|g" -e "s|@RC@|$T/rc|g" "$2" > "$T/rc/$name.rc"
    chmod 644 "$T/rc/$name.rc"
    "$WEIR" import procmailrc --user nobody --home "$T/home" -o "$T/rc/$name.rules" \
        "$T/rc/$name.rc" 2> "$T/rc/$name.notes"
    irc=$?
    [ -f "$T/rc/$name.rules" ] && chmod 644 "$T/rc/$name.rules"
    if [ $irc -gt 1 ]; then
        ok 1 "$name: translated (exit $irc)"
        sed 's/^/#   /' "$T/rc/$name.notes"
        return
    fi
    stat=$(sed -n 's/^weir import: \([0-9]*\) of \([0-9]*\) recipes translated.*/\1 \2/p' "$T/rc/$name.notes")
    rm -rf "$T/p" "$T/w"
    mkdir -p "$T/p" "$T/w"
    ( cd "$T/p" && for m in $MSGS; do echo "$m/Mail $m/Maildir"; done | xargs mkdir -p )
    ( cd "$T/w" && for m in $MSGS; do echo "$m/Mail $m/Maildir"; done | xargs mkdir -p )
    # Both run as the same unprivileged user (as root, nobody): an rcfile
    # naming a file outside HOME (DEFAULT=/var/mail/NAME) fails alike for
    # both instead of writing into the machine as root for weir.
    [ -n "$AS_USER" ] && chown -R nobody "$T/p" "$T/w"
    # Deliveries run side by side, PAR at a time (procmail sleeps a
    # second after its first write into a new mbox).
    # An rcfile saying "# differential: deliver twice" gets every message
    # twice, one after the other (duplicate detection).
    times=1
    grep -q '^# differential: deliver twice' "$2" && times=2
    i=0
    for m in $MSGS; do
        for k in $(seq $times); do
            run_procmail "$T/p/$m" "$T/rc/$name.rc" < "$T/msg/$m" > /dev/null 2>&1
        done &
        for k in $(seq $times); do
            $AS_USER env HOME="$T/w/$m" TZ=UTC "$WEIR" -v -c "$T/weir.yaml" -r "$T/rc/$name.rules" \
                < "$T/msg/$m" >> "$T/w/$m/.weir-out" 2>&1
        done &
        i=$((i + 1))
        [ $((i % PAR)) = 0 ] && wait
    done
    wait
    # programs procmail started and did not wait for (a forward's sendmail)
    k=0
    while [ $k -lt 50 ] && ls "$T"/p/*/.rec/running.* > /dev/null 2>&1; do
        sleep 0.2; k=$((k + 1))
    done
    # weir must have run the translation for every message: rules it
    # refused (unreadable, untrusted) would leave every message in the
    # default mailbox and could pass as agreement
    refused=$(cd "$T/w" && grep -l 'rules refused\|not run (system rules only' */.weir-out 2>/dev/null | wc -l)
    if [ "$refused" -ne 0 ]; then
        ok 1 "$name: weir ran the translation for every message ($refused refused it)"
        grep -h 'rules refused' "$T"/w/*/.weir-out | head -2 | sed 's/^/#   /'
        return
    fi
    ( cd "$T/p" && "$OUTCOME" $MSGS ) > "$T/rc/$name.p"
    ( cd "$T/w" && "$OUTCOME" -l "$(if [ -n "$AS_USER" ]; then echo nobody; else id -un; fi)" $MSGS ) \
        > "$T/rc/$name.w"
    # disagreements: messages whose blocks differ
    awk '/^== /{m=$2} {print m "\t" $0}' "$T/rc/$name.p" > "$T/rc/$name.pm"
    awk '/^== /{m=$2} {print m "\t" $0}' "$T/rc/$name.w" > "$T/rc/$name.wm"
    diff "$T/rc/$name.pm" "$T/rc/$name.wm" | sed -n 's/^[<>] \([^\t]*\)\t.*/\1/p' | sort -u \
        > "$T/rc/$name.bad"
    # known differences, each with its reason: "RCNAME MESSAGE KIND REASON"
    # (MESSAGE may be *): a message is a known difference when every line
    # that differs is of that KIND (mbox, maildir, prog, reply...)
    diff "$T/rc/$name.pm" "$T/rc/$name.wm" | sed -n 's/^[<>] \([^\t]*\)\t\([^ ]*\) .*/\1 \2/p' \
        | sort -u > "$T/rc/$name.kinds"
    : > "$T/rc/$name.known"
    grep "^$name " "$TESTDATA/procmailrc/known-differences" 2>/dev/null | while read -r _ km kk _; do
        for m in $(cat "$T/rc/$name.bad"); do
            [ "$km" = "*" ] || [ "$km" = "$m" ] || continue
            grep "^$m " "$T/rc/$name.kinds" | grep -qv "^$m $kk\$" || echo "$m"
        done
    done | sort -u > "$T/rc/$name.known"
    bad=$(comm -23 "$T/rc/$name.bad" "$T/rc/$name.known" | wc -l)
    known=$(comm -12 "$T/rc/$name.bad" "$T/rc/$name.known" | wc -l)
    # With statements left untranslated, the translation is not meant to
    # agree (the summary lists them with file:line): its disagreements are
    # counted apart, as explained by them.
    untr=$(sed -n 's/^weir import: .* recipes translated; \([0-9]*\) statements* not translated.*/\1/p' \
        "$T/rc/$name.notes")
    expl=0
    if [ "$bad" -ne 0 ] && [ "${untr:-0}" -ne 0 ]; then
        expl=$bad
        bad=0
    fi
    echo "# $name: recipes translated ${stat% *}/${stat#* }, statements not translated ${untr:-0}, messages compared $NMSG, disagreements $bad (known: $known, where the translation is incomplete: $expl)"
    echo "# report: $name ${stat% *} ${stat#* } ${untr:-0} $NMSG $bad $known $expl"
    if [ "$bad" -ne 0 ] || [ "$expl" -ne 0 ]; then
        for m in $(comm -23 "$T/rc/$name.bad" "$T/rc/$name.known" | head -3); do
            echo "#   $m:"
            diff "$T/rc/$name.pm" "$T/rc/$name.wm" | grep "[<>] $m	" | head -8 | sed 's/^/#     /'
        done
    fi
    [ -n "${KEEP:-}" ] && cp -r "$T/rc" "$KEEP"
    if [ "$expl" -ne 0 ]; then
        grep ': not translated: ' "$T/rc/$name.notes" | head -3 | sed 's/^/#   not translated: /'
    fi
    ok "$bad" "$name: procmail and weir agree on $NMSG messages"
    [ -n "${REPORT:-}" ] && {
        echo "== $name ${stat% *} ${stat#* } ${untr:-0} $NMSG $bad $known $expl"
        grep ': not translated: \|: approximated: ' "$T/rc/$name.notes" | sed "s|^$T/[a-z]*/||"
        for m in $(comm -12 "$T/rc/$name.bad" "$T/rc/$name.known"); do
            why=$(awk -v n="$name" -v m="$m" '$1 == n && ($2 == m || $2 == "*") {
                      $1 = $2 = $3 = ""; sub(/^ +/, ""); print; exit }' \
                  "$TESTDATA/procmailrc/known-differences")
            echo "known: $m: $why"
        done
        comm -23 "$T/rc/$name.bad" "$T/rc/$name.known" | sed 's/^/differs: /'
    } >> "$REPORT"
    :
}

# The rcfiles: SET=user (testdata/procmailrc/user, the default), lib
# (Debian's procmail-lib, each as a user's rcfile that sets PMSRC to the
# library, as its documentation says, and uses it), examples (procmail's
# own example rcfiles), all.  Those set SENDMAIL to the stub first, so
# that procmail and the translation both run it (the translation takes
# procmail's default, /usr/sbin/sendmail, for an unset SENDMAIL).
PMLIB=${PMLIB:-/usr/share/procmail-lib}
PMEX=${PMEX:-/usr/share/doc/procmail/examples}
SET=${SET:-user}
mkdir -p "$T/src"
if [ $# -gt 0 ]; then
    for rc in "$@"; do run_one "$(basename "$rc" .rc)" "$rc"; done
else
    case $SET in user|all)
        for rc in "$TESTDATA"/procmailrc/user/*.rc; do
            run_one "$(basename "$rc" .rc)" "$rc"
        done
    esac
    case $SET in lib|all)
        [ -d "$PMLIB" ] || { ok 1 "procmail-lib is installed ($PMLIB)"; done_testing; exit; }
        for rc in "$PMLIB"/*.rc; do
            n=lib-$(basename "$rc" .rc)
            { echo "PMSRC=$PMLIB"; echo "SENDMAIL=$T/bin/sendmail"; cat "$rc"; } > "$T/src/$n.rc"
            run_one "$n" "$T/src/$n.rc"
        done
    esac
    case $SET in examples|all)
        for rc in "$PMEX"/*procmailrc; do
            n=ex-$(basename "$rc")
            { echo "SENDMAIL=$T/bin/sendmail"; cat "$rc"; } > "$T/src/$n.rc"
            run_one "$n" "$T/src/$n.rc"
        done
    esac
fi
done_testing
