"""keys()/values()/items() views and iteration: order, liveness, set operations,
and the RuntimeError when a table changes shape under an iterator."""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hashtable import HashTable, HashTableItems, HashTableKeys, HashTableValues
from helpers_api import BUCKET_ORDER_STRATEGIES, INSERTION_ORDER_STRATEGIES, identity_hash

MakeTable = Callable[..., HashTable]


# --- order ---


def test_iteration_forms_agree(make_hashed_table: MakeTable) -> None:
    t = make_hashed_table({f"k{i}": i for i in range(60)})
    keys = list(t)
    assert keys == list(t.keys())
    assert list(t.values()) == [t[k] for k in keys]
    assert list(t.items()) == [(k, t[k]) for k in keys]
    assert sorted(keys) == sorted(f"k{i}" for i in range(60))
    assert list(t) == keys  # stable when nothing changed


def test_table_order(strategy: str) -> None:
    """Bucket (slot) order, or insertion order for the compact strategy."""
    if strategy in INSERTION_ORDER_STRATEGIES:
        _check_insertion_order(strategy)
    elif strategy in BUCKET_ORDER_STRATEGIES:
        _check_bucket_order(strategy)
    else:
        pytest.fail(f"helpers_api does not say which order {strategy} iterates in")


def _check_bucket_order(strategy: str) -> None:
    rng = random.Random(7)
    residues = rng.sample(range(64), 20)
    keys = [r + 64 * rng.randrange(1000) for r in residues]
    rng.shuffle(keys)
    t = HashTable(size=64, index="mod", hash_func=identity_hash, strategy=strategy)
    for key in keys:
        t[key] = key
    assert t.size == 64
    assert list(t) == sorted(keys, key=lambda k: k % 64)
    assert list(t) != keys


def _check_insertion_order(strategy: str) -> None:
    keys = random.Random(3).sample(range(10**6), 300)
    t = HashTable(strategy=strategy)
    for key in keys:
        t[key] = key
    assert list(t) == keys
    for key in keys[::3]:
        del t[key]
    t[keys[0]] = "back"
    expected = [k for i, k in enumerate(keys) if i % 3] + [keys[0]]
    assert list(t) == expected


def test_chaining_iterates_bucket_by_bucket() -> None:
    t = HashTable(size=8, max_load=4.0, index="mod", hash_func=identity_hash)
    keys = [3, 11, 0, 19, 8, 5, 27]
    for key in keys:
        t[key] = None
    order = [k % 8 for k in t]
    assert order == sorted(order)
    assert sorted(t) == sorted(keys)


def test_empty_iteration(make_table: MakeTable) -> None:
    t = make_table()
    assert list(t) == []
    assert list(t.values()) == []
    assert list(t.items()) == []
    t.update({1: 1})
    del t[1]
    assert list(t) == []


def test_iterator_protocol(make_table: MakeTable) -> None:
    t = make_table({i: i for i in range(10)})
    it = iter(t)
    assert iter(it) is it
    assert operator.length_hint(it) == 10
    next(it)
    assert operator.length_hint(it) == 9
    rest = list(it)
    assert len(rest) == 9
    assert operator.length_hint(it) == 0
    with pytest.raises(StopIteration):
        next(it)
    with pytest.raises(StopIteration):
        next(it)


def test_iterator_keeps_table_alive(make_table: MakeTable) -> None:
    it = iter(make_table({"a": 1, "b": 2}).items())
    assert sorted(it) == [("a", 1), ("b", 2)]


# --- mutation during iteration ---


def _mutations(t: HashTable) -> list[tuple[str, Callable[[], Any]]]:
    existing = next(iter(t))
    return [
        ("insert", lambda: t.__setitem__("new-key", 1)),
        ("set", lambda: t.set("new-key", 1)),
        ("delete", lambda: t.__delitem__(existing)),
        ("pop", lambda: t.pop(existing)),
        ("popitem", t.popitem),
        ("clear", t.clear),
        ("setdefault", lambda: t.setdefault("new-key", 1)),
        ("update", lambda: t.update({"new-key": 1})),
        ("delete then re-add", lambda: (t.__delitem__(existing), t.__setitem__(existing, "again"))),
        ("pop then re-add", lambda: t.__setitem__(existing, t.pop(existing))),
        ("popitem then re-add", lambda: t.__setitem__(*t.popitem())),
    ]


