#!/bin/sh
# fuzz.sh -- the make-check smoke run (tests/lib-fuzz.sh) of issue 18's
# targets: fuzz_config (weir.yaml / config.yaml) from the configurations
# the tests and docs use, fuzz_mboxsplit from the test mboxes, fuzz_suite
# (weir test --suite files) from the tester's and the rulesets' suites.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-fuzz.sh"
fuzz_smoke config "$TESTDATA/fuzz/config"
fuzz_smoke mboxsplit "$TESTDATA/fuzz/mboxsplit"
fuzz_smoke suite "$TESTDATA/fuzz/suite"
done_testing
