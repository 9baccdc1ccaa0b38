"""Keys: any hashable object, dict's equality rules, identity before __eq__, collisions."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hashtable import HashTable
from helpers_api import Opaque
from keys import HashKey, colliding

MakeTable = Callable[..., HashTable]

SAMPLE_KEYS: list[Any] = [
    0,
    1,
    -1,
    -2,
    2**64 + 7,
    -(2**100),
    0.5,
    -3.25,
    math.inf,
    -math.inf,
    1e300,
    "",
    "text",
    "ünïcödé",
    b"",
    b"bytes",
    (),
    (1, "a", (2.5, None)),
    frozenset(),
    frozenset({1, 2, 3}),
    None,
    Ellipsis,
    1 + 2j,
    range(3),
    int,
    len,
    Opaque("a"),
    Opaque("a"),
]


def test_any_hashable_key(make_hashed_table: MakeTable) -> None:
    t = make_hashed_table()
    for position, key in enumerate(SAMPLE_KEYS):
        t[key] = position
    assert len(t) == len(SAMPLE_KEYS)
    for position, key in enumerate(SAMPLE_KEYS):
        assert key in t
        assert t[key] == position
        assert t.get(key) == position
    for position, key in enumerate(SAMPLE_KEYS):
        assert t.pop(key) == position
        assert key not in t
    assert len(t) == 0


def test_equal_keys_of_other_objects_are_found(make_hashed_table: MakeTable) -> None:
    t = make_hashed_table()
    t["".join(["te", "xt"])] = 1
    t[(1, ("a",))] = 2
    t[frozenset([3, 2, 1])] = 3
    t[bytes([98])] = 4
    t[10**30] = 5
    assert t["text"] == 1
    assert t[(1, ("a",))] == 2
    assert t[frozenset({1, 2, 3})] == 3
    assert t[b"b"] == 4
    assert t[int("1" + "0" * 30)] == 5


def test_one_and_true_and_one_point_zero_are_one_key(make_hashed_table: MakeTable) -> None:
    t = make_hashed_table()
    t[1] = "int"
    t[1.0] = "float"
    t[True] = "bool"
    assert len(t) == 1
    (key,) = list(t)
    assert key == 1 and type(key) is int  # the first key object is kept
    assert t[1] == t[1.0] == t[True] == "bool"  # the value is updated
    t[0.0] = "zero"
    t[False] = "false"
    t[-0.0] = "negative zero"
    t[0] = "int zero"
    assert len(t) == 2
    assert [type(k) for k in t if k == 0] == [float]
    assert t[0] == "int zero"
    assert dict(t.items()) == {1: "bool", 0: "int zero"}


def test_first_key_object_is_kept_on_update(make_table: MakeTable) -> None:
    t = make_table()
    first = HashKey(3, "same")
    second = HashKey(3, "same")
    t[first] = 1
    t[second] = 2
    assert len(t) == 1
    assert next(iter(t)) is first
    assert t[first] == t[second] == 2
    assert t.setdefault(second, 3) == 2
    assert next(iter(t)) is first


def test_colliding_keys_are_distinct(make_hashed_table: MakeTable) -> None:
    keys = colliding(40)
    t = make_hashed_table()
    for i, key in enumerate(keys):
        t[key] = i
    assert len(t) == 40
    for i, key in enumerate(keys):
        assert t[HashKey(7, key.name)] == i
    assert HashKey(7, "unknown") not in t
    for key in keys[::2]:
        del t[HashKey(7, key.name)]
    assert sorted(k.name for k in t) == sorted(k.name for k in keys[1::2])


def test_different_hash_same_name_misses_with_builtin_hash(make_table: MakeTable) -> None:
    t = make_table()
    t[HashKey(1, "a")] = 1
    assert HashKey(1, "a") in t
    assert HashKey(2, "a") not in t


def test_equal_hash_unequal_ints(make_table: MakeTable) -> None:
    # hash(-1) == hash(-2) == -2 in CPython.
    assert hash(-1) == hash(-2)
    t = make_table({-1: "minus one", -2: "minus two"})
    assert len(t) == 2
    assert t[-1] == "minus one"
    assert t[-2] == "minus two"
    modulus = 2**61 - 1
    t[modulus + 5] = "wrapped"
    assert hash(modulus + 5) == hash(5)
    assert 5 not in t
    assert t[modulus + 5] == "wrapped"


class NeverEqual:
    """Equal to nothing, not even itself: only identity can find it."""

    eq_calls = 0

    def __hash__(self) -> int:
        return 12345

    def __eq__(self, other: object) -> bool:
        NeverEqual.eq_calls += 1
        return False


def test_identity_checked_before_eq(make_hashed_table: MakeTable) -> None:
    key = NeverEqual()
    t = make_hashed_table()
    t[key] = "found"
    for other in colliding(5, hash_value=12345):
        t[other] = other.name
    NeverEqual.eq_calls = 0
    assert key in t
    assert t[key] == "found"
    t[key] = "updated"
    assert t[key] == "updated"
    assert len(t) == 6
    assert NeverEqual() not in t
    del t[key]
    assert key not in t
    assert len(t) == 5


def test_identity_used_before_raising_eq(make_table: MakeTable) -> None:
    key = HashKey(5, "boom", error_on_eq=True)
    t = make_table()
    t[key] = 1
    assert t[key] == 1
    assert t.pop(key) == 1


def test_nan_found_by_identity_only(make_hashed_table: MakeTable) -> None:
    nan = float("nan")
    t = make_hashed_table()
    t[nan] = 1
    assert nan in t
    assert t[nan] == 1
    other_nan = float("nan")
    assert other_nan not in t
    t[other_nan] = 2
    assert len(t) == 2
    assert t[nan] == 1 and t[other_nan] == 2
    with pytest.raises(KeyError):
        t[float("nan")]
    del t[nan]
    assert list(t) == [other_nan]


def test_eq_returning_not_implemented_both_ways_is_unequal(make_table: MakeTable) -> None:
    class Foreign:
        def __hash__(self) -> int:
            return 7

        def __eq__(self, other: object) -> bool:
            return NotImplemented

    t = make_table()
    stored = HashKey(7, "k")
    t[stored] = 1
    probe = Foreign()
    assert probe not in t
    t[probe] = 2
    assert len(t) == 2
    assert t[probe] == 2 and t[stored] == 1


def test_eq_may_make_different_types_equal(make_table: MakeTable) -> None:
    class Alias:
        def __init__(self, target: str) -> None:
            self.target = target

        def __hash__(self) -> int:
            return hash(self.target)

        def __eq__(self, other: object) -> bool:
            return other == self.target

    t = make_table({"name": 1})
    assert Alias("name") in t
    assert t[Alias("name")] == 1
    t[Alias("name")] = 2
    assert list(t) == ["name"]
    assert t["name"] == 2


def test_many_keys_round_trip(make_hashed_table: MakeTable) -> None:
    t = make_hashed_table()
    keys = [f"s{i}" for i in range(150)] + list(range(150)) + [(i, -i) for i in range(150)]
    for key in keys:
        t[key] = key
    assert len(t) == len(keys)
    assert all(t[key] == key for key in keys)
    assert sorted(map(repr, t)) == sorted(map(repr, keys))
