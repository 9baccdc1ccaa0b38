"""hashtable: a hash table engine in Rust whose every design choice is yours.

`HashTable` is a dict-compatible mutable mapping; its keyword parameters choose the
initial size, the maximum load, the hash function, the collision strategy, the bucket
index and the growth. `help(hashtable.HashTable)` describes each one.

>>> from hashtable import HashTable
>>> t = HashTable(size=4, max_load=0.5)
>>> t["pi"] = 3.14
>>> t.get("pi")
3.14

Constants: `STRATEGIES`, `INDEXES` and `HASH_FUNCTIONS` are the names the `strategy`,
`index` and `hash_func` parameters accept (`StrategyName`, `IndexName` and `HashFuncName`
are the same names as types); `STRATEGY_INFO` says what each strategy is (open
addressing or not, insertion-ordered or not, its sizes, and its recommended `max_load`
and `growth`); `MAX_SIZE` is the largest initial size.
`TableStats` is the type of `HashTable.stats()`. The lab is `python -m hashtable.lab`.
"""

from collections.abc import MutableMapping as _MutableMapping
from pathlib import Path as _Path
from typing import Any as _Any

from hashtable._hashtable import _C_API as _C_API  # for PyCapsule_Import("hashtable._C_API")
from hashtable._hashtable import (
    HASH_FUNCTIONS,
    INDEXES,
    MAX_SIZE,
    STRATEGIES,
    STRATEGY_INFO,
    HashTable,
    HashTableIterator,
    _install_views,
)
from hashtable._hashtable import __version__ as __version__  # the version Cargo.toml declares
from hashtable._types import HashFuncName, IdentityName, IndexName, StrategyName, TableStats
from hashtable._views import HashTableItems, HashTableKeys, HashTableValues

__all__ = [
    "HASH_FUNCTIONS",
    "INDEXES",
    "MAX_SIZE",
    "STRATEGIES",
    "STRATEGY_INFO",
    "HashFuncName",
    "HashTable",
    "HashTableItems",
    "HashTableIterator",
    "HashTableKeys",
    "HashTableValues",
    "IdentityName",
    "IndexName",
    "StrategyName",
    "TableStats",
    "get_include",
]


def get_include() -> str:
    """The folder holding `hashtable_capi.h`, for C extensions that use HashTable
    through the capsule `hashtable._C_API` (as `numpy.get_include()` is used)."""
    return str(_Path(__file__).resolve().parent / "include")


def _rebuild(cls: type[HashTable[_Any, _Any]], params: dict[str, _Any]) -> HashTable[_Any, _Any]:
    """Recreate an empty table for pickle and copy; they add the items after."""
    return cls(**params)


_install_views(HashTableKeys, HashTableValues, HashTableItems)
_MutableMapping.register(HashTable)
