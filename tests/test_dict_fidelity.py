"""dict's answers where HashTable used to differ: hostile hash results, storage
swapped under a live lookup or iterator, views under trace hooks, and the
behaviours CPython's own test_dict checks.

Each test runs the same scenario on a dict where dict's answer is the point.
"""

from __future__ import annotations

import copy
import logging
import pickle
import sys
import types
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hashtable import HashTable
from keys import HashKey

MakeTable = Callable[..., HashTable]


# --- 8. a hash_func returning an int subclass: its value, never its __hash__ ---


class LoudInt(int):
    hash_calls = 0

    def __hash__(self) -> int:
        LoudInt.hash_calls += 1
        return 12345


def test_int_subclass_from_hash_func_is_used_by_value(make_table: MakeTable) -> None:
    t = make_table(hash_func=lambda k: LoudInt(len(k)))
    LoudInt.hash_calls = 0
    t["ab"] = 1
    t["cd"] = 2
    assert "ab" in t and t["cd"] == 2 and "xyz" not in t
    assert LoudInt.hash_calls == 0
    by_value = make_table(hash_func=len)
    by_value["ab"] = 1
    by_value["cd"] = 2
    assert t.picture() == by_value.picture(), "the same buckets as the plain int hash"


# --- 9. storage swapped under a suspended lookup or a live iterator ---


class Reuse(HashTable):
    """A subclass whose `__new__` hands out one existing table."""

    existing: HashTable | None = None

    def __new__(cls, *args: Any, **kwargs: Any) -> Reuse:
        if cls.existing is not None:
            return cls.existing  # type: ignore[return-value]
        return super().__new__(cls, *args, **kwargs)


def test_a_lookup_suspended_in_eq_never_writes_into_swapped_storage(make_table: MakeTable, strategy: str) -> None:
    Reuse.existing = None
    victim = Reuse(strategy=strategy)
    Reuse.existing = victim
    for name in "xyz":
        victim[name] = name
    source = Reuse(strategy=strategy)  # the same object
    assert source is victim

    def swap() -> None:
        copy.copy(victim)  # rebuilds into `victim` itself, fresh storage

    trigger = HashKey(hash(0), "k0", eq_hook=swap)
    victim[HashKey(hash(0), "k0")] = "OLD"
    try:
        victim[trigger] = "NEW"
    except RuntimeError:
        pass
    values = {k: v for k, v in victim.items() if isinstance(k, str)}
    assert values == {"x": "x", "y": "y", "z": "z"}
    Reuse.existing = None


def test_an_iterator_never_continues_over_swapped_storage(strategy: str) -> None:
    # `copy.copy` swaps its copied storage into the table `__new__` returns when
    # that table is empty and hashes as the source does: a live iterator over it
    # must notice.
    Reuse.existing = None
    source = Reuse({i: i for i in range(20)}, strategy=strategy)
    victim = Reuse(strategy=strategy)
    Reuse.existing = victim
    iterator = iter(victim)
    assert copy.copy(source) is victim
    assert dict(victim) == dict(source)
    with pytest.raises(RuntimeError, match="changed during iteration"):
        list(iterator)
    Reuse.existing = None


def _refuses_x(key: object) -> int:
    if key == "x":
        raise ValueError("no hash for x")
    return hash(key)


@pytest.mark.parametrize("source", ["dict", "pairs"])
def test_a_bulk_load_that_fails_at_its_first_key_leaves_iterators_running(strategy: str, source: str) -> None:
    # As dict: an update that raises before it stores anything changes
    # nothing, so an iterator over the (empty) table ends normally. The table
    # grows ahead of the load into an empty table; that growth alone is no
    # change an iterator must see.
    table = HashTable(strategy=strategy, hash_func=_refuses_x)
    iterator = iter(table)
    items = {"x": 0, **{i: i for i in range(40)}}
    with pytest.raises(ValueError, match="no hash for x"):
        table.update(items if source == "dict" else list(items.items()))
    assert len(table) == 0
    assert list(iterator) == []
    # A load that stores keys is a change, as ever.
    iterator = iter(table)
    table.update({1: 1})
    with pytest.raises(RuntimeError, match="changed during iteration"):
        next(iterator)


def test_copying_a_table_into_itself_changes_nothing(strategy: str) -> None:
    # As dict: copy.copy(d) of a subclass whose __new__ returns d itself sets
    # d's items on d, which leaves it as it was.
    Reuse.existing = None
    victim = Reuse({i: i for i in range(20)}, strategy=strategy)
    Reuse.existing = victim
    iterator = iter(victim)
    first = next(iterator)
    assert copy.copy(victim) is victim
    assert [first, *iterator] == list(victim) and dict(victim) == {i: i for i in range(20)}
    Reuse.existing = None


def test_generation_moves_on_every_storage_swap(make_table: MakeTable) -> None:
    t = make_table({1: 1})
    for replace in (lambda: t.__setstate__({"size": 64}), t.clear, lambda: t.__init__({2: 2})):
        iterator = iter(t)
        replace()
        with pytest.raises(RuntimeError):
            list(iterator)


