"""The original API (set/get/pop) and everything dict does as a mutable mapping."""

from __future__ import annotations

import collections.abc
from collections.abc import Callable, Iterator
from typing import Any

import hashtable
import pytest
from hashtable import HashTable
from helpers_api import CountingHash

MakeTable = Callable[..., HashTable]


# --- the original API ---


def test_set_returns_none_and_stores(make_table: MakeTable) -> None:
    t = make_table()
    assert t.set("a", 1) is None
    assert t.set("a", 2) is None
    assert t["a"] == 2
    assert len(t) == 1


def test_get_default_is_none(make_table: MakeTable) -> None:
    t = make_table({"a": 1})
    assert t.get("a") == 1
    assert t.get("missing") is None
    assert t.get("missing", 5) == 5
    assert t.get("missing", default=6) == 6
    assert t.get("a", 5) == 1
    marker = object()
    assert t.get("missing", marker) is marker


def test_get_stored_none_is_not_default(make_table: MakeTable) -> None:
    t = make_table({"a": None})
    assert t.get("a", 5) is None


def test_pop_returns_and_removes(make_table: MakeTable) -> None:
    t = make_table({"a": 1, "b": 2})
    assert t.pop("a") == 1
    assert "a" not in t
    assert len(t) == 1
    assert t.pop("a", "gone") == "gone"
    assert t.pop("a", None) is None
    assert dict(t.items()) == {"b": 2}


def test_pop_missing_without_default_raises_key_error(make_table: MakeTable) -> None:
    t = make_table()
    with pytest.raises(KeyError) as info:
        t.pop("missing")
    assert info.value.args == ("missing",)
    for i in range(10):
        t[i] = i
    with pytest.raises(KeyError):
        t.pop(99)
    assert len(t) == 10


def test_pop_too_many_arguments(make_table: MakeTable) -> None:
    t = make_table({"a": 1})
    with pytest.raises(TypeError):
        t.pop("a", 1, 2)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        t.pop()  # type: ignore[call-arg]
    assert t["a"] == 1


# --- item access ---


def test_getitem_setitem_delitem(make_table: MakeTable) -> None:
    t = make_table()
    for i in range(100):
        t[i] = str(i)
    for i in range(100):
        assert t[i] == str(i)
    for i in range(0, 100, 2):
        del t[i]
    assert len(t) == 50
    for i in range(100):
        assert (i in t) == (i % 2 == 1)
    assert dict(t.items()) == {i: str(i) for i in range(1, 100, 2)}


def test_missing_key_error_carries_the_key(make_table: MakeTable) -> None:
    t = make_table({"present": 1})
    with pytest.raises(KeyError) as info:
        t["absent"]
    assert info.value.args == ("absent",)
    with pytest.raises(KeyError) as info:
        del t["absent"]
    assert info.value.args == ("absent",)


@pytest.mark.parametrize("key", [(1, 2), (), ("x",)])
def test_missing_tuple_key_error_carries_the_tuple(make_table: MakeTable, key: tuple[Any, ...]) -> None:
    t = make_table()
    with pytest.raises(KeyError) as info:
        t[key]
    assert info.value.args == (key,)
    with pytest.raises(KeyError) as info:
        t.pop(key)
    assert info.value.args == (key,)
    with pytest.raises(KeyError) as info:
        del t[key]
    assert info.value.args == (key,)


def test_len_contains_bool(make_table: MakeTable) -> None:
    t = make_table()
    assert len(t) == 0
    assert not t
    assert bool(t) is False
    t["x"] = 0
    assert t
    assert "x" in t
    assert "y" not in t
    del t["x"]
    assert not t


def test_unhashable_key_is_type_error(make_table: MakeTable) -> None:
    t = make_table()
    with pytest.raises(TypeError):
        t[[1, 2]] = 1
    with pytest.raises(TypeError):
        t[{}]
    with pytest.raises(TypeError):
        [] in t  # noqa: B015
    assert len(t) == 0


# --- update ---


