#!/usr/bin/env python3
"""Every HashTable strategy against dict, in one process (`make bench-python`).

    .venv/bin/python scripts/bench_python.py                  # ~3 minutes, prints Markdown
    .venv/bin/python scripts/bench_python.py --quick          # small sizes, a smoke test
    .venv/bin/python scripts/bench_python.py --output BENCHMARKS.md --repeat 7

What is timed, for str and int keys at a small and a large size (1k and 1M):
`t[k]`, `k in t`, `t[k] = v` on existing keys, `del t[k]; t[k] = v`, building
from a list of pairs with `update` and with the constructor. The same, at the
small size, for `HashTable(eq="identity")` over lists against `IdentityDict`, and
for `HashTable(key=str.casefold)` over HTTP header names looked up in another
capitalisation against `CaseFoldDict`: the pure-Python mappings a user writes
for those semantics (`hashtable/lab/by_hand.py`), each its scenario's baseline. Lookups visit the
keys in a shuffled order, so at 1M int keys `t[k]` is "1M shuffled lookups".
Every operation is written with the mapping syntax in a loop compiled afresh
for each table, so dict and HashTable run the same bytecode and neither
inherits the other's specialised instructions. Each time is the best of
`--repeat` runs, the tables taking turns within each run: other processes on a
shared machine only ever add time. Results are ratios to dict, lower is better.

Memory is the growth of the resident set size (RSS) while one table of 1M int
keys is built from pairs, each table in its own fresh process, with glibc's
mmap threshold fixed so that blocks freed while growing go back to the system:
that counts what dict allocates through pymalloc and what the Rust core
allocates through malloc alike, allocator overhead included, and does not trust
a type's own `__sizeof__` (`sys.getsizeof` is shown beside it).

The Python `hash_func` overhead is `t[k]` with `hash_func=lambda k: hash(k)`
minus `t[k]` with the default hash, above the floor: the cost of one bare
vectorcall of that lambda plus hashing its result, less `hash(k)`, timed by a
native loop in the extension (`hashtable._hashtable._time_hash_calls`) in the
same runs.

`immutables.Map`, `cykhash.PyObjectMap` and `preshed.PreshMap` are timed too
when they import; they are optional and never installed by the project.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import json
import math
import os
import random
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import bench_python_report
import bench_report
import hashtable
import markdown_block
from bench_python_results import OPERATIONS, Contender, HashFuncRow, MemoryRow, Results, Row, Scenario, Settings
from hashtable import HashTable, _hashtable
from hashtable.lab.by_hand import CaseFoldDict, IdentityDict
from hashtable.lab.equality import header_names

# The body of each timed loop, with the mapping syntax both sides share.
LOOP_BODIES = {
    "get": "for k in keys:\n    t[k]",
    "in": "for k in keys:\n    k in t",
    "set": "for k in keys:\n    t[k] = k",
    "delete": "for k in keys:\n    del t[k]\n    t[k] = k",
    "update": "built = make()\nkept.append(built.update(pairs) or built)",
    "construct": "kept.append(make(pairs))",
}
# Timings are kept short, so that a slice of CPU taken by another process spoils one sample
# of many: a large table is timed in chunks of CHUNK keys, each chunk keeping its fastest
# run; a small table is timed over enough passes to make CHUNK operations, SMALL_ROUNDS
# times as often as `--repeat` says. A build cannot be cut: builds of fewer than
# BUILD_ROUNDS_KEYS keys get more rounds, up to SMALL_ROUNDS times as many.
CHUNK = 10_000
SMALL_ROUNDS = 10
BUILD_ROUNDS_KEYS = 200_000
HASH_FUNC_SOURCE = "lambda k: hash(k)"


# --- what is measured -------------------------------------------------------------------


def strategy_recommendations() -> dict[str, dict[str, Any]]:
    """Each strategy's recommended constructor kwargs, from `hashtable.STRATEGY_INFO` if present."""
    info = getattr(hashtable, "STRATEGY_INFO", None)
    if not isinstance(info, Mapping):
        return {}
    found = {}
    for name, entry in info.items():
        recommended = entry.get("recommended") if isinstance(entry, Mapping) else getattr(entry, "recommended", None)
        if recommended:
            found[name] = dict(recommended)
    return found


