## tests/unit/log.mk -- log_scrub(): log lines stay valid UTF-8 text.
check_PROGRAMS += tests/unit/test_log
TESTS += tests/unit/test_log
tests_unit_test_log_SOURCES = tests/unit/test_log.c tests/tap.h
tests_unit_test_log_LDADD = $(WEIR_CORE_LIBS)
