"""pickle, copy.copy and copy.deepcopy keep items and every parameter."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import hashtable
import pytest
from hashtable import HashTable
from helpers_api import INSERTION_ORDER_STRATEGIES, CountingHash
from keys import python_level_hash

MakeTable = Callable[..., HashTable]

PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)
PARAMETERS = ("size", "max_load", "strategy", "index", "growth", "min_load")


class PickledSub(HashTable):
    """A module-level subclass, so pickle can find it."""


def _pickle_round_trip(t: HashTable, protocol: int = pickle.HIGHEST_PROTOCOL) -> Any:
    return pickle.loads(pickle.dumps(t, protocol))


def _deepcopy(t: HashTable) -> Any:
    return copy.deepcopy(t)


ROUND_TRIPS: dict[str, Callable[[HashTable], Any]] = {
    **{f"pickle{p}": (lambda t, p=p: _pickle_round_trip(t, p)) for p in PROTOCOLS},
    "copy.copy": copy.copy,
    "copy.deepcopy": _deepcopy,
    "t.copy": lambda t: t.copy(),
}


def _initial_size(t: HashTable) -> int:
    """The size parameter's effect, seen on a copy: clear() returns to it."""
    probe = copy.copy(t)
    probe.clear()
    return probe.size


@pytest.mark.parametrize("how", ROUND_TRIPS)
def test_round_trip_items_and_parameters(make_table: MakeTable, how: str) -> None:
    t = make_table(size=5, max_load=0.6, index="mod", growth=3.0, min_load=0.05, hash_func=python_level_hash)
    data = {f"k{i}": [i] for i in range(40)}
    data.update({(1, 2): None, 7: frozenset({1}), None: "none"})
    t.update(data)
    u = ROUND_TRIPS[how](t)
    assert type(u) is HashTable
    assert u is not t
    assert dict(u.items()) == data
    assert u == t
    for name in PARAMETERS:
        assert getattr(u, name) == getattr(t, name), name
    assert u.hash_func is python_level_hash
    assert _initial_size(u) == _initial_size(t) == HashTable(size=5, strategy=t.strategy, index="mod").size
    if t.strategy in INSERTION_ORDER_STRATEGIES:
        assert list(u.items()) == list(t.items())
    u["new"] = 1
    assert "new" not in t


@pytest.mark.parametrize("how", ROUND_TRIPS)
def test_round_trip_defaults(make_table: MakeTable, how: str) -> None:
    t = make_table({"a": 1})
    u = ROUND_TRIPS[how](t)
    assert u.hash_func is hash
    assert (u.size, u.max_load, u.growth, u.min_load, u.index) == (t.size, 0.5, 2.0, 0.0, "fibonacci")
    assert u.strategy == t.strategy


@pytest.mark.parametrize("how", ROUND_TRIPS)
def test_round_trip_empty(make_table: MakeTable, how: str) -> None:
    u = ROUND_TRIPS[how](make_table(size=9))
    assert len(u) == 0
    assert u.size == make_table(size=9).size


@pytest.mark.parametrize("how", ROUND_TRIPS)
def test_round_trip_keeps_current_size(make_table: MakeTable, how: str) -> None:
    t = make_table()
    for i in range(200):
        t[i] = i
    for i in range(190):
        del t[i]
    u = ROUND_TRIPS[how](t)
    assert u.size == t.size


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_self_containing(make_table: MakeTable, protocol: int) -> None:
    t = make_table({"a": 1})
    t["self"] = t
    t["list"] = [t]
    u = pickle.loads(pickle.dumps(t, protocol))
    assert u["self"] is u
    assert u["list"][0] is u
    assert u["a"] == 1
    assert u.strategy == t.strategy


def test_deepcopy_self_containing(make_table: MakeTable) -> None:
    t = make_table({"a": [1]})
    t["self"] = t
    u = copy.deepcopy(t)
    assert u["self"] is u
    assert u["a"] == [1] and u["a"] is not t["a"]


