## tests/fault/ -- issue 18: fault injection at every call (README.md).
## faultshim.so is an LD_PRELOAD object for the build-tree weir (never
## installed); built as a check program with its own flags (libtool
## drops a bare -shared from a program link: -Xcompiler passes it): position
## independent, shared, and never with the sanitizers (in a sanitizer
## build it goes in front of libasan and leaves malloc to ASan).

check_PROGRAMS += tests/fault/faultshim.so tests/fault/walker
tests_fault_faultshim_so_SOURCES = tests/fault/faultshim.c
tests_fault_faultshim_so_CFLAGS = $(WARN_CFLAGS) -fPIC $(FAULTSHIM_CFLAGS)
tests_fault_faultshim_so_LDFLAGS = -Xcompiler -shared -Xcompiler -fPIC
tests_fault_faultshim_so_LDADD = -ldl
if SANITIZERS
FAULTSHIM_CFLAGS = -DFAULTSHIM_NO_MALLOC
else
FAULTSHIM_CFLAGS =
endif
tests_fault_walker_SOURCES = tests/fault/walker.c
## The walker is a test tool, not weir: no sanitizers (its environment
## and exit status must be its own, not LeakSanitizer's).
tests_fault_walker_CFLAGS = $(WARN_CFLAGS)
tests_fault_walker_LDFLAGS =

FAULT_SH_TESTS = tests/fault/walk.sh tests/fault/edges.sh
TESTS += $(FAULT_SH_TESTS)
EXTRA_DIST += $(FAULT_SH_TESTS) tests/fault/README.md tests/fault/sendmail-stub
