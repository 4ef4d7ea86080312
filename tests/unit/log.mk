## tests/unit/log.mk -- log_scrub(): log lines stay valid UTF-8 text.
check_PROGRAMS += tests/unit/test_log
TESTS += tests/unit/test_log
tests_unit_test_log_SOURCES = tests/unit/test_log.c tests/tap.h
tests_unit_test_log_LDADD = $(WEIR_CORE_LIBS)
## test_buf: buf_printf()/xasprintf() format exactly at every length (issue 17).
check_PROGRAMS += tests/unit/test_buf
TESTS += tests/unit/test_buf
tests_unit_test_buf_SOURCES = tests/unit/test_buf.c tests/tap.h
tests_unit_test_buf_LDADD = $(WEIR_CORE_LIBS)