@pytest.mark.parametrize("mutation_index", range(11))
@pytest.mark.parametrize("view", ["keys", "values", "items", "table"])
def test_mutation_during_iteration_raises(make_table: MakeTable, mutation_index: int, view: str) -> None:
    t = make_table({f"k{i}": i for i in range(10)})
    name, mutate = _mutations(t)[mutation_index]
    size = len(t)
    it: Iterator[Any] = iter(t) if view == "table" else iter(getattr(t, view)())
    next(it)
    mutate()
    if "re-add" in name:
        assert len(t) == size  # the size is unchanged, yet the iterator must notice
    with pytest.raises(RuntimeError, match="changed"):
        next(it)


def test_resize_during_iteration_raises(make_table: MakeTable) -> None:
    t = make_table({i: i for i in range(3)})
    size = t.size
    with pytest.raises(RuntimeError):
        for key in t:
            t[key + 1000] = key
    assert t.size >= size


def test_replacing_values_during_iteration_is_allowed(make_table: MakeTable) -> None:
    t = make_table({i: i for i in range(100)})
    for key in t:
        t[key] = -key
    assert dict(t.items()) == {i: -i for i in range(100)}
    for key, value in t.items():
        t.set(key, value * 2)
        t.update({key: t[key] + 1})
        assert t.setdefault(key, None) == -2 * key + 1
    assert dict(t.items()) == {i: -2 * i + 1 for i in range(100)}


def test_failed_operations_during_iteration_do_not_invalidate(make_table: MakeTable) -> None:
    t = make_table({i: i for i in range(20)})
    seen = []
    for key in t:
        seen.append(key)
        t.pop("absent", None)
        with pytest.raises(KeyError):
            del t["absent"]
        assert "absent" not in t
        assert t.get("absent") is None
    assert sorted(seen) == list(range(20))


# --- views ---


def test_view_types(make_table: MakeTable) -> None:
    t = make_table()
    assert isinstance(t.keys(), HashTableKeys)
    assert isinstance(t.values(), HashTableValues)
    assert isinstance(t.items(), HashTableItems)


def test_views_are_live(make_table: MakeTable) -> None:
    t = make_table({"a": 1})
    keys, values, items = t.keys(), t.values(), t.items()
    t["b"] = 2
    t["a"] = 10
    assert len(keys) == len(values) == len(items) == 2
    assert sorted(keys) == ["a", "b"]
    assert sorted(values) == [2, 10]
    assert sorted(items) == [("a", 10), ("b", 2)]
    assert "b" in keys
    assert ("a", 10) in items
    assert ("a", 1) not in items
    assert 10 in values
    del t["a"]
    t.clear()
    t["z"] = 26
    assert list(keys) == ["z"]
    assert list(values) == [26]
    assert list(items) == [("z", 26)]


def test_items_contains_uses_lookup(make_table: MakeTable) -> None:
    t = make_table({(1, 2): [3]})
    assert ((1, 2), [3]) in t.items()
    assert ((1, 2), [4]) not in t.items()
    with pytest.raises(TypeError):  # unhashable key, as with dict's items view
        ([1, 2], [3]) in t.items()  # noqa: B015
    assert ("missing", None) not in t.items()


@pytest.mark.parametrize("op", [operator.and_, operator.or_, operator.sub, operator.xor])
def test_keys_set_operations_like_dict(make_table: MakeTable, op: Callable[[Any, Any], Any]) -> None:
    data = {i: str(i) for i in range(0, 20, 2)}
    other = {i: str(i) for i in range(0, 20, 3)}
    t = make_table(data)
    u = make_table(other)
    for right, dict_right in [
        (set(other), set(other)),
        (u.keys(), other.keys()),
        (other.keys(), other.keys()),
        (list(other), list(other)),
    ]:
        assert op(t.keys(), right) == op(data.keys(), dict_right)
    assert op(set(other), t.keys()) == op(set(other), data.keys())
    assert op(other.keys(), t.keys()) == op(other.keys(), data.keys())
    assert isinstance(op(t.keys(), set(other)), set | frozenset)


@pytest.mark.parametrize("op", [operator.and_, operator.or_, operator.sub, operator.xor])
def test_items_set_operations_like_dict(make_table: MakeTable, op: Callable[[Any, Any], Any]) -> None:
    data = {"a": 1, "b": 2, "c": 3}
    other = {"a": 1, "b": 20, "d": 4}
    t = make_table(data)
    assert op(t.items(), other.items()) == op(data.items(), other.items())
    assert op(t.items(), set(other.items())) == op(data.items(), set(other.items()))
    assert op(set(other.items()), t.items()) == op(set(other.items()), data.items())
    assert op(t.items(), make_table(other).items()) == op(data.items(), other.items())


