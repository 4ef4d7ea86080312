#!/bin/sh
# tests/privileges/privileges.sh -- the setgid weir with real accounts.
#
# Creates two users (useradd), installs a copy of the built weir setgid
# mail (root:mail 2755) in the scratch directory, and checks as those
# users: delivery files are the user's (never group mail), the mail group
# cannot be used to write another user's mailbox or read another user's
# configuration, -d and -c are refused to non-root callers before
# anything is read, root's -d switches fully, and a hostile environment
# (LD_PRELOAD, IFS, PATH=., umask 0, closed fds) changes nothing.
. "$top_srcdir/tests/lib.sh"

if [ "$(id -u)" != 0 ]; then
    skip "not root: creating users and a setgid binary needs root (CI runs this as root)"
    done_testing
    exit $?
fi
for tool in useradd userdel setpriv stat; do
    if ! command -v $tool >/dev/null 2>&1; then
        skip "$tool not installed"
        done_testing
        exit $?
    fi
done
if ! getent group mail >/dev/null; then
    skip "no group 'mail' on this system"
    done_testing
    exit $?
fi

UA=weirpa$$
UB=weirpb$$
cleanup() {
    userdel "$UA" >/dev/null 2>&1
    userdel "$UB" >/dev/null 2>&1
    groupdel "$UA" >/dev/null 2>&1
    groupdel "$UB" >/dev/null 2>&1
    chmod -R u+rwx "$T" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T"
HA="$T/home-a"
HB="$T/home-b"
useradd -M -d "$HA" -s /bin/sh -U "$UA" || { echo "Bail out! useradd $UA failed"; exit 1; }
useradd -M -d "$HB" -s /bin/sh -U "$UB" || { echo "Bail out! useradd $UB failed"; exit 1; }
mkdir -p "$HA" "$HB"
chown "$UA:$UA" "$HA"
chown "$UB:$UB" "$HB"
chmod 700 "$HA" "$HB"
MAILGID=$(getent group mail | cut -d: -f3)
GA=$(id -g "$UA")

# The setgid copy, installed as make install does.
mkdir "$T/bin"
cp "$WEIR" "$T/bin/weir"
chown root:mail "$T/bin/weir"
chmod 2755 "$T/bin/weir"
SW="$T/bin/weir"
# Is the setgid bit honoured here (not a nosuid mount)?
cp /usr/bin/id "$T/bin/idg"
chown root:mail "$T/bin/idg"
chmod 2755 "$T/bin/idg"
if [ "$(setpriv --reuid="$UA" --regid="$UA" --init-groups "$T/bin/idg" -g)" != "$MAILGID" ]; then
    skip "the scratch filesystem ignores the setgid bit (nosuid mount)"
    done_testing
    exit $?
fi

# LeakSanitizer cannot run in a process that changed its ids (the kernel
# makes it non-dumpable): in a sanitizer build, the setgid and -d runs
# check memory errors but not leaks (the other tests cover leaks on the
# same paths).  Harmless in a normal build.
ASAN_OPTIONS=detect_leaks=0; export ASAN_OPTIONS

MSG="$T/msg"
printf 'From: alice@example.org\nTo: bob@example.org\nSubject: privileges\nMessage-ID: <p1@example.org>\n\nbody\n' > "$MSG"
chmod 644 "$MSG"

# as USER [env...] -- command: run as the user with a clean, MTA-like env
as() {
    u=$1; h=$2; shift 2
    setpriv --reuid="$u" --regid="$u" --init-groups \
        env -i HOME="$h" USER="$u" LOGNAME="$u" PATH=/usr/bin:/bin \
        ASAN_OPTIONS="$ASAN_OPTIONS" "$@"
}

# 1. A plain delivery through the setgid binary.
as "$UA" "$HA" "$SW" < "$MSG"
is "$?" 0 "setgid weir delivers for $UA"
f=$(find "$HA/Maildir/new" -type f | head -n 1)
is "$(stat -c '%U:%G %a' "$f" 2>/dev/null)" "$UA:$UA 600" \
   "the delivered file is the user's, group not mail, mode 600"
is "$(stat -c '%U:%G %a' "$HA/Maildir/new")" "$UA:$UA 700" "the Maildir is the user's, mode 700"

# 2. HOME pointing at another user's home is not believed by a setgid weir.
mkdir -p "$HB/.weir" "$HB/Maildir/new" "$HB/Maildir/cur" "$HB/Maildir/tmp"
printf 'default_mailbox: ~/Mail/from-b/\n' > "$HB/.weir/config.yaml"
chown -R "$UB:mail" "$HB"
chmod 750 "$HB" "$HB/.weir"
chmod 640 "$HB/.weir/config.yaml"
chmod -R g+rwX "$HB/Maildir"
as "$UA" "$HB" "$SW" < "$MSG"
is "$?" 0 "HOME=$UB's home: delivery still succeeds"
is "$(count_files "$HA/Maildir/new")" 2 "... into $UA's own Maildir (password entry, not \$HOME)"
is "$(count_files "$HB/Maildir/new")" 0 "... nothing written into $UB's Maildir (group mail, g+rwx)"
ok "$(test ! -e "$HA/Mail/from-b"; echo $?)" "... $UB's config.yaml (group mail, 640) was not read"

# 3. The mail group is never effective while writing: a Maildir only the
#    mail group may write stays untouched.
mkdir -p "$T/spool/b/new" "$T/spool/b/cur" "$T/spool/b/tmp"
chown -R "$UB:mail" "$T/spool/b"
chmod -R 770 "$T/spool/b"
mkdir -p "$HA/.weir"
printf 'default_mailbox: %s/spool/b/\n' "$T" > "$HA/.weir/config.yaml"
chown -R "$UA:$UA" "$HA/.weir"
as "$UA" "$HA" "$SW" < "$MSG" 2> "$T/err"
is "$?" 75 "default_mailbox in a mail-group directory: temporary failure, not a write"
is "$(count_files "$T/spool/b/new")" 0 "nothing written with the mail group"
is "$(count_files "$T/spool/b/tmp")" 0 "no temporary file left either"
# control: with mail as its real group the same delivery does succeed, so
# the refusal above came from the dropped group, not from the setup
setpriv --reuid="$UA" --regid=mail --clear-groups \
    env -i HOME="$HA" PATH=/usr/bin:/bin ASAN_OPTIONS="$ASAN_OPTIONS" "$SW" < "$MSG" 2>/dev/null
is "$(count_files "$T/spool/b/new")" 1 "control: the real mail group can write there"
rm -f "$HA/.weir/config.yaml"

# 4. -c from a user of the setgid binary: refused before reading.
printf 'default_mailbox: ~/Other/\n' > "$T/c.yaml"
chmod 644 "$T/c.yaml"
as "$UA" "$HA" "$SW" -c "$T/c.yaml" < "$MSG" 2> "$T/err"
is "$?" 75 "-c FILE from a user of the setgid weir: exit 75"
is "$(cat "$T/err")" "4.3.5 weir: -c is only for root or a weir that is not setgid" "-c refusal text"
is "$(count_files "$HA/Maildir/new")" 2 "-c refused: nothing delivered"

# 5. -d: another user refused (EX_NOPERM), nothing read from stdin.
as "$UA" "$HA" sh -c '"$0" -d "$1"; echo "rc=$?"; cat' "$SW" "$UB" < "$MSG" > "$T/out" 2> "$T/err"
is "$(head -n 1 "$T/out")" "rc=77" "-d $UB from $UA: EX_NOPERM"
is "$(tail -n +2 "$T/out")" "$(cat "$MSG")" "-d $UB: the message on stdin was not read"
case $(cat "$T/err") in
    "5.7.1 "*) ok 0 "-d refusal is 5.7.1";;
    *) ok 1 "-d refusal is 5.7.1: $(cat "$T/err")";;
