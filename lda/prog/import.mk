## lda/prog/import.mk -- `weir import procmailrc` (weir-import(1)): the
## translator (pmrc_*.c: pure, fuzzed by fuzz/fuzz_pmrc.c) and its command.

PMRC_SOURCES = lda/prog/pmrc.h lda/prog/pmrc_int.h lda/prog/pmrc_emit.h \
	lda/prog/pmrc_regex.c lda/prog/pmrc_parse.c lda/prog/pmrc_value.c lda/prog/pmrc_emit.c
weir_SOURCES += lda/prog/cmd_import.c $(PMRC_SOURCES)
