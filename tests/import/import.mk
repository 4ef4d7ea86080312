## tests/import/ -- weir import procmailrc: the regex dialect against real
## procmail, the translator's output, and the differential test (procmail
## and weir over the same messages).

check_PROGRAMS += tests/import/pmre_probe tests/import/pm_outcome
tests_import_pmre_probe_SOURCES = tests/import/pmre_probe.c $(PMRC_SOURCES)
tests_import_pmre_probe_LDADD = $(WEIR_CORE_LIBS)
tests_import_pm_outcome_SOURCES = tests/import/pm_outcome.c
tests_import_pm_outcome_LDADD = $(WEIR_CORE_LIBS)
IMPORT_SH_TESTS = tests/import/cli.sh tests/import/regex.sh tests/import/formail.sh \
	tests/import/differential.sh
TESTS += $(IMPORT_SH_TESTS)
EXTRA_DIST += $(IMPORT_SH_TESTS) tests/import/lib-import.sh tests/import/stub.sh tests/import/stub-filter.sh \
	tests/import/report.sh doc/import-report.md

## make import-report: every rcfile set through procmail and weir, the
## numbers into doc/import-report.md, doc/weir-import.1 and README.md
## (FULL=1: every corpus message; SET=user|lib|examples: one set).
import-report: weir$(EXEEXT) tests/import/pm_outcome$(EXEEXT)
	$(AM_TESTS_ENVIRONMENT) sh $(top_srcdir)/tests/import/report.sh
.PHONY: import-report
