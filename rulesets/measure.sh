#!/bin/sh
# measure.sh -- how junk.rules does on labelled mail: for each certainty
# level (junk_level 1 to 4), the false positives on ham (messages that
# reach the junk threshold, score >= 10) and the detection on spam.
#
#   rulesets/measure.sh [options]
#     --sample N       only every Nth labelled message (make check uses this)
#     --dns MODE       recorded (default): answers from testdata/rulesets/dns/
#                      served by rbldnsd on 127.0.0.1, reproducible offline;
#                      live: the real lists through weir.yaml's resolvers;
#                      none: no DNS checks (junk_level "N nodns")
#     --corpus DIR     the messages (default testdata/corpus)
#     --labels FILE    "ham|spam glob" lines (default
#                      testdata/rulesets/corpus-labels.txt); use your own
#                      corpus and labels to measure on mail the ruleset has
#                      never seen, e.g. --corpus ~/mail --labels my.labels
#     --readme         write the table into rulesets/README.md (between the
#                      "measure.sh table" markers); only for a full run
#     --list           also print every false positive and every miss
#
# Needs: weir (WEIR=path, else ./weir or weir in PATH), python3, and for
# --dns recorded rbldnsd (Debian package rbldnsd).  Run as root it runs
# weir test as nobody (weir test refuses root).  Prints a Markdown table;
# exits 0, or 1 when level 1 or 2 misses its false-positive target
# (0.1% and 0.5% of ham), 2 on a usage or setup error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
sample=1 dnsmode=recorded corpus="$top/testdata/corpus"
labels="$top/testdata/rulesets/corpus-labels.txt" readme='' list=
while [ $# -gt 0 ]; do
    case $1 in
    --sample) sample=$2; shift 2 ;;
    --dns) dnsmode=$2; shift 2 ;;
    --corpus) corpus=$(cd "$2" && pwd); shift 2 ;;
    --labels) labels=$2; shift 2 ;;
    --readme) readme=1; shift ;;
    --list) list=1; shift ;;
    *) echo "measure.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
case $dnsmode in recorded|live|none) ;; *) echo "measure.sh: --dns recorded|live|none" >&2; exit 2 ;; esac
WEIR=${WEIR:-}
[ -n "$WEIR" ] || { [ -x ./weir ] && WEIR=$(pwd)/weir; } || WEIR=$(command -v weir) || true
if [ -z "$WEIR" ] || [ ! -x "$WEIR" ]; then
    echo "measure.sh: no weir binary (set WEIR=)" >&2; exit 2
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/weir-measure.XXXXXX") || exit 2
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
AS=
if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    mkdir "$T/home"; chown nobody "$T/home"
else
    mkdir "$T/home"
fi

# the labelled messages, every Nth of them
python3 - "$corpus" "$labels" "$sample" > "$T/labelled" <<'PY' || exit 2
import fnmatch, os, sys
corpus, labels, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
rules = [l.split(None, 1) for l in open(labels) if l.strip() and not l.startswith('#')]
files = []
for d, _, fs in os.walk(corpus):
    for f in fs:
        files.append(os.path.relpath(os.path.join(d, f), corpus))
n = 0
for p in sorted(files):
    for lab, g in rules:
        if fnmatch.fnmatch(p, g.strip()):
            if n % step == 0:
                print(lab + '\t' + p)
            n += 1
            break
PY
# as root, weir test runs as nobody: a readable copy of the messages
if [ -n "$AS" ]; then
    cp -R "$corpus" "$T/corpus"; chmod -R a+rX "$T/corpus"
else
    ln -s "$corpus" "$T/corpus"
fi
cp "$here/junk.rules" "$T/junk.rules"; chmod 644 "$T/junk.rules"

# DNS: the recorded answers on a local rbldnsd, or the real lists
conf="$T/weir.yaml"
: > "$conf"
dnsopt=
nodns=
case $dnsmode in
recorded)
    command -v rbldnsd >/dev/null 2>&1 || { echo "measure.sh: rbldnsd is needed for --dns recorded" >&2; exit 2; }
    # shellcheck source=../tests/lib-dns.sh
    . "$top/tests/lib-dns.sh"
    T0=$T
    dns_start "$top/testdata/rulesets/dns" \
        zen.spamhaus.org:ip4trie:zen.spamhaus.org bl.spamcop.net:ip4trie:bl.spamcop.net \
        psbl.surriel.com:ip4trie:psbl.surriel.com dbl.spamhaus.org:dnset:dbl.spamhaus.org \
        multi.surbl.org:dnset:multi.surbl.org || { echo "measure.sh: rbldnsd did not start" >&2; exit 2; }
    T=$T0
    trap 'dns_stop; rm -rf "$T"' EXIT
    printf 'dns:\n  servers: [ "%s" ]\n  timeout: 2s\n' "$DNS_SERVER" > "$conf"
    dnsopt="--dns live" ;;
