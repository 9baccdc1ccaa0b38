"""The two faces of a table: the bucket picture (str/print) and a dict-like repr."""

from __future__ import annotations

import collections
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable

import pytest
from hashtable import HashTable
from helpers_api import OPEN_ADDRESSING, stars

MakeTable = Callable[..., HashTable]

CHAIN_LINE = re.compile(r"^\[\]\**$")
SLOT_LINE = re.compile(r"^\[\](\*([1-8]|9\+)?|x)?$")
HIDDEN_LINE = re.compile(r"^\.\.\. (\d+) more buckets? not shown$")


def _zero(_key: object) -> int:
    return 0


def _lines(picture: str) -> list[str]:
    return picture.split("\n")


def _line_pattern(strategy: str) -> re.Pattern[str]:
    return SLOT_LINE if strategy in OPEN_ADDRESSING else CHAIN_LINE


# --- the picture ---


def test_empty_picture(make_table: MakeTable) -> None:
    t = make_table(size=8)
    assert _lines(str(t)) == ["[]"] * t.size


def test_picture_lines_and_stars(make_hashed_table: MakeTable) -> None:
    t = make_hashed_table(size=16)
    for i in range(20):
        t[f"key{i}"] = i
    picture = t.picture()
    lines = _lines(picture)
    assert len(lines) == t.size
    pattern = _line_pattern(t.strategy)
    assert all(pattern.match(line) for line in lines), lines
    assert stars(picture) == len(t) == 20
    assert sum(1 for line in lines if line == "[]") == t.stats()["empty_buckets"]


def test_chain_lines_match_chain_lengths() -> None:
    t = HashTable(size=8, max_load=8.0, hash_func=lambda k: k % 3, index="mod")
    for i in range(30):
        t[i] = i
    lines = _lines(str(t))
    assert lines[:3] == ["[]" + "*" * 10] * 3
    assert lines[3:] == ["[]"] * 5
    histogram = collections.Counter(line.count("*") for line in lines)
    assert dict(histogram) == t.stats()["histogram"]


def test_one_chain_of_everything() -> None:
    t = HashTable(hash_func=_zero, size=32, max_load=1.0)
    for i in range(10):
        t[i] = i
    lines = _lines(str(t))
    assert lines.count("[]**********") == 1
    assert lines.count("[]") == 31


@pytest.mark.parametrize("strategy", sorted(OPEN_ADDRESSING))
def test_open_addressing_displacements(strategy: str) -> None:
    t = HashTable(size=64, strategy=strategy, hash_func=_zero, index="mod")
    for i in range(12):
        t[i] = i
    filled = sorted(
        (line for line in _lines(str(t)) if line.startswith("[]*")),
        key=lambda line: (len(line), line),
    )
    # Every key shares one home slot: displaced by 0, 1, 2, ... probe steps.
    assert filled == ["[]*"] + [f"[]*{n}" for n in range(1, 9)] + ["[]*9+"] * 3


@pytest.mark.parametrize("strategy", sorted(OPEN_ADDRESSING))
def test_home_slots_drawn_without_number(strategy: str) -> None:
    t = HashTable(size=64, strategy=strategy, hash_func=lambda k: k, index="mod")
    for i in range(0, 40, 2):
        t[i] = i
    lines = _lines(str(t))
    assert lines.count("[]*") == 20
    assert all(lines[i] == "[]*" for i in range(0, 40, 2))
    assert all(lines[i] == "[]" for i in range(1, 64, 2))


def test_tombstones_are_drawn(make_table: MakeTable) -> None:
    t = make_table(size=64, hash_func=_zero, index="mod")
    for i in range(20):
        t[i] = i
    for i in range(0, 20, 3):
        del t[i]
    lines = _lines(t.picture())
    tombstones = t.stats()["tombstones"]
    assert lines.count("[]x") == tombstones
    assert stars("\n".join(lines)) == len(t) == 13
    if t.strategy in ("quadratic", "swiss", "compact"):
        assert tombstones > 0
    if t.strategy in ("chaining", "linear", "robin_hood"):
        assert tombstones == 0


def test_large_table_shows_64_lines_then_a_count(make_table: MakeTable) -> None:
    t = make_table(size=200)
    lines = _lines(str(t))
    assert len(lines) == 65
    hidden = HIDDEN_LINE.match(lines[-1])
    assert hidden is not None, lines[-1]
    assert int(hidden.group(1)) == t.size - 64
    assert all(_line_pattern(t.strategy).match(line) for line in lines[:64])


