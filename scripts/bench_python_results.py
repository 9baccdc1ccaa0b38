"""What `make bench-python` measures, as data: the settings, the mapping types under test,
the scenarios and the timed rows. `bench_python.py` measures and fills them in;
`bench_python_report.py` renders them. Standard library only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

# The timed operations, in the order of the tables.
OPERATIONS = ("get", "in", "set", "delete", "update", "construct")
ALL_OPERATIONS = frozenset(OPERATIONS)


@dataclasses.dataclass(frozen=True)
class Settings:
    small: int = 1_000
    large: int = 1_000_000
    repeat: int = 5
    memory: bool = True
    seed: int = 2024


@dataclasses.dataclass(frozen=True)
class Contender:
    """One mapping type under test, built by `make()` or `make(pairs)`."""

    label: str
    make: Callable[..., Any]
    operations: frozenset[str] = ALL_OPERATIONS
    key_kinds: frozenset[str] = frozenset({"str", "int"})
    role: str = "other"  # "baseline", "default" (HashTable()), "strategy", "recommended" or "other"
    strategy: str | None = None
    hashtable_kwargs: Mapping[str, Any] | None = None


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One key set, timed for its baseline and every contender that takes its keys."""

    id: str
    title: str
    keys: list[Any]
    lookups: list[Any]  # the keys as lookups give them, shuffled: the same objects, or other spellings
    baseline: Contender
    contenders: list[Contender]

    @property
    def pairs(self) -> list[tuple[Any, Any]]:
        return [(key, key) for key in self.keys]


@dataclasses.dataclass(frozen=True)
class Row:
    scenario: str
    table: str
    operation: str
    ns: float  # best time per operation
    ratio: float  # ns / the baseline's ns in the same scenario


@dataclasses.dataclass(frozen=True)
class HashFuncRow:
    table: str
    default_ns: float  # t[k] with the default hash
    custom_ns: float  # t[k] with hash_func=lambda k: hash(k)
    floor_ns: float  # vectorcall of the lambda + hash of its result, less hash(k)

    @property
    def above_floor_ns(self) -> float:
        return self.custom_ns - self.default_ns - self.floor_ns


@dataclasses.dataclass(frozen=True)
class MemoryRow:
    table: str
    rss_bytes_per_entry: float
    sizeof_bytes_per_entry: float
    ratio: float  # RSS bytes per entry / dict's


@dataclasses.dataclass
class Results:
    settings: Settings
    scenarios: list[Scenario]
    rows: list[Row]
    memory: list[MemoryRow]
    hash_func: list[HashFuncRow]

    def ratio(self, scenario: str, table: str, operation: str) -> float | None:
        for row in self.rows:
            if (row.scenario, row.table, row.operation) == (scenario, table, operation):
                return row.ratio
        return None
