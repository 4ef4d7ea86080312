#!/bin/sh
# install-deps.sh -- install every Debian package weir needs to build, test
# and benchmark.  Run as root (or through sudo).  Used by demo.sh and .ci/run.
# zip builds the archive bombs of tests/builtins/mime_bomb.sh; p7zip-full
# and sharutils (uuencode) regenerate testdata/mime/
# (tests/builtins/mime-fixtures.sh); maildrop's reformime is the
# comparison of bench/mime/; clamav-testfiles gives real executables and
# archives (ClamAV's harmless test signatures) to tests/builtins/clamav.sh.
set -e
PKGS="build-essential autoconf automake libtool pkg-config
      libpcre2-dev libyaml-dev libdb-dev libmagic-dev libarchive-dev
      libc-ares-dev libpsl-dev libidn2-dev publicsuffix
      rbldnsd
      time util-linux clang libclang-rt-14-dev valgrind strace jq
      zip p7zip-full sharutils db-util python3 clamav-testfiles
      postfix maildrop
      procmail procmail-lib"
if [ "$(id -u)" != 0 ]; then
    echo "install-deps.sh: not root; assuming these packages are installed:" $PKGS >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix is installed unconfigured: the tests run private instances.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PKGS
