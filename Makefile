# CXL emulation for QEMU: top-level entry points. See README.md.
#
#   make            install missing packages, assemble the tree, build QEMU
#   make demo       ... and boot a Linux guest on a CXL topology
#   make check      every test (strip check, series check, qtests, guests)
#   make check-sanitize  unit tests, qtests, some guests under ASan/UBSan
#   make fuzz       fuzz our devices (FUZZ_S=seconds, default 60;
#                   FUZZ_MODE=generic for QEMU's generic-fuzz)
#   make bench      CXL memory against guest RAM (not part of make check);
#   make bench-quick  a few minutes' subset of make bench;
#                   BENCH="1way online" picks cases, BENCH_MACHINE=opts
#                   adds -machine options (e.g. cxl-fast-path=off)
#
SHELL := /bin/bash
.DEFAULT_GOAL := all

.PHONY: all deps assemble build demo check check-strip check-series check-unit check-cli check-qtest \
        check-guest check-by-hand check-sanitize fuzz bench bench-quick series refresh-patches guest-image guest-kernel clean distclean help

all: build

deps:
	@scripts/deps.sh

assemble: deps
	@scripts/assemble.sh

build: assemble
	@scripts/build.sh

# A guest on the richest topology we have, and what its `cxl list` sees.
demo: build
	@/usr/bin/python3 tests/guest/run.py --demo

# Every test. The summary line (N passed, N failed) comes last.
check: build
	@tests/run-checks.sh all

check-strip: assemble
	@tests/run-checks.sh strip

check-series: assemble
	@tests/run-checks.sh series

check-unit: build
	@tests/run-checks.sh unit

check-cli: build
	@tests/run-checks.sh cli

check-qtest: build
	@tests/run-checks.sh qtest

# One scenario: make check-guest SCENARIO=name
check-guest: build
	@tests/run-checks.sh guest $(SCENARIO)

# The docs' boot-by-hand examples (needs the guest image and full kernel)
check-by-hand: build guest-image guest-kernel
	@tests/run-checks.sh by-hand

# Unit tests, qtests and some guest scenarios on a QEMU built with ASan and
# UBSan (build/qemu-build-sanitize); any sanitizer report fails
check-sanitize: assemble
	@CXL_QEMU_SANITIZE=1 scripts/build.sh
	@tests/run-checks.sh sanitize

# Coverage-guided fuzzing (scripts/fuzz.sh; build/qemu-build-fuzz, clang with
# libFuzzer, ASan and UBSan): make fuzz FUZZ_S=seconds [FUZZ_MODE=generic]
fuzz: build
	@FUZZ_S=$(FUZZ_S) FUZZ_MODE=$(FUZZ_MODE) FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz.sh

# Benchmarks (tests/perf): make bench [BENCH="case..."] [BENCH_MACHINE=opts]
bench: build
	@/usr/bin/python3 tests/perf/bench.py $(BENCH) $(if $(BENCH_MACHINE),--machine $(BENCH_MACHINE))

bench-quick: build
	@/usr/bin/python3 tests/perf/bench.py --quick $(if $(BENCH_MACHINE),--machine $(BENCH_MACHINE))

guest-image:
	@tests/guest/image.sh
	@tests/guest/image.sh --arch arm64

# The full-coverage guest kernel (tests/guest/kernel.sh; built on first need
# by the scenarios with KERNEL = "full")
guest-kernel: deps
	@tests/guest/kernel.sh

# Export the work as a git format-patch series on the base: build/series/
series: assemble
	@scripts/make-series.sh

# Write commits made in the assembled tree (build/qemu) back to patches/
refresh-patches:
	@scripts/refresh-patches.sh

clean:
	rm -rf build/qemu-build build/bin build/qemu-build-sanitize build/bin-sanitize build/sanitize-logs build/qemu-build-fuzz build/bin-fuzz build/fuzz build/firmware build/series build/guest-logs

# Also the assembled tree. Caches (base, ccache, guest image) are kept:
# they live outside the checkout (CXL_QEMU_CACHE, default ~/.cache/cxl-qemu).
distclean:
	rm -rf build

help:
	@sed -n '1,/^SHELL/p' Makefile | grep '^#' | sed 's/^# \?//'
