#!/bin/sh
# demo.sh -- build weir and run its main job on the shipped sample: deliver
# every message in testdata/messages/ through weir into a demo Maildir under
# a temporary directory, and show where each one went.
#   sudo ./demo.sh            (installs the build dependencies first)
set -e
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
sh build-aux/install-deps.sh >/dev/null
[ -x configure ] || ./autogen.sh >/dev/null 2>&1
mkdir -p build && cd build
[ -f Makefile ] || ../configure --quiet >/dev/null
make -j2 >/dev/null
WEIR="$top/build/weir"
WEIR_MODULEDIR="$top/build/.libs"; export WEIR_MODULEDIR

demo=$(mktemp -d /tmp/weir-demo.XXXXXX)
HOME="$demo/home"; export HOME
mkdir -p "$HOME"
rules="$top/rulesets/demo.rules"
if [ -f "$rules" ]; then
    mkdir -p "$HOME/.weir" && cp "$rules" "$HOME/.weir/rules"
    echo "Delivering with the rules in rulesets/demo.rules"
fi
echo "Demo home: $HOME"
echo
printf '%-26s %-44s %s\n' MESSAGE SUBJECT "DELIVERED TO"
for m in "$top"/testdata/messages/*.eml; do
    before=$(find "$HOME" -type f -path '*/new/*' 2>/dev/null | sort)
    status=0
    "$WEIR" < "$m" 2> "$demo/err" || status=$?
    after=$(find "$HOME" -type f -path '*/new/*' 2>/dev/null | sort)
    new=$(printf '%s\n' "$after" | grep -vxF -e "$before" | head -n 1 || true)
    subject=$(sed -n '/^\r\{0,1\}$/q; s/^Subject: *//p' "$m" | head -n 1 | tr -d '\r' | cut -c1-42)
    if [ "$status" != 0 ]; then
        where="exit $status: $(cat "$demo/err")"
    elif [ -n "$new" ]; then
        where=${new#"$HOME"/}
        where="~/${where%/new/*}/"
    else
        where="(dropped by a rule)"
    fi
    printf '%-26s %-44s %s\n' "$(basename "$m")" "${subject:-(none)}" "$where"
done
echo
echo "Mailboxes:"
find "$HOME" -type d -name new | sort | while read -r d; do
    printf '  ~/%s/  %s message(s)\n' "$(dirname "${d#"$HOME"/}")" "$(find "$d" -type f | wc -l)"
done
