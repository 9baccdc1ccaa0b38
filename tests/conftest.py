"""Fixtures that run every test against every strategy (and, where asked, hash function)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import hashtable
import pytest
from keys import constant_hash, low_bits_hash, python_level_hash

STRATEGIES = tuple(hashtable.STRATEGIES)

# Callables; the named native hash functions are added as strings when they exist.
HASH_FUNCS: tuple[Any, ...] = (None, python_level_hash, low_bits_hash, constant_hash) + tuple(
    name for name in hashtable.HASH_FUNCTIONS if name != "python"
)


def _hash_id(value: Any) -> str:
    return value if isinstance(value, str) else getattr(value, "__name__", "builtin")


@pytest.fixture(params=STRATEGIES)
def strategy(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(params=HASH_FUNCS, ids=_hash_id)
def hash_func(request: pytest.FixtureRequest) -> Any:
    return request.param


@pytest.fixture
def make_table(strategy: str) -> Callable[..., hashtable.HashTable]:
    """`make_table(data=None, **params)` builds a HashTable with this test's strategy."""

    def build(*args: Any, **kwargs: Any) -> hashtable.HashTable:
        kwargs.setdefault("strategy", strategy)
        return hashtable.HashTable(*args, **kwargs)

    return build


@pytest.fixture
def make_hashed_table(strategy: str, hash_func: Any) -> Callable[..., hashtable.HashTable]:
    """Like make_table, across every strategy and every hash function."""
    return functools.partial(hashtable.HashTable, strategy=strategy, hash_func=hash_func)
