"""The hand-written slots for `t[k]`, `k in t` and `t[k] = v` (builtin hash, scalar keys)
keep every semantic of the general path: counts, errors, `__missing__`, reference
counts, releases after the borrow, and logged resizes."""

from __future__ import annotations

import gc
import logging
import sys
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from hashtable import HashTable

MakeTable = Callable[..., HashTable]
SCALARS: list[Any] = ["text", b"bytes", 7, 2.5, True, 10**30]


def test_each_operation_hashes_once(make_table: MakeTable) -> None:
    t = make_table({k: k for k in SCALARS})
    for key in SCALARS + ["absent", -1]:
        before = t.stats()["hash_calls"]
        try:
            t[key]
        except KeyError:
            pass
        key in t  # noqa: B015
        t[key] = 1
        assert t.stats()["hash_calls"] - before == 3, key


def test_missing_scalar_key_error_carries_the_key(make_table: MakeTable) -> None:
    t = make_table({1: 1})
    for key in ("absent", 2, 3.5, b"x"):
        with pytest.raises(KeyError) as raised:
            t[key]
        assert raised.value.args == (key,)


def test_subclass_missing_and_getitem_are_honoured(strategy: str) -> None:
    class Defaulting(HashTable):
        def __missing__(self, key: object) -> str:
            return f"missing {key}"

    class Shouting(HashTable):
        def __getitem__(self, key: object) -> Any:
            return str(super().__getitem__(key)).upper()

    assert Defaulting({1: "one"}, strategy=strategy)[2] == "missing 2"
    assert Defaulting({1: "one"}, strategy=strategy)[1] == "one"
    assert Shouting({"a": "b"}, strategy=strategy)["a"] == "B"


def test_numbers_of_one_family_are_one_key(make_table: MakeTable) -> None:
    t = make_table()
    t[1] = "int"
    assert t[1.0] == "int" and t[True] == "int" and 1.0 in t
    t[1.0] = "float"
    assert list(t.keys()) == [1] and t[1] == "float"
    assert "1" not in t and b"1" not in t


def test_equal_keys_that_are_other_objects_are_found(make_table: MakeTable) -> None:
    # Each probe equals a stored key but is another object, so the identity
    # check fails and the slots compare values (their out-of-line path).
    stored: list[Any] = ["text", b"bytes", 10**30, 2.5, 1]
    probes: list[Any] = ["".join(["te", "xt"]), bytes(bytearray(b"bytes")), int("1" + "0" * 30), float("2.5"), 1.0]
    t = make_table({key: index for index, key in enumerate(stored)})
    for index, probe in enumerate(probes):
        assert probe == stored[index] and probe is not stored[index]
        assert t[probe] == index and probe in t
        t[probe] = -index
        assert t[stored[index]] == -index
    # As dict: an update keeps the stored key object, not the probe.
    assert len(t) == len(stored) and all(any(key is kept for key in t) for kept in stored)
    for probe in probes:
        del t[probe]
    assert len(t) == 0


@pytest.mark.parametrize("hash_func", [None, "seed"])
def test_str_keys_are_compared_by_text_across_kinds(strategy: str, hash_func: str | None) -> None:
    # "seed" hashes a str to its length, so every key of one length collides
    # and each lookup compares text: one, two and four bytes a char, and
    # equal lengths of different kinds.
    stored = ["abc", "ab\xe9", "ab\u20ac", "ab\U0001f600", "", "a"]
    absent = ["abd", "ab\xea", "ab\u20ad", "ab\U0001f601", "\xe9bc", "b"]
    t = HashTable(strategy=strategy, hash_func=hash_func)
    model = {}
    for index, key in enumerate(stored):
        t[key] = model[key] = index
    for key in stored:
        probe = "".join(list(key)) if len(key) > 1 else key
        assert probe == key and (len(key) < 2 or probe is not key)
        assert t[probe] == model[key] and probe in t
    for key in absent:
        assert key not in t and t.get(key) is None
    assert dict(t.items()) == model


