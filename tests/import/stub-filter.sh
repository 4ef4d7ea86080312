#!/bin/sh
# stub-filter.sh -- the spam filters the differential test's rcfiles run
# (installed as spamc and bogofilter; the name tells them apart): copies
# the message to standard output with the filter's verdict field added
# first in the header (after a From_ line: procmail gives filters one,
# weir does not), spam when the message mentions money or pills.
# bogofilter -p -e (passthrough, exit 0 for spam and ham), spamc.
t=$(mktemp) || exit 75
cat > "$t"
if grep -qaiE 'viagra|via\.gra|money|cash|lottery|winner|traffic' "$t"; then
    spam=1
else
    spam=0
fi
case $(basename "$0") in
bogofilter)
    if [ $spam = 1 ]; then f="X-Bogosity: Spam, tests=bogofilter"
    else f="X-Bogosity: Ham, tests=bogofilter"; fi ;;
*)
    if [ $spam = 1 ]; then f="X-Spam-Flag: YES"
    else f="X-Spam-Flag: NO"; fi ;;
esac
awk -v f="$f" 'NR == 1 && /^From / { print; next } !done { print f; done = 1 } { print }' "$t"
rm -f "$t"
exit 0
