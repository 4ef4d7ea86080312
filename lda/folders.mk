## lda/folders.mk -- the delivery engine: folders (Maildir++, mbox, MH),
## locking, path safety, commit of the action list.  Sources go into
## libweir.a with `libweir_a_SOURCES +=`; tests with `TESTS +=`.

libweir_a_SOURCES += \
	lda/folder.c lda/folder.h \
	lda/lock.c lda/lock.h \
	lda/mbox.c lda/mbox.h \
	lda/mh.c lda/mh.h \
	lda/commit.c lda/commit.h

## A test-only driver: runs commit_run() with an action list built from its
## arguments, as weir will once the rule VM produces the list.
check_PROGRAMS += tests/delivery/commit_driver tests/delivery/mboxsplit \
	tests/delivery/killer tests/delivery/holdlock \
	tests/delivery/test_folder tests/delivery/test_mbox
tests_delivery_commit_driver_SOURCES = tests/delivery/commit_driver.c
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
