## lda/sec.mk -- hardening from issue 10 (adversarial test findings):
## the nesting-limited YAML loader and the regression tests of the fixes.

libweir_a_SOURCES += lda/yamlload.c lda/yamlload.h
check_PROGRAMS += tests/unit/test_yamlload
tests_unit_test_yamlload_SOURCES = tests/unit/test_yamlload.c tests/tap.h
tests_unit_test_yamlload_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/unit/test_yamlload

## Regression tests for issue 10 (each fails without its fix).
SEC_SH_TESTS = tests/hardening/cache.sh \
	tests/hardening/mbox-foreign.sh
TESTS += $(SEC_SH_TESTS)
EXTRA_DIST += $(SEC_SH_TESTS)