# --- 10-12. views: one native pass, dict's answers for odd operands and under hooks ---


def test_values_membership_survives_a_removal_during_the_check(make_table: MakeTable) -> None:
    t = make_table({i: HashKey(1, f"v{i}") for i in range(5)})
    probe = HashKey(1, "absent", eq_hook=lambda: t.pop(3))
    assert (probe in t.values()) is False
    d = {i: HashKey(1, f"v{i}") for i in range(5)}
    probe = HashKey(1, "absent", eq_hook=lambda: d.pop(3))
    assert (probe in d.values()) is False


@pytest.mark.parametrize("item", [5, (1,), (1, 2, 3), "ab", None, [1, "b"], (["unhashable"], 1)[1:]])
def test_items_membership_of_non_pairs_is_false(make_table: MakeTable, item: object) -> None:
    t = make_table({"a": "b", 1: 2})
    d = {"a": "b", 1: 2}
    assert (item in t.items()) is (item in d.items()) is False


def test_items_membership_of_pairs(make_table: MakeTable) -> None:
    t = make_table({"a": "b", 1: 2})
    assert ("a", "b") in t.items() and (1, 2) in t.items()
    assert ("a", "c") not in t.items() and ("z", "b") not in t.items()
    with pytest.raises(TypeError):
        ([], 1) in t.items()  # noqa: B015 - an unhashable key raises, as in dict
    with pytest.raises(TypeError):
        ([], 1) in {}.items()  # noqa: B015


@pytest.mark.parametrize("hook_kind", ["settrace", "setprofile"])
def test_view_set_operations_under_a_mutating_hook(make_table: MakeTable, hook_kind: str) -> None:
    def run(mapping: Any) -> list[Any]:
        victims = iter(range(100))

        def hook(frame: types.FrameType, event: str, arg: Any) -> Any:
            key = next(victims, None)
            if key is not None:
                mapping.pop(key, None)
            return hook if hook_kind == "settrace" else None

        setter = getattr(sys, hook_kind)
        results = []
        setter(hook)
        try:
            for op in ("&", "|", "-", "^"):
                keys = mapping.keys()  # noqa: F841 (read by eval)
                other = set(range(50, 150))  # noqa: F841
                results.append(type(eval(f"keys {op} other")).__name__)
                results.append(type(eval(f"other {op} keys")).__name__)
                items = mapping.items()  # noqa: F841
                results.append(type(eval(f"items {op} {{(150, 150)}}")).__name__)
            results.append(mapping.keys().isdisjoint({-1}))
        finally:
            setter(None)
        return results

    assert run(make_table({i: i for i in range(200)})) == run({i: i for i in range(200)})


def test_view_set_operations_match_dict(make_table: MakeTable) -> None:
    t = make_table({i: str(i) for i in range(10)})
    d = {i: str(i) for i in range(10)}
    other = [5, 6, 7, 11]  # noqa: F841 (read by eval)
    for op in ("&", "|", "-", "^"):
        assert eval(f"t.keys() {op} other") == eval(f"d.keys() {op} other")
        assert eval(f"set(other) {op} t.keys()") == eval(f"set(other) {op} d.keys()")
        assert eval(f"t.items() {op} {{(1, '1'), (2, 'x')}}") == eval(f"d.items() {op} {{(1, '1'), (2, 'x')}}")
    assert [5, 6] - t.keys() == [5, 6] - d.keys()
    with pytest.raises(TypeError):
        t.keys() & 5  # type: ignore[operator]
    assert t.keys().isdisjoint([20, 30]) and not t.keys().isdisjoint([3])


# --- 13-19. CPython's test_dict ---


def test_update_none_is_a_type_error(make_table: MakeTable) -> None:
    with pytest.raises(TypeError):
        {}.update(None)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="not iterable"):
        make_table().update(None)
    with pytest.raises(TypeError, match="at most 1 argument"):
        make_table().update({}, {})


def test_update_keywords_must_be_strings(make_table: MakeTable) -> None:
    t = make_table()
    with pytest.raises(TypeError, match="keywords must be strings"):
        t.update(**{1: 2})  # type: ignore[misc]
    assert len(t) == 0
    t.update(a=1, b=2)
    assert dict(t.items()) == {"a": 1, "b": 2}


def test_missing_on_the_instance_is_ignored(strategy: str) -> None:
    class WithMissing(HashTable):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.__missing__ = lambda key: "instance"

    class DictWithMissing(dict):  # type: ignore[type-arg]
        def __init__(self) -> None:
            self.__missing__ = lambda key: "instance"

    with pytest.raises(KeyError):
        DictWithMissing()["absent"]
    with pytest.raises(KeyError):
        WithMissing(strategy=strategy)["absent"]

    class TypeMissing(HashTable):
        def __missing__(self, key: object) -> str:
            return f"type:{key}"

    assert TypeMissing(strategy=strategy)["k"] == "type:k"


