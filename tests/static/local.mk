## tests/static/ -- static analysis as tests (issue 18): cppcheck over the
## tree.  Plain build only: the analysis does not depend on the build
## flags, and the sanitizer build would repeat it.
STATIC_TESTS = tests/static/cppcheck.sh
EXTRA_DIST += $(STATIC_TESTS)
if !SANITIZERS
TESTS += $(STATIC_TESTS)
endif

## make check-valgrind: the integration tests below once more with every
## weir they start running under valgrind memcheck (tests/lib.sh,
## WEIR_VALGRIND): no definite leak, no invalid read or write, no use of
## uninitialised memory.  A test fails when weir's exit status turns 99
## (memcheck's error exit); memcheck's logs (empty when clean) are in
## vg-logs/ and any that is not empty fails the target.  .ci/run runs it
## after the -Werror suite.
VALGRIND_TESTS = tests/integration/intake.sh tests/integration/maildir.sh \
	tests/integration/rules.sh tests/integration/cli.sh \
	tests/integration/bigmessage.sh tests/tester/agree.sh \
	tests/resp/deliver.sh tests/resp/dupprog.sh tests/hardening/taint.sh \
	tests/delivery/full.sh
check-valgrind: all
	rm -rf vg-logs && $(MKDIR_P) vg-logs && chmod 1777 vg-logs
	WEIR_VALGRIND='$(abs_top_builddir)/vg-logs' $(MAKE) $(AM_MAKEFLAGS) check TESTS='$(VALGRIND_TESTS)'; \
	rc=$$?; bad=`find vg-logs -type f -size +0 | sort`; \
	for f in $$bad; do echo "=== $$f"; head -n 60 $$f; done; \
	echo "check-valgrind: `ls vg-logs | wc -l` weir processes under memcheck, `echo $$bad | wc -w` with findings"; \
	test $$rc -eq 0 && test -z "$$bad"
.PHONY: check-valgrind
