## fuzz/: libFuzzer targets, built by `make fuzz` when clang is available.
## They compile the rule language's sources themselves with clang and
## -fsanitize=fuzzer,address,undefined (libweir.a is gcc-built, without
## coverage).  FUZZ_MP: the mailparse implementation the VM links; the
## test double until branch `builtins` is merged, then builtins/mailparse.c.
EXTRA_DIST += fuzz/README.md fuzz/fuzz_parser.c fuzz/fuzz_loader.c tests/rulelang/fuzz.sh
TESTS += tests/rulelang/fuzz.sh

FUZZ_MP = tests/rulelang/mp_double.c
FUZZ_SRC = rulelang/diag.c rulelang/parse.c rulelang/compile.c \
	rulelang/bytecode.c rulelang/vm.c rulelang/actions.c \
	builtins/registry.c builtins/bi_body.c builtins/bi_attachment.c \
	builtins/bi_dnsbl.c builtins/bi_rhsbl.c builtins/bi_mismatch.c \
	builtins/bi_duplicate.c lda/util.c lda/log.c lda/status.c $(FUZZ_MP)
FUZZ_CFLAGS = -g -O1 -std=c11 -fsanitize=fuzzer,address,undefined \
	-I$(top_builddir) $(AM_CPPFLAGS) $(PCRE2_CFLAGS)

.PHONY: fuzz
if HAVE_CLANG
fuzz: fuzz/fuzz_parser fuzz/fuzz_loader
fuzz/fuzz_parser fuzz/fuzz_loader: %: $(top_srcdir)/%.c $(FUZZ_SRC:%=$(top_srcdir)/%) config.h
	@mkdir -p fuzz
	$(AM_V_CC)$(CLANG) $(FUZZ_CFLAGS) -o $@ $(top_srcdir)/$@.c \
		$(FUZZ_SRC:%=$(top_srcdir)/%) $(PCRE2_LIBS)
CLEANFILES += fuzz/fuzz_parser fuzz/fuzz_loader
else
fuzz:
	@echo "make fuzz: clang is needed (configure did not find it)"; exit 1
endif
