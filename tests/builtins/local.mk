## tests/builtins/ -- builtins/ against the corpus, and the fuzz smoke runs.

check_PROGRAMS += tests/builtins/test_mailparse_corpus
tests_builtins_test_mailparse_corpus_SOURCES = tests/builtins/test_mailparse_corpus.c tests/tap.h
tests_builtins_test_mailparse_corpus_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/builtins/test_mailparse_corpus
FUZZ_SMOKE_TESTS += tests/builtins/fuzz_smoke.sh
EXTRA_DIST += tests/builtins/fuzz_smoke.sh
