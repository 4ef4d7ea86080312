## tests/tester/ -- `weir test` (lda/tester/).

check_PROGRAMS += tests/tester/test_mboxsplit tests/tester/test_tester
tests_tester_test_mboxsplit_SOURCES = tests/tester/test_mboxsplit.c tests/tap.h
tests_tester_test_mboxsplit_LDADD = $(WEIR_CORE_LIBS)
## The tester's reports with rules that choose actions, on a test double
## of the rulelang API (tests/tester/fake_rl.c, never linked into weir).
tests_tester_test_tester_SOURCES = tests/tester/test_tester.c tests/tester/fake_rl.c tests/tap.h
tests_tester_test_tester_LDADD = $(WEIR_CORE_LIBS)

TESTER_SH_TESTS = tests/tester/cli.sh tests/tester/suite.sh tests/tester/vm.sh \
	tests/tester/agree.sh tests/tester/run.sh
TESTS += tests/tester/test_mboxsplit tests/tester/test_tester $(TESTER_SH_TESTS)
EXTRA_DIST += $(TESTER_SH_TESTS)
