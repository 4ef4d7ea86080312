## fuzz/more.mk -- libFuzzer targets of issue 18 added to fuzz/local.mk's
## lists: the YAML configuration loader and the mbox splitter.
FUZZ_TARGETS += fuzz_config fuzz_mboxsplit
FUZZ_LIB_SRC += lda/prog/config.c lda/prog/yamlload.c lda/store/message.c lda/store/mboxsplit.c
FUZZ_LIB_HDR += lda/prog/weir_config.h lda/prog/yamlload.h lda/store/message.h lda/store/mboxsplit.h
FUZZ_SMOKE_TESTS += tests/hardening/fuzz.sh
if HAVE_LIBFUZZER
tests/hardening/fuzz.log: fuzz/fuzz_config fuzz/fuzz_mboxsplit
endif
