## rulelang/ -- lexer, parser, compiler, verifier, VM, disassembler,
## action lists.  Knows nothing of files or sockets (rulelang/rl.h).
noinst_LIBRARIES += librulelang.a
librulelang_a_SOURCES = rulelang/rl.h rulelang/rl_int.h rulelang/ast.h \
	rulelang/actions.c rulelang/actions.h \
	rulelang/diag.c rulelang/lex.c rulelang/lex.h rulelang/parse.c rulelang/compile.c \
	rulelang/bytecode.c rulelang/vm.c \
	rulelang/prefilter.c rulelang/prefilter.h
EXTRA_DIST += rulelang/opcodes.def rulelang/actions.def
