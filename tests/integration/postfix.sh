#!/bin/sh
# postfix.sh -- real Postfix delivering through weir.  A private Postfix
# instance (its own config, queue and log under $T, no inet listener) runs
# weir as mailbox_command and from ~/.forward for real non-root users:
#  - a message reaches the user's Maildir complete, without the From_ line;
#  - weir's exit 75 makes Postfix defer (not bounce) and the message is
#    delivered once the fault is fixed and the queue flushed: nothing lost;
#  - the documented safe .forward form defers when the binary is missing;
#  - weir crashing (SIGSEGV) defers: queued (postqueue -j), then delivered
#    once by a flush;
#  - a pipe(8) transport (flags=DRhu user=... -d ${user}) delivers with the
#    exact envelope, and -d naming another user than the transport's is
#    refused (exit 77).
# The Postfix settings are read out of doc/mta.md (snippet NAME), so the
# documented text is the tested text.
# Needs root and Debian's postfix package (CI installs it).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-postfix.sh"

USERS="weirpf1 weirpf2 weirpf3 weirpf4 weirpf5 weirpf6 weirpf7"
pf_require

pf_init
for n in postfix-mailbox-command postfix-forward postfix-pipe-master postfix-pipe-main; do
    [ -n "$(pf_snippet "$n")" ]; ok $? "doc/mta.md has the snippet $n"
done
cp /etc/postfix/master.cf "$PF/etc/master.cf"
pf_snippet postfix-pipe-master | sed 's/user=vmail/user=weirpf5/' >> "$PF/etc/master.cf"
pf_main_cf "master_service_disable = inet" "$(pf_snippet postfix-mailbox-command)" \
    "$(pf_snippet postfix-pipe-main)" \
    "transport_maps = inline:{ weirpf5@localhost=weir:, weirpf6@localhost=weir: }"

for u in $USERS; do
    userdel "$u" >/dev/null 2>&1
    useradd -M -d "$T/$u" -s /bin/sh "$u" || { skip "useradd $u failed"; done_testing; exit; }
    mkdir -p "$T/$u"; chown "$u": "$T/$u"; chmod 700 "$T/$u"
done

postfix -c "$PF/etc" start >/dev/null 2>&1
ok $? "private Postfix instance started"

# send RCPT SENDER FILE: submit and print the queue id
send() {
    sendmail -C "$PF/etc" -f "$2" "$1" < "$3"
}

# 1. mailbox_command delivery.  The user's rules file the message by the
# exact envelope sender: Postfix passes $SENDER sanitised (o_b_x_y@...),
# so only the From_ line it writes carries the real address.
msg="$TESTDATA/messages/ham-plain.eml"
mkdir -p "$T/weirpf1/.weir"
printf '%s\n' "if envelope from is \"o'b&x|y@example.org\" { file \"~/Maildir/\" stop }" \
    'file "~/Maildir/.wrong-sender/"' > "$T/weirpf1/.weir/rules"
chown -R weirpf1: "$T/weirpf1/.weir"; chmod 700 "$T/weirpf1/.weir"; chmod 600 "$T/weirpf1/.weir/rules"
send weirpf1@localhost "o'b&x|y@example.org" "$msg"
pf_wait_log "to=<weirpf1@localhost>.*status=sent"
ok $? "mailbox_command: Postfix logs status=sent"
f=$(find "$T/weirpf1/Maildir/new" -type f 2>/dev/null | head -n 1)
[ -n "$f" ] && [ "$(stat -c %U "$f")" = weirpf1 ]
ok $? "mailbox_command: one file in the user's Maildir, owned by the user"
test ! -d "$T/weirpf1/Maildir/.wrong-sender"
ok $? "the user's rules saw the exact envelope sender (from the From_ line, not \$SENDER)"
head -n 1 "$f" | grep -q '^Return-Path: <o'"'"'b&x|y@example.org>$'
ok $? "delivered file starts with Postfix's Return-Path, exact sender, no From_ line"
# The original message (after its own From_ line) follows Postfix's headers.
awk 'NR == 1 && /^From / { next } { print }' "$msg" | tail -n 20 > "$T/want-tail"
tail -n 20 "$f" | cmp -s - "$T/want-tail"
ok $? "mailbox_command: message body intact"
is "$(stat -c %a "$f")" 600 "delivered file mode 0600"

# 2. weir fails (Maildir is a plain file): exit 75, Postfix defers, nothing
# is lost; after the fix a flush delivers it.
: > "$T/weirpf2/Maildir"; chown weirpf2: "$T/weirpf2/Maildir"
send weirpf2@localhost sender@example.org "$msg"
pf_wait_log "to=<weirpf2@localhost>.*status=deferred"
ok $? "exit 75: Postfix defers the message"
grep "to=<weirpf2@localhost>.*status=deferred" "$PF/maillog" | grep -q "dsn=4\.2\.0, status=deferred (weir: .*weirpf2/Maildir"
ok $? "exit 75: Postfix takes weir's 4.2.0 code and reason"
! grep -q "to=<weirpf2@localhost>.*status=bounced" "$PF/maillog"
ok $? "exit 75: nothing bounced"
rm -f "$T/weirpf2/Maildir"
postqueue -c "$PF/etc" -f
pf_wait_log "to=<weirpf2@localhost>.*status=sent"
ok $? "after the fix, a queue flush delivers it"
is "$(count_files "$T/weirpf2/Maildir/new")" 1 "deferred message delivered exactly once"

