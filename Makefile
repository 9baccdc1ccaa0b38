# Every target sets itself up: a fresh clone needs only python3 (3.11), pip and cargo.
VENV    := .venv
PYTHON  := $(VENV)/bin/python
DEPS    := $(VENV)/.deps-installed
# One stamp per Cargo profile of the extension in the venv: `extension` (stripped, what
# wheels ship) or `profiling` (symbols and line tables, for valgrind and callgrind).
# Building one removes the other's stamp, since both install the same module.
BUILT   := $(VENV)/.extension-built-extension
PROFILING_BUILT := $(VENV)/.extension-built-profiling
SOURCES := $(shell find crates -name '*.rs' -o -name Cargo.toml) Cargo.toml pyproject.toml
# The C library (crates/hashtable-c) and its tests.
C_LIB     := target/release/libhashtable.a
C_SOURCES := $(shell find crates/hashtable-c crates/hashtable-core -name '*.rs' -o -name Cargo.toml) Cargo.toml
C_FLAGS   := -std=c11 -Wall -Wextra -Werror -O1 -g -Iinclude
C_LIBS    := -lpthread -ldl -lm
C_TESTS   := $(patsubst tests/c/%.c,target/c/%,$(wildcard tests/c/test_*.c))
# Memcheck for the C tests: any invalid access or lost block fails.
C_VALGRIND := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99

DIST    := target/dist

.PHONY: all build build-profiling lab docs-images demo namespaces test test-rust test-python lint typecheck soak valgrind fuzz bench bench-quick bench-python dist clean
.PHONY: c-lib c-header c-demo test-c cc

all: build

# The dev dependency group in pyproject.toml (pip >= 25.1 reads PEP 735 groups).
$(DEPS): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet --group dev
	touch $@

# The package itself, editable, with its `lab` extra (matplotlib, rich); maturin also
# checks the dev group. PIP_QUIET: pip's "Requirement already satisfied" and "Ignoring"
# lines are not news.
$(VENV)/.extension-built-%: $(DEPS) $(SOURCES)
	rm -f $(VENV)/.extension-built-*
	# flock: helpers and parallel make runs must not install into the venv at once.
	VIRTUAL_ENV=$(abspath $(VENV)) PATH=$(abspath $(VENV))/bin:$$PATH PIP_QUIET=1 flock $(VENV)/.build-lock \
	  $(VENV)/bin/maturin develop --profile $* --extras lab --quiet
	touch $@

build: $(BUILT)

build-profiling: $(PROFILING_BUILT)

lab: $(BUILT)
	$(PYTHON) -m hashtable.lab

# The README's lab image: plot (c) of a run on the chaining strategy, 7 runs per cell (about 15 s).
DOCS_LAB := target/docs-lab
# The explorer screenshot's step: an insert that displaces in Robin Hood.
EXPLORER_STEP := 36
docs-images: $(BUILT)
	$(PYTHON) -m hashtable.lab --strategy chaining --no-scale --repeat 7 --budget 2 --out $(DOCS_LAB)
	cp $(DOCS_LAB)/lookup_vs_n.png docs/lab-lookup-vs-n.png
	# The explorer's screenshot, taken with the tests' headless Chromium (Python's str hash fixed).
	PYTHONHASHSEED=0 $(PYTHON) -m hashtable.lab explore --n 60 --strategy linear robin_hood swiss --out $(DOCS_LAB)/explore.html
	$(PYTHON) -m hashtable.lab.explorer.browser $(DOCS_LAB)/explore.html docs/explorer.png --step $(EXPLORER_STEP) --width 1400 --height 820

demo: $(BUILT)
	$(PYTHON) examples/talk_demo.py

# A small module run with a HashTable as its namespace, and where its names landed.
namespaces: $(BUILT)
	$(PYTHON) examples/namespaces.py

test: test-rust test-c test-python

test-rust:
	cargo test --workspace --exclude hashtable-python

test-python: $(BUILT) $(C_LIB) | cc
	$(PYTHON) -m pytest tests

# --- The engine as a C library: crates/hashtable-c, include/hashtable.h ---

cc:
	@command -v $(CC) >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq gcc)

# libhashtable.a and libhashtable.so
$(C_LIB): $(C_SOURCES)
	cargo build --release -p hashtable-c
	touch $@

c-lib: $(C_LIB)

# Rewrite include/hashtable.h from the crate (cargo test -p hashtable-c fails while it is stale).
c-header:
	UPDATE_HEADER=1 cargo test -p hashtable-c --test header

target/c/%: tests/c/%.c tests/c/check.h include/hashtable.h $(C_LIB) | cc
	@mkdir -p target/c
	$(CC) $(C_FLAGS) -Itests/c $< $(C_LIB) $(C_LIBS) -o $@

target/c/demo: examples/c/demo.c include/hashtable.h $(C_LIB) | cc
	@mkdir -p target/c
	$(CC) $(C_FLAGS) $< $(C_LIB) $(C_LIBS) -o $@

c-demo: target/c/demo
	target/c/demo

test-c: $(C_TESTS)
	@status=0; for test in $(C_TESTS); do $$test || status=1; done; exit $$status

