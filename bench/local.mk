## bench/ -- benchmarks (not run by make check): bench/README.md.
## The rule-language benchmark is built on demand by `make bench/rl_bench`.
EXTRA_PROGRAMS = bench/rl_bench
bench_rl_bench_SOURCES = bench/rl_bench.c
bench_rl_bench_LDADD = $(WEIR_CORE_LIBS)
CLEANFILES += bench/rl_bench
EXTRA_DIST += bench/run.sh bench/gen-rules.sh \
	bench/tester/README.md bench/tester/run.sh bench/tester/render_weir.py
