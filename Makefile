# Every target sets itself up: a fresh clone needs only python3 (3.11), pip and cargo.
VENV    := .venv
PYTHON  := $(VENV)/bin/python
DEPS    := $(VENV)/.deps-installed
BUILT   := $(VENV)/.extension-built
SOURCES := $(shell find crates -name '*.rs' -o -name Cargo.toml) Cargo.toml pyproject.toml
# The C library (crates/hashtable-c) and its tests.
C_LIB     := target/release/libhashtable.a
C_SOURCES := $(shell find crates/hashtable-c crates/hashtable-core -name '*.rs' -o -name Cargo.toml) Cargo.toml
C_FLAGS   := -std=c11 -Wall -Wextra -Werror -O1 -g -Iinclude
C_LIBS    := -lpthread -ldl -lm
C_TESTS   := $(patsubst tests/c/%.c,target/c/%,$(wildcard tests/c/test_*.c))
# Memcheck for the C tests: any invalid access or lost block fails.
C_VALGRIND := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99

.PHONY: all build lab docs-images demo test test-rust test-python lint soak valgrind fuzz bench bench-quick bench-python clean
.PHONY: c-lib c-header c-demo test-c cc

all: build

$(DEPS): requirements-dev.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(BUILT): $(DEPS) $(SOURCES)
	# flock: helpers and parallel make runs must not install into the venv at once.
	VIRTUAL_ENV=$(abspath $(VENV)) PATH=$(abspath $(VENV))/bin:$$PATH flock $(VENV)/.build-lock $(VENV)/bin/maturin develop --profile extension --quiet
	touch $@

build: $(BUILT)

lab: $(BUILT)
	$(PYTHON) -m hashtable.lab

# The README's lab image: plot (c) of a run on the chaining strategy, 7 runs per cell (about 15 s).
DOCS_LAB := target/docs-lab
docs-images: $(BUILT)
	$(PYTHON) -m hashtable.lab --strategy chaining --no-scale --repeat 7 --budget 2 --out $(DOCS_LAB)
	cp $(DOCS_LAB)/lookup_vs_n.png docs/lab-lookup-vs-n.png

demo: $(BUILT)
	$(PYTHON) examples/talk_demo.py

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
	$(PYTHON) -m mypy.stubtest hashtable._hashtable --allowlist .ci/stubtest-allowlist.txt

# At least 10^6 random operations against dict over every strategy and hash, plus threads.
soak: $(BUILT)
	$(PYTHON) tests/soak.py

# The C tests, then the core of the Python suite, under valgrind memcheck (PYTHONMALLOC=malloc);
# fails on any invalid read/write, on any lost block in the C tests and on any definite leak
# from the extension.
valgrind: $(BUILT) $(C_TESTS)
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

clean:
	rm -rf $(VENV) target lab-report
