## tests/static/ -- static analysis as tests (issue 18): cppcheck over the
## tree.  Plain build only: the analysis does not depend on the build
## flags, and the sanitizer build would repeat it.
STATIC_TESTS = tests/static/cppcheck.sh
EXTRA_DIST += $(STATIC_TESTS)
if !SANITIZERS
TESTS += $(STATIC_TESTS)
endif
