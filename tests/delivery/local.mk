## tests/delivery/ -- the delivery engine (lda/store/, lda/prog/commit.c):
## folders, locking, crash and disk-full behaviour, concurrency.

## A test-only driver: runs the commit with an action list built from its
## arguments, as weir does with the list the rules produce.
check_PROGRAMS += tests/delivery/commit_driver tests/delivery/mboxsplit \
	tests/delivery/killer tests/delivery/holdlock \
	tests/delivery/test_folder tests/delivery/test_mbox
tests_delivery_commit_driver_SOURCES = tests/delivery/commit_driver.c $(WEIR_SAN_OPTIONS)
tests_delivery_commit_driver_LDADD = $(WEIR_CORE_LIBS)
tests_delivery_mboxsplit_SOURCES = tests/delivery/mboxsplit.c
tests_delivery_killer_SOURCES = tests/delivery/killer.c
tests_delivery_holdlock_SOURCES = tests/delivery/holdlock.c
tests_delivery_test_folder_SOURCES = tests/delivery/test_folder.c tests/tap.h
tests_delivery_test_folder_LDADD = $(WEIR_CORE_LIBS)
tests_delivery_test_mbox_SOURCES = tests/delivery/test_mbox.c tests/tap.h
tests_delivery_test_mbox_LDADD = $(WEIR_CORE_LIBS)

DELIVERY_SH_TESTS = \
	tests/delivery/commit.sh \
	tests/delivery/paths.sh \
	tests/delivery/refuse.sh \
	tests/delivery/mboxrd.sh \
	tests/delivery/full.sh \
	tests/delivery/kill.sh \
	tests/delivery/spool.sh \
	tests/delivery/lock.sh \
	tests/delivery/concurrent.sh
TESTS += tests/delivery/test_folder tests/delivery/test_mbox $(DELIVERY_SH_TESTS)
EXTRA_DIST += $(DELIVERY_SH_TESTS) tests/delivery/lib-delivery.sh
