## lda/tester.mk -- `weir test`, the dry-run tester (weir-test(1)).
## Sources go into libweir.a with `libweir_a_SOURCES +=`; tests with `TESTS +=`.

libweir_a_SOURCES += lda/mboxsplit.c lda/mboxsplit.h \
	lda/tester.c lda/tester.h \
	lda/suite.c lda/suite.h
weir_SOURCES += lda/cmd_test.c

check_PROGRAMS += tests/tester/test_mboxsplit
tests_tester_test_mboxsplit_SOURCES = tests/tester/test_mboxsplit.c tests/tap.h
tests_tester_test_mboxsplit_LDADD = $(WEIR_CORE_LIBS)

TESTS += tests/tester/test_mboxsplit
TESTS += tests/tester/cli.sh tests/tester/suite.sh
EXTRA_DIST += tests/tester/cli.sh tests/tester/suite.sh

## The tester's reports with rules that choose actions, on a test double
## of the rulelang API (tests/tester/fake_rl.c, never linked into weir).
check_PROGRAMS += tests/tester/test_tester
tests_tester_test_tester_SOURCES = tests/tester/test_tester.c tests/tester/fake_rl.c tests/tap.h
tests_tester_test_tester_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/tester/test_tester

## Benchmark (not run by make check): bench/tester/README.md.
EXTRA_DIST += bench/tester/README.md bench/tester/run.sh bench/tester/render_weir.py

## `weir test` with the real rule VM.
TESTS += tests/tester/vm.sh
EXTRA_DIST += tests/tester/vm.sh
