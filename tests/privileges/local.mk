## tests/privileges/ -- the setgid binary, -d, a real non-root user;
## tests/config/ -- weir.yaml loading with good and bad files.

TESTS += tests/privileges/privileges.sh tests/config/config.sh
EXTRA_DIST += tests/privileges/privileges.sh tests/config/config.sh tests/config/bad \
	rulesets/weir.yaml.example
## The setgid test driver needs the same sanitizer defaults as weir
## (LeakSanitizer cannot run setgid).
check_PROGRAMS += tests/privileges/child_driver
tests_privileges_child_driver_SOURCES = tests/privileges/child_driver.c $(WEIR_SAN_OPTIONS)
tests_privileges_child_driver_LDADD = $(WEIR_CORE_LIBS)
