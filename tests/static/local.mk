## tests/static/ -- static analysis as tests (issue 18): cppcheck over the
## tree.  Plain build only: the analysis does not depend on the build
## flags, and the sanitizer build would repeat it.
STATIC_TESTS = tests/static/cppcheck.sh tests/static/analyzer.sh
EXTRA_DIST += $(STATIC_TESTS) tests/valgrind.supp
## analyzer.sh compiles each file with the preprocessor flags of the build.
tests/static/analyzer.log: export WEIR_ANALYZER_CPPFLAGS = $(DEFS) $(AM_CPPFLAGS) $(CPPFLAGS) \
	-I$(abs_top_builddir) $(PCRE2_CFLAGS) $(YAML_CFLAGS) $(ARCHIVE_CFLAGS) $(MAGIC_CFLAGS) \
	$(PSL_CFLAGS) $(IDN2_CFLAGS) $(CARES_CFLAGS)
if !SANITIZERS
TESTS += $(STATIC_TESTS)
endif

## make check-valgrind: the integration tests below once more with every
## weir they start running under valgrind memcheck (tests/lib.sh,
## WEIR_VALGRIND): no definite leak, no invalid read or write, no use of
## uninitialised memory.  A test fails when weir's exit status turns 99
## (memcheck's error exit); memcheck's logs (empty when clean) are in
## vg-logs/ and any that is not empty fails the target.  (Tests that
## measure weir's RSS or time, such as bigmessage.sh, are not in the list:
## under memcheck they would measure valgrind.  `weir test` over many
## messages, as in tests/tester/agree.sh, JIT-compiles its regexes, and
## memcheck cannot follow PCRE2's generated code: it is left out.)
## tests/valgrind.supp holds the system-library false positives.  .ci/run runs it
## after the -Werror suite.
## (tests/resp/deliver.sh, 154 weir processes, would take 3 of CI's
## minutes: its responder paths are run under memcheck by FULL_VALGRIND=1.)
VALGRIND_TESTS = tests/integration/intake.sh tests/integration/maildir.sh \
	tests/integration/rules.sh tests/hardening/taint.sh \
	$(if $(FULL_VALGRIND),tests/resp/deliver.sh)
check-valgrind: all
	rm -rf vg-logs && $(MKDIR_P) vg-logs && chmod 1777 vg-logs
	WEIR_VALGRIND='$(abs_top_builddir)/vg-logs' $(MAKE) $(AM_MAKEFLAGS) check TESTS='$(VALGRIND_TESTS)'; \
	rc=$$?; bad=`find vg-logs -type f -size +0 | sort`; \
	for f in $$bad; do echo "=== $$f"; head -n 60 $$f; done; \
	echo "check-valgrind: `ls vg-logs | wc -l` weir processes under memcheck, `echo $$bad | wc -w` with findings"; \
	test $$rc -eq 0 && test -z "$$bad"
.PHONY: check-valgrind
