## tests/: unit tests (C) and integration tests (sh), all speaking TAP.

if SANITIZERS
WEIR_SANITIZERS = yes
else
WEIR_SANITIZERS = no
endif

LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	WEIR='$(abs_top_builddir)/weir'; export WEIR; \
	WEIR_MODULEDIR='$(abs_top_builddir)/.libs'; export WEIR_MODULEDIR; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	TESTDATA='$(abs_top_srcdir)/testdata'; export TESTDATA; \
	WEIR_SANITIZERS='$(WEIR_SANITIZERS)'; export WEIR_SANITIZERS;

TESTS += tests/integration/intake.sh \
	tests/integration/maildir.sh \
	tests/integration/bigmessage.sh \
	tests/integration/cli.sh \
	tests/integration/date.sh \
	tests/integration/filter-edits.sh \
	tests/integration/postfix.sh \
	tests/integration/postfix-client.sh \
	tests/integration/postfix-spool.sh \
	tests/integration/exim.sh \
	tests/integration/opensmtpd.sh \
	tests/integration/rulesets.sh \
	tests/integration/measure.sh \
	tests/integration/rulesets-deliver.sh \
	tests/integration/rules.sh

EXTRA_DIST += tests/lib.sh tests/lib-postfix.sh tests/integration/intake.sh tests/integration/maildir.sh \
	tests/integration/bigmessage.sh tests/integration/cli.sh tests/integration/date.sh \
	tests/integration/filter-edits.sh \
	tests/integration/postfix.sh tests/integration/postfix-client.sh \
	tests/integration/postfix-spool.sh \
	tests/integration/exim.sh \
	tests/integration/opensmtpd.sh \
	tests/integration/rulesets.sh tests/integration/rules.sh \
	tests/integration/measure.sh tests/integration/rulesets-deliver.sh \
	rulesets \
	testdata
