## fuzz/more.mk -- libFuzzer targets of issue 18 added to fuzz/local.mk's
## lists: the YAML configuration loader, the mbox splitter and the YAML
## test-suite loader of `weir test --suite`.
FUZZ_TARGETS += fuzz_config fuzz_mboxsplit fuzz_suite
FUZZ_LIB_SRC += lda/prog/config.c lda/prog/yamlload.c lda/prog/yamllib.c lda/store/message.c lda/store/mboxsplit.c \
	lda/tester/suite.c lda/tester/fixture.c
FUZZ_LIB_HDR += lda/prog/weir_config.h lda/prog/yamlload.h lda/prog/yamllib.h lda/store/message.h lda/store/mboxsplit.h \
	lda/tester/suite.h lda/tester/tester.h
FUZZ_SMOKE_TESTS += tests/hardening/fuzz.sh
if HAVE_LIBFUZZER
tests/hardening/fuzz.log: fuzz/fuzz_config fuzz/fuzz_mboxsplit fuzz/fuzz_suite
endif
