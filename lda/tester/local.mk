## lda/tester/ -- `weir test`, the dry-run tester (weir-test(1)): reads saved
## mail, runs the rules and prints the plan a delivery would execute.
## Depends on lda/prog/ (rules, config, the commit plan) and below.

noinst_LIBRARIES += libweir_tester.a
libweir_tester_a_SOURCES = \
	lda/tester/cmd_test.c \
	lda/tester/tester.c lda/tester/tester.h lda/tester/fixture.c \
	lda/tester/suite.c lda/tester/suite.h