esac
is "$(count_files "$HA/Maildir/new")$(count_files "$HB/Maildir/new")" "20" "-d $UB: nothing delivered"
as "$UA" "$HA" "$SW" -d weir-no-such-user-x < "$MSG" 2> "$T/err"
is "$?" 77 "-d unknown user from a non-root caller: EX_NOPERM (no account probing)"
as "$UA" "$HA" "$SW" -d "$UA" < "$MSG"
is "$?" 0 "-d self is allowed"
is "$(count_files "$HA/Maildir/new")" 3 "-d self delivered"

# 6. root -d: full switch, the user's home and config.yaml from the
#    password entry.
"$WEIR" -d "$UB" < "$MSG" 2> "$T/err"
is "$(count_files "$HB/Mail/from-b/new")" 1 "root -d $UB reads $UB's config.yaml (its default_mailbox)"
rm -rf "$HB/.weir/config.yaml" "$HB/Mail"
"$WEIR" -d "$UB" < "$MSG"
is "$?" 0 "root -d $UB delivers"
f=$(find "$HB/Maildir/new" -type f | head -n 1)
is "$(stat -c '%U:%G %a' "$f" 2>/dev/null)" "$UB:$UB 600" "root -d: the file belongs to $UB"
is "$(count_files "$HOME/Maildir/new")" 0 "root -d: root's \$HOME not used"
"$SW" -d "$UB" < "$MSG"
is "$(count_files "$HB/Maildir/new")" 2 "root -d through the setgid copy too"
printf 'default_mailbox: ~/Mail/via-c/\n' > "$T/rootc.yaml"
chmod 644 "$T/rootc.yaml"
"$SW" -d "$UB" -c "$T/rootc.yaml" < "$MSG"
is "$(count_files "$HB/Mail/via-c/new")" 1 "root -d $UB -c FILE (setgid copy): the file is read after the switch"
"$WEIR" -d root < "$MSG" 2> "$T/err"
is "$?" 77 "-d root refused"

