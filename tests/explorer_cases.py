"""Small traces written out by hand, event by event, for the explorer's own tests.

They are what the engine does on these operations (hash_func=identity, index="mod",
so a key's home is key % size), and test_explorer_replay.py holds each against a
real HashTable: replaying them gives the table's picture() after every step. The
page tests use them where the engine's recorder (`hashtable.lab.trace`) is not in
the build; they do not stand in for it anywhere else.
"""

from __future__ import annotations

from typing import Any

from hashtable.lab.explorer.schema import LAYOUTS, VERSION, Trace


def identity(key: int) -> int:
    return key


def _v(at: int, saw: str, **more: Any) -> dict[str, Any]:
    return {"e": "visit", "at": at, "saw": saw, **more}


def _step(
    op: str, key: int, home: int, result: str, events: list[dict[str, Any]], comparisons: int = 0
) -> dict[str, Any]:
    probes = sum(1 for event in events if event["e"] == "visit")
    return {
        "op": op,
        "key": key,
        "home": home,
        "result": result,
        "probes": probes,
        "comparisons": comparisons,
        "events": events,
    }


def _trace(strategy: str, keys: list[int], start: Any, steps: list[dict[str, Any]], size: int = 8) -> Trace:
    return {
        "version": VERSION,
        "strategy": strategy,
        "layout": LAYOUTS[strategy],
        "size": size,
        "max_load": 0.5,
        "growth": 2.0,
        "hash_func": "identity",
        "index": "mod",
        "keys": [{"repr": repr(k), "hash": f"0x{k:016x}"} for k in keys],
        "start": start,
        "steps": steps,
    }


# Key ids, by first appearance: 0 -> 1, 1 -> 9, 2 -> 17, 3 -> 25, 4 -> 2, 5 -> 3
LINEAR_KEYS = [1, 9, 17, 25, 2, 3]


def linear() -> Trace:
    """Probing past hash mismatches, a failed lookup, a backward shift on delete, a resize."""
    steps = [
        _step("set", 0, 1, "inserted", [_v(1, "empty"), {"e": "place", "at": 1, "id": 0, "dist": 0, "reused": False}]),
        _step(
            "set",
            1,
            1,
            "inserted",
            [_v(1, "hash_mismatch"), _v(2, "empty"), {"e": "place", "at": 2, "id": 1, "dist": 1, "reused": False}],
        ),
        _step(
            "set",
            2,
            1,
            "inserted",
            [
                _v(1, "hash_mismatch"),
                _v(2, "hash_mismatch"),
                _v(3, "empty"),
                {"e": "place", "at": 3, "id": 2, "dist": 2, "reused": False},
            ],
        ),
        _step("get", 1, 1, "found", [_v(1, "hash_mismatch"), _v(2, "key_equal")], comparisons=1),
        _step(
            "get",
            3,
            1,
            "missing",
            [_v(1, "hash_mismatch"), _v(2, "hash_mismatch"), _v(3, "hash_mismatch"), _v(4, "empty")],
        ),
        _step(
            "del",
            1,
            1,
            "deleted",
            [
                _v(1, "hash_mismatch"),
                _v(2, "key_equal"),
                {"e": "remove", "at": 2, "id": 1, "leave": "empty"},
                {"e": "move", "id": 2, "from": 3, "to": 2, "dist": 1},
            ],
            comparisons=1,
        ),
        _step(
            "set",
            4,
            2,
            "inserted",
            [_v(2, "hash_mismatch"), _v(3, "empty"), {"e": "place", "at": 3, "id": 4, "dist": 1, "reused": False}],
        ),
        _step(
            "set",
            1,
            1,
            "inserted",
            [
                _v(1, "hash_mismatch"),
                _v(2, "hash_mismatch"),
                _v(3, "hash_mismatch"),
                _v(4, "empty"),
                {"e": "place", "at": 4, "id": 1, "dist": 3, "reused": False},
            ],
        ),
        _step(
            "set",
            5,
            3,
            "inserted",
            [
                {
                    "e": "resize",
                    "old_size": 8,
                    "new_size": 16,
                    "items": [
                        {"id": 0, "from": 1, "to": 1, "dist": 0},
                        {"id": 2, "from": 2, "to": 2, "dist": 1},
                        {"id": 4, "from": 3, "to": 3, "dist": 1},
                        {"id": 1, "from": 4, "to": 9, "dist": 0},
                    ],
                },
                _v(3, "hash_mismatch"),
                _v(4, "empty"),
                {"e": "place", "at": 4, "id": 5, "dist": 1, "reused": False},
            ],
        ),
    ]
    return _trace("linear", LINEAR_KEYS, [None] * 8, steps)


# Key ids: 0 -> 1, 1 -> 2, 2 -> 9
ROBIN_KEYS = [1, 2, 9]


