"""Helpers shared by the API test modules: what each strategy promises about
sizes and order, a model of the resize policy, and an instrumented hash_func."""

from __future__ import annotations

import math
from typing import Any

import hashtable

INFO = hashtable.STRATEGY_INFO
# Strategies whose slot count is always a power of two, whatever size is asked for.
POW2_STRATEGIES = frozenset(name for name, info in INFO.items() if info["sizes"].startswith("a power of two"))
# Strategies that iterate in insertion order rather than bucket order.
INSERTION_ORDER_STRATEGIES = frozenset(name for name, info in INFO.items() if info["insertion_ordered"])
# Strategies that keep at most one item per slot, so max_load must stay below 1.
OPEN_ADDRESSING = frozenset(name for name, info in INFO.items() if info["open_addressing"])
# Strategies whose iteration order is the home-bucket order when nothing collides.
BUCKET_ORDER_STRATEGIES = frozenset(hashtable.STRATEGIES) - INSERTION_ORDER_STRATEGIES


# The fewest slots each strategy uses, as the registry reports it.
MIN_SLOTS = {name: info["min_size"] for name, info in INFO.items()}


def next_pow2(n: int) -> int:
    return 1 << max(n - 1, 0).bit_length()


def usable_size(strategy: str, index: str, requested: int) -> int:
    """The bucket count a table really uses when `requested` buckets are asked for."""
    requested = max(requested, MIN_SLOTS.get(strategy, 1))
    if strategy in POW2_STRATEGIES or index == "mask":
        return next_pow2(requested)
    return requested


def model_sizes(
    inserts: int,
    *,
    strategy: str,
    size: int = 4,
    max_load: float = 0.5,
    growth: float = 2.0,
    index: str = "fibonacci",
) -> list[int]:
    """Bucket count after each of `inserts` inserts of new keys (index 0: before any).

    The policy: just before an insert of a new key would make (load + 1) / size
    exceed max_load, grow by `growth` (repeatedly, if once is not enough).
    """
    current = usable_size(strategy, index, size)
    sizes = [current]
    for load in range(inserts):
        target = current
        while load + 1 > max_load * target:
            target = max(usable_size(strategy, index, math.ceil(target * growth)), target + 1)
        current = target
        sizes.append(current)
    return sizes


def stars(picture: str) -> int:
    """Items drawn in a picture: one `*` per item in every line."""
    return picture.count("*")


class CountingHash:
    """A Python-level hash_func that counts its calls (picklable: module-level class)."""

    def __init__(self, modulus: int | None = None) -> None:
        self.calls = 0
        self.modulus = modulus

    def __call__(self, key: Any) -> int:
        self.calls += 1
        value = hash(key)
        return value if self.modulus is None else value % self.modulus

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CountingHash) and other.modulus == self.modulus

    def __hash__(self) -> int:
        return hash(self.modulus)


class Opaque:
    """A key type with identity equality and a default hash (a plain custom object)."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __repr__(self) -> str:
        return f"Opaque({self.label!r})"


def identity_hash(key: int) -> int:
    """Places int key k in bucket k % size under index="mod" (picklable)."""
    return key