def test_a_key_of_equal_hash_and_unequal_value_is_absent(make_table: MakeTable) -> None:
    # hash(-1) == hash(-2) == -2 in CPython: a candidate compared and turned away.
    assert hash(-1) == hash(-2)
    t = make_table({-1: "minus one"})
    assert -2 not in t and t.get(-2) is None
    with pytest.raises(KeyError):
        t[-2]
    t[-2] = "minus two"
    assert t[-1] == "minus one" and t[-2] == "minus two" and len(t) == 2


def test_reference_counts_are_exact(make_table: MakeTable) -> None:
    value = object()
    key = "refcounted-key"
    t = make_table()
    base_value, base_key = sys.getrefcount(value), sys.getrefcount(key)
    t[key] = value
    assert sys.getrefcount(value) == base_value + 1
    for _ in range(100):
        assert t[key] is value
        assert key in t
        t[key] = value
    assert sys.getrefcount(value) == base_value + 1
    t[key] = None
    assert sys.getrefcount(value) == base_value
    del t[key]
    assert sys.getrefcount(key) == base_key


def test_a_replaced_value_is_released_at_once_and_may_use_the_table(make_table: MakeTable) -> None:
    t = make_table({"other": 1})
    seen: list[Any] = []

    class Noisy:
        def __del__(self) -> None:
            seen.append(t["other"])
            t["written-by-del"] = True

    t["k"] = Noisy()
    gc.disable()
    try:
        t["k"] = 2  # the fast path drops the old value after its borrow
        assert seen == [1]
        assert t["written-by-del"] is True
    finally:
        gc.enable()


def test_a_weakly_referenced_value_dies_with_its_replacement(make_table: MakeTable) -> None:
    class Value:
        pass

    t = make_table()
    value = Value()
    alive = weakref.ref(value)
    t[5] = value
    del value
    assert alive() is not None
    t[5] = "replacement"
    assert alive() is None


def test_resizes_from_the_fast_path_are_logged(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="hashtable")
    t = make_table()
    for i in range(100):
        t[i] = i
    logged = [r for r in caplog.records if "resized" in r.getMessage()]
    assert len(logged) == t.stats()["resizes"] > 0


def test_unhashable_and_busy_go_to_the_general_path(make_table: MakeTable) -> None:
    t = make_table()
    with pytest.raises(TypeError, match="unhashable"):
        t[[1]] = 1
    with pytest.raises(TypeError, match="unhashable"):
        [1] in t  # noqa: B015

    class Reentrant:
        def __hash__(self) -> int:
            return hash("reentrant")

        def __eq__(self, other: object) -> bool:
            t["inner"] = 1  # a write while the outer lookup compares: allowed, table released
            return False

    t[Reentrant()] = 1
    t[Reentrant()] = 2
    assert t["inner"] == 1 and len(t) == 3


@pytest.mark.parametrize("modulus", [None, 3])
def test_a_python_hash_func_runs_once_per_operation(strategy: str, modulus: int | None) -> None:
    from helpers_api import CountingHash
    from keys import HashKey

    class Defaulting(HashTable):
        def __missing__(self, key: object) -> str:
            return "default"

    for cls in (HashTable, Defaulting):
        counting = CountingHash(modulus)
        t = cls({k: k for k in SCALARS}, strategy=strategy, hash_func=counting)
        t[HashKey(hash("text") if modulus is None else 1, "odd")] = "non-scalar neighbour"
        for key in SCALARS + ["absent", -1]:
            counting.calls = 0
            try:
                assert t[key] in (key, "default")
            except KeyError:
                assert cls is HashTable and key in ("absent", -1)
            assert (key in t) is (key in SCALARS)
            t[key] = key
            assert counting.calls == 3, (cls, key)
        with pytest.raises(TypeError, match="unhashable"):
            t[[1]]
