## fuzz/: libFuzzer targets, built by `make fuzz` when clang is available.
EXTRA_DIST += fuzz/README.md

## Each target is one fuzz/*.c file linked with the sources it exercises,
## all compiled by clang with libFuzzer + ASan + UBSan (never by $(CC), so
## they are independent of --enable-sanitizers).  To add one: append it
## to FUZZ_PROGS and EXTRA_DIST and give it a link rule inside the
## HAVE_LIBFUZZER block.  Seeds live in testdata/fuzz/<name>/.
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I$(top_builddir) $(AM_CPPFLAGS)
FUZZ_PROGS = fuzz/fuzz_header fuzz/fuzz_address
EXTRA_DIST += fuzz/fuzz_header.c fuzz/fuzz_address.c
CLEANFILES += $(FUZZ_PROGS)

## builtins/mailparse.h and what it needs (xmalloc, msg_fatal).
FUZZ_MAILPARSE_SRC = $(top_srcdir)/builtins/mailparse.c \
	$(top_srcdir)/builtins/mp_2047.c $(top_srcdir)/builtins/mp_address.c \
	$(top_srcdir)/lda/util.c $(top_srcdir)/lda/log.c
FUZZ_MAILPARSE_DEPS = $(FUZZ_MAILPARSE_SRC) $(top_srcdir)/builtins/mailparse.h \
	$(top_srcdir)/builtins/mp_internal.h $(top_srcdir)/lda/util.h \
	$(top_srcdir)/lda/log.h config.h

if HAVE_LIBFUZZER
fuzz: $(FUZZ_PROGS)

fuzz/fuzz_header: $(top_srcdir)/fuzz/fuzz_header.c $(FUZZ_MAILPARSE_DEPS)
	@$(MKDIR_P) fuzz
	$(AM_V_CCLD)$(CLANG) $(FUZZ_CFLAGS) -o $@ $(top_srcdir)/fuzz/fuzz_header.c $(FUZZ_MAILPARSE_SRC)

fuzz/fuzz_address: $(top_srcdir)/fuzz/fuzz_address.c $(FUZZ_MAILPARSE_DEPS)
	@$(MKDIR_P) fuzz
	$(AM_V_CCLD)$(CLANG) $(FUZZ_CFLAGS) -o $@ $(top_srcdir)/fuzz/fuzz_address.c $(FUZZ_MAILPARSE_SRC)

## make check runs each target briefly (tests/builtins/fuzz_smoke.sh).
tests/builtins/fuzz_smoke.log: $(FUZZ_PROGS)
else
fuzz:
	@echo "make fuzz: needs clang with its libFuzzer runtime (Debian: clang libclang-rt-14-dev); install it and re-run configure" >&2; exit 1
endif
.PHONY: fuzz

## The rule language: fuzz_parser (rule text -> rl_compile, verifier
## round trip) and fuzz_loader (bytes -> rl_load, round trip, run).
FUZZ_RL_SRC = $(top_srcdir)/rulelang/diag.c $(top_srcdir)/rulelang/parse.c \
	$(top_srcdir)/rulelang/compile.c $(top_srcdir)/rulelang/bytecode.c \
	$(top_srcdir)/rulelang/vm.c $(top_srcdir)/rulelang/actions.c \
	$(top_srcdir)/builtins/registry.c $(top_srcdir)/builtins/bi_body.c \
	$(top_srcdir)/builtins/bi_attachment.c $(top_srcdir)/builtins/bi_dnsbl.c \
	$(top_srcdir)/builtins/bi_rhsbl.c $(top_srcdir)/builtins/bi_mismatch.c \
	$(top_srcdir)/builtins/bi_duplicate.c $(top_srcdir)/lda/status.c
FUZZ_RL_DEPS = $(FUZZ_RL_SRC) $(FUZZ_MAILPARSE_DEPS) $(top_srcdir)/rulelang/rl.h \
	$(top_srcdir)/rulelang/rl_int.h $(top_srcdir)/rulelang/ast.h \
	$(top_srcdir)/rulelang/opcodes.def $(top_srcdir)/builtins/registry.h
EXTRA_DIST += fuzz/fuzz_parser.c fuzz/fuzz_loader.c tests/rulelang/fuzz.sh
TESTS += tests/rulelang/fuzz.sh
if HAVE_LIBFUZZER
FUZZ_PROGS += fuzz/fuzz_parser fuzz/fuzz_loader
fuzz: fuzz/fuzz_parser fuzz/fuzz_loader
fuzz/fuzz_parser fuzz/fuzz_loader: %: $(top_srcdir)/%.c $(FUZZ_RL_DEPS)
	@$(MKDIR_P) fuzz
	$(AM_V_CCLD)$(CLANG) $(FUZZ_CFLAGS) $(PCRE2_CFLAGS) -o $@ $(top_srcdir)/$@.c \
		$(FUZZ_RL_SRC) $(FUZZ_MAILPARSE_SRC) $(PCRE2_LIBS)
tests/rulelang/fuzz.log: fuzz/fuzz_parser fuzz/fuzz_loader
endif

## The MIME walk: fuzz_mime (a message -> mime_walk, small-piece
## equivalence, layers, body text), fuzz_rfc2231 (a header value -> the
## parameter parser), fuzz_uudecode (the streaming decoders).
FUZZ_MIME_SRC = $(top_srcdir)/builtins/mime.c $(top_srcdir)/builtins/mime_codec.c \
	$(top_srcdir)/builtins/mime_param.c $(top_srcdir)/builtins/mime_stream.c \
	$(top_srcdir)/builtins/mime_content.c $(top_srcdir)/builtins/mime_text.c \
	$(top_srcdir)/lda/dynload.c $(top_srcdir)/lda/priv.c $(top_srcdir)/lda/status.c
FUZZ_MIME_DEPS = $(FUZZ_MIME_SRC) $(FUZZ_MAILPARSE_DEPS) $(top_srcdir)/builtins/mime.h \
	$(top_srcdir)/builtins/mime_int.h $(top_srcdir)/builtins/mime_defects.def \
	$(top_srcdir)/builtins/mod_magic.h $(top_srcdir)/builtins/mod_archive.h
EXTRA_DIST += fuzz/fuzz_mime.c fuzz/fuzz_rfc2231.c fuzz/fuzz_uudecode.c
if HAVE_LIBFUZZER
FUZZ_PROGS += fuzz/fuzz_mime fuzz/fuzz_rfc2231 fuzz/fuzz_uudecode
fuzz: fuzz/fuzz_mime fuzz/fuzz_rfc2231 fuzz/fuzz_uudecode
fuzz/fuzz_mime fuzz/fuzz_rfc2231 fuzz/fuzz_uudecode: %: $(top_srcdir)/%.c $(FUZZ_MIME_DEPS)
	@$(MKDIR_P) fuzz
	$(AM_V_CCLD)$(CLANG) $(FUZZ_CFLAGS) -o $@ $(top_srcdir)/$@.c \
		$(FUZZ_MIME_SRC) $(FUZZ_MAILPARSE_SRC) -ldl
tests/builtins/fuzz_smoke.log: fuzz/fuzz_mime fuzz/fuzz_rfc2231 fuzz/fuzz_uudecode
endif
