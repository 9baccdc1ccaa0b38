"""The hash function contract: one call per keyed operation, none for resizes or
copies, ints reduced as hash() reduces them, and clear errors otherwise."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import hashtable
import pytest
from hashtable import HashTable
from helpers_api import CountingHash

MakeTable = Callable[..., HashTable]


class Recorder:
    """Records every key it is asked to hash."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def __call__(self, key: Any) -> int:
        self.seen.append(key)
        return hash(key)


class Boom(Exception):
    pass


class RaisingHash:
    """Raises Boom for the keys in `bad`."""

    def __init__(self, bad: set[Any]) -> None:
        self.bad = bad
        self.error = Boom("hash refused")

    def __call__(self, key: Any) -> int:
        if key in self.bad:
            raise self.error
        return hash(key)


# --- exactly once ---


KEYED_OPERATIONS: dict[str, Callable[[HashTable, Any], object]] = {
    "t[k] = v (new)": lambda t, k: t.__setitem__(("new", k), 1),
    "t[k] = v (existing)": lambda t, k: t.__setitem__(k, 1),
    "set (new)": lambda t, k: t.set(("new", k), 1),
    "set (existing)": lambda t, k: t.set(k, 2),
    "t[k]": lambda t, k: t[k],
    "t[k] missing": lambda t, k: pytest.raises(KeyError, t.__getitem__, ("missing", k)),
    "get": lambda t, k: t.get(k),
    "get missing": lambda t, k: t.get(("missing", k), 0),
    "in": lambda t, k: k in t,
    "in missing": lambda t, k: ("missing", k) in t,
    "pop": lambda t, k: t.pop(k),
    "pop missing": lambda t, k: t.pop(("missing", k), None),
    "pop missing raising": lambda t, k: pytest.raises(KeyError, t.pop, ("missing", k)),
    "del": lambda t, k: t.__delitem__(k),
    "del missing": lambda t, k: pytest.raises(KeyError, t.__delitem__, ("missing", k)),
    "setdefault (existing)": lambda t, k: t.setdefault(k, 0),
    "setdefault (new)": lambda t, k: t.setdefault(("new", k), 0),
}


@pytest.mark.parametrize("operation", KEYED_OPERATIONS)
def test_called_exactly_once_per_keyed_operation(make_table: MakeTable, operation: str) -> None:
    counter = CountingHash()
    t = make_table(hash_func=counter)
    for i in range(20):
        t[i] = i
    for key in range(20):
        before = counter.calls
        KEYED_OPERATIONS[operation](t, key)
        assert counter.calls == before + 1, (operation, key)


def test_called_with_the_key_itself(make_table: MakeTable) -> None:
    recorder = Recorder()
    t = make_table(hash_func=recorder)
    key = ("a", 1)
    t[key] = 1
    t.get(key)
    assert len(recorder.seen) == 2
    assert all(seen is key for seen in recorder.seen)


def test_update_and_constructor_call_once_per_pair(make_table: MakeTable) -> None:
    counter = CountingHash()
    t = make_table({i: i for i in range(30)}, hash_func=counter)
    assert counter.calls == 30
    t.update([(i, -i) for i in range(20, 50)])
    assert counter.calls == 60
    t.update(x=1, y=2)
    assert counter.calls == 62


def test_never_called_during_resize(make_table: MakeTable) -> None:
    counter = CountingHash()
    t = make_table(size=1, hash_func=counter, min_load=0.1)
    for i in range(1000):
        t[i] = i
    grown = t.stats()["resizes"]
    assert grown >= 7
    assert counter.calls == 1000
    for i in range(990):
        del t[i]
    assert counter.calls == 1990
    assert t.stats()["resizes"] >= grown + 3  # it shrank too


def test_never_called_by_hash_free_operations(make_table: MakeTable) -> None:
    counter = CountingHash()
    t = make_table({i: str(i) for i in range(100)}, hash_func=counter)
    before = counter.calls
    t.copy()
    copy.copy(t)
    copy.deepcopy(t)
    list(t)
    list(t.items())
    list(t.values())
    repr(t)
    str(t)
    t.stats()
    len(t)
    t.popitem()
    t.clear()
    assert counter.calls == before


# --- what it may return ---


def _placement(t: HashTable) -> tuple[str, list[Any]]:
    return t.picture(), list(t)


def test_may_return_bool(make_table: MakeTable) -> None:
    t = make_table(hash_func=lambda key: key % 2 == 0, size=8)
    u = make_table(hash_func=lambda key: int(key % 2 == 0), size=8)
    for i in range(30):
        t[i] = i
        u[i] = i
    assert all(t[i] == i for i in range(30))
    assert 31 not in t
    assert _placement(t) == _placement(u)


@pytest.mark.parametrize("offset", [2**100, 2**61 - 1, 2**64, -(2**80)])
def test_big_ints_reduced_like_hash(make_table: MakeTable, offset: int) -> None:
    t = make_table(hash_func=lambda key: offset + key)
    u = make_table(hash_func=lambda key: hash(offset + key))
    for i in range(200):
        t[i] = i
        u[i] = i
    assert all(t[i] == i for i in range(200))
    assert all(t[int(str(i))] == i for i in range(200))
    assert -1 not in t
    assert _placement(t) == _placement(u)


