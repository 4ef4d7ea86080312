#!/bin/sh
# tests/hardening/irrevocable.sh -- issue 10, item 4: weir exited 75 after
# an mbox had been committed (rules `file` to an mbox and a failing `pipe`,
# the default mailbox unwritable), so every retry of the MTA appended one
# more copy.  Now: once something that cannot be taken back has the
# message (a committed mbox, a program that ran), a later failure that the
# default mailbox cannot cover is logged and weir exits 0; before that
# point a failure takes every delivery back and exits 75.
# Every combination of {nothing, mbox, a program that ran} (irrevocable)
# with {nothing, Maildir, MH} (revocable), then a failing pipe, with a
# default mailbox that cannot be written (its parent is a plain file, so
# root fails too).
. "$top_srcdir/tests/lib.sh"

chmod 755 "$T"
mkdir -p "$HOME/.weir" "$HOME/Mail"
: > "$HOME/broken"
printf 'default_mailbox: ~/broken/Maildir/\n' > "$T/weir.yaml"
printf 'From: a@example.org\nSubject: once\nMessage-ID: <once@example.org>\n\nbody\n' > "$T/m"

# nmsgs MBOX: messages in an mbox (From_ lines)
nmsgs() { grep -c '^From ' "$1" 2>/dev/null || echo 0; }
# nfiles DIR: messages in a Maildir's new/ or an MH folder (no dot files)
nfiles() { find "$1" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l | tr -d ' '; }

run() {
    chmod 600 "$HOME/.weir/rules"
    "$WEIR" -v -c "$T/weir.yaml" < "$T/m" > "$T/out" 2> "$T/err"
    echo $?
}

for irr in none mbox program; do
    for rev in none maildir mh; do
        what="$irr+$rev"
        rm -rf "$HOME/Mail" "$HOME/Maildir" "$T/ran"; mkdir -p "$HOME/Mail"
        {
            case $rev in
            maildir) echo 'file "~/Maildir/.f/"' ;;
            mh) echo 'file "~/Mail/mh/."' ;;
            esac
            case $irr in
            mbox) echo 'file "~/Mail/box"' ;;
            program) echo "copy pipe \"cat >> $T/ran\"" ;;
            esac
            echo 'pipe "cat > /dev/null; exit 1"'
        } > "$HOME/.weir/rules"
        for try in 1 2 3; do
            rc=$(run)
            [ "$rc" = 0 ] && break          # the MTA retries only after 75
        done
        case $irr in
        none)
            is "$rc" 75 "$what: nothing irrevocable: deferred (exit 75)"
            [ "$rev" = maildir ] && is "$(nfiles "$HOME/Maildir/.f/new")" 0 "$what: Maildir copy taken back"
            [ "$rev" = mh ] && is "$(nfiles "$HOME/Mail/mh")" 0 "$what: MH copy taken back"
            ;;
        *)
            is "$rc" 0 "$what: after an irrevocable delivery: exit 0 on the first try"
            grep -q 'not deferred: already delivered to' "$T/err"
            ok $? "$what: the lost target is logged"
            [ "$irr" = mbox ] && is "$(nmsgs "$HOME/Mail/box")" 1 "$what: one copy in the mbox"
            [ "$irr" = program ] && is "$(grep -c '^Subject: once' "$T/ran")" 1 "$what: the program ran once"
            [ "$rev" = maildir ] && is "$(nfiles "$HOME/Maildir/.f/new")" 1 "$what: the Maildir copy stays"
            [ "$rev" = mh ] && is "$(nfiles "$HOME/Mail/mh")" 1 "$what: the MH copy stays"
            ;;
        esac
    done
done

# A failure before anything is committed still defers with nothing left:
# an mbox and a folder that cannot be prepared (its parent is a file).
rm -rf "$HOME/Mail"; mkdir -p "$HOME/Mail"
: > "$HOME/Mail/notadir"
printf 'From x Thu Jan  1 00:00:00 1970\nS: x\n\nold\n\n' > "$HOME/Mail/box"
cp "$HOME/Mail/box" "$T/before"
printf 'file "~/Mail/box"\nfile "~/Mail/notadir/f/"\n' > "$HOME/.weir/rules"
is "$(run)" 75 "mbox + a folder that fails in prepare: deferred"
cmp -s "$HOME/Mail/box" "$T/before"; ok $? "... the mbox byte for byte as before"
is "$(ls -A "$HOME/.weir/append" 2>/dev/null | wc -l | tr -d ' ')" 0 "... no append record"
[ ! -e "$HOME/Mail/box.lock" ]; ok $? "... no dotlock"
done_testing