# 6b. weir test gives up the mail group for good (lda/sys/priv.c:
#     priv_mail_drop, priv_become_user): a filter run with --run-programs
#     reads the tester's own ids from /proc (its parent is weir).
printf '%s\n' "filter \"grep -E '^(Uid|Gid):' /proc/\$PPID/status > \$HOME/ids; cat\"" > "$T/ids.rules"
chmod 644 "$T/ids.rules"
UIDA=$(id -u "$UA")
as "$UA" "$HA" "$SW" test -S -r "$T/ids.rules" --run-programs -q "$MSG" > "$T/out" 2> "$T/err"
is "$?" 0 "weir test through the setgid copy as $UA: runs"
is "$(cat "$HA/ids" 2>/dev/null)" "$(printf 'Uid:\t%s\t%s\t%s\t%s\nGid:\t%s\t%s\t%s\t%s' \
    "$UIDA" "$UIDA" "$UIDA" "$UIDA" "$GA" "$GA" "$GA" "$GA")" \
   "weir test (setgid copy, run by $UA): the mail group is gone, saved gid included"
rm -f "$HA/ids"
"$SW" test -d "$UA" -S -r "$T/ids.rules" --run-programs -q "$MSG" > "$T/out" 2> "$T/err"
is "$?" 0 "root: weir test -d $UA through the setgid copy runs"
is "$(cat "$HA/ids" 2>/dev/null)" "$(printf 'Uid:\t%s\t%s\t%s\t%s\nGid:\t%s\t%s\t%s\t%s' \
    "$UIDA" "$UIDA" "$UIDA" "$UIDA" "$GA" "$GA" "$GA" "$GA")" \
   "root: weir test -d $UA: every uid and gid is $UA's, no mail group kept"
rm -f "$HA/ids"
as "$UA" "$HA" "$SW" test -d "$UB" -S -q "$MSG" > "$T/out" 2> "$T/err"
is "$?" 77 "weir test -d $UB from $UA: EX_NOPERM"
is "$(cat "$T/err")" "weir test: -d $UB: only root may test as another user" "... and why"

# 7. A hostile environment changes nothing.
if command -v cc >/dev/null 2>&1; then
    mkdir "$T/marks"
    chmod 1777 "$T/marks"
    cat > "$T/evil.c" <<EOF