def robin_hood() -> Trace:
    """9 meets 2 at 2, farther from its home than 2 is: 9 takes the slot and 2 moves on."""
    steps = [
        _step("set", 0, 1, "inserted", [_v(1, "empty"), {"e": "place", "at": 1, "id": 0, "dist": 0, "reused": False}]),
        _step("set", 1, 2, "inserted", [_v(2, "empty"), {"e": "place", "at": 2, "id": 1, "dist": 0, "reused": False}]),
        _step(
            "set",
            2,
            1,
            "inserted",
            [
                _v(1, "hash_mismatch"),
                _v(2, "richer"),
                {"e": "place", "at": 2, "id": 2, "dist": 1, "reused": False},
                _v(3, "empty"),
                {"e": "move", "id": 1, "from": 2, "to": 3, "dist": 1},
            ],
        ),
        _step("get", 1, 2, "found", [_v(2, "hash_mismatch"), _v(3, "key_equal")], comparisons=1),
    ]
    return _trace("robin_hood", ROBIN_KEYS, [None] * 8, steps)


# Key ids: 0 -> 1, 1 -> 9, 2 -> 17, 3 -> 25
QUADRATIC_KEYS = [1, 9, 17, 25]


def quadratic() -> Trace:
    """Offsets 0, 1, 3, 6 from home; a delete leaves a tombstone, and 25 reuses it."""
    steps = [
        _step("set", 0, 1, "inserted", [_v(1, "empty"), {"e": "place", "at": 1, "id": 0, "dist": 0, "reused": False}]),
        _step(
            "set",
            1,
            1,
            "inserted",
            [_v(1, "hash_mismatch"), _v(2, "empty"), {"e": "place", "at": 2, "id": 1, "dist": 1, "reused": False}],
        ),
        _step(
            "set",
            2,
            1,
            "inserted",
            [
                _v(1, "hash_mismatch"),
                _v(2, "hash_mismatch"),
                _v(4, "empty"),
                {"e": "place", "at": 4, "id": 2, "dist": 2, "reused": False},
            ],
        ),
        _step(
            "del",
            1,
            1,
            "deleted",
            [_v(1, "hash_mismatch"), _v(2, "key_equal"), {"e": "remove", "at": 2, "id": 1, "leave": "tombstone"}],
            comparisons=1,
        ),
        _step("get", 2, 1, "found", [_v(1, "hash_mismatch"), _v(2, "tombstone"), _v(4, "key_equal")], comparisons=1),
        _step(
            "set",
            3,
            1,
            "inserted",
            [
                _v(1, "hash_mismatch"),
                _v(2, "tombstone"),
                _v(4, "hash_mismatch"),
                _v(7, "empty"),
                {"e": "place", "at": 2, "id": 3, "dist": 1, "reused": True},
            ],
        ),
    ]
    return _trace("quadratic", QUADRATIC_KEYS, [None] * 8, steps)


def chaining() -> Trace:
    """Three keys in bucket 1's chain, one deleted from the middle."""
    steps = [
        _step(
            "set",
            0,
            1,
            "inserted",
            [
                {"e": "place", "at": 1, "pos": 0, "id": 0, "dist": 0, "reused": False},
                {"e": "link", "bucket": 1, "from": None, "to": 0},
            ],
        ),
        _step(
            "set",
            1,
            1,
            "inserted",
            [
                _v(1, "hash_mismatch", pos=0),
                {"e": "place", "at": 1, "pos": 1, "id": 1, "dist": 1, "reused": False},
                {"e": "link", "bucket": 1, "from": 0, "to": 1},
            ],
        ),
        _step(
            "set",
            2,
            1,
            "inserted",
            [
                _v(1, "hash_mismatch", pos=0),
                _v(1, "hash_mismatch", pos=1),
                {"e": "place", "at": 1, "pos": 2, "id": 2, "dist": 2, "reused": False},
                {"e": "link", "bucket": 1, "from": 1, "to": 2},
            ],
        ),
        _step(
            "del",
            1,
            1,
            "deleted",
            [
                _v(1, "hash_mismatch", pos=0),
                _v(1, "key_equal", pos=1),
                {"e": "remove", "at": 1, "pos": 1, "id": 1, "leave": "empty"},
                {"e": "link", "bucket": 1, "from": 0, "to": 2},
            ],
            comparisons=1,
        ),
    ]
    return _trace("chaining", [1, 9, 17], [[] for _ in range(8)], steps)


CASES = {"linear": linear, "robin_hood": robin_hood, "quadratic": quadratic, "chaining": chaining}


def ops_of(trace: Trace) -> list[tuple[Any, ...]]:
    """The operations a trace records, as `hashtable.lab.trace` takes them."""
    keys = [int(key["hash"], 16) for key in trace["keys"]]
    return [(s["op"], keys[s["key"]], 0) if s["op"] == "set" else (s["op"], keys[s["key"]]) for s in trace["steps"]]
