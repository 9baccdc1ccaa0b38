"""DEBUG records on the "hashtable" logger: creation, resizes and "Dealloc-ing"."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import Callable

import pytest
from hashtable import HashTable

MakeTable = Callable[..., HashTable]

RESIZED = re.compile(r"\b(\d+)\b.*\b(\d+)\b")


def _messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hashtable"]


def _resizes(messages: list[str]) -> list[tuple[int, int]]:
    pairs = []
    for message in messages:
        if "resiz" in message:
            found = RESIZED.search(message)
            assert found is not None, message
            pairs.append((int(found.group(1)), int(found.group(2))))
    return pairs


def test_create_resize_free_logged(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    # Tables left over by earlier tests must not be freed (and logged) in the middle.
    gc.collect()
    gc.disable()
    try:
        with caplog.at_level(logging.DEBUG, logger="hashtable"):
            t = make_table(size=4)
            initial = t.size
            created = _messages(caplog)
            assert len(created) == 1
            assert "creat" in created[0].lower()
            assert t.strategy in created[0]
            caplog.clear()
            sizes = [t.size]
            for i in range(40):
                t[i] = i
                if t.size != sizes[-1]:
                    sizes.append(t.size)
            assert len(sizes) > 1
            assert _resizes(_messages(caplog)) == list(zip(sizes, sizes[1:], strict=False))
            assert sizes[0] == initial
            caplog.clear()
            del t  # the last reference: freed at once, no collection needed
            freed = _messages(caplog)
    finally:
        gc.enable()
    assert len(freed) == 1
    assert "Dealloc-ing" in freed[0]
    for record in caplog.records:
        assert record.levelno == logging.DEBUG
        assert record.name == "hashtable"


def test_shrinks_are_logged(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    t = make_table(min_load=0.1)
    for i in range(64):
        t[i] = i
    with caplog.at_level(logging.DEBUG, logger="hashtable"):
        before = t.size
        for i in range(63):
            del t[i]
        pairs = _resizes(_messages(caplog))
    assert pairs
    assert pairs[0][0] == before
    assert pairs[-1][1] == t.size
    assert all(new < old for old, new in pairs)


def test_every_counted_resize_is_logged(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="hashtable"):
        t = make_table(min_load=0.1)
        for i in range(64):
            t[i] = i
        for i in range(60):
            del t[i]
        for i in range(64):
            t[i] = i
        t.clear()
        assert len(_resizes(_messages(caplog))) == t.stats()["resizes"]


def test_copies_and_freed_tables_are_announced(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    t = make_table({1: 1})
    with caplog.at_level(logging.DEBUG, logger="hashtable"):
        c = t.copy()
        assert sum("creat" in m.lower() for m in _messages(caplog)) == 1
        del c
        assert sum("Dealloc-ing" in m for m in _messages(caplog)) == 1


def test_cycle_freed_by_gc_is_logged(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    gc.collect()  # earlier tests' garbage
    with caplog.at_level(logging.DEBUG, logger="hashtable"):
        t = make_table()
        t["self"] = t
        del t
        gc.collect()
        assert sum("Dealloc-ing" in m for m in _messages(caplog)) == 1


def test_silent_at_default_level(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    assert logging.getLogger("hashtable").getEffectiveLevel() >= logging.WARNING
    t = make_table(min_load=0.1)
    for i in range(100):
        t[i] = i
    for i in range(100):
        del t[i]
    t.copy()
    del t
    gc.collect()
    assert _messages(caplog) == []


def test_logging_keeps_a_pending_exception(make_table: MakeTable, caplog: pytest.LogCaptureFixture) -> None:
    """A table freed while an exception unwinds must not swallow or replace it."""

    def fail_with_table() -> None:
        t = make_table({1: 1})
        assert t
        raise KeyError("original")

    with caplog.at_level(logging.DEBUG, logger="hashtable"):
        with pytest.raises(KeyError, match="original"):
            fail_with_table()
    assert any("Dealloc-ing" in m for m in _messages(caplog))
