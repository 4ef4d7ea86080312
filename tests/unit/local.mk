## tests/unit/ -- C unit tests of lda/ and builtins/ modules (TAP).

TESTS_UNIT = tests/unit/test_message tests/unit/test_maildir \
	tests/unit/test_child tests/unit/test_priv tests/unit/test_trust \
	tests/unit/test_config tests/unit/test_rules tests/unit/test_mailparse
check_PROGRAMS += $(TESTS_UNIT)
TESTS += $(TESTS_UNIT)
tests_unit_test_message_SOURCES = tests/unit/test_message.c tests/tap.h
tests_unit_test_message_LDADD = $(WEIR_CORE_LIBS)
tests_unit_test_maildir_SOURCES = tests/unit/test_maildir.c tests/tap.h
tests_unit_test_maildir_LDADD = $(WEIR_CORE_LIBS)
tests_unit_test_child_SOURCES = tests/unit/test_child.c tests/tap.h
tests_unit_test_child_LDADD = $(WEIR_CORE_LIBS)
tests_unit_test_priv_SOURCES = tests/unit/test_priv.c tests/tap.h
tests_unit_test_priv_LDADD = $(WEIR_CORE_LIBS)
tests_unit_test_trust_SOURCES = tests/unit/test_trust.c tests/tap.h
tests_unit_test_trust_LDADD = $(WEIR_CORE_LIBS)
tests_unit_test_config_SOURCES = tests/unit/test_config.c tests/tap.h
tests_unit_test_config_LDADD = $(WEIR_CORE_LIBS)
tests_unit_test_rules_SOURCES = tests/unit/test_rules.c tests/tap.h
tests_unit_test_rules_LDADD = $(WEIR_CORE_LIBS)
tests_unit_test_mailparse_SOURCES = tests/unit/test_mailparse.c tests/tap.h
tests_unit_test_mailparse_LDADD = $(WEIR_CORE_LIBS)
