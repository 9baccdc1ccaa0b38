"""`key=` (PEP 455 transform), `eq=` (a callable) and `eq="identity"`, for every strategy."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hashtable import HashTable

MakeTable = Callable[..., HashTable]


class Counting:
    """A callable that counts its calls, wrapping `func`."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.calls = 0

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        return self.func(*args)


class Unhashable:
    """Raises from __hash__ and __eq__: only an identity table can hold it."""

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        raise AssertionError("an identity table must not call __eq__")


# --- key=: the transform ---


def test_first_key_kept_and_found_by_every_spelling(make_table: MakeTable) -> None:
    t = make_table(key=str.casefold)
    t["Content-Type"] = 1
    t["content-type"] = 2
    assert list(t) == ["Content-Type"]
    assert t["CONTENT-TYPE"] == 2
    assert t.getitem("content-TYPE") == ("Content-Type", 2)
    assert "cOnTeNt-TyPe" in t and "Content-Length" not in t
    assert t.setdefault("CONTENT-type", 3) == 2
    assert dict(t) == {"Content-Type": 2}
    assert list(t.items()) == [("Content-Type", 2)]
    assert ("content-type", 2) in t.items() and "CONTENT-TYPE" in t.keys()
    assert t.key is str.casefold and t.eq is None
    assert t.pop("content-TYPE") == 2 and len(t) == 0
    with pytest.raises(KeyError):
        t.getitem("Content-Type")


def test_transform_runs_once_per_operation_and_never_on_resize_or_copy(make_table: MakeTable) -> None:
    key = Counting(str.casefold)
    t = make_table(key=key)
    operations = 0
    for i in range(200):  # many resizes
        t[f"Name{i}"] = i
        operations += 1
    assert key.calls == operations
    for i in range(200):
        assert t[f"NAME{i}"] == i
        assert f"name{i}" in t
        assert t.get(f"nAmE{i}") == i
        operations += 3
    assert key.calls == operations
    copied = t.copy()
    copy.copy(t)
    assert key.calls == operations
    assert copied["name7"] == 7 and key.calls == operations + 1
    del t["NAME0"]
    t.pop("name1")
    t.setdefault("Name2", -1)
    assert key.calls == operations + 4
    list(t), repr(t), t.stats(), t.picture(), dict(t.items())
    assert key.calls == operations + 4


def test_errors_from_key_propagate_and_leave_the_table_unchanged(make_table: MakeTable) -> None:
    class Refused(Exception):
        pass

    def key(k: str) -> str:
        if k.startswith("bad"):
            raise Refused(k)
        return k.lower()

    t = make_table({"A": 1}, key=key)
    for operation in (
        lambda: t.__setitem__("bad1", 2),
        lambda: t["bad2"],
        lambda: "bad3" in t,
        lambda: t.pop("bad4"),
        lambda: t.setdefault("bad5", 0),
        lambda: t.getitem("bad6"),
    ):
        with pytest.raises(Refused):
            operation()
    assert dict(t) == {"A": 1}
    with pytest.raises(TypeError, match="unhashable"):
        make_table(key=lambda k: [k])["x"] = 1


def test_key_applies_to_construction_update_union_and_comparison(make_table: MakeTable) -> None:
    t = make_table({"Accept": 1, "ACCEPT": 2}, key=str.casefold)
    assert dict(t) == {"Accept": 2}
    t.update({"accept": 3}, Host=4)
    t.update(make_table({"HOST": 5}))
    assert dict(t) == {"Accept": 3, "Host": 5}
    merged = t | {"host": 6, "Date": 7}
    assert isinstance(merged, HashTable) and merged.key is str.casefold
    assert dict(merged) == {"Accept": 3, "Host": 6, "Date": 7}
    # Items are compared as the left table sees its keys.
    assert t == {"accept": 3, "host": 5}
    assert t != {"accept": 3, "host": 6}
    assert t != {"accept": 3, "Accept": 3}
    assert {"accept": 3, "host": 5} == t
    assert repr(t) in ("HashTable({'Accept': 3, 'Host': 5})", "HashTable({'Host': 5, 'Accept': 3})")
    assert t.picture().count("*") == len(t) == t.stats()["load"] == 2


def test_transform_table_copies_and_pickles_with_its_key(make_table: MakeTable) -> None:
    t = make_table(key=str.casefold)
    for i in range(40):
        t[f"Key{i}"] = i
    for other in (t.copy(), copy.copy(t), copy.deepcopy(t), pickle.loads(pickle.dumps(t))):
        assert other.key is str.casefold
        assert sorted(other) == sorted(t)
        assert other["KEY3"] == 3
        other["key3"] = -3
        assert sorted(other) == sorted(t) and t["key3"] == 3


def test_popitem_and_iteration_show_the_first_spelling(make_table: MakeTable) -> None:
    t = make_table(key=str.lower)
    t["ABC"] = 1
    t["abc"] = 2
    assert list(reversed(t)) == ["ABC"]
    assert t.popitem() == ("ABC", 2)


# --- eq=: a callable ---


