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
