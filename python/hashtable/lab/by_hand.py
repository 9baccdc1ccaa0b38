"""The mappings a user writes by hand when a table cannot take `key=` or `eq=`.

The lab and `scripts/bench_python.py` time `HashTable(key=str.casefold)` and
`HashTable(eq="identity")` against these, in the same run. Both are written the way
such mappings usually are, in pure Python with a dict underneath, and keep the same
semantics as the tables they stand beside:

* `CaseFoldDict`: PEP 455's `TransformDict` design with `str.casefold` written in:
  one dict of values and one of the first spelling inserted, both keyed by the
  folded key (the `CaseInsensitiveDict` of HTTP libraries is the same idea).
* `IdentityDict`: a dict keyed by `id(key)`, the memo pattern of `copy.deepcopy`
  as a mapping. It stores the key beside its value, so the key stays alive: an id
  is reused once its object is freed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any


class CaseFoldDict(MutableMapping[str, Any]):
    """A case-insensitive mapping of str keys: `str.casefold` in every method.

    The first spelling inserted is the one kept (`list(d)`, `getitem`), as with
    `HashTable(key=str.casefold)`.
    """

    __slots__ = ("_original", "_values")

    def __init__(self, data: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        self._values: dict[str, Any] = {}
        self._original: dict[str, str] = {}
        self.update(data)

    def __getitem__(self, key: str) -> Any:
        return self._values[key.casefold()]

    def __setitem__(self, key: str, value: Any) -> None:
        folded = key.casefold()
        self._values[folded] = value
        self._original.setdefault(folded, key)

    def __delitem__(self, key: str) -> None:
        folded = key.casefold()
        del self._values[folded]
        del self._original[folded]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.casefold() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._original.values())

    def __len__(self) -> int:
        return len(self._values)

    def getitem(self, key: str) -> tuple[str, Any]:
        """(the spelling stored, the value), as PEP 455 specified."""
        folded = key.casefold()
        return self._original[folded], self._values[folded]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.items())!r})"


class IdentityDict(MutableMapping[Any, Any]):
    """A mapping whose keys are equal only when they are the same object; any object
    can be a key, unhashable ones included."""

    __slots__ = ("_entries",)

    def __init__(self, data: Mapping[Any, Any] | Iterable[tuple[Any, Any]] = ()) -> None:
        self._entries: dict[int, tuple[Any, Any]] = {}
        self.update(data)

    def __getitem__(self, key: Any) -> Any:
        return self._entries[id(key)][1]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._entries[id(key)] = (key, value)

    def __delitem__(self, key: Any) -> None:
        del self._entries[id(key)]

    def __contains__(self, key: object) -> bool:
        return id(key) in self._entries

    def __iter__(self) -> Iterator[Any]:
        return (key for key, _ in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({[(k, v) for k, v in self._entries.values()]!r})"
