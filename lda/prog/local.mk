## lda/prog/ -- the program: command line, configuration (weir.yaml), one
## delivery's state (delivery), the rule host (host: message view, body,
## filter, envelope), rule loading and the bytecode cache (rules,
## rulecache), the plan of the decided actions and its execution (commit),
## and the order of a delivery above them all (flow).  main.c and the cmd_*.c commands link into weir; the
## rest is libweir_prog.a, shared with the tester and the unit tests.

AM_CPPFLAGS += -DWEIR_MAIL_GROUP='"$(WEIR_MAIL_GROUP)"'

noinst_LIBRARIES += libweir_prog.a
libweir_prog_a_SOURCES = \
	lda/prog/config.c lda/prog/weir_config.h \
	lda/prog/yamlload.c lda/prog/yamlload.h \
	lda/prog/yamllib.c lda/prog/yamllib.h \
	lda/prog/delivery.c lda/prog/delivery.h \
	lda/prog/host.c lda/prog/host.h \
	lda/prog/rules.c lda/prog/rules.h \
	lda/prog/rulecache.c lda/prog/rulecache.h \
	lda/prog/commit_plan.c lda/prog/commit.c lda/prog/commit.h \
	lda/prog/flow.c lda/prog/flow.h

## Link order is the layering: a library may use only those after it.
## Light libraries are linked directly; heavy ones only into modules
## (c-ares is opened when a DNS query is sent: builtins/cares_api.h;
## libyaml when a YAML file is read: lda/prog/yamllib.h).
WEIR_CORE_LIBS = libweir_tester.a libweir_prog.a librulelang.a \
	libweir_builtins.a libweir_store.a libweir_sys.a \
	$(PCRE2_LIBS) $(LIBS)

bin_PROGRAMS += weir
weir_SOURCES = lda/prog/main.c lda/prog/commands.h \
	lda/prog/cmd_check.c lda/prog/cmd_dump.c lda/prog/cmd_compile.c \
	$(WEIR_SAN_OPTIONS)
weir_LDADD = $(WEIR_CORE_LIBS)

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
