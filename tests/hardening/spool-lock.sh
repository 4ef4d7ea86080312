#!/bin/sh
# tests/hardening/spool-lock.sh -- issue 10, item 3, with the setgid weir,
# two real accounts and the real /var/mail:
#  - an attacker who names the victim's spool file as their own default
#    mailbox no longer gets the mail group for it (only /var/mail/<login>
#    gets it, as `lockfile -ml`), so cannot create (and, by SIGKILL, leave)
#    the victim's dotlock;
#  - a lock weir cannot read (another user's 0600 lock) is judged stale by
#    its age (lstat), instead of "not stale" forever;
#  - locks are created 0644 (any delivery can read the owner's pid);
#  - a missing /var/mail/<login> is created (0660, the user's, group mail);
#  - temporary lock names left by a killed delivery are removed.
. "$top_srcdir/tests/lib.sh"

SPOOL=/var/mail
if [ "$(id -u)" != 0 ]; then
    skip "not root: needs useradd, a setgid binary and $SPOOL"
    done_testing; exit $?
fi
for tool in useradd userdel setpriv strace stat; do
    command -v $tool >/dev/null 2>&1 || { skip "$tool not installed"; done_testing; exit $?; }
done
if ! getent group mail >/dev/null || [ ! -d "$SPOOL" ] ||
   [ "$(stat -c %G "$SPOOL")" != mail ]; then
    skip "no mail group or no $SPOOL owned by group mail"
    done_testing; exit $?
fi

