"""The native view: the same keys and configurations, timed without Python in the loop.

Each workload's keys are hashed once, in advance, exactly as a table with that
hash function would hash them (`_hash_keys`). `_time_table` then runs insert,
hit, miss and delete in Rust loops over the core table, each key standing for
itself by its position, so the hash function's collisions are all still there
and only the strategy's own work is timed. `dict` has no native view: its C
code cannot be reached without the interpreter, so it stays the Python-side
baseline.

`_time_hash` times the hash functions themselves, per key: from the Python
object (for a named native hash that includes converting the key to its
canonical bytes; for a Python function, the call) and, for named native hashes,
on the canonical bytes alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, cast

from hashtable import _hashtable

from .hashes import HashChoice
from .measure import OPERATIONS, Config, OperationFailed
from .workloads import Workload

HashFunc = Any  # what HashTable(hash_func=...) accepts; the lab's choices are checked elsewhere


class KeyHashes:
    """Each (hash, workload, n)'s key hashes, computed once for all strategies."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, int], tuple[list[int], list[int]]] = {}

    def of(self, choice: HashChoice, workload: Workload) -> tuple[list[int], list[int]]:
        slot = (choice.name, workload.name, workload.n)
        if slot not in self._seen:
            # One call for both lists: a keyed hash (siphash13) draws its key per call.
            everything = _hashtable._hash_keys([*workload.keys, *workload.missing], _func(choice))
            self._seen[slot] = everything[: workload.n], everything[workload.n :]
        return self._seen[slot]


def _func(choice: HashChoice) -> HashFunc:
    return cast(HashFunc, choice.hash_func)


@dataclass
class Probes:
    """Mean entries or slots visited per lookup in the filled table, and the textbook's;
    the share of hits found at the first one visited."""

    hit: float
    hit_se: float
    hit_first: float
    miss: float
    miss_se: float
    expected_hit: float
    expected_miss: float
    load_factor: float
    heap_bytes: int


@dataclass
class NativeMeasurer:
    """Times one configuration in Rust, one run per `run()` so the runner can interleave."""

    config: Config
    hashes: list[int]
    missing: list[int]
    samples: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})
    runs: int = 0
    seconds: float = 0.0
    probes: Probes | None = None

    def run(self) -> None:
        began = time.perf_counter()
        try:
            result: dict[str, Any] = _hashtable._time_table(
                self.hashes,
                self.missing,
                strategy=self.config.strategy,
                index=self.config.index,
                max_load=self.config.max_load,
                size=self.config.size,
                runs=1,
            )
        except (RuntimeError, ValueError, OverflowError) as exc:
            raise OperationFailed("native timing", f"raised {type(exc).__name__}: {exc}") from exc
        for operation in OPERATIONS:
            self.samples[operation].extend(result[f"{operation}_ns"])
        if self.probes is None:
            self.probes = Probes(
                result["probe_hit"],
                result["probe_hit_se"],
                result["probe_hit_first"],
                result["probe_miss"],
                result["probe_miss_se"],
                result["expected_probe_hit"],
                result["expected_probe_miss"],
                result["load_factor"],
                result["heap_bytes"],
            )
        self.runs += 1
        self.seconds += time.perf_counter() - began


@dataclass
class HashCostMeasurer:
    """Times one hash function on one workload's keys, one run per `run()`."""

    choice: HashChoice
    workload: Workload
    from_object: list[float] = field(default_factory=list)
    canonical: list[float] = field(default_factory=list)
    runs: int = 0
    seconds: float = 0.0

    def run(self) -> None:
        began = time.perf_counter()
        try:
            result = _hashtable._time_hash(list(self.workload.keys), _func(self.choice), runs=1)
        except Exception as exc:  # a user's hash function may raise anything
            raise OperationFailed("hash timing", f"raised {type(exc).__name__}: {exc}") from exc
        self.from_object.extend(result["from_object_ns"] or [])
        self.canonical.extend(result["canonical_ns"] or [])
        self.runs += 1
        self.seconds += time.perf_counter() - began
