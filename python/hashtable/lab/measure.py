"""Timing one configuration from Python: the four operations, several runs, gc off.

Both the HashTable and the dict baseline go through the same loops, written with
the mapping syntax (`t[k] = v`, `t[k]`, `k in t`, `del t[k]`), so the interpreter
does the same work around each call and the difference is the table's own cost.
Each run's time is its total divided by the number of keys: ns per operation,
Python loop included, for both sides alike. (native.py times the structure alone.)
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import hashtable

from .equality import table_kwargs
from .hashes import HashChoice, short_repr
from .noise import MIN_RUNS
from .workloads import Workload


class Table(Protocol):
    """What the timing loops need: the mapping syntax, which dict and HashTable share."""

    def __setitem__(self, key: Any, value: Any, /) -> None: ...
    def __getitem__(self, key: Any, /) -> Any: ...
    def __delitem__(self, key: Any, /) -> None: ...
    def __contains__(self, key: Any, /) -> bool: ...
    def __len__(self) -> int: ...


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
    semantics: str = ""  # key= or eq= (equality.py), "" for Python's own ==

    def label(self) -> str:
        semantics = f" {self.semantics}" if self.semantics else ""
        return (
            f"workload={self.workload} n={self.n} hash={self.hash} strategy={self.strategy}{semantics} "
            f"index={self.index} max_load={self.max_load:g} size={self.size}"
        )


OPERATIONS: tuple[str, ...] = ("insert", "lookup_hit", "lookup_miss", "delete")


@dataclass
class Timing:
    """ns per operation in every run, plus the table's shape after the inserts."""

    runs: int
    samples: dict[str, list[float]]  # operation -> ns per operation, one per run
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


class Measurer:
    """Runs one table (or dict) maker through the four loops, keeping every run's times.

    Each `run()` fills, looks up, misses and empties a fresh table, with gc
    collected before and disabled during it; the first run also records the
    table's memory and shape (`stats`). The runner interleaves the runs of all
    configurations, so a burst of load from elsewhere on the machine spoils at
    most one run of each instead of every run of one.
    """

    def __init__(
        self,
        factory: Callable[[], Table],
        workload: Workload,
        stats: Callable[[Table], dict[str, Any]] | None = None,
    ) -> None:
        self.factory = factory
        self.workload = workload
        self.stats = stats
        self.samples: dict[str, list[float]] = {operation: [] for operation in OPERATIONS}
        self.runs = 0
        self.seconds = 0.0
        self.memory = 0
        self.shape: dict[str, Any] = {}

    def run(self) -> None:
        """One timed run; raises OperationFailed if an operation raises or misbehaves."""
        keys, missing = self.workload.keys, self.workload.missing
        lookups = self.workload.lookup_keys
        began = time.perf_counter()
        gc_was_enabled = gc.isenabled()
        gc.collect()
        gc.disable()
        try:
            table = self.factory()
            totals = [
                _time_insert(table, keys),
                _time_lookup_hit(table, lookups),
                _time_lookup_miss(table, missing),
            ]
            if self.runs == 0:
                self.memory = sys.getsizeof(table)
                self.shape = self.stats(table) if self.stats is not None else {}
            totals.append(_time_delete(table, lookups))
        finally:
            if gc_was_enabled:
                gc.enable()
        counts = (len(keys), len(keys), len(missing), len(keys))
        for operation, total, count in zip(OPERATIONS, totals, counts, strict=True):
            self.samples[operation].append(total / count)
        self.runs += 1
        self.seconds += time.perf_counter() - began

    def timing(self) -> Timing:
        return Timing(self.runs, self.samples, self.memory, self.shape)


def time_mapping(
    factory: Callable[[], Table],
    workload: Workload,
    repeat: int,
    budget_s: float,
    stats: Callable[[Table], dict[str, Any]] | None = None,
) -> Timing:
    """Up to `repeat` back-to-back runs on fresh `factory()` tables.

    Runs stop early (never before MIN_RUNS, which a spread needs) once they have
    taken `budget_s` seconds in all, so a pathological configuration cannot eat
    the whole run; `Timing.runs` says how many ran.
    """
    measurer = Measurer(factory, workload, stats)
    while measurer.runs < repeat and (measurer.runs < MIN_RUNS or measurer.seconds <= budget_s):
        measurer.run()
    return measurer.timing()


def table_factory(config: Config, choice: HashChoice) -> Callable[[], Table]:
    """A maker of empty tables for `config`; raises ValueError/TypeError if it is invalid."""

    def make() -> Table:
        # A user's function may return anything: the lab checks, the type cannot.
        hash_func = cast("Callable[[Any], int] | hashtable.HashFuncName | None", choice.hash_func)
        table: hashtable.HashTable[Any, Any] = hashtable.HashTable(
            size=config.size,
            max_load=config.max_load,
            hash_func=hash_func,
            strategy=cast("hashtable.StrategyName", config.strategy),
            index=cast("hashtable.IndexName", config.index),
            **table_kwargs(config.semantics),
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


def table_measurer(config: Config, choice: HashChoice, workload: Workload) -> Measurer:
    """A Measurer for one HashTable configuration; raises ValueError/TypeError if invalid."""
    return Measurer(table_factory(config, choice), workload, table_stats)


def dict_measurer(workload: Workload) -> Measurer:
    """The same operations on a plain dict."""
    return Measurer(dict, workload)
