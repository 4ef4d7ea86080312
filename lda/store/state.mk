## Per-user state (lda/store/state.h) over Berkeley DB in the weir_db.so
## module (lda/sys/mod_db.c, api in lda/sys/mod_db.h).  In the store
## layer: it uses lock.c, and builtins (the DNSBL cache) use it.

libweir_store_a_SOURCES += lda/store/state.c lda/store/state_codec.c lda/store/state.h
weir_db_la_SOURCES += lda/sys/mod_db.h

## The unit test links libdb itself only to make foreign-format files.
check_PROGRAMS += tests/state/test_state
tests_state_test_state_SOURCES = tests/state/test_state.c tests/tap.h
tests_state_test_state_LDADD = $(WEIR_CORE_LIBS) $(DB_LIBS)
TESTS += tests/state/test_state

## The decoders' fuzz target (fuzz/fuzz_state.c, listed in fuzz/local.mk).
EXTRA_DIST += tests/state/fuzz.sh bench/state/lockmode.c bench/state/run.sh
FUZZ_SMOKE_TESTS += tests/state/fuzz.sh
if HAVE_LIBFUZZER
tests/state/fuzz.log: fuzz/fuzz_state
endif
