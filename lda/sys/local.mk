## lda/sys/ -- system helpers, the bottom layer of the program: memory and
## strings (util), logging, status records, privileges, child processes,
## trust checks on files, the private-module loader.  Depends on libc only.

noinst_LIBRARIES += libweir_sys.a
libweir_sys_a_SOURCES = \
	lda/sys/util.c lda/sys/util.h \
	lda/sys/log.c lda/sys/log.h \
	lda/sys/undo.c lda/sys/undo.h \
	lda/sys/status.c lda/sys/status.h \
	lda/sys/priv.c lda/sys/priv.h \
	lda/sys/child.c lda/sys/child.h \
	lda/sys/trust.c lda/sys/trust.h \
	lda/sys/dynload.c lda/sys/dynload.h

## Private modules, dlopen()ed on demand (lda/sys/dynload.h).
WEIR_MODULE_LDFLAGS = -module -avoid-version -shared -no-undefined $(SAN_LDFLAGS)
pkglib_LTLIBRARIES += weir_db.la
weir_db_la_SOURCES = lda/sys/mod_db.c
weir_db_la_LDFLAGS = $(WEIR_MODULE_LDFLAGS)
weir_db_la_LIBADD = $(DB_LIBS)

## Sanitizer defaults for setgid binaries (weir and the setgid test drivers).
WEIR_SAN_OPTIONS = lda/sys/san_options.c
