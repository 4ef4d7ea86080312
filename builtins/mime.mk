## builtins/mime.mk -- the MIME walk (builtins/mime.h): streaming parser,
## transfer decoders, parameters, lazy content facts (libmagic and
## libarchive through their modules), decoded body text; `weir mime`.

libweir_builtins_a_SOURCES += builtins/mime.c builtins/mime.h builtins/mime_int.h \
	builtins/mime_defects.def builtins/mime_codec.c builtins/mime_param.c \
	builtins/mime_stream.c builtins/mime_content.c builtins/mime_text.c \
	builtins/mod_magic.h builtins/mod_archive.h \
	builtins/bi_mime.c builtins/bi_mime.h
weir_SOURCES += lda/prog/cmd_mime.c

check_PROGRAMS += tests/builtins/test_mime
tests_builtins_test_mime_SOURCES = tests/builtins/test_mime.c tests/tap.h
tests_builtins_test_mime_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/builtins/test_mime
check_PROGRAMS += tests/builtins/test_mime_corpus
tests_builtins_test_mime_corpus_SOURCES = tests/builtins/test_mime_corpus.c tests/tap.h
tests_builtins_test_mime_corpus_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/builtins/test_mime_corpus
TESTS += tests/builtins/mime_golden.sh
EXTRA_DIST += tests/builtins/mime_golden.sh tests/builtins/mime-fixtures.sh
check_PROGRAMS += tests/builtins/rusage_run
tests_builtins_rusage_run_SOURCES = tests/builtins/rusage_run.c
TESTS += tests/builtins/mime_bomb.sh
EXTRA_DIST += tests/builtins/mime_bomb.sh
check_PROGRAMS += tests/builtins/test_mime_lazy
tests_builtins_test_mime_lazy_SOURCES = tests/builtins/test_mime_lazy.c tests/tap.h
tests_builtins_test_mime_lazy_LDADD = $(WEIR_CORE_LIBS)
check_PROGRAMS += tests/builtins/test_mime_count
tests_builtins_test_mime_count_SOURCES = tests/builtins/test_mime_count.c tests/tap.h
tests_builtins_test_mime_count_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/builtins/test_mime_lazy tests/builtins/test_mime_count

## libFuzzer: fuzz_mime (a message -> mime_walk, small-piece equivalence,
## layers, body text), fuzz_rfc2231 (a header value -> the parameter
## parser), fuzz_uudecode (the streaming decoders).  Their sources are in
## libweir_builtins.a, which fuzz/local.mk compiles into libweir_fuzz.a.
FUZZ_TARGETS += fuzz_mime fuzz_rfc2231 fuzz_uudecode
if HAVE_LIBFUZZER
tests/builtins/fuzz_smoke.log: fuzz/fuzz_mime fuzz/fuzz_rfc2231 fuzz/fuzz_uudecode
endif
TESTS += tests/builtins/attachment_delivery.sh
EXTRA_DIST += tests/builtins/attachment_delivery.sh
TESTS += tests/builtins/clamav.sh
EXTRA_DIST += tests/builtins/clamav.sh
TESTS += tests/builtins/names_python.sh
EXTRA_DIST += tests/builtins/names_python.sh tests/builtins/names_python.py
