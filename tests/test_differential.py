"""Randomized differential test: every strategy with every built-in hash function
runs 100k random operations beside a dict and must agree with it at every step.
"""

from __future__ import annotations

import random
from typing import Any

import hashtable
import pytest

OPERATIONS = 100_000
KEY_SPACE = 3_000  # small enough that deletes and updates hit existing keys often


def random_key(rng: random.Random) -> Any:
    kind = rng.randrange(6)
    n = rng.randrange(KEY_SPACE)
    if kind == 0:
        return n
    if kind == 1:
        return float(n) if n % 2 else n + 0.5  # integral floats collide with ints on purpose
    if kind == 2:
        return f"k{n}"
    if kind == 3:
        return n.to_bytes(4, "little")
    if kind == 4:
        return (n % 50, f"t{n % 7}")
    return -n * 2**40  # negative, and multiples of a large power of two


@pytest.mark.parametrize("hash_func", hashtable.HASH_FUNCTIONS)
def test_agrees_with_dict_over_100k_operations(strategy: str, hash_func: str) -> None:
    rng = random.Random(f"{strategy}/{hash_func}")
    table = hashtable.HashTable(strategy=strategy, hash_func=hash_func, min_load=0.1)
    model: dict[Any, Any] = {}
    for step in range(OPERATIONS):
        key = random_key(rng)
        choice = rng.random()
        if choice < 0.45:
            table[key] = step
            model[key] = step
        elif choice < 0.65:
            assert table.pop(key, None) == model.pop(key, None)
        elif choice < 0.85:
            assert table.get(key) == model.get(key)
            assert (key in table) == (key in model)
        elif choice < 0.95:
            assert table.setdefault(key, -step) == model.setdefault(key, -step)
        elif choice < 0.999:
            if model:
                popped_key, popped_value = table.popitem()
                assert model.pop(popped_key) == popped_value
        else:
            assert dict(table.items()) == model
            assert len(list(table)) == len(table) == len(model)
        assert len(table) == len(model)
    assert table == model
    assert sorted(map(repr, table.keys())) == sorted(map(repr, model.keys()))
