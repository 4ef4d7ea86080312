## lda/prog/import.mk -- `weir import procmailrc` (weir-import(1)): the
## translator (pmrc_*.c: pure, fuzzed by fuzz/fuzz_pmrc.c) and its command.

PMRC_SOURCES = lda/prog/pmrc.h lda/prog/pmrc_int.h lda/prog/pmrc_emit.h \
	lda/prog/pmrc_parse.c lda/prog/pmrc_value.c lda/prog/pmrc_emit.c
# the regex translation is pure and also used at delivery, by the procmail
# builtin's `search` (a regex only known then): it lives in the builtins'
# library
libweir_builtins_a_SOURCES += lda/prog/pmrc_regex.c lda/prog/pmrc.h
weir_SOURCES += lda/prog/cmd_import.c $(PMRC_SOURCES)
