"""Live views over a HashTable, built on collections.abc.

`collections.abc.KeysView` and `ItemsView` supply the set operations (`&`, `|`,
`-`, `^`, `isdisjoint`); iteration goes straight to the native iterators.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from hashtable._hashtable import HashTable

_K = TypeVar("_K")
_V = TypeVar("_V")


class HashTableKeys(KeysView[_K]):
    """A live view of a HashTable's keys, in the table's order; a set (`&`, `|`, `-`, `^`)."""

    __slots__ = ()
    _mapping: HashTable[_K, Any]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._mapping)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    @property
    def mapping(self) -> HashTable[_K, Any]:
        """The table this view looks at (dict views give a read-only proxy)."""
        return self._mapping


class HashTableValues(ValuesView[_V]):
    """A live view of a HashTable's values, in the table's order."""

    __slots__ = ()
    _mapping: HashTable[Any, _V]

    def __iter__(self) -> Iterator[_V]:
        return self._mapping._iter_values()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    @property
    def mapping(self) -> HashTable[Any, _V]:
        """The table this view looks at (dict views give a read-only proxy)."""
        return self._mapping


class HashTableItems(ItemsView[_K, _V]):
    """A live view of a HashTable's (key, value) pairs, in the table's order; a set."""

    __slots__ = ()
    _mapping: HashTable[_K, _V]

    def __iter__(self) -> Iterator[tuple[_K, _V]]:
        return self._mapping._iter_items()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    @property
    def mapping(self) -> HashTable[_K, _V]:
        """The table this view looks at (dict views give a read-only proxy)."""
        return self._mapping
