"""Timing one configuration: the four operations, best of several runs, gc off.

Both the HashTable and the dict baseline go through the same loops, written with
the mapping syntax (`t[k] = v`, `t[k]`, `k in t`, `del t[k]`), so the interpreter
does the same work around each call and the difference is the table's own cost.
Each reported time is the fastest run's total divided by the number of keys:
ns per operation, Python loop included, for both sides alike.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Hashable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import hashtable

from .hashes import HashChoice, short_repr
from .workloads import Workload

Table = MutableMapping[Hashable, object]


@dataclass(frozen=True)
class Config:
    """One HashTable configuration on one workload."""

    workload: str
    n: int
    hash: str
    strategy: str
    index: str
    max_load: float
    size: int

    def label(self) -> str:
        return (
            f"workload={self.workload} n={self.n} hash={self.hash} strategy={self.strategy} "
            f"index={self.index} max_load={self.max_load:g} size={self.size}"
        )


@dataclass
class Timing:
    """Best-of-runs ns per operation, plus the table's shape after the inserts."""

    runs: int
    insert_ns: float
    lookup_hit_ns: float
    lookup_miss_ns: float
    delete_ns: float
    memory_bytes: int
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Failure:
    """A configuration that could not be measured, and why."""

    config: Config
    error: str
    key: str | None = None  # repr of the key it failed on, when one is known

    def message(self) -> str:
        where = f" on key {self.key}" if self.key is not None else ""
        return f"{self.config.label()}: {self.error}{where}"


class OperationFailed(Exception):
    """An operation raised (or gave a wrong answer) part-way through a timed loop."""

    def __init__(self, operation: str, error: str, key: object = None, has_key: bool = False):
        super().__init__(f"{operation}: {error}")
        self.operation = operation
        self.error = error
        self.key = short_repr(key) if has_key else None


_NO_KEY = object()


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def _fail(operation: str, key: object, exc: BaseException) -> OperationFailed:
    return OperationFailed(operation, f"raised {_describe(exc)}", key, key is not _NO_KEY)


def _time_insert(table: Table, keys: Sequence[Hashable]) -> int:
    key: object = _NO_KEY
    try:
        start = time.perf_counter_ns()
        for key in keys:
            table[key] = True
        elapsed = time.perf_counter_ns() - start
    except Exception as exc:
        raise _fail("insert", key, exc) from exc
    if len(table) != len(keys):
        raise OperationFailed("insert", f"len() is {len(table)} after {len(keys)} distinct keys")
    return elapsed


def _time_lookup_hit(table: Table, keys: Sequence[Hashable]) -> int:
    key: object = _NO_KEY
    try:
        start = time.perf_counter_ns()
        for key in keys:
            table[key]  # noqa: B018 - the lookup is what is timed
        return time.perf_counter_ns() - start
    except Exception as exc:
        raise _fail("lookup", key, exc) from exc


def _time_lookup_miss(table: Table, missing: Sequence[Hashable]) -> int:
    key: object = _NO_KEY
    try:
        start = time.perf_counter_ns()
        for key in missing:
            if key in table:
                break
        else:
            return time.perf_counter_ns() - start
    except Exception as exc:
        raise _fail("failed lookup", key, exc) from exc
    raise OperationFailed("failed lookup", "`in` found a key never inserted", key, True)


def _time_delete(table: Table, keys: Sequence[Hashable]) -> int:
    key: object = _NO_KEY
    try:
        start = time.perf_counter_ns()
        for key in keys:
            del table[key]
        elapsed = time.perf_counter_ns() - start
    except Exception as exc:
        raise _fail("delete", key, exc) from exc
    if len(table) != 0:
        raise OperationFailed("delete", f"len() is {len(table)} after deleting every key")
    return elapsed


def time_mapping(
    factory: Callable[[], Table],
    workload: Workload,
    repeat: int,
    budget_s: float,
    stats: Callable[[Table], dict[str, Any]] | None = None,
) -> Timing:
    """Fill, look up, miss and empty a fresh `factory()` table, best of `repeat` runs.

    Runs stop early (never before the first) once they have taken `budget_s`
    seconds in all, so a pathological configuration cannot eat the whole run;
    `Timing.runs` says how many ran. gc is off while timing and collected between runs.
    """
    keys, missing = workload.keys, workload.missing
    best = [float("inf")] * 4
    memory = 0
    shape: dict[str, Any] = {}
    runs = 0
    began = time.perf_counter()
    gc_was_enabled = gc.isenabled()
    try:
        for run in range(repeat):
            gc.collect()
            gc.disable()
            table = factory()
            totals = (
                _time_insert(table, keys),
                _time_lookup_hit(table, keys),
                _time_lookup_miss(table, missing),
            )
            if run == 0:
                memory = sys.getsizeof(table)
                shape = stats(table) if stats is not None else {}
            totals += (_time_delete(table, keys),)
            if gc_was_enabled:
                gc.enable()
            counts = (len(keys), len(keys), len(missing), len(keys))
            best = [min(b, t / c) for b, t, c in zip(best, totals, counts, strict=True)]
            runs += 1
            if time.perf_counter() - began > budget_s:
                break
    finally:
        if gc_was_enabled:
            gc.enable()
    return Timing(runs, best[0], best[1], best[2], best[3], memory, shape)


def table_factory(config: Config, choice: HashChoice) -> Callable[[], Table]:
    """A maker of empty tables for `config`; raises ValueError/TypeError if it is invalid."""

    def make() -> Table:
        table: Table = hashtable.HashTable(
            size=config.size,
            max_load=config.max_load,
            hash_func=choice.hash_func,
            strategy=config.strategy,
            index=config.index,
        )
        return table

    make()  # fail here, before any timing, on a configuration the table rejects
    return make


def table_stats(table: Table) -> dict[str, Any]:
    """The parts of `t.stats()` the lab reports."""
    raw: dict[str, Any] = table.stats()  # type: ignore[attr-defined]
    size = int(raw["size"])
    return {
        "resizes": raw["resizes"],
        "hash_calls": raw["hash_calls"],
        "comparisons": raw["comparisons"],
        "final_size": size,
        "load_factor": raw["load_factor"],
        "longest_chain": raw["longest_chain"],
        "mean_probe": raw["mean_probe"],
        "empty_bucket_share": raw["empty_buckets"] / size if size else 0.0,
        "chi_squared_p": raw["chi_squared_p"],
        "histogram": {int(k): int(v) for k, v in raw["histogram"].items()},
    }


def measure_table(config: Config, choice: HashChoice, workload: Workload, repeat: int, budget_s: float) -> Timing:
    """Time one HashTable configuration; raises OperationFailed or ValueError/TypeError."""
    return time_mapping(table_factory(config, choice), workload, repeat, budget_s, table_stats)


def measure_dict(workload: Workload, repeat: int, budget_s: float) -> Timing:
    """The same operations on a plain dict."""
    return time_mapping(dict, workload, repeat, budget_s)
