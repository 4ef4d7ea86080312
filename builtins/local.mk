## builtins/ -- the tests the rule language can call (one file each, one
## registry line: builtins/README.md), the RFC 5322/2047 parser they use,
## and the private modules wrapping heavy libraries (lda/sys/dynload.h).

noinst_LIBRARIES += libweir_builtins.a
libweir_builtins_a_SOURCES = \
	builtins/mailparse.c builtins/mailparse.h \
	builtins/mp_2047.c builtins/mp_address.c builtins/mp_internal.h \
	builtins/registry.c builtins/registry.h \
	builtins/bi_body.c builtins/bi_attachment.c builtins/bi_dnsbl.c \
	builtins/bi_rhsbl.c builtins/bi_mismatch.c builtins/bi_duplicate.c \
	builtins/bi_envelope.c builtins/bi_size.c builtins/bi_string.c \
	builtins/bi_procmail.c

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