live) dnsopt="--dns live" ;;
none) nodns=" nodns" ;;
esac
chmod 644 "$conf"
cfgopt=
[ -s "$conf" ] && cfgopt="-c $conf"

cut -f2 "$T/labelled" | sed "s|^|$T/corpus/|" > "$T/files"
for level in 1 2 3 4; do
    printf 'set junk_level = "%s%s"\ninclude "%s"\n' "$level" "$nodns" "$T/junk.rules" > "$T/level$level.rules"
    chmod 644 "$T/level$level.rules"
    # in batches: a big corpus would not fit on one command line
    # shellcheck disable=SC2086
    (cd "$T" && tr '\n' '\0' < "$T/files" | xargs -0 -n 400 $AS env HOME="$T/home" \
        ${WEIR_MODULEDIR:+WEIR_MODULEDIR=$WEIR_MODULEDIR} \
        "$WEIR" test -q --format json $cfgopt $dnsopt -S -r "$T/level$level.rules") \
        > "$T/out$level" 2> "$T/err$level"
done

python3 - "$T" "$corpus" "$dnsmode" "$sample" "$readme" "$here/README.md" "$list" <<'PY'
import json, sys, re
T, corpus, dnsmode, sample, readme, readme_path, listing = sys.argv[1:8]
labelled = [l.rstrip('\n').split('\t') for l in open(T + '/labelled')]
label = {T + '/corpus/' + p: lab for lab, p in labelled}
nham = sum(1 for lab, _ in labelled if lab == 'ham')
nspam = len(labelled) - nham
targets = {1: 0.1, 2: 0.5}
rows, bad, details = [], False, []
for level in range(1, 5):
    score = {}
    for line in open('%s/out%d' % (T, level)):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e.get('event') == 'result':
            score[e['source']] = e.get('score', 0)
    missing = [s for s in label if s not in score]
    if missing:
        print('measure.sh: no result for %d messages, e.g. %s' % (len(missing), missing[0]), file=sys.stderr)
        sys.exit(2)
    fp = sorted(s for s, lab in label.items() if lab == 'ham' and score[s] >= 10)
    det = sorted(s for s, lab in label.items() if lab == 'spam' and score[s] >= 10)
    miss = sorted(s for s, lab in label.items() if lab == 'spam' and score[s] < 10)
    fpr = 100.0 * len(fp) / nham if nham else 0.0
    dr = 100.0 * len(det) / nspam if nspam else 0.0
    t = targets.get(level)
    ok = t is None or fpr <= t
    bad |= not ok
    rows.append('| %d | %d / %d | %.2f%% | %s | %d / %d | %.1f%% |' % (
        level, len(fp), nham, fpr, ('<= %.1f%% %s' % (t, 'met' if ok else 'MISSED')) if t else '-',
        len(det), nspam, dr))
    rel = lambda s: s[len(T) + len('/corpus/'):]
    details.append('level %d false positives: %s' % (level, ' '.join(map(rel, fp)) or '(none)'))
    details.append('level %d missed spam: %s' % (level, ' '.join(map(rel, miss)) or '(none)'))
head = ['| level | false positives (ham) | rate | target | detected (spam) | rate |',
        '| --- | --- | --- | --- | --- | --- |']
what = ('%d ham and %d spam messages of testdata/corpus (labels: '
        'testdata/rulesets/corpus-labels.txt)%s; DNS: %s; junk = score >= 10.') % (
        nham, nspam, '' if sample == '1' else ', every %sth' % sample,
        {'recorded': 'recorded answers (testdata/rulesets/dns/)', 'live': 'live lookups',
         'none': 'none (nodns)'}[dnsmode])
table = '\n'.join(head + rows)
print(what)
print(table)
if listing:
    print('\n'.join(details))
if readme:
    text = open(readme_path).read()
    block = ('<!-- measure.sh table: written by rulesets/measure.sh --readme, never by hand -->\n'
             + what + '\n\n' + table + '\n<!-- end of measure.sh table -->')
    new, n = re.subn(r'<!-- measure\.sh table:.*?<!-- end of measure\.sh table -->', lambda m: block,
                     text, flags=re.S)
    if n != 1:
        print('measure.sh: no measure.sh table markers in ' + readme_path, file=sys.stderr)
        sys.exit(2)
    open(readme_path, 'w').write(new)
sys.exit(1 if bad else 0)
PY
