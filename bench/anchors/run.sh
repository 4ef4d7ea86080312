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
#   WEIR_BASE=/path/to/other/weir ...   adds a weir-base column (same run)
#   e.g. ... run.sh --install            first time: installs the other tools
#        ... run.sh -r 1 -n 200 -s callgrind   a quick smoke run
# Default columns: floor-fsync, procmail, maildrop, weir (warm: the
# compiled rules come from ~/.weir/cache, as for every message but the
# first after an edit) and weir-cold (the cache directory cannot be made,
# so every message compiles the 41 rules: the cost of the first message
# after an edit, without the cache write).  After the harness, weir's
# compile cost for a 2,000-rule file (bench/gen-rules.sh) is measured with
# callgrind (`weir check`, and one delivery with a cold and a warm cache).
# The table is printed and saved in /tmp/weir-bench-anchors/harness/results/
# (copy the table you want to keep into bench/results/, with the machine,
# date, command and load: bench/results/README.md).  Not part of make check.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
ANCHORS=${ANCHORS:-$TOP/../shared/bench-anchors}
: "${WEIR:?set WEIR to the built weir binary}"
[ -x "$ANCHORS/run.sh" ] || { echo "no harness at $ANCHORS" >&2; exit 1; }

W=/tmp/weir-bench-anchors
# Keep the generated corpus of the last run (the harness checks it against
# its MANIFEST.sha256 and regenerates it when it differs).
keep=
if [ -d "$W/harness/corpus/msgs" ]; then
    keep=$(mktemp -d /tmp/weir-bench-corpus.XXXXXX)
    mv "$W/harness/corpus" "$keep/"
fi
rm -rf "$W"; mkdir -p "$W/bin"
# Run a private copy of the harness: it writes its corpus and results into
# its own folder, and shared/ is never written (even by root).
cp -r "$ANCHORS" "$W/harness"
chmod -R u+w "$W/harness"
if [ -n "$keep" ]; then
    rm -rf "$W/harness/corpus"
    mv "$keep/corpus" "$W/harness/corpus"
    rmdir "$keep"
fi
ANCHORS=$W/harness
cp "$WEIR" "$W/bin/weir"
chmod 755 "$W" "$W/bin" "$W/bin/weir"
# WEIR_BASE: a second weir binary (e.g. main before a change) as the
# column weir-base, measured in the same run.
if [ -n "${WEIR_BASE:-}" ]; then
    cp "$WEIR_BASE" "$W/bin/weir-base"
    chmod 755 "$W/bin/weir-base"
fi
{
    python3 "$TOP/bench/tester/render_weir.py" "$ANCHORS"
    echo '# INBOX: the harness wants it at {MAILDIR}, not ~/Maildir'
    echo 'file "${mail}/"'
} > "$W/weir.rules"
printf 'user_cache_dir: /nonexistent/weir-bench-cold\n' > "$W/cold.yaml"
{
    echo "weir | weir.rules | $W/bin/weir -r {CONF}/weir.rules"
    echo "weir-cold | weir.rules | $W/bin/weir -c $W/cold.yaml -r {CONF}/weir.rules"
    [ -z "${WEIR_BASE:-}" ] || echo "weir-base | weir.rules | $W/bin/weir-base -r {CONF}/weir.rules"
} > "$W/weir-tools.conf"
cols=floor-fsync,procmail,maildrop,weir,weir-cold${WEIR_BASE:+,weir-base}
chmod 644 "$W/weir.rules" "$W/weir-tools.conf" "$W/cold.yaml"

rc=0
case " $* " in
    *" -t "*) "$ANCHORS/run.sh" -c "$W/weir-tools.conf" "$@" || rc=$? ;;
    *) "$ANCHORS/run.sh" -c "$W/weir-tools.conf" -t "$cols" "$@" || rc=$? ;;
esac
[ "$rc" = 0 ] || exit "$rc"
case " $* " in *" -s "*callgrind*) exit 0 ;; esac

# Compile cost of a 2,000-rule file, instructions (callgrind), as the bench user.
C=$W/compile2000
mkdir -p "$C/home"
sh "$TOP/bench/gen-rules.sh" 2000 > "$C/rules"
msg=$ANCHORS/corpus/$(head -1 "$ANCHORS/corpus/sample20.txt")
mkdir -p "$C/home/Maildir"
chmod 755 "$C"; chmod 644 "$C/rules"; chown -R nobody: "$C"
as_nobody() {
    setpriv --reuid=nobody --regid="$(id -g nobody)" --init-groups \
        env -i HOME="$C/home" USER=nobody LOGNAME=nobody SHELL=/bin/sh PATH=/usr/bin:/bin "$@"
}
cg() { # OUT CMD... < stdin: instructions of one process
    out=$C/$1; shift
    as_nobody valgrind -q --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1 || true
    awk '/^summary:/{print $2}' "$out"
}
check=$(cg cg.check "$W/bin/weir" check "$C/rules" </dev/null)
cold=$(cg cg.cold "$W/bin/weir" -r "$C/rules" <"$msg")
warm=$(cg cg.warm "$W/bin/weir" -r "$C/rules" <"$msg")
{
    echo
    echo "| weir, 2,000 rules (bench/gen-rules.sh), callgrind | instructions |"
    echo "|---|---:|"
    echo "| weir check (parse, compile, lint) | $(awk -v n="$check" 'BEGIN{printf "%.2f M", n/1e6}') |"
    echo "| one delivery, cold cache (compile, store) | $(awk -v n="$cold" 'BEGIN{printf "%.2f M", n/1e6}') |"
    echo "| one delivery, warm cache (load, verify) | $(awk -v n="$warm" 'BEGIN{printf "%.2f M", n/1e6}') |"
} | tee -a "$ANCHORS/results/latest.md" "$(ls -t "$ANCHORS"/results/2*.md | head -1)"
