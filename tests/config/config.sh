#!/bin/sh
# tests/config/config.sh -- weir.yaml: every broken file in tests/config/bad
# holds the mail (exit 75, nothing delivered) with exactly the errors in
# its .err file; good files are applied; the user's config.yaml is
# allowlisted and ignored when broken; the hold file holds mail.
. "$top_srcdir/tests/lib.sh"

BAD="$top_srcdir/tests/config/bad"
MSG="$T/msg"
printf 'From: alice@example.org\nTo: bob@example.org\nSubject: config test\n\nbody\n' > "$MSG"

# Every broken config: exit 75, exact messages, first one shown to the MTA.
for y in "$BAD"/*.yaml; do
    name=$(basename "$y" .yaml)
    rm -rf "$HOME/Maildir"
    ( cd "$BAD" && "$WEIR" -v -c "$name.yaml" < "$MSG" ) > "$T/out" 2> "$T/err"
    rc=$?
    is "$rc" 75 "$name: exit 75 (mail held)"
    grep -v '^4\.3\.5 ' "$T/err" | sed 's/^weir: warning: //' > "$T/got"
    if cmp -s "$T/got" "$BAD/$name.err"; then ok 0 "$name: exact error messages"
    else ok 1 "$name: exact error messages"; diff "$BAD/$name.err" "$T/got" | sed 's/^/# /'; fi
    first=$(head -n 1 "$BAD/$name.err")
    is "$(grep '^4\.3\.5 ' "$T/err")" "4.3.5 weir: configuration error, mail held: $first" \
       "$name: the MTA sees the first error"
    is "$(count_files "$HOME/Maildir/new")" 0 "$name: nothing delivered"
done

# A -c file that does not exist holds the mail too.
"$WEIR" -c "$T/none.yaml" < "$MSG" 2> "$T/err"
is "$?" 75 "missing -c file: exit 75"
is "$(cat "$T/err")" "4.3.5 weir: configuration error, mail held: $T/none.yaml: error: no such file" \
   "missing -c file: reason shown"

# An empty document ("---" and comments) is an empty configuration.
printf -- '---\n# nothing yet\n' > "$T/empty.yaml"
rm -rf "$HOME/Maildir"
"$WEIR" -c "$T/empty.yaml" < "$MSG"
is "$?" 0 "an empty YAML document: built-in defaults"

# The shipped example is valid and is the defaults.
rm -rf "$HOME/Maildir"
"$WEIR" -c "$top_srcdir/rulesets/weir.yaml.example" < "$MSG"
is "$?" 0 "rulesets/weir.yaml.example loads and delivers"
is "$(count_files "$HOME/Maildir/new")" 1 "example config: delivered to ~/Maildir/"

# System default_mailbox is used (its parent must exist, as for any Maildir).
mkdir -p "$HOME/Mail"
cat > "$T/sys.yaml" <<'Y'
default_mailbox: ~/Mail/inbox/
limits:
  message_size: 2k
Y
"$WEIR" -c "$T/sys.yaml" < "$MSG"
is "$?" 0 "system config with default_mailbox"
is "$(count_files "$HOME/Mail/inbox/new")" 1 "delivered to the configured default mailbox"

# limits.message_size applies (2k): a 3k message is refused permanently.
{ cat "$MSG"; i=0; while [ $i -lt 60 ]; do echo "padding line $i of the body, fifty bytes long..."; i=$((i+1)); done; } > "$T/big"
"$WEIR" -c "$T/sys.yaml" < "$T/big" 2> "$T/err"
is "$?" 65 "message over limits.message_size: EX_DATAERR"
case $(cat "$T/err") in 5.3.4*) ok 0 "size refusal is 5.3.4";; *) ok 1 "size refusal is 5.3.4: $(cat "$T/err")";; esac

# User config: allowlisted key applies.
mkdir -p "$HOME/.weir"
printf 'default_mailbox: ~/Mail/mine/\nlogging:\n  user_log: true\n' > "$HOME/.weir/config.yaml"
"$WEIR" -c "$T/sys.yaml" < "$MSG"
is "$?" 0 "user config accepted"
is "$(count_files "$HOME/Mail/mine/new")" 1 "user's default_mailbox wins over the system's"
grep -q "$HOME/Mail/mine/" "$HOME/.weir/log" 2>/dev/null
ok $? "logging.user_log writes ~/.weir/log"

# User config with a system-only key: the whole file is ignored, logged.
printf 'default_mailbox: ~/Mail/other/\nsendmail: /tmp/evil\n' > "$HOME/.weir/config.yaml"
"$WEIR" -v -c "$T/sys.yaml" < "$MSG" 2> "$T/err"
is "$?" 0 "user config with a system-only key: delivery goes on"
is "$(count_files "$HOME/Mail/other/new")" 0 "user config ignored entirely (all or nothing)"
is "$(count_files "$HOME/Mail/inbox/new")" 2 "system default mailbox used instead"
grep -q "config.yaml:2:1: error: 'sendmail' cannot be set in a user configuration" "$T/err"
ok $? "the refused key is logged with its position"
grep -q "config.yaml ignored" "$T/err"
ok $? "the log says the user config was ignored"

# Broken user YAML: ignored, delivered.
printf 'default_mailbox: [\n' > "$HOME/.weir/config.yaml"
"$WEIR" -v -c "$T/sys.yaml" < "$MSG" 2> "$T/err"
is "$?" 0 "broken user YAML: delivery goes on"
is "$(count_files "$HOME/Mail/inbox/new")" 3 "broken user YAML: system default mailbox"
grep -q "config.yaml:2:1: error: " "$T/err"
ok $? "broken user YAML: error with position logged"

# A user's config.yaml nested 100,000 deep (issue 10: 22 s per delivery in
# libyaml's loader) is refused at the nesting limit and ignored.
awk 'BEGIN { printf "default_mailbox: "; for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }' > "$HOME/.weir/config.yaml"
timeout 300 "$WEIR" -v -c "$T/sys.yaml" < "$MSG" 2> "$T/err"
is "$?" 0 "user config.yaml nested 100,000 deep: delivered"
is "$(count_files "$HOME/Mail/inbox/new")" 4 "... into the system default mailbox"
grep -q "config.yaml:1:81: error: sequences and mappings nested deeper than 64 levels" "$T/err"
ok $? "... the nesting limit is logged with its position"
rm -f "$HOME/.weir/config.yaml"

# Hold file: exit 75 before anything of the user's is read.
: > "$HOME/.weir/hold"
"$WEIR" -c "$T/sys.yaml" < "$MSG" > "$T/out" 2> "$T/err"
is "$?" 75 "~/.weir/hold: exit 75"
is "$(cat "$T/err")" "4.2.1 weir: mail held: $HOME/.weir/hold exists (remove it to resume delivery)" \
   "~/.weir/hold: the reason the MTA sees"
is "$(count_files "$HOME/Mail/inbox/new")" 4 "~/.weir/hold: nothing delivered"
rm -f "$HOME/.weir/hold"
"$WEIR" -c "$T/sys.yaml" < "$MSG"
is "$?" 0 "hold file removed: delivery resumes"
is "$(count_files "$HOME/Mail/inbox/new")" 5 "hold file removed: delivered"
# hold_file is configurable by the administrator
printf 'hold_file: ~/HOLD\n' > "$T/hold.yaml"
: > "$HOME/HOLD"
"$WEIR" -c "$T/hold.yaml" < "$MSG" 2>/dev/null
is "$?" 75 "configured hold_file holds mail"

done_testing
