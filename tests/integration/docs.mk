## tests/integration/docs.mk -- the man pages against the programs.
TESTS += tests/integration/manpages.sh
EXTRA_DIST += tests/integration/manpages.sh
