## fuzz/: libFuzzer targets, built by `make fuzz` when clang is available.
EXTRA_DIST += fuzz/README.md builtins/README.md

## Each target is one fuzz/fuzz_NAME.c linked with libweir_fuzz.a: the
## sources of librulelang.a, libweir_builtins.a and the system helpers they
## use, taken from those libraries' own source lists and compiled by clang
## with libFuzzer coverage + ASan + UBSan (never by $(CC), so the targets are
## independent of --enable-sanitizers).  To add a target: append it to
## FUZZ_TARGETS; a parser outside those libraries adds its sources to
## FUZZ_LIB_SRC.  Seeds live in testdata/fuzz/<name>/.
FUZZ_TARGETS = fuzz_header fuzz_address fuzz_parser fuzz_loader fuzz_state fuzz_resp
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I$(top_builddir) $(AM_CPPFLAGS) $(PCRE2_CFLAGS) $(YAML_CFLAGS)
FUZZ_LIB_CFLAGS = $(FUZZ_CFLAGS:-fsanitize=fuzzer,%=-fsanitize=fuzzer-no-link,%)
FUZZ_LIB_SRC = $(filter %.c,$(librulelang_a_SOURCES) $(libweir_builtins_a_SOURCES)) \
	lda/sys/util.c lda/sys/log.c lda/sys/undo.c lda/sys/status.c lda/sys/dynload.c lda/sys/priv.c \
	lda/store/state_codec.c lda/resp/compose.c lda/resp/autoreply.c lda/resp/dsn.c
FUZZ_LIB_HDR = $(filter %.h,$(librulelang_a_SOURCES) $(libweir_builtins_a_SOURCES) \
	$(libweir_sys_a_SOURCES)) rulelang/opcodes.def lda/store/state.h \
	lda/resp/compose.h lda/resp/autoreply.h lda/resp/dsn.h
FUZZ_PROGS = $(FUZZ_TARGETS:%=fuzz/%)
EXTRA_DIST += $(FUZZ_TARGETS:%=fuzz/%.c) tests/lib-fuzz.sh fuzz/long.sh
CLEANFILES += $(FUZZ_PROGS) fuzz/libweir_fuzz.a

## The smoke runs (tests/lib-fuzz.sh) each fragment adds to
## FUZZ_SMOKE_TESTS.  The targets are always compiled by clang with ASan +
## UBSan and a fixed mutation seed, independent of --enable-sanitizers, so
## the sanitizer build would only repeat the -Werror build's runs byte for
## byte: they run in the plain build only.
FUZZ_SMOKE_TESTS += tests/rulelang/fuzz.sh
EXTRA_DIST += $(FUZZ_SMOKE_TESTS)
if !SANITIZERS
TESTS += $(FUZZ_SMOKE_TESTS)
endif

if HAVE_LIBFUZZER
fuzz: $(FUZZ_PROGS)

## The long run (fuzz/long.sh; FUZZ_LONG_SECONDS per target, default 300).
fuzz-long: $(FUZZ_PROGS) weir$(EXEEXT)
	$(SHELL) $(top_srcdir)/fuzz/long.sh $(abs_top_builddir) $(abs_top_srcdir) $(FUZZ_LONG_TARGETS)

fuzz/libweir_fuzz.a: $(FUZZ_LIB_SRC:%=$(top_srcdir)/%) $(FUZZ_LIB_HDR:%=$(top_srcdir)/%) config.h
	@rm -rf fuzz/obj && $(MKDIR_P) fuzz/obj
	$(AM_V_CC)for f in $(FUZZ_LIB_SRC); do \
	  o=fuzz/obj/`echo $$f | tr / _`.o; \
	  $(CLANG) $(FUZZ_LIB_CFLAGS) -c $(top_srcdir)/$$f -o $$o || exit 1; \
	done
	$(AM_V_AR)rm -f $@ && $(AR) cr $@ fuzz/obj/*.o

$(FUZZ_PROGS): %: $(top_srcdir)/%.c fuzz/libweir_fuzz.a
	$(AM_V_CCLD)$(CLANG) $(FUZZ_CFLAGS) -o $@ $(top_srcdir)/$@.c fuzz/libweir_fuzz.a $(PCRE2_LIBS) $(CARES_LIBS) $(YAML_LIBS)

## make check runs each target briefly (tests/builtins/fuzz_smoke.sh,
## tests/rulelang/fuzz.sh).
tests/builtins/fuzz_smoke.log: fuzz/fuzz_header fuzz/fuzz_address
tests/rulelang/fuzz.log: fuzz/fuzz_parser fuzz/fuzz_loader
else
fuzz fuzz-long:
	@echo "make fuzz: needs clang with its libFuzzer runtime (Debian: clang libclang-rt-14-dev); install it and re-run configure" >&2; exit 1
endif
.PHONY: fuzz fuzz-long

clean-local: clean-fuzz-obj
clean-fuzz-obj:
	rm -rf fuzz/obj
.PHONY: clean-fuzz-obj
