#!/bin/sh
# Path traversal: folder names built from message content (tainted) that
# try to leave the mail root are refused; the message goes to the default
# mailbox with a log line, and no file appears anywhere else.
. "$top_srcdir/tests/delivery/lib-delivery.sh"

M="$T/msg"; mkmsg "$M" paths
mkdir -p "$T/outside" "$HOME/Mail" "$HOME/Maildir"
echo precious > "$T/outside/victim"
LONG=$(printf '%0300d' 0)
NL=$(printf 'a\nb')
CR=$(printf 'box\r')
ESC=$(printf 'x\033[2J')
DEL=$(printf 'a\177')
TAB=$(printf 'a\tb')

n=0
for name in \
    "../../outside/victim" \
    "../outside/x/" \
    "a/../../../outside/victim" \
    ".." \
    "." \
    "" \
    "/etc/passwd" \
    "$T/outside/victim" \
    "$HOME/Mailx/box" \
    "$HOME/Mail/../../outside/victim" \
    "~/../outside/victim" \
    "~root/Mail/x" \
    "~" \
    "a//b" \
    "./box" \
    "cur" \
    "x/new/" \
    "tmp/." \
    "$NL" \
    "$CR" \
    "$ESC" \
    "$DEL" \
    "$TAB" \
    "$LONG" \
    "~/Maildir/.lists/../../../outside/" \
    "~/Maildir/.Junk/cur/" \
    ".../../outside/victim"
do
    n=$((n + 1))
    touch "$T/mark"; sleep 0.01
    "$DRIVER" -v "tfile:$name" < "$M" 2> "$T/err"
    is "$?" 0 "nasty name $n: delivered anyway"
    is "$(count_files "$HOME/Maildir/new")" "$n" "nasty name $n: in the default mailbox"
    grep -q 'refused' "$T/err"; ok $? "nasty name $n: refusal logged"
    strays=$(find "$T" -newer "$T/mark" -type f ! -path "$HOME/Maildir/new/*" \
                  ! -path "$HOME/.weir/*" ! -name err ! -name mark | wc -l)
    is "$strays" 0 "nasty name $n: no file written anywhere else"
done
is "$(cat "$T/outside/victim")" precious "file outside the root untouched"
is "$(ls "$T/outside" | tr '\n' ' ')" "victim " "nothing created outside the root"
# weir has exited, so a lock it left would stay; useradd/userdel in a
# parallel privilege test hold /etc/passwd.lock for a moment -- wait that out.
i=0; while [ -e /etc/passwd.lock ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ ! -e /etc/passwd.lock ]; ok $? "no lock next to /etc/passwd"

# Harmless look-alikes are confined and accepted.
"$DRIVER" "tfile:%2e%2e/x" "tfile:~/Maildir/.lists.weir-dev/" "tfile:..." < "$M"
is "$?" 0 "look-alike names accepted"
[ -f "$HOME/Mail/%2e%2e/x" ] && [ -f "$HOME/Mail/..." ] && \
    [ -f "$HOME/Maildir/.lists.weir-dev/maildirfolder" ]; ok $? "look-alikes stay inside the roots"
# The same names are the author's own when untainted: ~ and absolute work.
"$DRIVER" "file:$T/outside/own" < "$M"; is "$?" 0 "untainted absolute path allowed"
[ -f "$T/outside/own" ]; ok $? "untainted absolute mbox written"
done_testing