def test_isdisjoint(make_table: MakeTable) -> None:
    t = make_table({1: "a", 2: "b"})
    assert t.keys().isdisjoint({3, 4})
    assert not t.keys().isdisjoint([2, 5])
    assert t.items().isdisjoint({(1, "b")})
    assert not t.items().isdisjoint({(1, "a")})
    assert make_table().keys().isdisjoint(t.keys())


def test_view_comparisons(make_table: MakeTable) -> None:
    t = make_table({1: "a", 2: "b"})
    assert t.keys() == {1, 2}
    assert t.keys() == {1: None, 2: None}.keys()
    assert t.keys() != {1}
    assert t.keys() <= {1, 2, 3}
    assert t.keys() < {1, 2, 3}
    assert t.items() == {(1, "a"), (2, "b")}
    assert t.items() >= {(1, "a")}


def test_values_view_has_no_set_operations(make_table: MakeTable) -> None:
    t = make_table({1: "a"})
    with pytest.raises(TypeError):
        t.values() & {"a"}  # type: ignore[operator]
    with pytest.raises(TypeError):
        t.values() | {"a"}  # type: ignore[operator]


def test_view_repr(make_table: MakeTable) -> None:
    t = make_table({1: "a"})
    assert repr(t.keys()) == "HashTableKeys([1])"
    assert repr(t.values()) == "HashTableValues(['a'])"
    assert repr(t.items()) == "HashTableItems([(1, 'a')])"


def test_view_iteration_detects_mutation(make_table: MakeTable) -> None:
    t = make_table({i: i for i in range(5)})
    with pytest.raises(RuntimeError):
        for key in t.keys():
            del t[key]
    with pytest.raises(RuntimeError):
        for _value in t.values():
            t["fresh"] = 1


# --- the items iterator recycles its tuple only when nobody else holds it ---


def test_items_kept_by_the_caller_are_never_refilled(make_table: MakeTable) -> None:
    t = make_table({i: str(i) for i in range(50)})
    it = iter(t.items())
    kept = [next(it) for _ in range(50)]
    assert kept == [(k, t[k]) for k in t]
    assert len({id(pair) for pair in kept}) == 50


def test_items_tuple_dropped_by_the_loop_is_refilled_with_the_next_item(make_table: MakeTable) -> None:
    t = make_table({i: str(i) for i in range(50)})
    it = iter(t.items())
    seen = []
    first = next(it)
    first_id = id(first)
    seen.append((first[0], first[1]))  # a copy: tuple(first) is first itself
    del first
    second = next(it)
    # The same tuple object, refilled: what dict's items iterator does.
    assert id(second) == first_id
    seen.append((second[0], second[1]))
    del second
    seen.extend((pair[0], pair[1]) for pair in it)
    assert seen == [(k, t[k]) for k in t]


class _NextOnRelease:
    """A value whose release steps the items iterator it is given."""

    def __init__(self, log: list[Any]) -> None:
        self.log = log
        self.iterator: Iterator[Any] | None = None

    def __del__(self) -> None:
        if self.iterator is not None:
            self.log.append(tuple(next(self.iterator, ("end", "end"))))


def test_value_released_by_a_refill_may_step_the_same_iterator(make_table: MakeTable) -> None:
    log: list[Any] = []
    t = make_table({i: i for i in range(20)})
    keys = list(t)
    victim = _NextOnRelease(log)
    t[keys[0]] = victim
    it = iter(t.items())
    victim.iterator = it
    k, v = next(it)
    assert v is victim
    t[k] = "replaced"  # in place: the iterator stays valid
    del v, victim
    # The recycled tuple holds the last reference to the victim: refilling it
    # releases the victim, whose __del__ steps `it` with no borrow held.
    rest = [tuple(pair) for pair in it]
    assert len(log) == 1
    assert sorted([log[0], *rest], key=repr) == sorted(((key, t[key]) for key in keys[1:]), key=repr)


def test_a_cycle_through_the_recycled_tuple_is_collected(make_table: MakeTable) -> None:
    import gc
    import weakref

    class Holder:
        iterator: Any = None

    t = make_table({1: Holder()})
    it = iter(t.items())
    _, holder = next(it)
    holder.iterator = it  # it -> recycled (1, holder) -> holder -> it
    alive = weakref.ref(holder)
    t.clear()
    del it, holder, t
    gc.collect()
    assert alive() is None
