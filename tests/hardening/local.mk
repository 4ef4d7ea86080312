## tests/hardening/ -- regression tests for issue 10 (an adversarial test
## of the installed setgid weir).  Each fails without its fix.

check_PROGRAMS += tests/unit/test_yamlload
tests_unit_test_yamlload_SOURCES = tests/unit/test_yamlload.c tests/tap.h
tests_unit_test_yamlload_LDADD = $(WEIR_CORE_LIBS) $(YAML_LIBS)
TESTS += tests/unit/test_yamlload

HARDENING_SH_TESTS = tests/hardening/cache.sh \
	tests/hardening/mbox-foreign.sh \
	tests/hardening/oom.sh \
	tests/hardening/taint.sh \
	tests/hardening/sender-env.sh \
	tests/hardening/irrevocable.sh \
	tests/hardening/child-deadline.sh \
	tests/hardening/spool-lock.sh \
	tests/hardening/big-header.sh \
	tests/hardening/filter-spool.sh \
	tests/hardening/bounds.sh
TESTS += $(HARDENING_SH_TESTS)
EXTRA_DIST += $(HARDENING_SH_TESTS)