def kwargs_text(kwargs: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in kwargs.items() if name != "strategy")


def hashtable_contenders() -> list[Contender]:
    """Every strategy with default parameters, then with its recommended ones where they differ."""
    contenders = [contender_for("HashTable() (default config)", "chaining", {}, "default")]
    recommendations = strategy_recommendations()
    for strategy in hashtable.STRATEGIES:
        kwargs: dict[str, Any] = {"strategy": strategy}
        if strategy != "chaining":
            contenders.append(contender_for(strategy, strategy, kwargs, "strategy"))
        recommended = {"strategy": strategy, **recommendations.get(strategy, {})}
        if recommended != kwargs:
            label = f"{strategy} ({kwargs_text(recommended)})"
            contenders.append(contender_for(label, strategy, recommended, "recommended"))
    return contenders


def contender_for(label: str, strategy: str, kwargs: Mapping[str, Any], role: str) -> Contender:
    return Contender(
        label, functools.partial(HashTable, **kwargs), role=role, strategy=strategy, hashtable_kwargs=kwargs
    )


def candidates_for_best(contenders: list[Contender]) -> list[Contender]:
    """One contender per strategy: with its recommended parameters, or its defaults when it has none."""
    chosen: dict[str, Contender] = {}
    for contender in contenders:
        if contender.strategy is None:
            continue
        if contender.role == "recommended" or contender.strategy not in chosen:
            chosen[contender.strategy] = contender
    return list(chosen.values())


def optional_contenders() -> list[Contender]:
    """Other native mappings, when they import. Not dependencies: absent ones are skipped."""
    found = []
    try:
        import immutables  # type: ignore[import-not-found]

        found.append(Contender("immutables.Map", immutables.Map, frozenset({"get", "in", "update", "construct"})))
    except ImportError:
        pass
    try:
        import cykhash  # type: ignore[import-not-found]

        found.append(Contender("cykhash.PyObjectMap", cykhash.PyObjectMap))
    except ImportError:
        pass
    try:
        from preshed.maps import PreshMap  # type: ignore[import-not-found]

        found.append(
            Contender(
                "preshed.PreshMap (uint64 keys and values)",
                PreshMap,
                frozenset({"get", "in", "set", "delete"}),
                frozenset({"int"}),
            )
        )
    except ImportError:
        pass
    return found


def all_contenders() -> list[Contender]:
    return hashtable_contenders() + optional_contenders()


DICT = Contender("dict", dict, role="baseline")


def make_keys(kind: str, n: int, seed: int) -> list[Any]:
    """n distinct random keys: 60-bit ints, or their hex spellings as str."""
    rng = random.Random(f"{seed}-{kind}-{n}")
    numbers: dict[int, None] = {}
    while len(numbers) < n:
        numbers.update(dict.fromkeys(rng.getrandbits(60) for _ in range(n - len(numbers))))
    keys = list(numbers)
    return [format(number, "x") for number in keys] if kind == "str" else keys


def size_label(n: int) -> str:
    return bench_report.human_size(n)


def build_scenarios(settings: Settings, contenders: list[Contender]) -> list[Scenario]:
    scenarios = []
    for n, size in ((settings.small, "small"), (settings.large, "large")):
        for kind in ("str", "int"):
            keys = make_keys(kind, n, settings.seed)
            lookups = keys[:]
            random.Random(settings.seed).shuffle(lookups)
            takers = [c for c in contenders if kind in c.key_kinds]
            title = f"{kind} keys, {size_label(n)}"
            scenarios.append(Scenario(f"{kind}-{size}", title, keys, lookups, DICT, takers))
    scenarios += custom_equality_scenarios(settings)
    return scenarios