def test_update_from_mapping(make_table: MakeTable) -> None:
    t = make_table({"a": 1})
    t.update({"a": 10, "b": 2})
    assert dict(t.items()) == {"a": 10, "b": 2}


def test_update_from_hashtable(make_table: MakeTable) -> None:
    t = make_table({"a": 1})
    t.update(HashTable({"b": 2}, strategy="chaining", hash_func=lambda k: 0))
    assert dict(t.items()) == {"a": 1, "b": 2}
    assert t["b"] == 2


def test_update_from_object_with_keys(make_table: MakeTable) -> None:
    class Source:
        def keys(self) -> Iterator[int]:
            return iter(range(3))

        def __getitem__(self, key: int) -> int:
            return key * 10

    t = make_table()
    t.update(Source())
    assert dict(t.items()) == {0: 0, 1: 10, 2: 20}


def test_update_from_pairs_and_keywords(make_table: MakeTable) -> None:
    t = make_table()
    t.update([("a", 1), ["b", 2], "cd"])
    assert dict(t.items()) == {"a": 1, "b": 2, "c": "d"}
    t.update(x=1, y=2)
    assert dict(t.items()) == {"a": 1, "b": 2, "c": "d", "x": 1, "y": 2}
    t.update({"x": 5}, x=6, z=7)
    assert t["x"] == 6
    assert t["z"] == 7
    t.update()
    assert len(t) == 6


def test_update_keyword_named_like_the_positional(make_table: MakeTable) -> None:
    t = make_table()
    t.update(other=1, self=2, data=3)
    assert dict(t.items()) == {"other": 1, "self": 2, "data": 3}


def test_update_with_self(make_table: MakeTable) -> None:
    t = make_table({i: i for i in range(10)})
    t.update(t)
    assert dict(t.items()) == {i: i for i in range(10)}


def test_update_bad_element_not_a_sequence(make_table: MakeTable) -> None:
    t = make_table()
    with pytest.raises(TypeError, match="element #1"):
        t.update([("a", 1), 5])
    assert dict(t.items()) == {"a": 1}


@pytest.mark.parametrize("bad", [("a",), ("a", 1, 2), "abc", ()])
def test_update_bad_element_length(make_table: MakeTable, bad: Any) -> None:
    t = make_table()
    with pytest.raises(ValueError, match=r"element #0 has length \d+; 2 is required"):
        t.update([bad])


def test_update_not_iterable(make_table: MakeTable) -> None:
    t = make_table()
    with pytest.raises(TypeError, match="int"):
        t.update(5)
    with pytest.raises(TypeError):
        t.update({}, {})  # type: ignore[call-arg]


def test_update_error_from_iterator_propagates(make_table: MakeTable) -> None:
    def pairs() -> Iterator[tuple[int, int]]:
        yield (1, 1)
        raise ZeroDivisionError("boom")

    t = make_table()
    with pytest.raises(ZeroDivisionError):
        t.update(pairs())
    assert dict(t.items()) == {1: 1}


# --- setdefault, popitem, clear ---


def test_setdefault(make_table: MakeTable) -> None:
    t = make_table({"a": 1})
    assert t.setdefault("a", 5) == 1
    assert t["a"] == 1
    default: list[int] = []
    assert t.setdefault("b", default) is default
    assert t["b"] is default
    assert t.setdefault("c") is None
    assert "c" in t
    assert t["c"] is None
    assert len(t) == 3


def test_popitem(make_table: MakeTable) -> None:
    data = {i: -i for i in range(40)}
    t = make_table(data)
    popped = {}
    while t:
        before = len(t)
        key, value = t.popitem()
        assert data[key] == value
        assert key not in t
        assert key not in popped
        assert len(t) == before - 1
        popped[key] = value
    assert popped == data
    with pytest.raises(KeyError):
        t.popitem()


def test_popitem_empty_raises_key_error(make_table: MakeTable) -> None:
    with pytest.raises(KeyError, match="empty"):
        make_table().popitem()


def test_clear(make_table: MakeTable) -> None:
    t = make_table({i: i for i in range(100)})
    assert t.clear() is None
    assert len(t) == 0
    assert list(t) == []
    assert 5 not in t
    t[5] = 6
    assert dict(t.items()) == {5: 6}


