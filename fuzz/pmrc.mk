## fuzz/pmrc.mk -- the libFuzzer target of weir import procmailrc
## (fuzz/fuzz_pmrc.c), added to fuzz/local.mk's lists; seeds in
## testdata/fuzz/pmrc/ (procmail rcfiles, and 'R'+regex inputs).
FUZZ_TARGETS += fuzz_pmrc
FUZZ_LIB_SRC += $(filter %.c,$(PMRC_SOURCES))
FUZZ_LIB_HDR += $(filter %.h,$(PMRC_SOURCES))
EXTRA_DIST += fuzz/fuzz_pmrc.c tests/import/fuzz.sh testdata/fuzz/pmrc
FUZZ_SMOKE_TESTS += tests/import/fuzz.sh
if HAVE_LIBFUZZER
tests/import/fuzz.log: fuzz/fuzz_pmrc
endif