# Issue 10's comparisons: key= and eq= tables against the pure-Python mapping a user writes
# for the same semantics (hashtable/lab/by_hand.py), which is each scenario's baseline.
IDENTITY_BASELINE = Contender("IdentityDict (pure Python: a dict keyed by id(k))", IdentityDict, role="baseline")
CASEFOLD_BASELINE = Contender("CaseFoldDict (pure Python: str.casefold in each method)", CaseFoldDict, role="baseline")


def semantics_contenders(semantics: Mapping[str, Any], words: str) -> list[Contender]:
    """`HashTable(**semantics, strategy=s)` for every strategy."""
    return [
        Contender(f"{strategy}, {words}", functools.partial(HashTable, strategy=strategy, **semantics))
        for strategy in hashtable.STRATEGIES
    ]


def custom_equality_scenarios(settings: Settings) -> list[Scenario]:
    """Unhashable objects in identity tables, and case-variant header names in casefold tables.

    Lookups (and deletes) use the same objects in the first, other capitalisations of the
    same names in the second ("content-type" for "Content-Type"); both in a shuffled order.
    """
    n, size = settings.small, size_label(settings.small)
    rng = random.Random(settings.seed)
    objects: list[Any] = [[i] for i in range(n)]
    lookups = objects[:]
    rng.shuffle(lookups)
    identity = Scenario(
        "identity-small",
        f'eq="identity": lists as keys, {size}',
        objects,
        lookups,
        IDENTITY_BASELINE,
        semantics_contenders({"eq": "identity"}, 'eq="identity"'),
    )
    names = header_names(n, rng)
    spelled = [(name, name.swapcase() if i % 2 else name.lower()) for i, name in enumerate(names)]
    rng.shuffle(spelled)
    casefold = Scenario(
        "casefold-small",
        f"key=str.casefold: HTTP header names, looked up in another capitalisation, {size}",
        [name for name, _ in spelled],
        [other for _, other in spelled],
        CASEFOLD_BASELINE,
        semantics_contenders({"key": str.casefold}, "key=str.casefold"),
    )
    return [identity, casefold]


# --- timing -----------------------------------------------------------------------------


def compile_loop(operation: str) -> Callable[..., list[int]]:
    """A fresh function for one table: its own code object, so its own specialisations."""
    body = LOOP_BODIES[operation].replace("\n", "\n            ")
    source = (
        "def timed(t, chunks, make, pairs, passes, kept, clock):\n"
        "    times = []\n"
        "    for keys in chunks:\n"
        "        start = clock()\n"
        "        for _ in range(passes):\n"
        f"            {body}\n"
        "        times.append(clock() - start)\n"
        "    return times\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<bench_python {operation}>", "exec"), namespace)
    return namespace["timed"]  # type: ignore[no-any-return]


