# The README's two commands:
#   make run   — install missing Debian packages, build (release), run `numkit tour`, write plots/
#   make test  — the same set-up, then every test under ctest
JOBS ?= $(shell nproc)
WERROR ?= OFF
CMAKE_FLAGS ?=

.PHONY: run test build install setup asan fuzz bench bench-peers format clean

setup:
	@scripts/setup.sh

build: setup
	@cmake --preset release -DNUMKIT_WERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/release -j $(JOBS)

run: build
	@build/release/numkit tour --out plots

test: build
	@ctest --test-dir build/release --output-on-failure -j $(JOBS)

# the binary, the PETSc plugin, shell completions and the man page under PREFIX
PREFIX ?= /usr/local
install: build
	@cmake --install build/release --prefix $(PREFIX)

asan: setup
	@cmake --preset asan -DNUMKIT_WERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/asan -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build/asan --output-on-failure -j $(JOBS)

# libFuzzer harnesses (clang-14, ASan+UBSan), FUZZ_SECONDS each from the committed corpus.
FUZZ_SECONDS ?= 60
fuzz: setup
	@WERROR=$(WERROR) scripts/fuzz.sh $(FUZZ_SECONDS)

bench: build
	@scripts/setup.sh --bench
	@for b in build/release/bench_*; do echo "== $$b"; $$b; done

bench-peers: build
	@scripts/setup.sh --bench
	@for s in bench/*_vs_peers.*; do echo "== $$s"; case $$s in *.py) /usr/bin/python3 $$s;; *) bash $$s;; esac; done

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf build
