"""Live views over a HashTable, built on collections.abc.

Everything that reads the table more than once is done natively, in one pass:
membership in `values()` and `items()`, and the set operations of `keys()` and
`items()`, which start from one snapshot of the table (as dict's views copy
the dict into a set in one C call). So a trace hook, another thread or a key's
`__eq__` that changes the table mid-operation gets dict's answer, never a
KeyError from a key that vanished between two Python-level steps.
"""

from __future__ import annotations

import collections.abc
import types
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hashtable._hashtable import HashTable


class _SnapshotSetOps:
    """dict's view set operations: a set made from one snapshot, then updated."""

    __slots__ = ()

    def _snapshot(self) -> set[Any]:
        raise NotImplementedError

    def __and__(self, other: Iterable[Any]) -> set[Any]:
        return self._snapshot().intersection(other)

    __rand__ = __and__

    def __or__(self, other: Iterable[Any]) -> set[Any]:
        result = self._snapshot()
        result.update(other)
        return result

    __ror__ = __or__

    def __xor__(self, other: Iterable[Any]) -> set[Any]:
        result = self._snapshot()
        result.symmetric_difference_update(other)
        return result

    __rxor__ = __xor__

    def __sub__(self, other: Iterable[Any]) -> set[Any]:
        result = self._snapshot()
        result.difference_update(other)
        return result

    def __rsub__(self, other: Iterable[Any]) -> set[Any]:
        result = set(other)
        result.difference_update(self._snapshot())
        return result

    def isdisjoint(self, other: Iterable[Any]) -> bool:
        return not any(item in self for item in other)


class _View:
    __slots__ = ()
    _mapping: HashTable

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"  # type: ignore[call-overload]

    @property
    def mapping(self) -> types.MappingProxyType[Any, Any]:
        """A read-only proxy of the table this view looks at, as dict's views give."""
        return types.MappingProxyType(self._mapping)


class HashTableKeys(_View, _SnapshotSetOps, collections.abc.KeysView[Any]):
    __slots__ = ()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._mapping)

    def __reversed__(self) -> Iterator[Any]:
        return reversed(self._mapping)

    def _snapshot(self) -> set[Any]:
        return set(self._mapping._key_list())


class HashTableValues(_View, collections.abc.ValuesView[Any]):
    __slots__ = ()

    def __iter__(self) -> Iterator[Any]:
        return self._mapping._iter_values()

    def __reversed__(self) -> Iterator[Any]:
        return self._mapping._reversed_values()

    def __contains__(self, value: object) -> bool:
        return self._mapping._values_contain(value)


class HashTableItems(_View, _SnapshotSetOps, collections.abc.ItemsView[Any, Any]):
    __slots__ = ()

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return self._mapping._iter_items()

    def __reversed__(self) -> Iterator[tuple[Any, Any]]:
        return self._mapping._reversed_items()

    def __contains__(self, item: object) -> bool:
        return self._mapping._items_contain(item)

    def _snapshot(self) -> set[Any]:
        return set(self._mapping._item_list())