UA=weirsa$$
UB=weirsb$$
cleanup() {
    rm -f "$SPOOL/$UA" "$SPOOL/$UB" "$SPOOL/$UA".lock* "$SPOOL/$UB".lock*
    userdel "$UA" >/dev/null 2>&1; userdel "$UB" >/dev/null 2>&1
    groupdel "$UA" >/dev/null 2>&1; groupdel "$UB" >/dev/null 2>&1
    chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T"
HA="$T/home-a"; HB="$T/home-b"
useradd -M -d "$HA" -s /bin/sh -U "$UA" || { echo "Bail out! useradd $UA failed"; exit 1; }
useradd -M -d "$HB" -s /bin/sh -U "$UB" || { echo "Bail out! useradd $UB failed"; exit 1; }
for u in A B; do
    eval "h=\$H$u u=\$U$u"
    mkdir -p "$h/.weir"
    printf 'default_mailbox: %s/%s\n' "$SPOOL" "$UB" > "$h/.weir/config.yaml"
    chown -R "$u:$u" "$h"; chmod 700 "$h"
done
rm -f "$SPOOL/$UB" "$SPOOL/$UB".lock*

mkdir "$T/bin"
cp "$WEIR" "$T/bin/weir"; chown root:mail "$T/bin/weir"; chmod 2755 "$T/bin/weir"
SW="$T/bin/weir"
cp /usr/bin/id "$T/bin/idg"; chown root:mail "$T/bin/idg"; chmod 2755 "$T/bin/idg"
if [ "$(setpriv --reuid="$UA" --regid="$UA" --init-groups "$T/bin/idg" -g)" != "$(getent group mail | cut -d: -f3)" ]; then
    skip "the scratch filesystem ignores the setgid bit (nosuid mount)"
    done_testing; exit $?
fi
ASAN_OPTIONS=detect_leaks=0; export ASAN_OPTIONS
MSG="$T/msg"
printf 'From: a@example.org\nSubject: spool\n\nbody\n' > "$MSG"; chmod 644 "$MSG"

# as USER HOME -- command: as the user, with an MTA-like environment
as() {
    u=$1; h=$2; shift 2
    setpriv --reuid="$u" --regid="$u" --init-groups \
        env -i HOME="$h" USER="$u" LOGNAME="$u" PATH=/usr/bin:/bin \
        ASAN_OPTIONS="$ASAN_OPTIONS" "$@"
}

# 1. A missing /var/mail/<login> is created for its user.
as "$UB" "$HB" "$SW" < "$MSG" 2> "$T/err"
is "$?" 0 "missing $SPOOL/<login>: delivered"
is "$(stat -c '%U:%G %a' "$SPOOL/$UB" 2>/dev/null)" "$UB:mail 660" "... created $UB:mail 660"
is "$(grep -c '^From ' "$SPOOL/$UB" 2>/dev/null)" 1 "... with the message"

# 2. The attacker's weir, with the victim's spool file as its default
#    mailbox, never creates the victim's dotlock (strace -u honours the
#    setgid bit when run by root).
strace -f -u "$UA" -o "$T/trace" -e trace=link,linkat,openat \
    env -i HOME="$HA" USER="$UA" LOGNAME="$UA" PATH=/usr/bin:/bin \
    ASAN_OPTIONS="$ASAN_OPTIONS" "$SW" < "$MSG" > /dev/null 2> "$T/err"
is "$?" 75 "attacker naming $SPOOL/$UB: not delivered (75: the default mailbox is not theirs)"
grep -q "\"$SPOOL/$UB\"" "$T/trace" || grep -q "$SPOOL/$UB" "$T/err"
ok $? "... (the attempt reached the spool: the test saw it)"
grep -E "link(at)?\(.*\"$SPOOL/$UB\.lock\"\) = 0" "$T/trace" > "$T/links"
is "$(wc -l < "$T/links" | tr -d ' ')" 0 "... the victim's dotlock was never created"
is "$(grep -c '^From ' "$SPOOL/$UB")" 1 "... the victim's mailbox unchanged"

# 3. A lock left by another user (0600, unreadable) and old: stale by its
#    age; before, every delivery waited 90 s and deferred.
printf '1 elsewhere\n' > "$SPOOL/$UB.lock"
chown "$UA:mail" "$SPOOL/$UB.lock"; chmod 600 "$SPOOL/$UB.lock"
touch -d '-10 minutes' "$SPOOL/$UB.lock"
t0=$(date +%s)
as "$UB" "$HB" timeout 60 "$SW" < "$MSG" 2> "$T/err"
rc=$?; secs=$(( $(date +%s) - t0 ))
is "$rc" 0 "an old unreadable lock: delivered"
[ "$secs" -lt 30 ]; ok $? "... without waiting out the lock ($secs s)"
is "$(grep -c '^From ' "$SPOOL/$UB")" 2 "... into the spool file"
[ ! -e "$SPOOL/$UB.lock" ]; ok $? "... the stale lock removed"

# 4. weir's own locks are 0644 whatever its umask: while a delivery waits
#    for the fcntl lock another program holds, its dotlock is readable.
"$top_builddir/tests/delivery/holdlock" "$SPOOL/$UB" 4 > "$T/hold" &
hp=$!
i=0; while ! grep -q locked "$T/hold" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
as "$UB" "$HB" "$SW" < "$MSG" 2> "$T/err" &
wp=$!
i=0; while [ ! -e "$SPOOL/$UB.lock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
is "$(stat -c %a "$SPOOL/$UB.lock" 2>/dev/null)" 644 "weir's dotlock is mode 644"
wait $wp; is "$?" 0 "... and the delivery completes once the fcntl lock is free"
wait $hp

# 5. Temporary lock names left by a killed delivery (its pid gone) go.
dead=$(sh -c 'echo $$')
: > "$SPOOL/$UB.lock.$dead.1a2b3c"
chown "$UB:mail" "$SPOOL/$UB.lock.$dead.1a2b3c"
touch -d '-5 minutes' "$SPOOL/$UB.lock.$dead.1a2b3c"
: > "$SPOOL/$UB.lock.$$.4d5e6f"                 # a live pid: kept
touch -d '-5 minutes' "$SPOOL/$UB.lock.$$.4d5e6f"
as "$UB" "$HB" "$SW" < "$MSG" 2> "$T/err"
is "$?" 0 "with leftover temporary lock names: delivered"
[ ! -e "$SPOOL/$UB.lock.$dead.1a2b3c" ]; ok $? "... a dead process's temporary lock name removed"
[ -e "$SPOOL/$UB.lock.$$.4d5e6f" ]; ok $? "... a live process's kept"
rm -f "$SPOOL/$UB.lock.$$.4d5e6f"
done_testing
