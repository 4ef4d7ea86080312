## rulelang/diagnose.mk -- the rule author's diagnostics beyond the
## grammar: hints.c (other filters' syntax and words, for the parser's
## errors) and lint.c (checks on the whole tree before compiling).
librulelang_a_SOURCES += rulelang/hints.c rulelang/hints.h rulelang/lint.c rulelang/lint.h
