"""`update` and the constructor from lists, tuples and dicts: the one-borrow runs of
builtin scalar keys must give exactly what storing the pairs one by one gives."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import hashtable
import pytest
from hashtable import HashTable
from keys import HashKey

MakeTable = Callable[..., HashTable]


def one_by_one(make_table: MakeTable, pairs: list[tuple[Any, Any]], **params: Any) -> HashTable:
    table = make_table(**params)
    for key, value in pairs:
        table[key] = value
    return table


def test_mixed_sources_agree_with_storing_one_by_one(make_table: MakeTable) -> None:
    pairs: list[Any] = [(n, n) for n in range(300)] + [(f"s{n}", n) for n in range(50)]
    pairs += [(HashKey(3, "a"), 1), (1.0, "float replaces int 1"), (b"b", 2), (True, "bool replaces 1")]
    pairs += [(HashKey(3, "a"), 2), ((1, 2), "tuple"), (7, "again")]
    expected = one_by_one(make_table, pairs)
    for source in (pairs, tuple(pairs), dict(pairs)):
        table = make_table(source)
        assert dict(table.items()) == dict(expected.items())
        if table.strategy == "compact":  # insertion-ordered: the same order too
            assert list(table) == list(expected)
        assert dict(table) == dict(pairs)
        updated = make_table({0: "old"})
        updated.update(source)
        assert dict(updated) == dict(pairs)


def test_items_that_are_not_exact_pairs_go_through_the_general_path(make_table: MakeTable) -> None:
    class Pair(tuple):  # type: ignore[type-arg]
        pass

    table = make_table([(1, "a"), [2, "b"], Pair((3, "c")), "xy", (4, "d")])
    assert dict(table) == {1: "a", 2: "b", 3: "c", "x": "y", 4: "d"}
    with pytest.raises(ValueError, match="element #2 has length 3"):
        make_table([(1, 1), (2, 2), (3, 3, 3)])
    with pytest.raises(TypeError, match="element #1"):
        make_table([(1, 1), 5])


def test_replaced_values_are_released_after_the_borrow(make_table: MakeTable) -> None:
    table: HashTable[Any, Any] = make_table()
    seen: list[Any] = []

    class Noisy:
        def __del__(self) -> None:
            seen.append(table.get("k"))
            table["from_del"] = True

    table["k"] = Noisy()
    table.update([("k", "new"), ("other", 1)])
    assert seen == ["new"] and dict(table) == {"k": "new", "other": 1, "from_del": True}


def test_every_resize_of_a_run_is_logged_in_order(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    table = make_table({"first": 0})  # not empty: the update is not presized
    caplog.set_level(logging.DEBUG, logger="hashtable")
    table.update([(n, n) for n in range(200)])
    sizes = [
        (int(words[-4]), int(words[-2]))
        for words in (record.getMessage().split() for record in caplog.records)
        if "resized" in words
    ]
    assert len(sizes) == table.stats()["resizes"] >= 3
    assert all(a[1] == b[0] for a, b in zip(sizes, sizes[1:], strict=False))


def test_a_list_changed_by_eq_during_update_ends_like_dict(make_table: MakeTable) -> None:
    def scenario() -> list[Any]:
        pairs: list[Any] = []
        key = HashKey(5, "k", eq_hook=lambda: pairs.__delitem__(slice(3, None)))
        pairs.extend([(1, 1), (key, 1), (HashKey(5, "k2"), 2), (4, 4), (5, 5)])
        return pairs

    expected: dict[Any, Any] = {}
    expected.update(scenario())
    table = make_table()
    table.update(scenario())
    assert sorted(map(repr, table.items())) == sorted(map(repr, expected.items()))
    assert len(table) == 3


def test_a_dict_changed_during_update_is_an_error(make_table: MakeTable) -> None:
    source: dict[Any, Any] = {1: 1, HashKey(5, "k"): 1}
    table = make_table({HashKey(5, "other", eq_hook=lambda: source.__setitem__("added", 1)): 0})
    with pytest.raises(RuntimeError, match="dict mutated during update"):
        table.update(source)


def test_hash_calls_count_every_pair_once(make_table: MakeTable) -> None:
    table = make_table()
    table.update([(n % 50, n) for n in range(120)])
    assert table.stats()["hash_calls"] == 120


# With `hash_func="seed"` an int hashes to its own 64 bits, so these keys hash
# to the two values the open-addressing slots reserve (-1 is 2**64 - 1 and
# -2**63 is 2**63) and to the neighbours those are stored as.
RESERVED_HASH_KEYS = [-1, -2, -(2**63), -(2**63) + 1, 0, 5]


@pytest.mark.parametrize("source_strategy", hashtable.STRATEGIES)
def test_update_from_a_table_of_another_strategy_finds_every_key(source_strategy: str) -> None:
    # `update` reuses a same-hashing source's hashes; a linear, quadratic or
    # Robin Hood source stores the reserved hashes moved to their neighbours,
    # which swiss, chaining and compact (storing the caller's hash as it is)
    # must not take for the keys' own hashes.
    source = HashTable(strategy=source_strategy, hash_func="seed")
    for key in RESERVED_HASH_KEYS:
        source[key] = str(key)
    for strategy in hashtable.STRATEGIES:
        copy = HashTable(strategy=strategy, hash_func="seed")
        copy.update(source)
        assert len(copy) == len(RESERVED_HASH_KEYS)
        for key in RESERVED_HASH_KEYS:
            assert copy[key] == str(key), (source_strategy, strategy, key)
            assert key in copy
        del copy[-1]
        assert -1 not in copy and -2 in copy
