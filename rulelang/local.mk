## rulelang/: lexer, parser, compiler, verifier, VM (see the rule-language issue).
libweir_a_SOURCES += rulelang/rl.h rulelang/rl_int.h rulelang/ast.h \
	rulelang/diag.c rulelang/parse.c rulelang/compile.c \
	rulelang/bytecode.c rulelang/vm.c \
	lda/rulecache.c lda/rulecache.h
EXTRA_DIST += rulelang/opcodes.def

## Tests.
check_PROGRAMS += tests/rulelang/rl_run
tests_rulelang_rl_run_SOURCES = tests/rulelang/rl_run.c
tests_rulelang_rl_run_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/rulelang/errors.sh tests/rulelang/dump.sh tests/rulelang/vm.sh \
	tests/rulelang/manpage.sh
EXTRA_DIST += tests/rulelang/errors.sh tests/rulelang/dump.sh tests/rulelang/vm.sh \
	tests/rulelang/manpage.sh \
	tests/rulelang/error-cases tests/rulelang/dump-cases tests/rulelang/vm-cases
check_PROGRAMS += tests/rulelang/test_bytecode
tests_rulelang_test_bytecode_SOURCES = tests/rulelang/test_bytecode.c
tests_rulelang_test_bytecode_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/rulelang/test_bytecode
check_PROGRAMS += tests/rulelang/test_forward
tests_rulelang_test_forward_SOURCES = tests/rulelang/test_forward.c
tests_rulelang_test_forward_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/rulelang/test_forward
## bench/: rule-language benchmark (bench/run.sh), built on demand by
## `make bench/rl_bench`; not part of make check.
EXTRA_PROGRAMS = bench/rl_bench
bench_rl_bench_SOURCES = bench/rl_bench.c
bench_rl_bench_LDADD = $(WEIR_CORE_LIBS)
CLEANFILES += bench/rl_bench
EXTRA_DIST += bench/run.sh bench/gen-rules.sh
