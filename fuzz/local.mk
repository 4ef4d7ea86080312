## fuzz/: libFuzzer targets, built by `make fuzz` when clang is available.
EXTRA_DIST += fuzz/README.md
