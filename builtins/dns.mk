## builtins/dns.mk -- client address, Received: parsing, organisational
## domains, envelope mismatch, DNSBL/RHSBL (issue 13).  Included from
## Makefile.am last (it appends to variables of builtins/local.mk and
## fuzz/local.mk).

libweir_builtins_a_SOURCES += builtins/netaddr.c builtins/netaddr.h \
	builtins/received.c builtins/received.h \
	builtins/client.c builtins/client.h \
	builtins/orgdomain.c builtins/orgdomain.h builtins/psl_api.h \
	builtins/mismatch.c builtins/mismatch.h \
	builtins/dnsanswer.c builtins/dnsanswer.h \
	builtins/dns.c builtins/dns.h builtins/dnsbl.c builtins/dnsbl.h \
	builtins/dnscache.c builtins/dnscache.h \
	builtins/bi_domain.c builtins/bi_domain.h builtins/bl.c builtins/bl.h

## c-ares is not linked: dns.c opens it for the first DNS query of a
## process, not at every start (cares_api.h, issue 17).
libweir_builtins_a_SOURCES += builtins/cares_api.h

## IDNA for organisational domains lives in the psl module with libpsl.
weir_psl_la_LIBADD += $(IDN2_LIBS)
weir_psl_la_CFLAGS += $(IDN2_CFLAGS)

DNS_TESTS = tests/builtins/test_received tests/builtins/test_client \
	tests/builtins/test_psl tests/builtins/test_mismatch tests/builtins/test_dns_config \
	tests/builtins/test_dnsanswer
check_PROGRAMS += $(DNS_TESTS)
TESTS += $(DNS_TESTS)
tests_builtins_test_received_SOURCES = tests/builtins/test_received.c tests/tap.h
tests_builtins_test_received_LDADD = $(WEIR_CORE_LIBS)
tests_builtins_test_client_SOURCES = tests/builtins/test_client.c tests/tap.h
tests_builtins_test_client_LDADD = $(WEIR_CORE_LIBS)
tests_builtins_test_psl_SOURCES = tests/builtins/test_psl.c tests/tap.h
tests_builtins_test_psl_LDADD = $(WEIR_CORE_LIBS)
tests_builtins_test_mismatch_SOURCES = tests/builtins/test_mismatch.c tests/tap.h
tests_builtins_test_mismatch_LDADD = $(WEIR_CORE_LIBS)
tests_builtins_test_dns_config_SOURCES = tests/builtins/test_dns_config.c tests/tap.h
tests_builtins_test_dns_config_LDADD = $(WEIR_CORE_LIBS)
tests_builtins_test_dnsanswer_SOURCES = tests/builtins/test_dnsanswer.c tests/tap.h
tests_builtins_test_dnsanswer_LDADD = $(WEIR_CORE_LIBS)
check_PROGRAMS += tests/builtins/dnsbl_query
tests_builtins_dnsbl_query_SOURCES = tests/builtins/dnsbl_query.c
tests_builtins_dnsbl_query_LDADD = $(WEIR_CORE_LIBS)
TESTS += tests/builtins/dnsbl.sh tests/builtins/client.sh tests/builtins/dnsbl_rules.sh
EXTRA_DIST += tests/builtins/dnsbl.sh tests/lib-dns.sh tests/builtins/client.sh tests/builtins/dnsbl_rules.sh
tests/builtins/dnsbl.log: tests/builtins/dnsbl_query
## the psl tests load the module from the build tree
tests/builtins/test_psl.log tests/builtins/test_mismatch.log: weir_psl.la

## libFuzzer: Received: chains -> client_find()/rcv_parse(); DNS responses
## -> dnsa_parse(); `returns` lists -> bl_scan_returns().  Their sources are in libweir_builtins.a, which
## fuzz/local.mk compiles into libweir_fuzz.a.
FUZZ_TARGETS += fuzz_received fuzz_dnsanswer fuzz_returns
FUZZ_SMOKE_TESTS += tests/builtins/fuzz_dns.sh
EXTRA_DIST += tests/builtins/fuzz_dns.sh
if HAVE_LIBFUZZER
tests/builtins/fuzz_dns.log: fuzz/fuzz_received fuzz/fuzz_dnsanswer fuzz/fuzz_returns
endif
