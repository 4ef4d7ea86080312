## lda/config.mk -- configuration (weir.yaml), privileges, rule loading.
## Sources go into libweir.a with `libweir_a_SOURCES +=`; tests with `TESTS +=`.
