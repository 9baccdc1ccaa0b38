"""hashtable: a hash table engine in Rust whose every design choice is yours.

>>> from hashtable import HashTable
>>> t = HashTable(size=4, max_load=0.5)
>>> t["pi"] = 3.14
>>> t.get("pi")
3.14
"""

from __future__ import annotations

import collections.abc
from typing import Any

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
]


def _rebuild(cls: type[HashTable], params: dict[str, Any]) -> HashTable:
    """Recreate an empty table for pickle and copy; they add the items after."""
    return cls(**params)


_install_views(HashTableKeys, HashTableValues, HashTableItems)
collections.abc.MutableMapping.register(HashTable)
