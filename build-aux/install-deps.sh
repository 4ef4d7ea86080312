#!/bin/sh
# install-deps.sh -- install every Debian package weir needs to build, test
# and benchmark.  Run as root (or through sudo).  Used by demo.sh and .ci/run.
# zip builds the archive bombs of tests/builtins/mime_bomb.sh; p7zip-full
# and sharutils (uuencode) regenerate testdata/mime/
# (tests/builtins/mime-fixtures.sh); maildrop's reformime is the
# comparison of bench/mime/; clamav-testfiles gives real executables and
# archives (ClamAV's harmless test signatures) to tests/builtins/clamav.sh.
# The last line of PKGS holds the run-time libraries of Exim and OpenSMTPD,
# which the MTA tests run from private roots (below).
set -e
PKGS="build-essential autoconf automake libtool pkg-config
      libpcre2-dev libyaml-dev libdb-dev libmagic-dev libarchive-dev
      libc-ares-dev libpsl-dev libidn2-dev publicsuffix
      rbldnsd
      time util-linux clang libclang-rt-14-dev valgrind strace jq cppcheck
      zip p7zip-full sharutils db-util python3 clamav-testfiles
      postfix maildrop
      procmail procmail-lib
      libidn12 libgnutls-dane0 libnsl2 libevent-2.1-7 libssl3 libpam0g"
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

# Exim and OpenSMTPD, for tests/integration/exim.sh and opensmtpd.sh.
# Debian's MTAs conflict with each other (and with postfix, which the other
# MTA tests use), so they are not installed: their packages are unpacked
# with dpkg -x into private roots under $MTA_ROOT, and the tests run the
# binaries from there with their own configuration, spool and logs.  The
# system accounts the binaries look up by name are created here.
MTA_ROOT=/opt/weir-test-mta
for p in exim4-daemon-light:exim opensmtpd:opensmtpd; do
    pkg=${p%%:*} dir=$MTA_ROOT/${p#*:}
    rm -rf "$dir.new" && mkdir -p "$dir.new"
    dl=$(mktemp -d) && chmod 777 "$dl"
    (cd "$dl" && apt-get download -q "$pkg" && dpkg -x ./*.deb "$dir.new")
    rm -rf "$dl" "$dir" && mv "$dir.new" "$dir"
done
id Debian-exim >/dev/null 2>&1 ||
    useradd --system --user-group --no-create-home --home-dir /var/spool/exim4 \
        --shell /usr/sbin/nologin Debian-exim
# OpenSMTPD: its users, its chroot directory, and its helpers at the path
# compiled into smtpd (/usr/libexec/opensmtpd: mail.mda runs every `mda`
# action; nothing else on the system uses that directory); smtpctl talks
# to the running smtpd only when setgid opensmtpq, as the package makes it.
for u in opensmtpd opensmtpq; do
    id "$u" >/dev/null 2>&1 ||
        useradd --system --user-group --no-create-home --home-dir /var/lib/opensmtpd \
            --shell /usr/sbin/nologin "$u"
done
mkdir -p /var/lib/opensmtpd/empty
if ! dpkg -S /usr/libexec/opensmtpd >/dev/null 2>&1; then   # not a real install's
    rm -rf /usr/libexec/opensmtpd
    cp -a "$MTA_ROOT/opensmtpd/usr/libexec/opensmtpd" /usr/libexec/opensmtpd
fi
chgrp opensmtpq "$MTA_ROOT/opensmtpd/usr/sbin/smtpctl"
chmod 2555 "$MTA_ROOT/opensmtpd/usr/sbin/smtpctl"
