#!/bin/sh
# tests/hardening/sender-env.sh -- issue 10, item 7: the SENDER a child
# program (pipe, filter) sees is sanitised as Postfix sanitises it (bytes
# outside its command_expansion_filter become '_'), so a script that
# expands $SENDER unquoted cannot be made to run text from the envelope;
# the rules keep the exact envelope sender (${sender}).
. "$top_srcdir/tests/lib.sh"

chmod 755 "$T"
printf 'default_mailbox: ~/Maildir/\n' > "$T/weir.yaml"
mkdir -p "$HOME/.weir" "$HOME/Mail"
cat > "$HOME/.weir/rules" <<EOT
copy pipe "echo \"\$SENDER\" > $T/pipe-sender; echo \"\$RECIPIENT\" > $T/pipe-rcpt; echo \"\$EXTENSION\" > $T/pipe-ext"
filter "echo \"X-Filter-Sender: \$SENDER\"; cat"
file "~/Mail/box"
log "exact sender: \${sender}"
EOT
chmod 600 "$HOME/.weir/rules"
HOSTILE='o'"'"'b&x|y$(touch${IFS}'"$T"'/x)@d'
{ printf 'From %s Thu Jan  1 00:00:00 1970\n' "$HOSTILE"
  printf 'From: a@example.org\nSubject: s\n\nbody\n'; } > "$T/m"

EXTENSION='a;b`c`' RECIPIENT='u+a;b@example.org' "$WEIR" -v -c "$T/weir.yaml" < "$T/m" > "$T/out" 2> "$T/err"
is "$?" 0 "delivered"
[ ! -e "$T/x" ]; ok $? "nothing ran"
# ($T is mktemp's: letters, digits, '/', '.', '-', all kept)
is "$(cat "$T/pipe-sender")" "o_b_x_y__touch__IFS_$T/x_@d" \
    "pipe: SENDER sanitised as Postfix does"
is "$(cat "$T/pipe-rcpt")" 'u+a_b@example.org' "pipe: RECIPIENT sanitised"
is "$(cat "$T/pipe-ext")" 'a_b_c_' "pipe: EXTENSION from the MTA sanitised"
grep -q '^X-Filter-Sender: o_b_x_y__touch' "$HOME/Mail/box"; ok $? "filter: SENDER sanitised"
grep -qF "exact sender: $HOSTILE" "$T/err"; ok $? "rules: \${sender} is the exact envelope sender"
grep -q "^From o'b&x|y\\\$(touch" "$HOME/Mail/box"; ok $? "mbox From_ line keeps the sender's characters"
done_testing
