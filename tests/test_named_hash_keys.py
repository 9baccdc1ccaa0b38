"""Named native hashes on the keys their fast route does not read in place.

The slots read an exact str's UTF-8, an exact int, float or bytes in place;
anything else (a str whose UTF-8 CPython has not made yet, a subclass, an int
beyond 64 bits) goes through the general encoding. Both must give equal keys
equal hashes, or a key stored one way is not found the other.
"""

from __future__ import annotations

from typing import Any

import hashtable
import pytest

NAMES = [name for name in hashtable.HASH_FUNCTIONS if name not in ("python", "seed")]


class MyInt(int):
    pass


class MyFloat(float):
    pass


class MyStr(str):
    pass


def fresh_text(text: str) -> str:
    """An equal str that is a new object, its UTF-8 not cached (for non-ASCII)."""
    return "".join(list(text))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("stored", "looked_up"),
    [
        (5, MyInt(5)),
        (MyInt(-7), -7),
        (2.5, MyFloat(2.5)),
        (3, MyFloat(3.0)),
        (2**70, 2**70),
        (2**70, float(2**70)),
        (-(2**64), float(-(2**64))),
        ("abc", MyStr("abc")),
        ("héllo wörld", "héllo wörld"),
        ("日本語のキー", "日本語のキー"),
        ("🦀 crab", "🦀 crab"),
    ],
)
def test_equal_keys_hash_equal_on_every_route(name: Any, stored: Any, looked_up: Any) -> None:
    table: hashtable.HashTable[Any, Any] = hashtable.HashTable(hash_func=name)
    for _ in range(3):
        if isinstance(stored, str):
            stored, looked_up = fresh_text(stored), fresh_text(looked_up)
        table.clear()
        table[stored] = "value"
        assert table[looked_up] == "value"
        assert looked_up in table
        table[looked_up] = "again"
        assert len(table) == 1
        assert table[stored] == "again"


@pytest.mark.parametrize("name", NAMES)
def test_non_ascii_text_before_and_after_its_utf8_is_cached(name: Any) -> None:
    keys = [fresh_text(f"clé-{i}-ü") for i in range(200)]
    table: hashtable.HashTable[Any, Any] = hashtable.HashTable(hash_func=name)
    for i, key in enumerate(keys):
        table[key] = i
    # New objects: the first lookups encode them; the later ones read the
    # UTF-8 CPython cached for them then.
    probes = [fresh_text(key) for key in keys]
    for _ in range(2):
        assert [table[probe] for probe in probes] == list(range(200))
