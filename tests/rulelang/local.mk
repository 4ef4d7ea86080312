## tests/rulelang/ -- the rule language: golden errors, disassembly and VM
## cases, bytecode cache, the man page's examples.

check_PROGRAMS += tests/rulelang/rl_run tests/rulelang/test_bytecode tests/rulelang/test_forward \
	tests/rulelang/test_registry tests/rulelang/test_prefilter
tests_rulelang_rl_run_SOURCES = tests/rulelang/rl_run.c
tests_rulelang_rl_run_LDADD = $(WEIR_CORE_LIBS)
tests_rulelang_test_bytecode_SOURCES = tests/rulelang/test_bytecode.c
tests_rulelang_test_bytecode_LDADD = $(WEIR_CORE_LIBS)
tests_rulelang_test_forward_SOURCES = tests/rulelang/test_forward.c
tests_rulelang_test_forward_LDADD = $(WEIR_CORE_LIBS)
tests_rulelang_test_registry_SOURCES = tests/rulelang/test_registry.c tests/tap.h
tests_rulelang_test_registry_LDADD = $(WEIR_CORE_LIBS)
tests_rulelang_test_prefilter_SOURCES = tests/rulelang/test_prefilter.c tests/tap.h
tests_rulelang_test_prefilter_LDADD = $(WEIR_CORE_LIBS)
RULELANG_SH_TESTS = tests/rulelang/errors.sh tests/rulelang/dump.sh tests/rulelang/vm.sh \
	tests/rulelang/manpage.sh
TESTS += $(RULELANG_SH_TESTS) tests/rulelang/test_bytecode tests/rulelang/test_forward \
	tests/rulelang/test_registry tests/rulelang/test_prefilter
EXTRA_DIST += $(RULELANG_SH_TESTS) \
	tests/rulelang/error-cases tests/rulelang/dump-cases tests/rulelang/vm-cases