# --- copy and fromkeys ---


def test_copy_keeps_items_and_parameters(make_table: MakeTable) -> None:
    hash_func = CountingHash()
    t = make_table(size=5, max_load=0.6, growth=3.0, min_load=0.1, index="mod", hash_func=hash_func)
    for i in range(50):
        t[i] = [i]
    calls = hash_func.calls
    c = t.copy()
    assert hash_func.calls == calls
    assert type(c) is HashTable
    assert c is not t
    assert dict(c.items()) == dict(t.items())
    assert list(c.items()) == list(t.items())
    for name in ("size", "max_load", "strategy", "index", "growth", "min_load"):
        assert getattr(c, name) == getattr(t, name), name
    assert c.hash_func is hash_func
    assert c[3] is t[3]


def test_copy_is_independent(make_table: MakeTable) -> None:
    t = make_table({"a": 1})
    c = t.copy()
    c["b"] = 2
    del c["a"]
    assert dict(t.items()) == {"a": 1}
    assert dict(c.items()) == {"b": 2}


def test_copy_then_lookup_uses_hash_func(make_table: MakeTable) -> None:
    hash_func = CountingHash(modulus=3)
    t = make_table({i: i for i in range(20)}, hash_func=hash_func)
    c = t.copy()
    before = hash_func.calls
    assert all(c[i] == i for i in range(20))
    assert hash_func.calls == before + 20


def test_fromkeys_is_classmethod(strategy: str) -> None:
    t = HashTable.fromkeys(["a", "b"])
    assert type(t) is HashTable
    assert dict(t.items()) == {"a": None, "b": None}
    t = HashTable.fromkeys(range(5), 0)
    assert dict(t.items()) == dict.fromkeys(range(5), 0)
    instance = HashTable(strategy=strategy)
    assert dict(instance.fromkeys("xy", 1).items()) == {"x": 1, "y": 1}
    assert len(instance) == 0
    assert HashTable.fromkeys.__self__ is HashTable
    assert instance.fromkeys.__self__ is HashTable


def test_fromkeys_returns_subclass() -> None:
    class Sub(HashTable):
        pass

    t = Sub.fromkeys("abc", 7)
    assert type(t) is Sub
    assert dict(t.items()) == {"a": 7, "b": 7, "c": 7}


# --- comparison ---


class ReadOnlyMapping(collections.abc.Mapping[Any, Any]):
    """A Mapping that is not a dict."""

    def __init__(self, data: dict[Any, Any]) -> None:
        self._data = data

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def test_equality_with_dict(make_table: MakeTable) -> None:
    data = {i: str(i) for i in range(30)}
    t = make_table(data)
    assert t == data
    assert data == t
    assert not (t != data)
    assert t != {**data, 0: "other"}
    assert t != {**data, 99: "99"}
    assert t != {k: v for k, v in data.items() if k}
    assert make_table() == {}


def test_equality_with_hashtables(make_table: MakeTable) -> None:
    data = {f"k{i}": i for i in range(30)}
    t = make_table(data)
    for strategy in hashtable.STRATEGIES:
        other = HashTable(reversed(list(data.items())), strategy=strategy, hash_func=lambda k: 1)
        assert t == other
        assert other == t
        other["k0"] = -1
        assert t != other
        assert not (t == other)


def test_equality_with_non_dict_mapping(make_table: MakeTable) -> None:
    t = make_table({"a": 1, "b": 2})
    assert t == ReadOnlyMapping({"b": 2, "a": 1})
    assert ReadOnlyMapping({"b": 2, "a": 1}) == t
    assert t != ReadOnlyMapping({"a": 1, "b": 3})
    assert t != ReadOnlyMapping({"a": 1, "c": 2})


def test_equality_with_non_mappings(make_table: MakeTable) -> None:
    t = make_table({"a": 1})
    assert t != [("a", 1)]
    assert t != {"a"}
    assert t != 1
    assert t != None  # noqa: E711
    assert t.__eq__([("a", 1)]) is NotImplemented
    with pytest.raises(TypeError):
        t < t  # type: ignore[operator]  # noqa: B015


