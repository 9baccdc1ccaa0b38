"""Constructing a HashTable: data, keyword parameters, sizes, resizing and errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import hashtable
import pytest
from hashtable import HashTable
from helpers_api import MIN_SLOTS, OPEN_ADDRESSING, POW2_STRATEGIES, model_sizes, usable_size

MakeTable = Callable[..., HashTable]


# --- data ---


def test_data_from_dict(make_table: MakeTable) -> None:
    t = make_table({"a": 1, "b": 2, 3: "c"})
    assert dict(t.items()) == {"a": 1, "b": 2, 3: "c"}
    assert len(t) == 3


def test_data_from_iterable_of_pairs(make_table: MakeTable) -> None:
    t = make_table([("a", 1), ("b", 2)])
    assert dict(t.items()) == {"a": 1, "b": 2}
    t = make_table(iter([(i, i * i) for i in range(50)]))
    assert dict(t.items()) == {i: i * i for i in range(50)}


def test_data_from_generator_of_lists(make_table: MakeTable) -> None:
    t = make_table([k, v] for k, v in zip("xyz", range(3), strict=True))
    assert dict(t.items()) == {"x": 0, "y": 1, "z": 2}


def test_data_later_pairs_win(make_table: MakeTable) -> None:
    t = make_table([("a", 1), ("a", 2)])
    assert len(t) == 1
    assert t["a"] == 2


def test_data_from_other_hashtable(make_table: MakeTable) -> None:
    source = make_table({i: str(i) for i in range(20)})
    t = make_table(source)
    assert dict(t.items()) == {i: str(i) for i in range(20)}
    source[0] = "changed"
    assert t[0] == "0"


def test_data_from_mapping_with_keys_method(make_table: MakeTable) -> None:
    class KeysOnly:
        def keys(self) -> list[str]:
            return ["p", "q"]

        def __getitem__(self, key: str) -> str:
            return key.upper()

    assert dict(make_table(KeysOnly()).items()) == {"p": "P", "q": "Q"}


def test_data_none_is_empty(make_table: MakeTable) -> None:
    assert len(make_table(None)) == 0
    assert len(make_table()) == 0


def test_data_is_positional_only() -> None:
    with pytest.raises(TypeError):
        HashTable(data={"a": 1})  # type: ignore[call-arg]


@pytest.mark.parametrize("number", [8, 8.0, 0, -1, 2.5])
def test_positional_number_says_parameters_are_keywords(number: float) -> None:
    with pytest.raises(TypeError, match="keyword") as info:
        HashTable(number)  # type: ignore[arg-type]
    assert "size=" in str(info.value)


def test_bad_data_element_is_type_error(make_table: MakeTable) -> None:
    with pytest.raises(TypeError):
        make_table([1, 2])
    with pytest.raises(ValueError):
        make_table([(1, 2, 3)])


def test_too_many_positionals() -> None:
    with pytest.raises(TypeError):
        HashTable({}, 8)  # type: ignore[call-arg]


# --- keyword defaults ---


def test_defaults() -> None:
    t = HashTable()
    assert t.size == 4
    assert t.max_load == 0.5
    assert t.min_load == 0.0
    assert t.growth == 2.0
    assert t.strategy == "chaining"
    assert t.index == "fibonacci"
    assert t.hash_func is hash
    assert t.load == 0


@pytest.mark.parametrize(
    ("name", "default"),
    [
        ("size", 4),
        ("max_load", 0.5),
        ("hash_func", hash),
        ("strategy", "chaining"),
        ("index", "fibonacci"),
        ("growth", 2.0),
        ("min_load", 0.0),
    ],
)
def test_none_means_default(name: str, default: Any) -> None:
    t = HashTable(**{name: None})
    assert getattr(t, name) == default
    if name == "hash_func":
        assert t.hash_func is hash


def test_unknown_keyword() -> None:
    with pytest.raises(TypeError):
        HashTable(capacity=8)  # type: ignore[call-arg]


def test_parameters_are_reported(strategy: str) -> None:
    max_load = 0.75
    t = HashTable(size=16, max_load=max_load, strategy=strategy, index="mod", growth=3.0, min_load=0.1)
    assert (t.size, t.max_load, t.strategy, t.index, t.growth, t.min_load) == (
        16,
        max_load,
        strategy,
        "mod",
        3.0,
        0.1,
    )


def test_int_max_load_and_growth_accepted(make_table: MakeTable) -> None:
    if make_table().strategy in OPEN_ADDRESSING:
        t = make_table(growth=3)
        assert t.growth == 3.0
        assert isinstance(t.growth, float)
    else:
        t = make_table(max_load=2, growth=3)
        assert (t.max_load, t.growth) == (2.0, 3.0)


def test_strategies_and_indexes_are_exported() -> None:
    assert "chaining" in hashtable.STRATEGIES
    assert set(hashtable.INDEXES) == {"mod", "mask", "fibonacci"}
    for strategy in hashtable.STRATEGIES:
        for index in hashtable.INDEXES:
            t = HashTable(strategy=strategy, index=index)
            assert (t.strategy, t.index) == (strategy, index)


# --- size ---


@pytest.mark.parametrize("size", [1, 3, 5, 7, 8, 100, 1000])
@pytest.mark.parametrize("index", ["mod", "mask", "fibonacci"])
def test_initial_size(strategy: str, index: str, size: int) -> None:
    t = HashTable(size=size, strategy=strategy, index=index)
    assert t.size == usable_size(strategy, index, size)
    if strategy in POW2_STRATEGIES or index == "mask":
        assert t.size & (t.size - 1) == 0 and t.size >= size
    else:
        assert t.size == size


def test_size_five_doubles_to_ten_then_twenty() -> None:
    for strategy in ("chaining", "robin_hood", "linear"):
        for index in ("fibonacci", "mod"):
            if strategy not in hashtable.STRATEGIES:
                continue
            t = HashTable(size=5, strategy=strategy, index=index)
            seen = [t.size]
            for i in range(12):
                t[i] = i
                if t.size != seen[-1]:
                    seen.append(t.size)
            assert seen == [5, 10, 20, 40], (strategy, index)


def test_rounded_size_is_reported(strategy: str) -> None:
    t = HashTable(size=5, strategy=strategy, index="mask")
    assert t.size == max(8, MIN_SLOTS[strategy])
    t = HashTable(size=5, strategy=strategy)
    assert t.size == (max(8, MIN_SLOTS[strategy]) if strategy in POW2_STRATEGIES else 5)
    t = HashTable(size=100, strategy=strategy, index="mask")
    assert t.size == 128


def test_minimum_sizes(strategy: str) -> None:
    if strategy in ("chaining", "linear", "robin_hood", "quadratic"):
        assert MIN_SLOTS[strategy] == 1
    else:
        assert MIN_SLOTS[strategy] & (MIN_SLOTS[strategy] - 1) == 0
        assert MIN_SLOTS[strategy] <= 64


def test_default_growth_sequence() -> None:
    t = HashTable()
    sizes = {}
    for i in range(1, 10):
        t[f"key{i}"] = i
        sizes[i] = t.size
    assert sizes == {1: 4, 2: 4, 3: 8, 4: 8, 5: 16, 6: 16, 7: 16, 8: 16, 9: 32}


def test_default_growth_sequence_per_strategy(make_table: MakeTable) -> None:
    t = make_table()
    sizes = [t.size]
    for i in range(1, 40):
        t[f"key{i}"] = i
        sizes.append(t.size)
    assert sizes == model_sizes(39, strategy=t.strategy)
    if MIN_SLOTS[t.strategy] <= 4:
        assert (sizes[2], sizes[3], sizes[5], sizes[9]) == (4, 8, 16, 32)


def test_update_of_existing_key_never_resizes(make_table: MakeTable) -> None:
    t = make_table(max_load=2 / make_table().size)
    t["a"] = 1
    t["b"] = 2
    size = t.size
    assert size * t.max_load == 2  # full: one more new key would resize
    for i in range(100):
        t["a"] = i
        t.set("b", i)
        t.update({"a": -i})
        t.setdefault("b", 0)
    assert t.size == size
    assert t.stats()["resizes"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"size": 1},
        {"size": 5, "max_load": 0.3},
        {"size": 7, "max_load": 0.9, "growth": 1.5},
        {"size": 3, "max_load": 0.7, "growth": 3.0},
        {"size": 10, "max_load": 0.25, "growth": 1.1},
        {"size": 6, "index": "mod", "growth": 2.5},
        {"size": 6, "index": "mask"},
    ],
)
def test_resize_policy_matches_model(strategy: str, params: dict[str, Any]) -> None:
    t = HashTable(strategy=strategy, **params)
    expected = model_sizes(60, strategy=strategy, **params)
    actual = [t.size]
    for i in range(60):
        t[i] = i
        actual.append(t.size)
    assert actual == expected
    assert all((n / size) <= params.get("max_load", 0.5) for n, size in enumerate(actual))


def test_growth_parameter(make_table: MakeTable) -> None:
    t = make_table(size=4, growth=4.0)
    t[1] = 1
    t[2] = 2
    t[3] = 3
    assert t.size == 16


def test_chaining_accepts_max_load_above_one() -> None:
    t = HashTable(max_load=3.0, size=4)
    for i in range(12):
        t[i] = i
    assert t.size == 4
    t[12] = 12
    assert t.size == 8
    assert len(t) / t.size > 1
    assert dict(t.items()) == {i: i for i in range(13)}


@pytest.mark.parametrize("max_load", [1.0, 1.5, 3.0])
def test_open_addressing_rejects_max_load_at_least_one(strategy: str, max_load: float) -> None:
    if strategy not in OPEN_ADDRESSING:
        assert HashTable(strategy=strategy, max_load=max_load).max_load == max_load
        return
    with pytest.raises(ValueError, match="max_load"):
        HashTable(strategy=strategy, max_load=max_load)


def test_open_addressing_high_max_load_fills_up(strategy: str) -> None:
    t = HashTable(strategy=strategy, size=8, max_load=0.99)
    size = t.size
    assert size < 99
    for i in range(size - 1):
        t[i] = i
    assert t.size == size
    t[size] = size
    assert t.size == 2 * size
    assert all(t[i] == i for i in range(size - 1))


def test_min_load_shrinks_after_removals(make_table: MakeTable) -> None:
    t = make_table(size=4, min_load=0.2)
    for i in range(64):
        t[i] = i
    grown = t.size
    grows = t.stats()["resizes"]
    assert grown >= 128
    for i in range(63):
        previous = t.size
        del t[i]
        if t.size != previous:
            # Each shrink divides by growth (then rounds as the strategy must).
            assert t.size == usable_size(t.strategy, t.index, previous // 2)
    assert t.size < grown
    assert len(t) / t.size >= 0.2 or t.size == MIN_SLOTS[t.strategy]
    assert t[63] == 63
    assert t.stats()["resizes"] > grows + 2


@pytest.mark.parametrize("growth", [2.0, 4.0])
def test_min_load_shrinks_by_one_over_growth(make_table: MakeTable, growth: float) -> None:
    t = make_table(size=64, min_load=0.1, max_load=0.5, growth=growth)
    for i in range(32):
        t[i] = i
    assert t.size == 64
    for i in range(25):
        t.pop(i)
    assert t.size == 64  # 7 items in 64 is not below 0.1
    t.pop(25)
    # 6 items in 64 buckets is below 0.1: one shrink, by 1/growth.
    assert t.size == 64 / growth
    assert dict(t.items()) == {i: i for i in range(26, 32)}


def test_zero_min_load_never_shrinks(make_table: MakeTable) -> None:
    t = make_table()
    for i in range(100):
        t[i] = i
    grown = t.size
    for i in range(100):
        del t[i]
    assert t.size == grown


def test_clear_returns_to_initial_size(make_table: MakeTable) -> None:
    t = make_table(size=5)
    initial = t.size
    for i in range(100):
        t[i] = i
    t.clear()
    assert t.size == initial
    assert len(t) == 0


# --- errors ---


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("size", 4.0),
        ("size", "4"),
        ("size", True),
        ("size", [4]),
        ("max_load", "0.5"),
        ("max_load", True),
        ("max_load", 1j),
        ("min_load", "0"),
        ("growth", "2"),
        ("growth", False),
        ("strategy", 1),
        ("strategy", b"chaining"),
        ("index", 0),
        ("hash_func", 42),
        ("hash_func", [hash]),
    ],
)
def test_wrong_type_is_type_error_naming_parameter(name: str, value: Any) -> None:
    with pytest.raises(TypeError, match=name):
        HashTable(**{name: value})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("size", 0),
        ("size", -1),
        ("size", -(2**70)),
        ("size", hashtable.MAX_SIZE + 1),
        ("size", 2**70),
        ("max_load", 0.0),
        ("max_load", -0.5),
        ("max_load", math.nan),
        ("max_load", math.inf),
        ("max_load", -math.inf),
        ("strategy", "cuckoo"),
        ("strategy", "Chaining"),
        ("strategy", ""),
        ("index", "modulo"),
        ("index", ""),
        ("growth", 1.0),
        ("growth", 0.5),
        ("growth", -2.0),
        ("growth", math.nan),
        ("growth", math.inf),
        ("min_load", -0.1),
        ("min_load", math.nan),
        ("min_load", 0.25),
        ("min_load", 0.9),
    ],
)
def test_out_of_range_is_value_error_naming_parameter(name: str, value: Any) -> None:
    with pytest.raises(ValueError, match=name):
        HashTable(**{name: value})


@pytest.mark.parametrize("name", ["max_load", "min_load", "growth"])
@pytest.mark.parametrize("value", [10**400, -(10**400)])
def test_huge_int_is_value_error_naming_parameter(name: str, value: int) -> None:
    with pytest.raises(ValueError, match=name):
        HashTable(**{name: value})


def test_max_size_bound() -> None:
    assert hashtable.MAX_SIZE >= 1 << 20
    with pytest.raises(ValueError, match="size"):
        HashTable(size=hashtable.MAX_SIZE + 1)


def test_unknown_strategy_message_lists_choices() -> None:
    with pytest.raises(ValueError) as info:
        HashTable(strategy="cuckoo")
    for name in hashtable.STRATEGIES:
        assert name in str(info.value)


def test_unknown_index_message_lists_choices() -> None:
    with pytest.raises(ValueError) as info:
        HashTable(index="bogus")
    for name in hashtable.INDEXES:
        assert name in str(info.value)


# --- read-only attributes ---


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("size", 16),
        ("load", 3),
        ("max_load", 0.9),
        ("hash_func", id),
        ("strategy", "linear"),
        ("index", "mod"),
        ("growth", 3.0),
        ("min_load", 0.1),
    ],
)
def test_attributes_are_read_only(make_table: MakeTable, name: str, value: Any) -> None:
    t = make_table()
    before = getattr(t, name)
    with pytest.raises(AttributeError):
        setattr(t, name, value)
    with pytest.raises(AttributeError):
        delattr(t, name)
    assert getattr(t, name) == before


def test_no_arbitrary_attributes() -> None:
    with pytest.raises(AttributeError):
        HashTable().colour = "red"  # type: ignore[attr-defined]


def test_load_tracks_len(make_table: MakeTable) -> None:
    t = make_table()
    for i in range(30):
        t[i] = i
        assert t.load == len(t) == i + 1
    for i in range(30):
        del t[i]
        assert t.load == len(t) == 29 - i


def test_size_updated_on_every_resize(make_table: MakeTable) -> None:
    t = make_table(size=2, max_load=0.5)
    previous = t.size
    changes = 0
    for i in range(200):
        t[i] = i
        assert len(t) <= t.max_load * t.size
        if t.size != previous:
            assert t.size > previous
            previous = t.size
            changes += 1
    assert changes == t.stats()["resizes"] >= 3


def test_default_hash_func_is_builtin_hash(make_table: MakeTable) -> None:
    assert make_table().hash_func is hash
    assert make_table(hash_func=hash).hash_func is hash


def test_custom_hash_func_is_returned_as_given(make_table: MakeTable) -> None:
    def h(key: object) -> int:
        return 1

    assert make_table(hash_func=h).hash_func is h