def test_eq_callable_decides_after_identity_and_stored_hash(make_table: MakeTable) -> None:
    eq = Counting(lambda stored, key: stored.lower() == key.lower())
    t = make_table(eq=eq, hash_func=lambda k: hash(k.lower()))
    first = "Hello"
    t[first] = 1
    assert eq.calls == 0
    t[first] = 2  # the same object: identity, no call
    assert eq.calls == 0
    t["HELLO"] = 3
    assert eq.calls == 1 and list(t.items()) == [("Hello", 3)]
    assert "hello" in t and eq.calls == 2
    assert "other" not in t
    assert t.eq is eq and t.key is None


def test_eq_gets_stored_then_given_and_may_return_any_truthy_value(make_table: MakeTable) -> None:
    seen: list[tuple[Any, Any]] = []

    def eq(stored: Any, key: Any) -> object:
        seen.append((stored, key))
        return [1] if stored == key else []

    t = make_table(eq=eq, hash_func=lambda k: 0)
    one, two, two_again = int("1001"), int("1002"), int("1002")
    t[one] = "one"
    t[two] = "two"
    assert t[two_again] == "two"
    assert seen[0] == (1001, 1002) and seen[0][0] is one
    assert seen[-1] == (1002, 1002) and seen[-1][0] is two and seen[-1][1] is two_again


def test_eq_errors_propagate(make_table: MakeTable) -> None:
    class Refused(Exception):
        pass

    def eq(stored: Any, key: Any) -> bool:
        raise Refused

    t = make_table(eq=eq, hash_func=lambda k: 0)
    t["a"] = 1
    with pytest.raises(Refused):
        t["b"] = 2
    assert dict(t) == {"a": 1}


def test_eq_with_key_compares_the_transformed_keys(make_table: MakeTable) -> None:
    calls: list[tuple[Any, Any]] = []

    def eq(stored: Any, key: Any) -> bool:
        calls.append((stored, key))
        return bool(stored == key)

    t = make_table(key=str.strip, eq=eq, hash_func=lambda k: len(k))
    t["  a "] = 1
    t["a"] = 2
    assert list(t.items()) == [("  a ", 2)] and calls == [("a", "a")]


# --- eq="identity" ---


def test_identity_keys_are_objects_not_values(make_table: MakeTable) -> None:
    t = make_table(eq="identity")
    a, b = [1, 2], [1, 2]
    t[a] = "a"
    t[b] = "b"
    assert len(t) == 2 and t[a] == "a" and t[b] == "b"
    assert [1, 2] not in t
    big, same_value = 10**20, int("1" + "0" * 20)
    t[big] = "big"
    assert big in t and same_value not in t
    odd = Unhashable()
    t[odd] = "odd"
    assert t[odd] == "odd" and t.getitem(odd) == (odd, "odd")
    del t[a]
    assert sorted(t.values()) == ["b", "big", "odd"] and a not in t and b in t
    assert t.hash_func is object.__hash__ and t.eq == "identity"


def test_identity_hash_is_object_hash_unless_hash_func_given(make_table: MakeTable) -> None:
    assert make_table(eq="identity", hash_func=object.__hash__).hash_func is object.__hash__
    by_length = make_table(eq="identity", hash_func=len)
    a, b = [1], [2]
    by_length[a] = 1
    by_length[b] = 2
    assert by_length.hash_func is len and by_length[a] == 1 and by_length[b] == 2
    assert [1] not in by_length
    with pytest.raises(TypeError):
        by_length[5] = 0  # len(5): the given hash_func is used


def test_identity_relation_survives_one_pickle(make_table: MakeTable) -> None:
    t = make_table(eq="identity")
    a, b = [0], [0]
    t[a] = "a"
    t[b] = "b"
    restored, (a2, b2) = pickle.loads(pickle.dumps((t, [a, b])))
    assert restored.eq == "identity" and len(restored) == 2
    assert restored[a2] == "a" and restored[b2] == "b"
    deep, (a3, _) = copy.deepcopy((t, [a, b]))
    assert deep[a3] == "a" and a not in deep
    assert t.copy()[a] == "a"


def test_identity_table_compares_with_mappings_by_identity(make_table: MakeTable) -> None:
    key = (1, 2)
    t = make_table({key: 1}, eq="identity")
    assert t == {key: 1}
    assert t != {(1, int("2")): 1}


# --- parameters ---


def test_bad_key_and_eq_name_the_parameter() -> None:
    with pytest.raises(TypeError, match="key must be a callable"):
        HashTable(key=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="eq must be .*'identity'.*got 'same'"):
        HashTable(eq="same")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="eq must be a callable"):
        HashTable(eq=3.5)  # type: ignore[arg-type]


def test_key_and_eq_are_read_only() -> None:
    t = HashTable(key=str.lower)
    with pytest.raises(AttributeError):
        t.key = str.upper  # type: ignore[misc]
    with pytest.raises(AttributeError):
        t.eq = "identity"  # type: ignore[misc]
    assert HashTable().key is None and HashTable().eq is None


def test_getitem_on_a_plain_table_returns_the_stored_key() -> None:
    stored = 1.0
    t = HashTable({stored: "x"})
    assert t.getitem(1) == (1.0, "x") and type(t.getitem(1)[0]) is float


def test_subclass_and_fromkeys_keep_their_own_rules() -> None:
    class Headers(HashTable[str, str]):
        pass

    h = Headers(key=str.casefold)
    h["X-A"] = "1"
    assert copy.copy(h).key is str.casefold and copy.copy(h)["x-a"] == "1"
    assert Headers.fromkeys(["A", "a"]).key is None