def test_negative_values(make_table: MakeTable) -> None:
    t = make_table(hash_func=lambda key: -key - 1)
    for i in range(100):
        t[i] = i
    assert all(t[i] == i for i in range(100))
    assert dict(t.items()) == {i: i for i in range(100)}


def test_minus_one_is_reduced_like_hash(make_table: MakeTable) -> None:
    # hash() never returns -1; an int's hash maps -1 to -2.
    t = make_table(hash_func=lambda key: -1 if key % 2 else key)
    u = make_table(hash_func=lambda key: -2 if key % 2 else key)
    for i in range(40):
        t[i] = i
        u[i] = i
    assert _placement(t) == _placement(u)


def test_int_subclass_return_is_accepted(make_table: MakeTable) -> None:
    class MyInt(int):
        pass

    t = make_table(hash_func=lambda key: MyInt(hash(key)))
    t["a"] = 1
    assert t["a"] == 1


@pytest.mark.parametrize(
    ("returned", "type_name"),
    [("7", "str"), (None, "NoneType"), (7.0, "float"), (b"7", "bytes"), ([7], "list")],
)
def test_non_int_return_is_type_error(make_table: MakeTable, returned: Any, type_name: str) -> None:
    def bad_hash(key: Any) -> Any:
        return returned

    t = make_table(hash_func=bad_hash)
    for operation in (
        lambda: t.__setitem__("a", 1),
        lambda: t.get("a"),
        lambda: "a" in t,
        lambda: t.pop("a", None),
        lambda: t.setdefault("a"),
        lambda: t.__delitem__("a"),
    ):
        with pytest.raises(TypeError) as info:
            operation()
        message = str(info.value)
        assert "bad_hash" in message
        assert type_name in message
    assert len(t) == 0


def test_non_int_return_from_callable_object_names_it(make_table: MakeTable) -> None:
    class FloatHasher:
        def __call__(self, key: Any) -> float:
            return 1.5

    t = make_table(hash_func=FloatHasher())
    with pytest.raises(TypeError, match=r"FloatHasher.*float"):
        t["a"] = 1


# --- when it raises ---


def test_exception_propagates_and_table_unchanged(make_table: MakeTable) -> None:
    bad_key = "bad"
    hasher = RaisingHash({bad_key})
    t = make_table(hash_func=hasher, size=4)
    t["a"] = 1
    t["b"] = 2  # full: the next new key would resize
    before = (dict(t.items()), list(t), t.size, t.picture())
    operations: list[Callable[[], object]] = [
        lambda: t.__setitem__(bad_key, 3),
        lambda: t.set(bad_key, 3),
        lambda: t[bad_key],
        lambda: t.get(bad_key),
        lambda: bad_key in t,
        lambda: t.pop(bad_key),
        lambda: t.pop(bad_key, None),
        lambda: t.__delitem__(bad_key),
        lambda: t.setdefault(bad_key, 3),
        lambda: t.update({bad_key: 3}),
    ]
    for operation in operations:
        with pytest.raises(Boom) as info:
            operation()
        assert info.value is hasher.error
        assert (dict(t.items()), list(t), t.size, t.picture()) == before
    assert t.stats()["resizes"] == 0


def test_exception_in_constructor_propagates(make_table: MakeTable) -> None:
    hasher = RaisingHash({"bad"})
    with pytest.raises(Boom):
        make_table([("a", 1), ("bad", 2)], hash_func=hasher)


def test_update_stops_at_the_failing_key(make_table: MakeTable) -> None:
    t = make_table(hash_func=RaisingHash({"bad"}))
    with pytest.raises(Boom):
        t.update([("a", 1), ("bad", 2), ("c", 3)])
    assert dict(t.items()) == {"a": 1}


def test_key_hash_errors_with_builtin_hash(make_table: MakeTable) -> None:
    from keys import HashError, HashKey

    t = make_table({"a": 1})
    key = HashKey(1, "x", error_on_hash=True)
    with pytest.raises(HashError):
        t[key] = 1
    with pytest.raises(HashError):
        key in t  # noqa: B015
    assert dict(t.items()) == {"a": 1}


# --- what hash_func accepts ---


def test_hash_func_must_be_callable_or_name() -> None:
    with pytest.raises(TypeError, match="hash_func"):
        HashTable(hash_func=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hash_func"):
        HashTable(hash_func="no-such-hash")


def test_python_name_means_builtin_hash() -> None:
    assert HashTable(hash_func="python").hash_func is hash


@pytest.mark.parametrize("name", [n for n in hashtable.HASH_FUNCTIONS if n != "python"])
def test_named_hash_functions(make_table: MakeTable, name: str) -> None:
    t = make_table(hash_func=name)
    assert t.hash_func == name
    keys = [f"s{i}" for i in range(100)] + list(range(100)) + [b"b", (1, "t"), None, 2.5]
    for key in keys:
        t[key] = key
    assert all(t[key] == key for key in keys)
    assert t.stats()["hash_calls"] == len(keys) * 2
    assert t[1.0] == 1 and t[True] == 1
