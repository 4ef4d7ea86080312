## lda/config.mk -- configuration (weir.yaml), privileges, children,
## rule-file trust.  Sources go into libweir.a; tests into TESTS.

AM_CPPFLAGS += -DWEIR_MAIL_GROUP='"$(WEIR_MAIL_GROUP)"'

libweir_a_SOURCES += lda/child.c lda/child.h

check_PROGRAMS += tests/unit/test_child
tests_unit_test_child_SOURCES = tests/unit/test_child.c tests/tap.h
tests_unit_test_child_LDADD = $(WEIR_CORE_LIBS)

TESTS += tests/unit/test_child
libweir_a_SOURCES += lda/config.c lda/weir_config.h
libweir_a_SOURCES += lda/trust.c lda/trust.h

TESTS += tests/config/config.sh
EXTRA_DIST += tests/config/config.sh tests/config/bad rulesets/weir.yaml.example

check_PROGRAMS += tests/unit/test_priv tests/unit/test_trust
tests_unit_test_priv_SOURCES = tests/unit/test_priv.c tests/tap.h
tests_unit_test_priv_LDADD = $(WEIR_CORE_LIBS)
tests_unit_test_trust_SOURCES = tests/unit/test_trust.c tests/tap.h
tests_unit_test_trust_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/unit/test_priv tests/unit/test_trust
TESTS += tests/privileges/privileges.sh
EXTRA_DIST += tests/privileges/privileges.sh

weir_SOURCES += lda/san_options.c
check_PROGRAMS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c tests/tap.h
tests_unit_test_config_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/unit/test_config

## Rule loading (lda/rules.c): system then user rules, trust checks, cache.
libweir_a_SOURCES += lda/rules.c lda/rules.h
check_PROGRAMS += tests/unit/test_rules
tests_unit_test_rules_SOURCES = tests/unit/test_rules.c tests/tap.h
tests_unit_test_rules_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/unit/test_rules