def test_exactly_64_buckets_show_all(make_table: MakeTable) -> None:
    t = make_table(size=64)
    assert len(_lines(str(t))) == t.size == 64


def test_65_buckets_hide_one() -> None:
    t = HashTable(size=65)
    assert _lines(str(t))[-1] == "... 1 more bucket not shown"


def test_picture_whole_and_limited(make_table: MakeTable) -> None:
    t = make_table(size=4)
    for i in range(500):
        t[i] = i
    whole = t.picture()
    assert whole == t.picture(limit=None)
    assert len(_lines(whole)) == t.size > 64
    assert stars(whole) == 500
    assert str(t) == t.picture(limit=64)
    assert stars(str(t)) <= 500
    limited = _lines(t.picture(limit=10))
    assert len(limited) == 11
    assert limited[:10] == _lines(whole)[:10]
    assert HIDDEN_LINE.match(limited[-1])
    assert t.picture(limit=t.size) == whole


def test_picture_limit_zero(make_table: MakeTable) -> None:
    t = make_table(size=4)
    assert t.picture(limit=0) == f"... {t.size} more buckets not shown"


def test_print_writes_the_picture(make_table: MakeTable, capsys: pytest.CaptureFixture[str]) -> None:
    t = make_table({"a": 1, "b": 2})
    print(t)
    out = capsys.readouterr().out
    assert out == str(t) + "\n"
    assert stars(out) == 2


# --- repr ---


def test_repr_like_dict(make_table: MakeTable) -> None:
    assert repr(make_table()) == "HashTable({})"
    assert repr(make_table({1: 2})) == "HashTable({1: 2})"
    assert repr(make_table({"a": "b"})) == "HashTable({'a': 'b'})"
    t = make_table({i: str(i) for i in range(30)})
    assert repr(t) == "HashTable(" + repr(dict(t.items())) + ")"


def test_repr_of_subclass_uses_its_name() -> None:
    class Inventory(HashTable):
        pass

    assert repr(Inventory({"apples": 3})) == "Inventory({'apples': 3})"


def test_repr_of_self_containing_table(make_table: MakeTable) -> None:
    t = make_table()
    t[1] = t
    assert repr(t) == "HashTable({1: HashTable({...})})"
    a, b = make_table(), make_table()
    a["b"] = b
    b["a"] = a
    assert repr(a) == "HashTable({'b': HashTable({'a': HashTable({...})})})"
    nested = make_table({"x": [t]})
    assert repr(nested) == "HashTable({'x': [HashTable({1: HashTable({...})})]})"


class BadRepr:
    def __repr__(self) -> str:
        raise ValueError("no repr for you")


def test_repr_error_propagates(make_table: MakeTable) -> None:
    t = make_table({1: BadRepr()})
    with pytest.raises(ValueError, match="no repr for you"):
        repr(t)
    t[1] = "fine"
    # The failed repr left no trace: the table is not shown as `{...}`.
    assert repr(t) == "HashTable({1: 'fine'})"
    t = make_table({BadRepr(): 1})
    with pytest.raises(ValueError):
        repr(t)


def test_repr_of_large_table(make_table: MakeTable) -> None:
    t = make_table((i, i) for i in range(100_000))
    text = repr(t)
    assert text == "HashTable(" + repr(dict(t.items())) + ")"
    assert text.count(": ") == 100_000


_DEEP_BUILD = """
    import sys
    from hashtable import HashTable
    t = HashTable()
    for _ in range(100_000):
        t = HashTable({0: t})
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deeply_nested_repr_raises_recursion_error() -> None:
    result = _run(
        _DEEP_BUILD
        + """
    try:
        repr(t)
    except RecursionError:
        print("caught RecursionError", flush=True)
    print(repr(HashTable({1: 2})), flush=True)
    import os
    os._exit(0)  # freeing is tested on its own below
    """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["caught RecursionError", "HashTable({1: 2})"]


def test_deeply_nested_tables_are_freed_without_crash() -> None:
    result = _run(
        _DEEP_BUILD
        + """
    try:
        repr(t)
    except RecursionError:
        print("caught RecursionError", flush=True)
    del t
    print("freed", flush=True)
    """
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert result.stdout.splitlines() == ["caught RecursionError", "freed"]
