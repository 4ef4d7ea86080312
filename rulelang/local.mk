## rulelang/: lexer, parser, compiler, verifier, VM (see the rule-language issue).
libweir_a_SOURCES += rulelang/rl.h rulelang/rl_int.h rulelang/ast.h \
	rulelang/diag.c rulelang/parse.c rulelang/compile.c \
	rulelang/bytecode.c rulelang/vm.c \
	lda/rulecache.c lda/rulecache.h
EXTRA_DIST += rulelang/opcodes.def