def test_copy_self_containing_is_shallow(make_table: MakeTable) -> None:
    t = make_table()
    t["self"] = t
    u = copy.copy(t)
    assert u is not t
    assert u["self"] is t


def test_mutually_containing_tables_deepcopy(make_table: MakeTable) -> None:
    a, b = make_table(), make_table()
    a["b"] = b
    b["a"] = a
    a2 = copy.deepcopy(a)
    assert a2["b"]["a"] is a2
    assert a2["b"] is not b
    pair = copy.deepcopy([a, a])
    assert pair[0] is pair[1]


def test_shallow_and_deep_values(make_table: MakeTable) -> None:
    value = {"nested": [1, 2]}
    t = make_table({"v": value})
    assert copy.copy(t)["v"] is value
    assert t.copy()["v"] is value
    deep = copy.deepcopy(t)["v"]
    assert deep == value and deep is not value
    assert deep["nested"] is not value["nested"]


def test_callable_object_hash_func_round_trips(make_table: MakeTable) -> None:
    counter = CountingHash(modulus=5)
    t = make_table({i: i for i in range(10)}, hash_func=counter)
    u = pickle.loads(pickle.dumps(t))
    assert isinstance(u.hash_func, CountingHash)
    assert u.hash_func == counter and u.hash_func is not counter
    calls = u.hash_func.calls
    assert all(u[i] == i for i in range(10))
    assert u.hash_func.calls == calls + 10
    assert copy.copy(t).hash_func is counter


@pytest.mark.parametrize("name", [n for n in hashtable.HASH_FUNCTIONS if n != "python"])
def test_named_hash_func_round_trips(make_table: MakeTable, name: str) -> None:
    t = make_table({f"k{i}": i for i in range(20)}, hash_func=name)
    for how, round_trip in ROUND_TRIPS.items():
        u = round_trip(t)
        assert u.hash_func == name, how
        assert u == t
        assert all(u[f"k{i}"] == i for i in range(20))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_lambda_hash_func_gives_picklings_own_error(make_table: MakeTable, protocol: int) -> None:
    t = make_table({1: 1}, hash_func=lambda key: 0)
    with pytest.raises((pickle.PicklingError, AttributeError)) as info:
        pickle.dumps(t, protocol)
    assert "lambda" in str(info.value)


def test_local_function_hash_func_cannot_be_pickled(make_table: MakeTable) -> None:
    def local_hash(key: object) -> int:
        return 0

    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(make_table(hash_func=local_hash))
    # copy and deepcopy keep the function itself.
    t = make_table({1: 2}, hash_func=local_hash)
    assert copy.copy(t).hash_func is local_hash
    assert copy.deepcopy(t).hash_func is local_hash


def test_unpicklable_value_error_propagates(make_table: MakeTable) -> None:
    t = make_table({"gen": (i for i in range(3))})
    with pytest.raises(TypeError):
        pickle.dumps(t)


@pytest.mark.parametrize("how", ["pickle", "copy.deepcopy"])
def test_subclass_type_round_trips(make_table: MakeTable, how: str) -> None:
    s = PickledSub({"a": 1}, strategy=make_table().strategy, size=7)
    u = pickle.loads(pickle.dumps(s)) if how == "pickle" else copy.deepcopy(s)
    assert type(u) is PickledSub
    assert dict(u.items()) == {"a": 1}
    assert (u.strategy, u.size) == (s.strategy, s.size)


@pytest.mark.parametrize("how", ["pickle", "copy.deepcopy", "copy.copy"])
def test_subclass_attributes_round_trip(how: str) -> None:
    s = PickledSub({"a": 1})
    s.note = "kept"  # type: ignore[attr-defined]
    u = {
        "pickle": lambda: pickle.loads(pickle.dumps(s)),
        "copy.deepcopy": lambda: copy.deepcopy(s),
        "copy.copy": lambda: copy.copy(s),
    }[how]()
    assert u.note == "kept"


def test_copy_copy_keeps_subclass() -> None:
    assert type(copy.copy(PickledSub({"a": 1}))) is PickledSub
