## builtins/mime.mk -- the MIME walk (builtins/mime.h): streaming parser,
## transfer decoders, parameters, lazy content facts (libmagic and
## libarchive through their modules), decoded body text; `weir mime`.

libweir_a_SOURCES += builtins/mime.c builtins/mime.h builtins/mime_int.h \
	builtins/mime_defects.def builtins/mime_codec.c builtins/mime_param.c \
	builtins/mime_stream.c builtins/mime_content.c builtins/mime_text.c \
	builtins/mod_magic.h builtins/mod_archive.h
weir_SOURCES += lda/cmd_mime.c

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
TESTS += tests/builtins/test_mime_lazy
