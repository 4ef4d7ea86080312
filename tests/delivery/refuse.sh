#!/bin/sh
# Mailboxes weir must not write: symlinked, hard-linked, foreign-owned,
# FIFO.  Each is refused before a byte is written (the target is
# untouched) and the message goes to the default mailbox instead; when the
# default mailbox cannot take it either, exit 75.
. "$top_srcdir/tests/delivery/lib-delivery.sh"

M="$T/msg"; mkmsg "$M" refuse
mkdir -p "$HOME/Mail"
echo "secret content" > "$T/target"
cp "$T/target" "$T/target.orig"

kept() { count_files "$HOME/Maildir/new"; }

ln -s "$T/target" "$HOME/Mail/link"
"$DRIVER" -v file:link < "$M" 2> "$T/err"; is "$?" 0 "symlink: exit 0 (default mailbox)"
cmp -s "$T/target" "$T/target.orig"; ok $? "symlink: target untouched"
[ -L "$HOME/Mail/link" ]; ok $? "symlink: still a symlink"
is "$(kept)" 1 "symlink: message in the default mailbox"
grep -q 'symbolic link' "$T/err"; ok $? "symlink: reason logged"

ln "$T/target" "$HOME/Mail/hard"
"$DRIVER" -v file:hard < "$M" 2> "$T/err"; is "$?" 0 "hard link: exit 0"
cmp -s "$T/target" "$T/target.orig"; ok $? "hard link: target untouched"
is "$(kept)" 2 "hard link: message in the default mailbox"
grep -q '2 links: refused' "$T/err"; ok $? "hard link: reason logged"

mkfifo "$HOME/Mail/fifo"
timeout 20 "$DRIVER" -v file:fifo < "$M" 2> "$T/err"; is "$?" 0 "FIFO: exit 0, no hang"
[ -p "$HOME/Mail/fifo" ]; ok $? "FIFO: still a FIFO"
is "$(kept)" 3 "FIFO: message in the default mailbox"
grep -q 'not a regular file' "$T/err"; ok $? "FIFO: reason logged"

mkdir "$HOME/Mail/dir"
"$DRIVER" file:dir < "$M"; is "$?" 0 "directory as mbox: exit 0"
is "$(kept)" 4 "directory: message in the default mailbox"

# A symlink where a whole mbox would be created, pointing nowhere.
ln -s "$T/newly-created" "$HOME/Mail/dangling"
"$DRIVER" file:dangling < "$M"; is "$?" 0 "dangling symlink: exit 0"
[ ! -e "$T/newly-created" ]; ok $? "dangling symlink: nothing created through it"

# Refused target and no usable default mailbox: temporary failure.
"$DRIVER" -D /nonexistent/Maildir/ file:link < "$M" 2>/dev/null; is "$?" 75 "refused + default fails: exit 75"
cmp -s "$T/target" "$T/target.orig"; ok $? "refused + default fails: target untouched"

# Foreign-owned mailbox.
if [ "$(id -u)" = 0 ]; then
    cp "$T/target" "$HOME/Mail/foreign"; chown nobody "$HOME/Mail/foreign"
    "$DRIVER" -v file:foreign < "$M" 2> "$T/err"; is "$?" 0 "foreign (root delivering): exit 0"
    cmp -s "$HOME/Mail/foreign" "$T/target.orig"; ok $? "foreign (root delivering): untouched"
    grep -q 'owned by uid' "$T/err"; ok $? "foreign: reason logged"
    # As an unprivileged user whose mail root holds a root-owned mbox.
    U="$T/u"; mkdir -p "$U/home/Mail"; cp "$T/target" "$U/home/Mail/rootbox"
    cp "$M" "$U/msg"; chown -R nobody "$U"; chown root "$U/home/Mail/rootbox"
    chmod 666 "$U/home/Mail/rootbox"; chmod 755 "$T"
    setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$U/home" \
        "$DRIVER" file:rootbox < "$U/msg"
    is "$?" 0 "foreign (as nobody, mbox world-writable): exit 0"
    cmp -s "$U/home/Mail/rootbox" "$T/target.orig"; ok $? "foreign (as nobody): untouched"
    is "$(count_files "$U/home/Maildir/new")" 1 "foreign (as nobody): default mailbox"
else
    skip "foreign-owned mailbox needs root to chown (run make check as root)"
    skip "foreign-owned mailbox needs root"
    skip "foreign-owned mailbox needs root"
    skip "foreign-owned mailbox needs root"
    skip "foreign-owned mailbox needs root"
    skip "foreign-owned mailbox needs root"
fi
done_testing
