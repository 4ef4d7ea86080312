#!/bin/sh
# install-deps.sh -- install every Debian package weir needs to build, test
# and benchmark.  Run as root (or through sudo).  Used by demo.sh and .ci/run.
set -e
PKGS="build-essential autoconf automake libtool pkg-config
      libpcre2-dev libyaml-dev libdb-dev libmagic-dev libarchive-dev
      libc-ares-dev libpsl-dev
      time util-linux clang libclang-rt-14-dev valgrind strace
      postfix
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
