"""Reference counts return to baseline; cycles through a table are collected;
gc.get_referents(t) is exactly the hash_func, the keys, the values and the type."""

from __future__ import annotations

import collections
import gc
import sys
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hashtable import HashTable
from helpers_api import Opaque

MakeTable = Callable[..., HashTable]


def make_hash() -> Callable[[Any], int]:
    def f(key: Any) -> int:
        return hash(key)

    return f


def _objects(n: int, label: str) -> list[Opaque]:
    return [Opaque(f"{label}{i}") for i in range(n)]


class Counts:
    """sys.getrefcount of some objects, taken now, to compare with later."""

    def __init__(self, *objects: Any) -> None:
        self.objects = objects
        self.baseline: list[int] = []

    def mark(self) -> Counts:
        """Take the baseline (not in __init__: the call's own arguments hold references)."""
        self.baseline = self.now()
        return self

    def now(self) -> list[int]:
        return [sys.getrefcount(obj) for obj in self.objects]

    def unchanged(self) -> bool:
        return self.now() == self.baseline


# --- reference counts ---


def test_the_original_demo(strategy: str) -> None:
    f = make_hash()
    before = sys.getrefcount(f)

    def build() -> None:
        a = HashTable(hash_func=f, strategy=strategy)
        b = HashTable(hash_func=f, strategy=strategy)
        c = HashTable(hash_func=f, strategy=strategy)
        for i in range(10):
            a[i] = b[str(i)] = c[(i,)] = i
        assert sys.getrefcount(f) == before + 3

    build()
    assert sys.getrefcount(f) == before


def test_hash_func_released_by_every_path(make_table: MakeTable) -> None:
    f = make_hash()
    counts = Counts(f).mark()

    def exercise() -> None:
        t = make_table(hash_func=f)
        for i in range(50):
            t[i] = i
        assert t.hash_func is f
        t.stats()
        t.copy()
        repr(t)
        list(t.items())
        try:
            t["missing"]
        except KeyError:
            pass
        t.clear()

    exercise()
    assert counts.unchanged()


@pytest.mark.parametrize(
    "removal", ["pop", "del", "popitem", "clear", "replacement", "drop", "pop-default", "setdefault"]
)
def test_keys_and_values_released(make_hashed_table: MakeTable, removal: str) -> None:
    keys = _objects(30, "k")
    values = _objects(30, "v")
    replacements = _objects(30, "r")
    counts = Counts(*keys, *values, *replacements).mark()
    _fill_and_remove(make_hashed_table(), keys, values, replacements, removal)
    assert counts.unchanged()


def _fill_and_remove(
    t: HashTable, keys: list[Opaque], values: list[Opaque], replacements: list[Opaque], removal: str
) -> None:
    """In its own frame, so no loop variable outlives it."""
    counts = Counts(*keys, *values).mark()
    for key, value in zip(keys, values, strict=True):
        t[key] = value
    assert not counts.unchanged()
    if removal == "pop":
        for key in keys:
            t.pop(key)
    elif removal == "del":
        for key in keys:
            del t[key]
    elif removal == "popitem":
        while t:
            t.popitem()
    elif removal == "clear":
        t.clear()
    elif removal == "replacement":
        for key, replacement in zip(keys, replacements, strict=True):
            t[key] = replacement
        for key in keys:
            t[key] = None
        t.clear()
    elif removal == "drop":
        pass
    elif removal == "pop-default":
        for key, replacement in zip(keys, replacements, strict=True):
            assert t.pop(replacement, key) is key
            assert t.get(replacement, key) is key
        for key in keys:
            t.pop(key)
    elif removal == "setdefault":
        for key, replacement in zip(keys, replacements, strict=True):
            t.setdefault(key, replacement)  # existing: the default is not kept
        t.clear()
    if removal != "drop":
        assert len(t) == 0


def test_equal_key_object_not_kept_on_update(make_table: MakeTable) -> None:
    from keys import HashKey

    first = HashKey(1, "same")
    second = HashKey(1, "same")
    t = make_table({first: 1})
    counts = Counts(second).mark()
    t[second] = 2
    t.set(second, 3)
    t.setdefault(second, 4)
    t.update({second: 5})
    assert counts.unchanged()
    assert next(iter(t)) is first


def test_released_after_resizes(make_table: MakeTable) -> None:
    keys = _objects(200, "k")
    counts = Counts(*keys).mark()

    def exercise() -> None:
        t = make_table(size=1, min_load=0.1)
        for key in keys:
            t[key] = key
        for key in keys:
            del t[key]
        assert t.stats()["resizes"] > 6

    exercise()
    assert counts.unchanged()


def test_released_by_iterators_and_views(make_table: MakeTable) -> None:
    keys = _objects(20, "k")
    counts = Counts(*keys).mark()

    def exercise() -> None:
        t = make_table((k, k) for k in keys)
        list(t)
        list(t.values())
        list(t.items())
        partial = iter(t.items())
        next(partial)
        keys_view = t.keys()
        assert keys[0] in keys_view
        try:
            for key in t:
                del t[key]
        except RuntimeError:
            pass

    exercise()
    assert counts.unchanged()


