"""Live views over a HashTable, built on collections.abc.

Everything that reads the table more than once is done natively, in one pass:
membership in `values()` and `items()`, and the set operations of `keys()` and
`items()`, which start from one snapshot of the table (as dict's views copy
the dict into a set in one C call). So a trace hook, another thread or a key's
`__eq__` that changes the table mid-operation gets dict's answer, never a
KeyError from a key that vanished between two Python-level steps.

Like dict's views, these read the table's storage through HashTable's own
methods, never through what a subclass overrides: a subclass's `__iter__`,
`__len__` or `__contains__` does not change what its `keys()` holds (and a
`keys()` override that calls `HashTable.keys(self)` from its own `__iter__`
does not recurse).
"""

from __future__ import annotations

import collections.abc
import types
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from hashtable._hashtable import HashTable as _Native

if TYPE_CHECKING:
    from hashtable._hashtable import HashTable

_K = TypeVar("_K")
_V = TypeVar("_V")
_T = TypeVar("_T")
_S = TypeVar("_S")


class _SnapshotSetOps(Generic[_T]):
    """dict's view set operations: a set made from one snapshot, then updated."""

    __slots__ = ()

    def _snapshot(self) -> set[_T]:
        raise NotImplementedError

    def __and__(self, other: Iterable[Any]) -> set[_T]:
        return self._snapshot().intersection(other)

    def __rand__(self, other: Iterable[_S]) -> set[_S]:
        # The same set as `self & other`: typed as dict's views are, by the left operand.
        return cast("set[_S]", self._snapshot().intersection(other))

    def __or__(self, other: Iterable[_S]) -> set[_T | _S]:
        result = cast("set[_T | _S]", self._snapshot())
        result.update(other)
        return result

    __ror__ = __or__

    def __xor__(self, other: Iterable[_S]) -> set[_T | _S]:
        result = cast("set[_T | _S]", self._snapshot())
        result.symmetric_difference_update(other)
        return result

    __rxor__ = __xor__

    def __sub__(self, other: Iterable[Any]) -> set[_T]:
        result = self._snapshot()
        result.difference_update(other)
        return result

    def __rsub__(self, other: Iterable[_S]) -> set[_S]:
        result = set(other)
        result.difference_update(self._snapshot())
        return result

    def isdisjoint(self, other: Iterable[Any]) -> bool:
        """True if the view and `other` have no element in common."""
        return not any(item in self for item in other)  # type: ignore[operator]


class _View(Generic[_K, _V]):
    __slots__ = ()
    _mapping: HashTable[_K, _V]

    def __len__(self) -> int:
        return _Native.__len__(self._mapping)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"  # type: ignore[call-overload]

    @property
    def mapping(self) -> types.MappingProxyType[_K, _V]:
        """A read-only proxy of the table this view looks at, as dict's views give."""
        return types.MappingProxyType(self._mapping)


class HashTableKeys(_View[_K, Any], _SnapshotSetOps[_K], collections.abc.KeysView[_K]):
    """A live view of a HashTable's keys, in the table's order; a set (`&`, `|`, `-`, `^`)."""

    __slots__ = ()

    def __iter__(self) -> Iterator[_K]:
        return _Native.__iter__(self._mapping)

    def __reversed__(self) -> Iterator[_K]:
        return _Native.__reversed__(self._mapping)

    def __contains__(self, key: object) -> bool:
        return _Native.__contains__(self._mapping, key)

    def _snapshot(self) -> set[_K]:
        return set(_Native._key_list(self._mapping))


class HashTableValues(_View[Any, _V], collections.abc.ValuesView[_V]):
    """A live view of a HashTable's values, in the table's order."""

    __slots__ = ()

    def __iter__(self) -> Iterator[_V]:
        return _Native._iter_values(self._mapping)

    def __reversed__(self) -> Iterator[_V]:
        return _Native._reversed_values(self._mapping)

    def __contains__(self, value: object) -> bool:
        return _Native._values_contain(self._mapping, value)


class HashTableItems(_View[_K, _V], _SnapshotSetOps[tuple[_K, _V]], collections.abc.ItemsView[_K, _V]):
    """A live view of a HashTable's (key, value) pairs, in the table's order; a set."""

    __slots__ = ()

    def __iter__(self) -> Iterator[tuple[_K, _V]]:
        return _Native._iter_items(self._mapping)

    def __reversed__(self) -> Iterator[tuple[_K, _V]]:
        return _Native._reversed_items(self._mapping)

    def __contains__(self, item: object) -> bool:
        return _Native._items_contain(self._mapping, item)

    def _snapshot(self) -> set[tuple[_K, _V]]:
        return set(_Native._item_list(self._mapping))
