#!/bin/sh
# The system spool: an mbox in a directory like /var/mail (mode 2775
# root:mail) where the user may not create files.  weir, installed setgid
# mail, raises the group only to create and remove the dotlock.  Tested
# with a private spool directory and a setgid copy of the driver run as
# nobody (needs root to set up).
. "$top_srcdir/tests/delivery/lib-delivery.sh"

if [ "$(id -u)" != 0 ] || ! getent group mail >/dev/null; then
    skip "needs root and a mail group to build a setgid spool setup"
    done_testing; exit
fi
if findmnt -no OPTIONS --target "$T" 2>/dev/null | grep -q nosuid; then
    skip "$T is on a nosuid file system: a setgid copy cannot gain the mail group"
    done_testing; exit
fi
chmod 755 "$T"
S="$T/spool"; U="$T/u"
mkdir -p "$S" "$U/home"
chown root:mail "$S"; chmod 2775 "$S"
touch "$S/nobody"; chown nobody:mail "$S/nobody"; chmod 600 "$S/nobody"
chown -R nobody "$U"
mkmsg "$U/msg" spool; chmod 644 "$U/msg"
cp "$DRIVER" "$T/driver-sgid"; chgrp mail "$T/driver-sgid"; chmod 2755 "$T/driver-sgid"
cp "$DRIVER" "$T/driver-plain"; chmod 755 "$T/driver-plain"
asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$U/home" "$@"; }

asnobody "$T/driver-plain" -S "$S" -A "$U/home/.weir/append" file:"$S/nobody" < "$U/msg"
is "$?" 0 "without the mail group: exit 0 (default mailbox)"
is "$(stat -c %s "$S/nobody")" 0 "without the mail group: spool mbox untouched (no dotlock possible)"
is "$(count_files "$U/home/Maildir/new")" 1 "without the mail group: default mailbox"

asnobody "$T/driver-sgid" -S "$S" -A "$U/home/.weir/append" file:"$S/nobody" < "$U/msg"
is "$?" 0 "setgid mail: exit 0"
is "$("$SPLIT" "$S/nobody" "$T")" 1 "setgid mail: delivered into the spool mbox"
is "$(count_files "$U/home/Maildir/new")" 1 "setgid mail: default mailbox not used"
is "$(ls -A "$S" | tr '\n' ' ')" "nobody " "setgid mail: dotlock and its temporary file removed"
is "$(stat -c %U:%G "$S/nobody")" "nobody:mail" "spool mbox ownership unchanged"
# The group is raised only for the dotlock: a Maildir target is created
# with the user's own group, not mail.
asnobody "$T/driver-sgid" -S "$S" file:"$U/home/md/" < "$U/msg"
is "$?" 0 "setgid mail: Maildir target, exit 0"
is "$(stat -c %G "$U/home/md/new/"*)" nogroup "setgid mail: other files get the user's group"
done_testing