#include <fcntl.h>
#include <unistd.h>
__attribute__((constructor)) static void evil(void)
{
    int fd = open("$T/marks/loaded", O_WRONLY | O_CREAT, 0666);
    if (fd >= 0) close(fd);
}
EOF
    if cc -shared -fPIC -o "$T/evil.so" "$T/evil.c" 2>/dev/null; then
        chmod 755 "$T/evil.so"
        as "$UA" "$HA" LD_PRELOAD="$T/evil.so" LD_LIBRARY_PATH="$T" "$SW" < "$MSG"
        is "$?" 0 "LD_PRELOAD set: delivery works"
        ok "$(test ! -e "$T/marks/loaded"; echo $?)" "LD_PRELOAD library not loaded into the setgid weir"
        is "$(count_files "$HA/Maildir/new")" 4 "LD_PRELOAD: delivered"
    else
        skip "cc cannot build a shared library"
        skip "cc cannot build a shared library"
        skip "cc cannot build a shared library"
    fi
else
    skip "no C compiler for the LD_PRELOAD test"
    skip "no C compiler for the LD_PRELOAD test"
    skip "no C compiler for the LD_PRELOAD test"
fi
# 8. A child of the setgid program (pipe, filter, sendmail) cannot regain
#    the mail group, gets the safe PATH and no LD_PRELOAD.
cp "$top_builddir/tests/privileges/child_driver" "$T/bin/child_driver"
chown root:mail "$T/bin/child_driver"
chmod 2755 "$T/bin/child_driver"
CD="$T/bin/child_driver"
out=$(as "$UA" "$HA" "$CD" 'grep "^Gid:" /proc/self/status')
is "$out" "$(printf 'Gid:\t%s\t%s\t%s\t%s' "$GA" "$GA" "$GA" "$GA")" \
   "child of the setgid program: real, effective, saved and fs gid are the user's"
if [ -f "$T/evil.so" ]; then
    printf '%s\n' '#include <stdio.h>' '#include <stdlib.h>' '#include <unistd.h>' \
        'int main(int argc, char **argv)' '{' \
        '    gid_t g = (gid_t)atoi(argv[1]);' \
        '    int r1 = setegid(g), r2 = setresgid(g, g, g);' \
        '    printf("%d %d\n", r1, r2);' '    return argc > 2;' '}' > "$T/regain.c"
    cc -o "$T/regain" "$T/regain.c" 2>/dev/null && chmod 755 "$T/regain"
    out=$(as "$UA" "$HA" "$CD" "$T/regain $MAILGID")
    is "$out" "-1 -1" "child cannot setegid/setresgid to the mail group"
    rm -f "$T/marks/loaded"
    out=$(as "$UA" "$HA" LD_PRELOAD="$T/evil.so" PATH=. IFS=/ "$CD" \
          'echo "PATH=$PATH"; env | grep -c "^LD_"; true')
    is "$out" "$(printf 'PATH=/usr/bin:/bin\n0')" "child: safe PATH, no LD_ variable"
    ok "$(test ! -e "$T/marks/loaded"; echo $?)" "LD_PRELOAD library not loaded in the child"
    # control: the same library is loaded when LD_PRELOAD reaches a program
    env LD_PRELOAD="$T/evil.so" /bin/true
    ok "$(test -e "$T/marks/loaded"; echo $?)" "control: evil.so is loaded when LD_PRELOAD reaches a program"
else
    skip "no LD_PRELOAD library (no C compiler)"
    skip "no LD_PRELOAD library (no C compiler)"
    skip "no LD_PRELOAD library (no C compiler)"
    skip "no LD_PRELOAD library (no C compiler)"
fi

rm -rf "$HA/Maildir"
mkdir "$T/tmpd"
chmod 1777 "$T/tmpd"
as "$UA" "$HA" IFS=/ PATH=. TMPDIR="$T/tmpd" /bin/sh -c 'umask 0; exec "$0" >&- 2>&-' "$SW" < "$MSG"
is "$?" 0 "IFS=/, PATH=., TMPDIR, umask 0, stdout and stderr closed: delivered"
f=$(find "$HA/Maildir/new" -type f | head -n 1)
is "$(stat -c '%a' "$f" 2>/dev/null)" "600" "umask 0: the delivered file is still mode 600"
is "$(stat -c '%a' "$HA/Maildir" "$HA/Maildir/new" | tr '\n' ' ')" "700 700 " \
   "umask 0: new Maildir directories are mode 700"
is "$(ls -A "$T/tmpd" | wc -l | tr -d ' ')" 0 "TMPDIR not used for the spool"

done_testing
