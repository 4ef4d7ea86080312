# lib-resp.sh -- helpers for the responder tests: the recording fake
# sendmail, a message maker and the driver (tests/resp/resp_driver).
. "$top_srcdir/tests/lib.sh"

DRIVER="$top_builddir/tests/resp/resp_driver"
FAKE_SENDMAIL="$top_srcdir/tests/resp/fake-sendmail"
STATE="$HOME/.weir/state"
SENT="$HOME/sent"
export WEIR_TEST_NOW=1800000000
TZ=UTC; export TZ

# msg [HEADER-LINE...]: a message to alice from bob, extra header lines
# given as arguments (each one line), on stdout.
msg() {
    printf 'From: Bob <bob@example.com>\n%s\n' "${MSG_TO-To: Alice <alice@example.org>}"
    printf 'Subject: lunch?\nMessage-ID: <m1@example.com>\n'
    for h in "$@"; do printf '%s\n' "$h"; done
    printf '\nAre you free?\n'
}

# drv ARGS...: the driver as alice@example.org, with the fake sendmail.
drv() {
    "$DRIVER" --state "$STATE" --sendmail "$FAKE_SENDMAIL" --login alice \
        --recipient alice@example.org --domain example.org "$@"
}

sent_count() { find "$SENT" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l | tr -d ' '; }

# at SECONDS CMD...: run CMD with the test clock at SECONDS.
at() { (WEIR_TEST_NOW=$1; export WEIR_TEST_NOW; shift; "$@"); }