lint: $(BUILT)
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	$(VENV)/bin/ruff check python tests examples scripts
	$(MAKE) --no-print-directory typecheck

# The package under mypy --strict; user code typed against the stubs must pass, and
# each deliberate mistake in tests/typecheck/mistakes.py must be the error it names;
# stubtest: the stubs match the runtime.
typecheck: $(BUILT)
	$(PYTHON) -m mypy --strict -p hashtable
	$(PYTHON) -m mypy --strict tests/typecheck/user_code.py tests/typecheck/check_mistakes.py
	$(PYTHON) tests/typecheck/check_mistakes.py
	$(PYTHON) -m mypy.stubtest hashtable._hashtable --allowlist .ci/stubtest-allowlist.txt

# At least 10^6 random operations against dict over every strategy and hash, plus threads.
soak: $(BUILT)
	$(PYTHON) tests/soak.py

# The C tests, then the core of the Python suite, under valgrind memcheck (PYTHONMALLOC=malloc);
# fails on any invalid read/write, on any lost block in the C tests and on any definite leak
# from the extension.
valgrind: $(PROFILING_BUILT) $(C_TESTS)
	command -v valgrind >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq valgrind)
	for test in $(C_TESTS); do \
	  HT_UNDER_VALGRIND=1 GLIBC_TUNABLES=glibc.malloc.tcache_count=0 $(C_VALGRIND) $$test || exit 1; \
	done
	PYTHON=$(PYTHON) scripts/valgrind.sh

# A bounded cargo-fuzz run of the core against HashMap (stable toolchain, RUSTC_BOOTSTRAP).
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run table_ops -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048

# Criterion benchmarks of every strategy against hashbrown (same hasher); writes BENCHMARKS.md.
# Two full passes (about 17 minutes on 2 cores); each cell keeps its quickest pass.
BENCH_PASSES ?= 2

bench:
	rm -rf target/bench
	for pass in $$(seq $(BENCH_PASSES)); do \
	  CRITERION_HOME=$(CURDIR)/target/bench/pass$$pass cargo bench -p hashtable-core --bench strategies || exit 1; \
	done
	python3 scripts/bench_report.py --criterion-dir target/bench --command "make bench BENCH_PASSES=$(BENCH_PASSES)"

# A few minutes; the report goes to target/bench/BENCHMARKS.md, not over the committed one.
bench-quick:
	rm -rf target/bench
	for pass in 1 2 3; do \
	  BENCH_QUICK=1 CRITERION_HOME=$(CURDIR)/target/bench/pass$$pass cargo bench -p hashtable-core --bench strategies || exit 1; \
	done
	python3 scripts/bench_report.py --criterion-dir target/bench --output target/bench/BENCHMARKS.md --command "make bench-quick"

# Every strategy against dict from Python, in one process (a few minutes; not part of test):
# rewrites its section of BENCHMARKS.md, between the bench-python markers. More runs per timing:
# BENCH_PYTHON_ARGS="--repeat 9". A smoke test that writes nothing: scripts/bench_python.py --quick.
# immutables, cykhash and preshed are timed too when they are installed in the venv.
BENCH_PYTHON_ARGS ?=
bench-python: $(BUILT)
	$(PYTHON) scripts/bench_python.py $(BENCH_PYTHON_ARGS) --output BENCHMARKS.md --command "make bench-python$(if $(BENCH_PYTHON_ARGS), BENCH_PYTHON_ARGS='$(BENCH_PYTHON_ARGS)')"

# The C library against GLib, uthash and khash (Debian's packages, installed here if missing), same
# keys: a word count over the standard library's .py files, then hits, misses and deletes of every
# word; 1M random 8-byte keys. Rewrites its section of BENCHMARKS.md, between the bench-c markers,
# with callgrind's instructions per ht_get_hashed hit (a few minutes; not part of test).
.PHONY: bench-c
BENCH_C_REPEAT ?= 5
bench-c: $(C_LIB) | cc
	@test -f /usr/include/uthash.h -a -f /usr/include/htslib/khash.h && pkg-config --exists glib-2.0 || \
	  (apt-get update -qq && apt-get install -y -qq libglib2.0-dev uthash-dev libhts-dev pkg-config valgrind)
	python3 scripts/bench_c.py --repeat $(BENCH_C_REPEAT) --output BENCHMARKS.md --command "make bench-c$(if $(filter-out 5,$(BENCH_C_REPEAT)), BENCH_C_REPEAT=$(BENCH_C_REPEAT))"

# The sdist and the release wheel in target/dist, checked by twine; then the sdist is
# installed into a fresh venv (a full build from source: a few minutes) and imported.
dist: $(DEPS)
	rm -rf $(DIST)
	$(VENV)/bin/maturin sdist --out $(DIST)
	$(VENV)/bin/maturin build --profile extension --interpreter $(PYTHON) --out $(DIST)
	$(VENV)/bin/twine check --strict $(DIST)/*
	$(PYTHON) scripts/check_dist.py $(DIST)

clean:
	rm -rf $(VENV) target lab-report
