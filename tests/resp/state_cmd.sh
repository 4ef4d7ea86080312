#!/bin/sh
# state_cmd.sh -- `weir state list|show|forget|expire` on real state
# databases (written through the state layer by tests/resp/state_tool),
# with state_dir from the configuration, the clock moved by WEIR_TEST_NOW;
# nothing is created where nothing exists; a damaged database is reported
# and recovered by the command too.
. "$top_srcdir/tests/lib.sh"

TOOL="$top_builddir/tests/resp/state_tool"
S="$HOME/.weir/state"
printf 'state_dir: "~/st"\n' > "$T/alt.yaml"
: > "$T/empty.yaml"
W() { "$WEIR" state -c "$T/empty.yaml" "$@"; }

out=$(W list 2>&1); rc=$?
is "$rc:$out" "0:" "list with no state directory: nothing, exit 0"
[ ! -e "$S" ]; ok $? "... and nothing was created"

export WEIR_TEST_NOW=1000000
"$TOOL" "$S" reply put "bob@example.org 1a2b3c4d" replied 1604800 &&
"$TOOL" "$S" reply put "eve@example.net 1a2b3c4d" replied 1000500 &&
"$TOOL" "$S" duplicate put "<m1@example.org>" seen 0
ok $? "records written"

TZ=UTC; export TZ
out=$(W list)
is "$out" 'duplicate "<m1@example.org>" = "seen" written 1970-01-12 13:46:40 never expires
reply "bob@example.org 1a2b3c4d" = "replied" written 1970-01-12 13:46:40 expires 1970-01-19 13:46:40
reply "eve@example.net 1a2b3c4d" = "replied" written 1970-01-12 13:46:40 expires 1970-01-12 13:55:00' \
   "list: every database, sorted, with times"
out=$(W --db reply show "bob@example.org 1a2b3c4d"); rc=$?
is "$rc:$out" '0:reply "bob@example.org 1a2b3c4d" = "replied" written 1970-01-12 13:46:40 expires 1970-01-19 13:46:40' \
   "show KEY"
W show "nobody@example.org x" >/dev/null 2>"$T/err"; rc=$?
is "$rc:$(cat "$T/err")" '1:weir state: no record "nobody@example.org x"' "show of an unknown key: exit 1"

WEIR_TEST_NOW=1000600; export WEIR_TEST_NOW
out=$(W expire)
is "$out" "duplicate: 0 expired records removed
reply: 1 expired record removed" "expire removes what the clock made old"
out=$(W forget "bob@example.org 1a2b3c4d"); rc=$?
is "$rc:$out" '0:reply "bob@example.org 1a2b3c4d" forgotten' "forget KEY"
"$TOOL" "$S" reply get "bob@example.org 1a2b3c4d" >/dev/null; rc=$?
is "$rc" 1 "the record is gone from the database"
out=$(W --db reply list)
is "$out" "" "reply database now empty"

printf 'garbage, not a database\n%.0s' $(seq 1 300) > "$S/duplicate.db"
W list > "$T/out" 2>&1; rc=$?
is "$rc" 0 "list over a damaged database still exits 0"
ls "$S" | grep -q '^duplicate\.db\.bad\.'; ok $? "the damaged database was moved aside"

out=$(W -c "$T/alt.yaml" list); rc=$?
is "$rc:$out" "0:" "state_dir from the configuration (empty there)"
W bogus >/dev/null 2>&1; is "$?" 64 "unknown subcommand: EX_USAGE"
W show >/dev/null 2>&1; is "$?" 64 "show without KEY: EX_USAGE"
done_testing