def test_released_after_errors(make_table: MakeTable) -> None:
    key = Opaque("key")
    value = Opaque("value")
    counts = Counts(key, value).mark()
    t = make_table()
    for attempt in range(3):
        try:
            t[key]
        except KeyError:
            pass
        try:
            t.pop(key)
        except KeyError:
            pass
        try:
            t[[attempt]] = value  # unhashable
        except TypeError:
            pass
    assert counts.unchanged()

    def bad(k: Any) -> Any:
        return "not an int"

    bad_counts = Counts(key, value, bad).mark()
    u = make_table(hash_func=bad)
    try:
        u[key] = value
    except TypeError:
        pass
    del u
    assert bad_counts.unchanged()


# --- cycles ---


def _collected(build: Callable[[], HashTable]) -> bool:
    ref = weakref.ref(build())
    gc.collect()
    return ref() is None


def test_self_containing_table_is_collected(make_table: MakeTable) -> None:
    def build() -> HashTable:
        t = make_table()
        t["self"] = t
        t["list"] = [t]
        return t

    assert _collected(build)


def test_closure_hash_func_cycle_is_collected(make_table: MakeTable) -> None:
    def build() -> HashTable:
        t: HashTable

        def h(key: Any) -> int:
            return hash(key) + 0 * len(t)

        t = make_table(hash_func=h)
        t["a"] = 1
        assert t["a"] == 1
        return t

    assert _collected(build)


def test_bound_method_hash_func_cycle_is_collected(make_table: MakeTable) -> None:
    class Owner:
        def __init__(self) -> None:
            self.table = make_table(hash_func=self.hash_key)

        def hash_key(self, key: Any) -> int:
            return hash(key)

    def build() -> HashTable:
        owner = Owner()
        owner.table["x"] = owner
        return owner.table

    assert _collected(build)


def test_key_referring_to_table_is_collected(make_table: MakeTable) -> None:
    class Holder:
        def __init__(self, table: HashTable) -> None:
            self.table = table

    def build() -> HashTable:
        t = make_table()
        t[Holder(t)] = "value"
        return t

    assert _collected(build)


def test_iterator_cycle_is_collected(make_table: MakeTable) -> None:
    def build() -> HashTable:
        t = make_table({"a": 1})
        t["it"] = iter(t)
        return t

    assert _collected(build)


def test_mutual_cycle_is_collected(make_table: MakeTable) -> None:
    def build() -> HashTable:
        a, b = make_table(), make_table()
        a["b"] = b
        b["a"] = a
        return a

    assert _collected(build)


def test_tables_are_gc_tracked(make_table: MakeTable) -> None:
    assert gc.is_tracked(make_table())


# --- gc.get_referents ---


def _ids(objects: Any) -> collections.Counter[int]:
    return collections.Counter(id(obj) for obj in objects)


def test_referents_are_exactly_contents(make_hashed_table: MakeTable) -> None:
    keys: list[Any] = _objects(25, "k") + [1, "shared", (2, 3)]
    values: list[Any] = _objects(25, "v") + [1, "shared", None]
    t = make_hashed_table()
    for key, value in zip(keys, values, strict=True):
        t[key] = value
    expected = list(keys) + list(values) + [type(t)]
    if callable(t.hash_func) and t.hash_func is not hash:
        expected.append(t.hash_func)
    assert _ids(gc.get_referents(t)) == _ids(expected)


def test_referents_of_empty_table(make_table: MakeTable) -> None:
    assert _ids(gc.get_referents(make_table())) == _ids([HashTable])
    f = make_hash()
    assert _ids(gc.get_referents(make_table(hash_func=f))) == _ids([HashTable, f])


def test_referents_follow_removals(make_table: MakeTable) -> None:
    keys = _objects(10, "k")
    t = make_table((k, k) for k in keys)
    for key in keys[:7]:
        del t[key]
    assert _ids(gc.get_referents(t)) == _ids(keys[7:] * 2 + [HashTable])
    t.clear()
    assert _ids(gc.get_referents(t)) == _ids([HashTable])


def test_referents_of_subclass_instance(make_table: MakeTable) -> None:
    class Sub(HashTable):
        pass

    f = make_hash()
    s = Sub(hash_func=f, strategy=make_table().strategy)
    key, value, attribute = Opaque("k"), Opaque("v"), Opaque("attr")
    s[key] = value
    s.attribute = attribute  # type: ignore[attr-defined]
    referents = gc.get_referents(s)
    assert _ids(referents) - _ids([attribute, s.__dict__]) == _ids([Sub, f, key, value])
    assert sum(1 for obj in referents if obj is Sub) == 1


def test_referents_visit_each_item_once(make_table: MakeTable) -> None:
    items: Iterator[tuple[int, int]] = ((i, -i) for i in range(1000, 1300))
    t = make_table(items)
    referents = gc.get_referents(t)
    assert len(referents) == 2 * len(t) + 1
