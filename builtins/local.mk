## builtins/: the tests the rule language can call, and the private
## modules wrapping heavy libraries (lda/dynload.h).

pkglib_LTLIBRARIES += weir_archive.la weir_magic.la weir_psl.la
weir_archive_la_SOURCES = builtins/mod_archive.c
weir_archive_la_CFLAGS = $(AM_CFLAGS) $(ARCHIVE_CFLAGS)
weir_archive_la_LDFLAGS = $(WEIR_MODULE_LDFLAGS)
weir_archive_la_LIBADD = $(ARCHIVE_LIBS)
weir_magic_la_SOURCES = builtins/mod_magic.c
weir_magic_la_CFLAGS = $(AM_CFLAGS) $(MAGIC_CFLAGS)
weir_magic_la_LDFLAGS = $(WEIR_MODULE_LDFLAGS)
weir_magic_la_LIBADD = $(MAGIC_LIBS)
weir_psl_la_SOURCES = builtins/mod_psl.c
weir_psl_la_CFLAGS = $(AM_CFLAGS) $(PSL_CFLAGS)
weir_psl_la_LDFLAGS = $(WEIR_MODULE_LDFLAGS)
weir_psl_la_LIBADD = $(PSL_LIBS)

## RFC 5322/2047 parsing (builtins/mailparse.h), used by the header and
## address tests of the rule language.
libweir_a_SOURCES += builtins/mailparse.c builtins/mailparse.h \
	builtins/mp_2047.c builtins/mp_address.c builtins/mp_internal.h

check_PROGRAMS += tests/unit/test_mailparse tests/builtins/test_mailparse_corpus
tests_unit_test_mailparse_SOURCES = tests/unit/test_mailparse.c tests/tap.h
tests_unit_test_mailparse_LDADD = $(WEIR_CORE_LIBS)
tests_builtins_test_mailparse_corpus_SOURCES = tests/builtins/test_mailparse_corpus.c tests/tap.h
tests_builtins_test_mailparse_corpus_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/unit/test_mailparse tests/builtins/test_mailparse_corpus
TESTS += tests/builtins/fuzz_smoke.sh
EXTRA_DIST += tests/builtins/fuzz_smoke.sh

## Builtin tests of the rule language: one file each, one registry line.
libweir_a_SOURCES += builtins/registry.c builtins/registry.h \
	builtins/bi_body.c builtins/bi_attachment.c builtins/bi_dnsbl.c \
	builtins/bi_rhsbl.c builtins/bi_mismatch.c builtins/bi_duplicate.c
