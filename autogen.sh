#!/bin/sh
# Regenerate the build system: ./autogen.sh && ./configure && make
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf --install --force --warnings=all
# The TAP driver the test harness uses ships with automake.
for d in /usr/share/automake-*; do
    if [ -f "$d/tap-driver.sh" ]; then cp -f "$d/tap-driver.sh" build-aux/; break; fi
done
[ -f build-aux/tap-driver.sh ] || { echo "autogen.sh: tap-driver.sh not found (install automake)" >&2; exit 1; }