def test_view_mapping_is_read_only(make_table: MakeTable) -> None:
    t = make_table({1: 2})
    for view in (t.keys(), t.values(), t.items()):
        proxy = view.mapping
        assert isinstance(proxy, types.MappingProxyType)
        assert proxy[1] == 2 and len(proxy) == 1
        with pytest.raises(TypeError):
            proxy[3] = 4  # type: ignore[index]
    assert dict(t.items()) == {1: 2}


@pytest.mark.parametrize("make_iterator", [iter, lambda t: iter(t.values()), lambda t: iter(t.items()), reversed])
def test_iterators_pickle_and_copy(make_table: MakeTable, make_iterator: Callable[[Any], Iterator[Any]]) -> None:
    t = make_table({i: str(i) for i in range(6)})
    expected = list(make_iterator(t))
    iterator = make_iterator(t)
    first = next(iterator)
    assert first == expected[0]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert list(pickle.loads(pickle.dumps(iterator, protocol))) == expected[1:]
    assert list(copy.copy(iterator)) == expected[1:]
    assert list(iterator) == expected[1:], "reducing does not move the iterator"
    assert list(pickle.loads(pickle.dumps(iterator))) == []


def test_update_from_a_dict_mutated_during_the_update(make_table: MakeTable) -> None:
    def scenario(target: Any) -> tuple[str, int, int]:
        source = {}
        for i in range(12):
            source[HashKey(7, f"k{i}")] = i
        clearer = HashKey(7, "k0", eq_hook=source.clear)
        target[clearer] = "first"
        try:
            target.update(source)
        except RuntimeError as err:
            return (str(err), len(target), len(source))
        return ("no error", len(target), len(source))

    assert scenario(make_table()) == scenario({}) == ("dict mutated during update", 1, 0)


class KeysOverride(dict):  # type: ignore[type-arg]
    def keys(self) -> Any:
        return ["a"]


class GetItemOverride(dict):  # type: ignore[type-arg]
    def __getitem__(self, key: object) -> int:
        return 99


def test_source_subclasses_are_read_through_their_own_methods(make_table: MakeTable) -> None:
    assert dict(make_table(KeysOverride(a=1, b=2)).items()) == {"a": 1}
    assert dict(make_table(GetItemOverride(a=1)).items()) == {"a": 99}

    class TableKeys(HashTable):
        def keys(self) -> Any:
            return ["a"]

    source = TableKeys({"a": 1, "b": 2})
    for result in (make_table(source), make_table() | source):
        assert dict(result.items()) == {"a": 1}
    t = make_table()
    t |= source
    t.update(source)
    assert dict(t.items()) == {"a": 1}


def test_init_again_updates_like_dicts(make_table: MakeTable) -> None:
    t = make_table({1: 2})
    t.__init__({3: 4})  # type: ignore[misc]
    d = {1: 2}
    d.__init__({3: 4})  # type: ignore[misc]
    assert dict(t.items()) == d == {1: 2, 3: 4}


def test_ordered_dict_order_is_followed_by_insertion_ordered_tables() -> None:
    source = OrderedDict((k, k) for k in "abcde")
    source.move_to_end("a")
    source.move_to_end("c", last=False)
    assert list(HashTable(source, strategy="compact")) == list(dict(source)) == list("cbdea")
    t = HashTable(strategy="compact")
    t.update(source)
    assert list(t) == list("cbdea")


# --- reversed, and every resize logged ---


def test_reversed_is_the_tables_own_order_backwards(make_table: MakeTable) -> None:
    t = make_table({i * 7: str(i) for i in range(40)})
    assert list(reversed(t)) == list(t)[::-1]
    assert list(reversed(t.keys())) == list(t.keys())[::-1]
    assert list(reversed(t.values())) == list(t.values())[::-1]
    assert list(reversed(t.items())) == list(t.items())[::-1]
    iterator = reversed(t)
    t[1000] = "new"
    with pytest.raises(RuntimeError):
        next(iterator)


def test_popitem_shrinks_are_logged(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    t = make_table({i: i for i in range(64)}, min_load=0.1)
    caplog.set_level(logging.DEBUG, logger="hashtable")
    before = t.stats()["resizes"]
    while t:
        t.popitem()
    resizes = t.stats()["resizes"] - before
    logged = [r for r in caplog.records if "resized" in r.getMessage()]
    assert resizes > 0 and len(logged) == resizes


def test_setdefault_and_update_growth_is_logged(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="hashtable")
    t = make_table()
    for i in range(40):
        t.setdefault(i, i)
    t.update({i: i for i in range(40, 200)})
    logged = [r for r in caplog.records if "resized" in r.getMessage()]
    assert len(logged) == t.stats()["resizes"] > 0


def test_the_default_size_of_four_is_honoured_by_every_strategy(make_table: MakeTable, strategy: str) -> None:
    assert make_table().size == 4
    assert make_table(size=8).size == 8
    t = make_table(size=4, max_load=0.75)
    t.update({"a": 1, "b": 2, "c": 3})
    assert t.size == 4 and dict(t.items()) == {"a": 1, "b": 2, "c": 3}
