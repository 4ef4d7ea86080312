## lda/: the program.  The core objects go into libweir.a, shared by the
## weir binary and the unit tests.

noinst_LIBRARIES += libweir.a
libweir_a_SOURCES = \
	lda/status.c lda/status.h \
	lda/util.c lda/util.h \
	lda/log.c lda/log.h \
	lda/message.c lda/message.h \
	lda/maildir.c lda/maildir.h \
	lda/dynload.c lda/dynload.h \
	lda/delivery.c lda/delivery.h \
	lda/priv.c lda/priv.h \
	rulelang/actions.c rulelang/actions.h

## Light libraries are linked directly; heavy ones only into modules.
WEIR_CORE_LIBS = libweir.a $(PCRE2_LIBS) $(YAML_LIBS) $(CARES_LIBS) $(LIBS)

bin_PROGRAMS += weir
weir_SOURCES = lda/main.c lda/commands.h \
	lda/cmd_check.c lda/cmd_dump.c lda/cmd_compile.c
weir_LDADD = $(WEIR_CORE_LIBS)

## Private modules, dlopen()ed on demand (lda/dynload.h).
WEIR_MODULE_LDFLAGS = -module -avoid-version -shared -no-undefined $(SAN_LDFLAGS)
pkglib_LTLIBRARIES += weir_db.la
weir_db_la_SOURCES = lda/mod_db.c
weir_db_la_LDFLAGS = $(WEIR_MODULE_LDFLAGS)
weir_db_la_LIBADD = $(DB_LIBS)

## weir is installed setgid mail (never setuid).  An install that cannot
## set the bit fails, unless DESTDIR is set (a package build), where it
## warns and the packager's own step must set it.
install-exec-hook:
	@f="$(DESTDIR)$(bindir)/weir"; \
	if chgrp $(WEIR_MAIL_GROUP) "$$f" 2>/dev/null && chmod 2755 "$$f" && test -g "$$f"; then \
	  echo "weir: installed $$f setgid $(WEIR_MAIL_GROUP)"; \
	elif test -n "$(DESTDIR)"; then \
	  echo "WARNING: could not make $$f setgid $(WEIR_MAIL_GROUP); the package must do it" >&2; \
	else \
	  echo "ERROR: could not make $$f setgid $(WEIR_MAIL_GROUP) (run make install as root," >&2; \
	  echo "ERROR: or configure --with-mail-group=GROUP for an existing group)" >&2; \
	  exit 1; \
	fi
