## rulelang/: lexer, parser, compiler, verifier, VM (see the rule-language issue).
libweir_a_SOURCES += rulelang/rl.h