def test_equality_uses_value_equality(make_table: MakeTable) -> None:
    assert make_table({"a": 1}) == {"a": 1.0}
    nan = float("nan")
    assert make_table({"a": nan}) == {"a": nan}
    assert make_table({"a": nan}) != {"a": float("nan")}


def test_unhashable(make_table: MakeTable) -> None:
    t = make_table()
    with pytest.raises(TypeError):
        hash(t)
    assert HashTable.__hash__ is None
    assert not isinstance(t, collections.abc.Hashable)


# --- abc, generics, subclassing ---


def test_is_mutable_mapping(make_table: MakeTable) -> None:
    t = make_table()
    assert isinstance(t, collections.abc.MutableMapping)
    assert isinstance(t, collections.abc.Mapping)
    assert issubclass(HashTable, collections.abc.MutableMapping)


def test_class_getitem() -> None:
    alias = HashTable[str, int]
    assert alias.__origin__ is HashTable  # type: ignore[attr-defined]
    assert alias.__args__ == (str, int)  # type: ignore[attr-defined]
    t = alias({"a": 1})
    assert type(t) is HashTable
    assert t["a"] == 1


def test_subclass(strategy: str) -> None:
    class Counter(HashTable):
        def bump(self, key: Any) -> None:
            self[key] = self.get(key, 0) + 1

    c = Counter(strategy=strategy)
    for word in "the cat and the hat and the bat".split():
        c.bump(word)
    assert c["the"] == 3
    assert c.strategy == strategy
    c.note = "subclasses get a __dict__"  # type: ignore[attr-defined]
    assert c.note == "subclasses get a __dict__"  # type: ignore[attr-defined]
    assert repr(c).startswith("Counter({")
    assert isinstance(c, collections.abc.MutableMapping)
    assert type(c.copy()) in (Counter, HashTable)


def test_subclass_missing(strategy: str) -> None:
    class Defaulting(HashTable):
        def __missing__(self, key: Any) -> Any:
            self[key] = value = [key]
            return value

    d = Defaulting(strategy=strategy)
    assert d["x"] == ["x"]
    assert d["x"] is d["x"]
    assert "x" in d
    assert d.get("y") is None
    assert "y" not in d
    with pytest.raises(KeyError):
        d.pop("y")


def test_subclass_missing_exception_propagates() -> None:
    class Strict(HashTable):
        def __missing__(self, key: Any) -> Any:
            raise LookupError(f"no {key}")

    with pytest.raises(LookupError, match="no z"):
        Strict()["z"]


def test_missing_on_base_instance_is_ignored() -> None:
    t = HashTable()
    with pytest.raises(KeyError):
        t["absent"]


def test_equality_with_a_dict_subclass_reads_its_items_as_dict_does(make_table: MakeTable) -> None:
    class Defaulting(dict[Any, Any]):
        def __missing__(self, key: Any) -> Any:
            return "made up"

        def __getitem__(self, key: Any) -> Any:
            return "overridden"

    other = Defaulting({"a": 1, "b": 2})
    t = make_table({"a": 1, "b": 2})
    # dict's own == ignores both methods and compares the stored items.
    assert ({"a": 1, "b": 2} == other) is True
    assert t == other
    assert other == t
    assert t != Defaulting({"a": 1, "c": 2})
    assert (make_table({"a": 1, "c": 2}) == Defaulting({"a": 1, "b": 2})) is (
        {"a": 1, "c": 2} == Defaulting({"a": 1, "b": 2})
    )


def test_equality_with_a_dict_propagates_a_raising_key_eq(make_table: MakeTable) -> None:
    class Clash:
        def __hash__(self) -> int:
            return 7

        def __eq__(self, other: object) -> bool:
            raise ValueError("no comparing")

    t = make_table({7: "x"})
    with pytest.raises(ValueError, match="no comparing"):
        t == {Clash(): "x"}  # noqa: B015