@dataclasses.dataclass(frozen=True)
class Plan:
    """How one operation over n keys is cut into timings."""

    chunks: list[list[Any]]  # the keys of each timing (builds: one chunk, keys unused)
    passes: int  # passes over a chunk, or builds, per timing
    rounds: int
    n: int

    @classmethod
    def for_keys(cls, keys: list[Any], repeat: int, build: bool = False) -> Plan:
        n = len(keys)
        if n >= CHUNK and build:
            return cls([keys], 1, repeat * max(1, min(SMALL_ROUNDS, BUILD_ROUNDS_KEYS // n)), n)
        if n >= CHUNK:
            return cls([keys[start : start + CHUNK] for start in range(0, n, CHUNK)], 1, repeat, n)
        return cls([keys], max(1, CHUNK // n), repeat * SMALL_ROUNDS, n)

    def ns_per_operation(self, best_per_chunk: list[float]) -> float:
        return sum(best_per_chunk) / (self.passes * self.n)


def fill(contender: Contender, pairs: list[tuple[Any, Any]]) -> Any:
    """A table of `contender`'s type holding `pairs`, by the fastest way it offers."""
    if "update" in contender.operations:
        table = contender.make()
        return table.update(pairs) or table
    if "construct" in contender.operations:
        return contender.make(pairs)
    table = contender.make()
    for key, value in pairs:
        table[key] = value
    return table


def time_scenario(scenario: Scenario, repeat: int, progress: Callable[[str], None]) -> list[Row]:
    """Best of `repeat` rounds per operation; in each round every table runs once, in turn."""
    everyone = [scenario.baseline, *scenario.contenders]
    pairs = scenario.pairs
    # Built once for the operations that keep the keys (delete reinserts each key it deletes).
    tables = {c.label: fill(c, pairs) for c in everyone}
    rows = []
    for operation in OPERATIONS:
        takers = [c for c in everyone if operation in c.operations]
        progress(f"{scenario.title}: {operation} ({len(takers)} tables)")
        best = best_of_rounds(operation, takers, tables, scenario, repeat)
        baseline_ns = best[scenario.baseline.label]
        rows += [Row(scenario.id, c.label, operation, best[c.label], best[c.label] / baseline_ns) for c in takers]
    return rows


def keep_fastest(best: list[float], times: list[int]) -> list[float]:
    return [min(old, new) for old, new in zip(best, times, strict=True)]


def best_of_rounds(
    operation: str, takers: list[Contender], tables: dict[str, Any], scenario: Scenario, repeat: int
) -> dict[str, float]:
    """ns per operation for each table, every table running once per round, the first rotating."""
    build = operation in ("update", "construct")
    plan = Plan.for_keys(scenario.lookups, repeat, build)
    pairs = scenario.pairs if build else []
    loops = {c.label: compile_loop(operation) for c in takers}
    best = {c.label: [math.inf] * len(plan.chunks) for c in takers}
    for round_number in range(plan.rounds):
        shift = round_number % len(takers)
        for contender in takers[shift:] + takers[:shift]:
            kept: list[Any] = []  # built tables are freed after the clock stops
            times = loops[contender.label](
                tables[contender.label], plan.chunks, contender.make, pairs, plan.passes, kept, time.perf_counter_ns
            )
            best[contender.label] = keep_fastest(best[contender.label], times)
            del kept
    return {label: plan.ns_per_operation(chunks) for label, chunks in best.items()}


def time_hash_func(scenario: Scenario, repeat: int) -> list[HashFuncRow]:
    """`t[k]` with and without a Python hash_func, per HashTable contender, beside the native floor."""
    hash_func = eval(HASH_FUNC_SOURCE)  # one lambda object, shared by the tables and the floor
    plan = Plan.for_keys(scenario.lookups, repeat)
    plain = [c for c in scenario.contenders if c.hashtable_kwargs is not None]
    tables = {}
    for contender in plain:
        kwargs = dict(contender.hashtable_kwargs or {})
        tables[(contender.label, False)] = HashTable(scenario.pairs, **kwargs)
        tables[(contender.label, True)] = HashTable(scenario.pairs, **kwargs, hash_func=hash_func)
    loops = {key: compile_loop("get") for key in tables}
    best = {key: [math.inf] * len(plan.chunks) for key in tables}
    floor = {False: [math.inf] * len(plan.chunks), True: [math.inf] * len(plan.chunks)}
    for round_number in range(plan.rounds):
        for with_func in (round_number % 2 == 1, round_number % 2 == 0):
            times = [
                sum(_hashtable._time_hash_calls(chunk, hash_func if with_func else None) for _ in range(plan.passes))
                for chunk in plan.chunks
            ]
            floor[with_func] = keep_fastest(floor[with_func], times)
        for key, table in tables.items():
            times = loops[key](table, plan.chunks, None, None, plan.passes, None, time.perf_counter_ns)
            best[key] = keep_fastest(best[key], times)
    floor_ns = plan.ns_per_operation(floor[True]) - plan.ns_per_operation(floor[False])
    ns = {key: plan.ns_per_operation(chunks) for key, chunks in best.items()}
    return [HashFuncRow(c.label, ns[(c.label, False)], ns[(c.label, True)], floor_ns) for c in plain]


# --- memory, one fresh process per table --------------------------------------------------


def resident_bytes() -> int | None:
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def memory_probe(label: str, n: int, seed: int) -> dict[str, float | None]:
    """In a fresh process: bytes per entry of one table of n int keys (RSS growth and getsizeof)."""
    contender = next(c for c in [DICT, *all_contenders()] if c.label == label)
    pairs = [(key, key) for key in make_keys("int", n, seed)]
    gc.collect()
    gc.disable()
    before = resident_bytes()
    table = fill(contender, pairs)
    after = resident_bytes()
    rss = None if before is None or after is None else (after - before) / n
    return {"rss": rss, "sizeof": sys.getsizeof(table) / n}


# glibc raises its mmap threshold each time a large block is freed, so blocks freed while the
# keys were made (or while a table grew) would come back from the heap and stay resident,
# counted against whichever table came next. A fixed threshold turns that off: every block
# of 128 KiB or more is mapped on allocation and unmapped on free. Other allocators ignore it.
PROBE_ENVIRONMENT = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072"}


def measure_memory(contenders: list[Contender], n: int, seed: int, progress: Callable[[str], None]) -> list[MemoryRow]:
    measured = {}
    for contender in [DICT, *contenders]:
        progress(f"memory: {contender.label}")
        argv = [sys.executable, __file__, "--memory-probe", contender.label, "--n", str(n), "--seed", str(seed)]
        output = subprocess.run(argv, capture_output=True, text=True, check=True, env=PROBE_ENVIRONMENT).stdout
        measured[contender.label] = json.loads(output)
    dict_rss = measured[DICT.label]["rss"]
    rows = []
    for label, probe in measured.items():
        rss = probe["rss"]
        ratio = rss / dict_rss if rss is not None and dict_rss else math.nan
        rows.append(MemoryRow(label, math.nan if rss is None else rss, probe["sizeof"], ratio))
    return rows


# --- the whole run ----------------------------------------------------------------------


def run(settings: Settings, progress: Callable[[str], None] = lambda message: None) -> Results:
    contenders = all_contenders()
    scenarios = build_scenarios(settings, contenders)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        rows = [row for scenario in scenarios for row in time_scenario(scenario, settings.repeat, progress)]
        progress("hash_func overhead")
        small_str = next(s for s in scenarios if s.id == "str-small")
        hash_func_rows = time_hash_func(small_str, settings.repeat)
    finally:
        if was_enabled:
            gc.enable()
    memory = measure_memory(contenders, settings.large, settings.seed, progress) if settings.memory else []
    return Results(settings, scenarios, rows, memory, hash_func_rows)


# --- command line -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 20k keys, 2 runs: a smoke test (~20 s)")
    parser.add_argument("--repeat", type=int, help="runs per timing, the fastest kept (default 5; 2 with --quick)")
    parser.add_argument("--output", type=Path, help="also write the Markdown section into FILE, between the markers")
    parser.add_argument("--command", help="the command line to record in the report")
    parser.add_argument("--memory-probe", metavar="TABLE", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=Settings.seed, help="seed of the random keys")
    args = parser.parse_args(argv)

    if args.memory_probe:
        print(json.dumps(memory_probe(args.memory_probe, args.n, args.seed)))
        return 0
    if args.repeat is not None and args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")
    settings = Settings(large=20_000, repeat=2, seed=args.seed) if args.quick else Settings(seed=args.seed)
    if args.repeat is not None:
        settings = dataclasses.replace(settings, repeat=args.repeat)

    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    results = run(settings, progress)
    contenders = [c for s in results.scenarios for c in s.contenders]
    command = args.command or shlex.join(["python", "scripts/bench_python.py", *(argv or sys.argv[1:])])
    section = bench_python_report.render(
        results,
        command,
        next(c.label for c in contenders if c.role == "default"),
        candidates_for_best(list({c.label: c for c in contenders}.values())),
        bool(strategy_recommendations()),
    )
    print(section)
    if args.output:
        markdown_block.write_into(args.output, section)
        progress(f"wrote the bench-python section of {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
