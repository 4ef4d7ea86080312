## lda/store/ -- mail storage: message intake (spool), folders (Maildir++,
## mbox, MH), locking, mbox splitting.  Depends on lda/sys/ only.

noinst_LIBRARIES += libweir_store.a
libweir_store_a_SOURCES = \
	lda/store/message.c lda/store/message.h \
	lda/store/folder.c lda/store/folder.h \
	lda/store/maildir.c lda/store/maildir.h \
	lda/store/mbox.c lda/store/mbox.h \
	lda/store/mh.c lda/store/mh.h \
	lda/store/lock.c lda/store/lock.h \
	lda/store/mboxsplit.c lda/store/mboxsplit.h
