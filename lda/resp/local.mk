## lda/resp/: responders -- vacation replies, fake bounces, duplicates,
## program tests -- and `weir state`.  Part of the program layer
## (libweir_prog.a): it uses store/ (state, messages), builtins/
## (mailparse) and sys/ (child processes).

AM_CPPFLAGS += -I$(top_srcdir)/lda/resp
weir_SOURCES += lda/resp/cmd_state.c

check_PROGRAMS += tests/resp/state_tool
tests_resp_state_tool_SOURCES = tests/resp/state_tool.c
tests_resp_state_tool_LDADD = $(WEIR_CORE_LIBS)

TESTS += tests/resp/state_cmd.sh
EXTRA_DIST += tests/resp/state_cmd.sh

libweir_prog_a_SOURCES += lda/resp/compose.c lda/resp/compose.h \
	lda/resp/autoreply.c lda/resp/autoreply.h \
	lda/resp/dsn.c lda/resp/dsn.h \
	lda/resp/responder.c lda/resp/responder.h \
	lda/resp/dupe.c lda/resp/dupe.h \
	lda/resp/progtest.c lda/resp/progtest.h \
	lda/resp/respond.c lda/resp/respond.h \
	lda/resp/hostsvc.c

## The builtins that ask the host for these services (builtins/hostsvc.h):
## `duplicate` (bi_duplicate.c, in builtins/local.mk) and `program`.
libweir_builtins_a_SOURCES += builtins/bi_program.c builtins/hostsvc.h

check_PROGRAMS += tests/resp/resp_driver tests/resp/test_units
tests_resp_test_units_SOURCES = tests/resp/test_units.c tests/tap.h
tests_resp_test_units_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/resp/test_units
tests_resp_resp_driver_SOURCES = tests/resp/resp_driver.c
tests_resp_resp_driver_LDADD = $(WEIR_CORE_LIBS)

RESP_SH_TESTS = tests/resp/reply.sh tests/resp/fakebounce.sh tests/resp/race.sh \
	tests/resp/deliver.sh tests/resp/dupprog.sh \
	tests/resp/bounce.sh
TESTS += $(RESP_SH_TESTS)
EXTRA_DIST += $(RESP_SH_TESTS) tests/resp/lib-resp.sh tests/resp/fake-sendmail \
	tests/resp/parse_mail.py

## The composition fuzz target (fuzz/fuzz_resp.c, listed in fuzz/local.mk).
EXTRA_DIST += tests/resp/fuzz.sh
FUZZ_SMOKE_TESTS += tests/resp/fuzz.sh
if HAVE_LIBFUZZER
tests/resp/fuzz.log: fuzz/fuzz_resp
endif


## The answers through a real Postfix instance (skips without root or postfix).
TESTS += tests/integration/postfix-resp.sh
EXTRA_DIST += tests/integration/postfix-resp.sh
