## lda/tester.mk -- `weir test`, the dry-run tester.
## Sources go into libweir.a with `libweir_a_SOURCES +=`; tests with `TESTS +=`.
