"""hashtable: a hash table engine in Rust whose every design choice is yours.

>>> from hashtable import HashTable
>>> t = HashTable(size=4, max_load=0.5)
>>> t["pi"] = 3.14
>>> t.get("pi")
3.14
"""

from __future__ import annotations

import collections.abc
from pathlib import Path
from typing import Any

from hashtable._hashtable import _C_API as _C_API  # for PyCapsule_Import("hashtable._C_API")
from hashtable._hashtable import (
    HASH_FUNCTIONS,
    INDEXES,
    MAX_SIZE,
    STRATEGIES,
    HashTable,
    HashTableIterator,
    _install_views,
)
from hashtable._views import HashTableItems, HashTableKeys, HashTableValues

__all__ = [
    "HASH_FUNCTIONS",
    "INDEXES",
    "MAX_SIZE",
    "STRATEGIES",
    "HashTable",
    "HashTableItems",
    "HashTableIterator",
    "HashTableKeys",
    "HashTableValues",
    "get_include",
]


def get_include() -> str:
    """The folder holding `hashtable_capi.h`, for C extensions that use HashTable
    through the capsule `hashtable._C_API` (as `numpy.get_include()` is used)."""
    return str(Path(__file__).resolve().parent / "include")


def _rebuild(cls: type[HashTable], params: dict[str, Any]) -> HashTable:
    """Recreate an empty table for pickle and copy; they add the items after."""
    return cls(**params)


_install_views(HashTableKeys, HashTableValues, HashTableItems)
collections.abc.MutableMapping.register(HashTable)
