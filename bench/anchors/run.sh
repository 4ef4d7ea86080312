#!/bin/sh
# bench/anchors/run.sh -- weir as one more column of the shared anchor
# benchmark (../shared/bench-anchors: procmail, maildrop, dovecot-lda,
# fdm and a floor, on the same 2,000 messages and 41 rules, fork+exec once
# per message as an MTA does).  It renders the 41 rules in weir's language
# (bench/tester/render_weir.py, plus a last rule filing everything else
# into the INBOX at {MAILDIR}), installs the weir binary where the bench
# user can run it, and calls the harness with an extra tools file.
#
# usage (root, Debian 12):
#   WEIR=/path/to/build/weir bench/anchors/run.sh [harness options]
#   e.g. ... run.sh --install            first time: installs the other tools
#        ... run.sh -r 1 -n 200 -s callgrind   a quick smoke run
# Default columns: floor-fsync, procmail, maildrop, weir.  The table is
# printed and saved in /tmp/weir-bench-anchors/harness/results/ (copy
# the table you want to keep into bench/results/).  Not part of make check.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
ANCHORS=${ANCHORS:-$TOP/../shared/bench-anchors}
: "${WEIR:?set WEIR to the built weir binary}"
[ -x "$ANCHORS/run.sh" ] || { echo "no harness at $ANCHORS" >&2; exit 1; }

W=/tmp/weir-bench-anchors
rm -rf "$W"; mkdir -p "$W/bin"
# Run a private copy of the harness: it writes its corpus and results into
# its own folder, and shared/ is never written (even by root).
cp -r "$ANCHORS" "$W/harness"
chmod -R u+w "$W/harness"
ANCHORS=$W/harness
cp "$WEIR" "$W/bin/weir"
chmod 755 "$W" "$W/bin" "$W/bin/weir"
{
    python3 "$TOP/bench/tester/render_weir.py" "$ANCHORS"
    echo '# INBOX: the harness wants it at {MAILDIR}, not ~/Maildir'
    echo 'file "${mail}/"'
} > "$W/weir.rules"
echo "weir | weir.rules | $W/bin/weir -r {CONF}/weir.rules" > "$W/weir-tools.conf"
chmod 644 "$W/weir.rules" "$W/weir-tools.conf"

case " $* " in
    *" -t "*) exec "$ANCHORS/run.sh" -c "$W/weir-tools.conf" "$@" ;;
    *) exec "$ANCHORS/run.sh" -c "$W/weir-tools.conf" -t floor-fsync,procmail,maildrop,weir "$@" ;;
esac
