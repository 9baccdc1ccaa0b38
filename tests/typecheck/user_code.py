"""Code a user would write against `hashtable`, checked by `mypy --strict` (make lint)
and run by pytest (tests/test_package.py), so the types and the runtime agree.

`assert_type` pins what the stubs promise: a wrong inference is a mypy error here.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, MutableMapping, ValuesView
from typing import assert_type

import hashtable
from hashtable import HASH_FUNCTIONS, INDEXES, STRATEGIES, HashFuncName, HashTable, StrategyName, TableStats


def word_counts(text: str, strategy: StrategyName = "robin_hood") -> HashTable[str, int]:
    counts: HashTable[str, int] = HashTable(strategy=strategy, max_load=0.75)
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    return counts


def total(counts: Mapping[str, int]) -> int:
    return sum(counts.values())


def bump(counts: MutableMapping[str, int], word: str) -> None:
    counts[word] = counts.get(word, 0) + 1


def first_letters(words: Iterator[str]) -> HashTable[str, list[str]]:
    groups: HashTable[str, list[str]] = HashTable()
    for word in words:
        groups.setdefault(word[0], []).append(word)
    return groups


def sizes_by_strategy() -> dict[StrategyName, int]:
    """Every strategy: STRATEGIES holds exactly the names `strategy=` accepts."""
    sizes: dict[StrategyName, int] = {}
    for strategy in STRATEGIES:
        table = HashTable({n: n * n for n in range(100)}, strategy=strategy)
        assert_type(table, HashTable[int, int])
        sizes[strategy] = table.stats()["size"]
    return sizes


class Inventory(HashTable[str, int]):
    """A subclass keeps its own type through the constructor and copy.copy."""

    def restock(self, item: str, amount: int) -> int:
        self[item] = self.get(item, 0) + amount
        return self[item]


def main() -> None:
    counts = word_counts("the cat saw the other cat")
    assert_type(counts, HashTable[str, int])
    assert total(counts) == 6
    bump(counts, "dog")
    assert counts["dog"] == 1

    # Construction: a mapping, pairs, or nothing (the annotation gives the types).
    squares = HashTable({1: 1, 2: 4}, size=8, hash_func="fnv1a")
    assert_type(squares, HashTable[int, int])
    pairs = HashTable([("a", 1.5), ("b", 2.5)], strategy="swiss", index="mask")
    assert_type(pairs, HashTable[str, float])
    by_length: HashTable[str, int] = HashTable(hash_func=len, growth=1.5, min_load=0.1)
    by_length["four"] = 4
    custom = HashTable([(b"k", 1)], hash_func=lambda key: len(key))
    assert_type(custom, HashTable[bytes, int])

    # Lookups: defaults widen the result only when their type differs.
    assert_type(counts.get("cat"), int | None)
    assert_type(counts.get("cat", 0), int)
    assert_type(counts.get("cat", "none"), int | str)
    assert_type(counts.pop("dog"), int)
    assert_type(counts.pop("dog", None), int | None)
    assert_type(counts.setdefault("bird", 0), int)
    optional: HashTable[str, int | None] = HashTable()
    assert_type(optional.setdefault("maybe"), int | None)
    key, value = counts.popitem()
    assert_type(key, str)
    assert_type(value, int)
    counts.set(key, value)

    # Views are the standard ones, with their element types.
    keys: KeysView[str] = counts.keys()
    values: ValuesView[int] = counts.values()
    items: ItemsView[str, int] = counts.items()
    assert_type(counts.keys(), hashtable.HashTableKeys[str])
    assert_type(counts.items(), hashtable.HashTableItems[str, int])
    assert_type(keys & {"the", "fish"}, set[str])
    assert sorted(keys | {"fish"}) == sorted([*counts, "fish"])
    assert sum(values) == total(counts)
    assert ("the", 2) in items
    for word in counts:
        assert_type(word, str)
    assert_type(reversed(counts), Iterator[str])
    assert list(reversed(counts.values())) == list(counts.values())[::-1]
    for word, count in counts.items():
        assert count == counts[word]

    # Unions and updates, as with dict.
    assert_type(counts | {"fish": 1}, HashTable[str, int])
    assert_type(counts | {1.5: "x"}, HashTable[str | float, int | str])
    assert_type({"fish": 1} | counts, HashTable[str, int])
    counts |= {"fish": 2}
    counts |= [("eel", 3)]
    counts.update({"cod": 1})
    counts.update([("ray", 1)], pike=2)
    counts.update(carp=4)
    assert counts["carp"] == 4

    # Copies, pickles and fromkeys.
    assert_type(counts.copy(), HashTable[str, int])
    assert_type(copy.copy(counts), HashTable[str, int])
    clone = pickle.loads(pickle.dumps(counts))
    assert clone == counts
    assert_type(HashTable.fromkeys("abc"), HashTable[str, None])
    assert_type(HashTable.fromkeys(range(3), 0.0), HashTable[int, float])

    # The table's own attributes and report.
    assert_type(counts.strategy, StrategyName)
    hash_func = counts.hash_func
    assert_type(hash_func, Callable[[str], int] | HashFuncName)
    report: TableStats = counts.stats()
    assert report["load"] == len(counts)
    chains: dict[int, int] = report["histogram"]
    assert sum(chains.values()) <= report["size"]
    assert report["strategy"] in STRATEGIES and report["index"] in INDEXES
    assert "fnv1a" in HASH_FUNCTIONS
    assert counts.picture(limit=2).startswith("[]")

    groups = first_letters(iter(["apple", "avocado", "banana"]))
    assert groups["a"] == ["apple", "avocado"]
    assert sizes_by_strategy()["chaining"] >= 100

    stock = Inventory({"bolts": 10})
    assert_type(stock, Inventory)
    assert stock.restock("bolts", 5) == 15
    assert_type(copy.copy(stock), Inventory)
    assert isinstance(stock, MutableMapping)

    headers: HashTable[str, str] = HashTable(key=str.casefold)
    headers["Content-Type"] = "text/html"
    stored_name, header_value = headers.getitem("content-type")
    assert_type(stored_name, str)
    assert (stored_name, header_value) == ("Content-Type", "text/html") and headers.key is str.casefold
    seen: HashTable[list[int], str] = HashTable(eq="identity")
    seen[[1]] = "a list"
    assert seen.eq == "identity" and len(seen) == 1


if __name__ == "__main__":
    main()
