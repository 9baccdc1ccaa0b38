"""Live views over a HashTable, built on collections.abc.

`collections.abc.KeysView` and `ItemsView` supply the set operations (`&`, `|`,
`-`, `^`, `isdisjoint`); iteration goes straight to the native iterators.
"""

from __future__ import annotations

import collections.abc
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hashtable._hashtable import HashTable


class HashTableKeys(collections.abc.KeysView[Any]):
    __slots__ = ()
    _mapping: HashTable

    def __iter__(self) -> Iterator[Any]:
        return iter(self._mapping)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    @property
    def mapping(self) -> HashTable:
        """The table this view looks at (dict views give a read-only proxy)."""
        return self._mapping


class HashTableValues(collections.abc.ValuesView[Any]):
    __slots__ = ()
    _mapping: HashTable

    def __iter__(self) -> Iterator[Any]:
        return self._mapping._iter_values()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    @property
    def mapping(self) -> HashTable:
        """The table this view looks at (dict views give a read-only proxy)."""
        return self._mapping


class HashTableItems(collections.abc.ItemsView[Any, Any]):
    __slots__ = ()
    _mapping: HashTable

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return self._mapping._iter_items()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    @property
    def mapping(self) -> HashTable:
        """The table this view looks at (dict views give a read-only proxy)."""
        return self._mapping
