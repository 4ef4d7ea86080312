## rulelang/: lexer, parser, compiler, verifier, VM (see the rule-language issue).
