## lda/folders.mk -- the delivery engine: folders (Maildir++, mbox, MH),
## locking, path safety, commit of the action list.  Sources go into
## libweir.a with `libweir_a_SOURCES +=`; tests with `TESTS +=`.
