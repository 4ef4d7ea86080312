## rulelang/: lexer, parser, compiler, verifier, VM (see the rule-language issue).
libweir_a_SOURCES += rulelang/rl.h rulelang/rl_int.h rulelang/ast.h \
	rulelang/diag.c rulelang/parse.c rulelang/compile.c \
	rulelang/bytecode.c rulelang/vm.c \
	lda/rulecache.c lda/rulecache.h
EXTRA_DIST += rulelang/opcodes.def

## Tests.  tests/rulelang/mp_double.c is a test double of
## builtins/mailparse.h until branch `builtins` is merged: then drop it here.
RL_TEST_MP = tests/rulelang/mp_double.c
check_PROGRAMS += tests/rulelang/rl_run
tests_rulelang_rl_run_SOURCES = tests/rulelang/rl_run.c $(RL_TEST_MP)
tests_rulelang_rl_run_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/rulelang/errors.sh tests/rulelang/dump.sh tests/rulelang/vm.sh \
	tests/rulelang/manpage.sh
EXTRA_DIST += tests/rulelang/errors.sh tests/rulelang/dump.sh tests/rulelang/vm.sh \
	tests/rulelang/manpage.sh \
	tests/rulelang/errors tests/rulelang/dump tests/rulelang/vm
check_PROGRAMS += tests/rulelang/test_bytecode
tests_rulelang_test_bytecode_SOURCES = tests/rulelang/test_bytecode.c $(RL_TEST_MP)
tests_rulelang_test_bytecode_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/rulelang/test_bytecode
