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
