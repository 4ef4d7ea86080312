# tests/import/lib-import.sh -- shared by the import tests: the procmail
# binary and how to run it (as a plain user, in a scratch HOME, with a
# fixed environment).
PROCMAIL=${PROCMAIL:-/usr/bin/procmail}
PROBE="$top_builddir/tests/import/pmre_probe"
if [ "$(id -u)" = 0 ]; then
    AS_USER="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    AS_USER=
fi
# run_procmail DIR RCFILE < message: procmail with DIR as HOME and MAILDIR,
# DIR/inbox as the default mailbox, DIR/log as LOGFILE, and $STUBS/sendmail
# (when set) as SENDMAIL.
run_procmail() {
    $AS_USER env -i PATH=/usr/bin:/bin TZ=UTC LANG=C "$PROCMAIL" \
        HOME="$1" MAILDIR="$1" ORGMAIL="$1/inbox" DEFAULT="$1/inbox" \
        LOGFILE="$1/log" SENDMAIL="${STUBS:-/nonexistent}/sendmail" SHELL=/bin/sh "$2"
}
