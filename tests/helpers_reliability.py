"""Helpers for the reliability suite: comparing a HashTable with a dict,
degenerate and raising hash functions, counting references.

Everything here is importable both from pytest (tests/ is on sys.path) and from
tests/soak.py (run as a script, so tests/ is sys.path[0]).
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import hashtable
from keys import HashError, HashKey, constant_hash, low_bits_hash, python_level_hash

STRATEGIES: tuple[str, ...] = tuple(hashtable.STRATEGIES)
INDEXES: tuple[str, ...] = tuple(hashtable.INDEXES)

# One NaN object shared by every test: found by identity, like dict.
SHARED_NAN = float("nan")


def _is_open_addressing(strategy: str) -> bool:
    """Open-addressing strategies hold one item per slot, so they refuse max_load >= 1."""
    try:
        hashtable.HashTable(strategy=strategy, max_load=2.0)
    except ValueError:
        return True
    return False


OPEN_ADDRESSING: frozenset[str] = frozenset(s for s in STRATEGIES if _is_open_addressing(s))


def raising_hash(key: object) -> int:
    """Python's hash, except that it raises HashError for str keys starting with '!'."""
    if isinstance(key, str) and key.startswith("!"):
        raise HashError(f"hash_func refuses {key!r}")
    return hash(key)


def hash_func_raises(hash_func: Any, key: object) -> bool:
    """Whether the table's hash function raises for `key` (the model's view)."""
    return hash_func is raising_hash and isinstance(key, str) and key.startswith("!")


# The hash functions the differential tests run with: the builtin, the same
# through Python code, two degenerate ones, one that raises on some keys, and
# every named native hash the extension offers.
HASH_FUNCS: tuple[Any, ...] = (
    None,
    python_level_hash,
    low_bits_hash,
    constant_hash,
    raising_hash,
) + tuple(name for name in getattr(hashtable, "HASH_FUNCTIONS", ()) if name != "python")


def hash_id(value: Any) -> str:
    return value if isinstance(value, str) else getattr(value, "__name__", "builtin")


def canonical(obj: object) -> tuple[Any, ...]:
    """A comparable stand-in for a key or value that survives pickling (NaN included)."""
    if isinstance(obj, float):
        if math.isnan(obj):
            return ("nan",)
        return ("float", obj.hex())
    if isinstance(obj, bool):
        return ("bool", obj)
    if isinstance(obj, int):
        return ("int", obj)
    if isinstance(obj, str):
        return ("str", obj)
    if isinstance(obj, tuple):
        return ("tuple",) + tuple(canonical(item) for item in obj)
    if isinstance(obj, HashKey):
        return ("HashKey", obj.hash_value, obj.name)
    if obj is None:
        return ("none",)
    return ("other", type(obj).__qualname__, repr(obj))


def canonical_items(items: Iterable[tuple[object, object]]) -> Counter[tuple[Any, Any]]:
    return Counter((canonical(key), canonical(value)) for key, value in items)


def iterated_items(table: hashtable.HashTable) -> list[tuple[Any, Any]]:
    """The table's items as iteration yields them, checked for internal consistency:
    keys, values and items iteration agree, no key object twice, len matches."""
    items = list(table.items())
    keys = list(table)
    values = list(table.values())
    assert len(items) == len(keys) == len(values) == len(table), (
        f"len(t)={len(table)} but iteration yields {len(keys)} keys, {len(values)} values, {len(items)} items"
    )
    # Keys, values and items iterate in the same (strategy's) order.
    assert [id(k) for k, _ in items] == [id(k) for k in keys]
    assert [id(v) for _, v in items] == [id(v) for v in values]
    assert len({id(k) for k in keys}) == len(keys), "a key object is yielded twice"
    return items


def assert_matches_dict(table: hashtable.HashTable, model: dict[Any, Any]) -> None:
    """The table holds exactly the model's key objects, each with the model's value object."""
    items = iterated_items(table)
    assert len(table) == len(model), f"len(t)={len(table)} != len(d)={len(model)}"
    by_id = {id(key): (key, value) for key, value in model.items()}
    for key, value in items:
        assert id(key) in by_id, f"table holds {key!r}, which the dict does not"
        _, expected = by_id[id(key)]
        assert value is expected, f"t[{key!r}] is {value!r}, dict has {expected!r}"
    assert len(table.keys()) == len(table.values()) == len(table.items()) == len(model)
    assert table.keys() == model.keys()
    assert table.items() == model.items()
    assert sorted(map(id, table.values())) == sorted(map(id, model.values()))
    assert table == model
    assert not (table != model)
    assert table.load == len(model)


def assert_consistent(table: hashtable.HashTable) -> list[tuple[Any, Any]]:
    """len(t) equals what iteration yields, and every yielded key is found again."""
    items = iterated_items(table)
    for key, _ in items:
        assert key in table  # NaN keys too: the very object is found by identity
    return items


def refcounts(*objects: object) -> list[int]:
    """sys.getrefcount of each object, minus nothing: compare two calls, never absolutes."""
    return [sys.getrefcount(obj) for obj in objects]


class Tracked:
    """A value or key whose __del__ calls `on_del`: lets a test act when it is freed."""

    def __init__(self, name: str, on_del: Callable[[], object] | None = None) -> None:
        self.name = name
        self.on_del = on_del

    def __del__(self) -> None:
        if self.on_del is not None:
            hook, self.on_del = self.on_del, None
            hook()

    def __repr__(self) -> str:
        return f"Tracked({self.name!r})"


class EqHookKey:
    """Equal to another EqHookKey of the same name; hash chosen (collide on purpose).

    While `hook` is set, every `__eq__` call on this key runs it first (a table
    lookup calls the stored key's `__eq__`), `times` times at most.
    """

    def __init__(
        self,
        hash_value: int,
        name: str,
        hook: Callable[[], object] | None = None,
        times: int = 1,
    ) -> None:
        self.hash_value = hash_value
        self.name = name
        self.hook = hook
        self.times = times
        self.eq_calls = 0

    def __hash__(self) -> int:
        return self.hash_value

    def __eq__(self, other: object) -> bool:
        self.eq_calls += 1
        if self.hook is not None and self.times > 0:
            self.times -= 1
            self.hook()
        if not isinstance(other, EqHookKey):
            return NotImplemented
        return self.name == other.name

    def __repr__(self) -> str:
        return f"EqHookKey({self.hash_value}, {self.name!r})"
