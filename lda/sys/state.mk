## Per-user state (lda/sys/state.h) over Berkeley DB in the weir_db.so
## module (lda/mod_db.c, api in lda/sys/mod_db.h).

AM_CPPFLAGS += -I$(top_srcdir)/lda/sys
libweir_a_SOURCES += lda/sys/state.c lda/sys/state.h lda/sys/mod_db.h
weir_db_la_SOURCES += lda/sys/mod_db.h

## The unit test links libdb itself only to make foreign-format files.
check_PROGRAMS += tests/state/test_state
tests_state_test_state_SOURCES = tests/state/test_state.c tests/tap.h
tests_state_test_state_LDADD = $(WEIR_CORE_LIBS) $(DB_LIBS)
TESTS += tests/state/test_state