# 3. ~/.forward in the documented safe form.
pf_snippet postfix-forward > "$T/weirpf3/.forward"
chown weirpf3: "$T/weirpf3/.forward"
send weirpf3@localhost sender@example.org "$msg"
pf_wait_log "to=<weirpf3@localhost>.*status=sent"
ok $? ".forward pipe: delivered"
is "$(count_files "$T/weirpf3/Maildir/new")" 1 ".forward pipe: one file in the Maildir"

# 4. The same form with the binary missing defers instead of bouncing.
printf '"|[ -x %s ] || exit 75; exec %s"\n' "$T/bin/missing" "$T/bin/missing" > "$T/weirpf4/.forward"
chown weirpf4: "$T/weirpf4/.forward"
send weirpf4@localhost sender@example.org "$msg"
pf_wait_log "to=<weirpf4@localhost>.*status=deferred"
ok $? "safe .forward form, binary missing: deferred, not bounced"

# 4b. weir crashes (a real SIGSEGV: weir started with an 8 KB stack dies
# in the dynamic loader): Postfix defers, the message stays in the queue
# (postqueue -j), nothing bounces; once weir runs again a flush delivers it
# exactly once. In a sanitizer build ASan's own SIGSEGV handler would turn
# the crash into exit 1 (a bounce) whenever the loader gets far enough to run
# ASan's initialiser (it did on the CI machine's kernel): handle_segv=0 leaves
# the signal to the kernel, as in a production build. Without sanitizers
# these variables do nothing.
printf '"|ulimit -s 8; ASAN_OPTIONS=handle_segv=0 UBSAN_OPTIONS=handle_segv=0 exec %s"\n' "$T/bin/weir" > "$T/weirpf7/.forward"
chown weirpf7: "$T/weirpf7/.forward"
send weirpf7@localhost sender@example.org "$msg"
pf_wait_log "to=<weirpf7@localhost>.*status=deferred"
ok $? "weir crashing (signal 11): Postfix defers" ||
    grep "weirpf7" "$PF/maillog" | sed 's/^/# /'
postqueue -c "$PF/etc" -j > "$T/queue.json" 2>/dev/null
grep -q '"address": *"weirpf7@localhost"' "$T/queue.json"
ok $? "the crashed delivery's message is in the queue (postqueue -j)"
! grep -q "to=<weirpf7@localhost>.*status=bounced" "$PF/maillog"
ok $? "weir crashing: nothing bounced"
pf_snippet postfix-forward > "$T/weirpf7/.forward"
postqueue -c "$PF/etc" -f
pf_wait_log "to=<weirpf7@localhost>.*status=sent"
ok $? "weir working again: a queue flush delivers it"
is "$(count_files "$T/weirpf7/Maildir/new")" 1 "the message that met the crash is delivered exactly once"

# 5. The pipe(8) transport of doc/mta.md: the transport runs weir as its
# user (weirpf5); -d ${user} names that user; -f/-a carry the envelope.
mkdir -p "$T/weirpf5/.weir"
printf '%s\n' 'if envelope from is "p5@example.org" and envelope to is "weirpf5@localhost" { file "~/Maildir/.pipe/" }' \
    > "$T/weirpf5/.weir/rules"
chown -R weirpf5: "$T/weirpf5/.weir"; chmod 700 "$T/weirpf5/.weir"; chmod 600 "$T/weirpf5/.weir/rules"
send weirpf5@localhost p5@example.org "$msg"
pf_wait_log "to=<weirpf5@localhost>.*relay=weir.*status=sent"
ok $? "pipe(8) transport: Postfix logs relay=weir, status=sent"
f=$(find "$T/weirpf5/Maildir/.pipe/new" -type f 2>/dev/null | head -n 1)
[ -n "$f" ] && [ "$(stat -c %U "$f")" = weirpf5 ]
ok $? "pipe(8) transport: filed by the rules on -f and -a, owned by the transport's user"
grep -q '^Delivered-To: weirpf5@localhost$' "$f" 2>/dev/null
ok $? "pipe(8) transport: flags=D gave the Delivered-To line"
# The same transport for another user: -d weirpf6 from weirpf5 is refused
# (exit 77, a permanent failure Postfix bounces): the configuration mistake
# doc/mta.md warns about, never a delivery into someone else's mailbox.
send weirpf6@localhost p6@example.org "$msg"
pf_wait_log "to=<weirpf6@localhost>.*relay=weir.*status=bounced"
ok $? "pipe(8) transport, -d naming another user: refused, Postfix bounces"
grep "to=<weirpf6@localhost>.*relay=weir.*status=bounced" "$PF/maillog" | grep -q "5\.7\."
ok $? "the refusal carries weir's 5.7.x code"
test ! -e "$T/weirpf6/Maildir"
ok $? "nothing was written for weirpf6"

if [ "$_failed" -ne 0 ]; then sed 's/^/# /' "$PF/maillog"; fi
done_testing
