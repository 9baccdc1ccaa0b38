"""The trace against the table: replaying the events from the snapshot gives the table's
own picture() after every step, and the probe counts agree with stats().

The hand-written cases (explorer_cases.py) are held to a real HashTable here; the
engine's own traces (hashtable.lab.trace) are checked for every strategy on a mixed
run with a resize, deletes and reinsertions.
"""

from __future__ import annotations

import random
from typing import Any

import hashtable
import pytest
from explorer_cases import CASES, identity, ops_of
from hashtable.lab.explorer import replay
from hashtable.lab.explorer.recording import default_ops, recorder, trace
from hashtable.lab.explorer.schema import Trace, check

NEEDS_RECORDER = pytest.mark.skipif(
    recorder() is None, reason="this build has no engine trace recorder (hashtable._hashtable._lab_trace)"
)


def _apply(table: hashtable.HashTable[Any, Any], op: tuple[Any, ...]) -> None:
    if op[0] == "set":
        table[op[1]] = op[2]
    elif op[0] == "get":
        table.get(op[1])
    else:
        table.pop(op[1], None)


def _items(layout: str, state: Any) -> list[int]:
    """Each stored item's probe length for a successful lookup (dist + 1)."""
    if layout == "chains":
        return [node[1] + 1 for chain in state for node in chain]
    cells = state["indices"] if layout == "compact" else state
    return [cell[1] + 1 for cell in cells if isinstance(cell, list)]


def assert_matches_table(recorded: Trace, table: hashtable.HashTable[Any, Any], ops: list[tuple[Any, ...]]) -> None:
    check(recorded)
    layout = recorded["layout"]
    assert replay.picture(layout, replay.start_state(recorded)) == table.picture()
    for number, (op, state) in enumerate(zip(ops, replay.states(recorded), strict=True)):
        _apply(table, op)
        assert replay.picture(layout, state) == table.picture(), f"after step {number + 1}: {op}"
        probes = _items(layout, state)
        stats = table.stats()
        assert len(probes) == len(table)
        if probes and layout == "slots":  # swiss counts windows and tag matches, chaining nodes
            assert sum(probes) / len(probes) == pytest.approx(stats["mean_probe"])
            assert max(probes) == stats["longest_chain"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_written_case_matches_the_table(name: str) -> None:
    recorded = CASES[name]()
    table: hashtable.HashTable[Any, Any] = hashtable.HashTable(
        size=recorded["size"], max_load=recorded["max_load"], hash_func=identity, index="mod", strategy=name
    )
    assert_matches_table(recorded, table, ops_of(recorded))


def test_replay_notices_a_wrong_event() -> None:
    """The check can fail: a Robin Hood swap recorded without its move no longer matches."""
    recorded = CASES["robin_hood"]()
    recorded["steps"][2]["events"] = [e for e in recorded["steps"][2]["events"] if e["e"] != "move"]
    table: hashtable.HashTable[Any, Any] = hashtable.HashTable(
        size=8, max_load=0.5, hash_func=identity, index="mod", strategy="robin_hood"
    )
    with pytest.raises(AssertionError, match="after step 3"):
        assert_matches_table(recorded, table, ops_of(recorded))


def _mixed_ops(seed: int) -> list[tuple[Any, ...]]:
    rng = random.Random(seed)
    keys = rng.sample(range(10_000), 60)
    return [tuple(op) for op in default_ops(keys[:40], keys[40:])]


@NEEDS_RECORDER
@pytest.mark.parametrize("strategy", hashtable.STRATEGIES)
@pytest.mark.parametrize("hash_func", [None, identity, "seed"], ids=["python", "identity", "seed"])
@pytest.mark.parametrize("index", ["fibonacci", "mod"])
def test_engine_trace_matches_the_table(strategy: str, hash_func: Any, index: str) -> None:
    ops = _mixed_ops(1)
    recorded = trace(ops, strategy=strategy, size=8, max_load=0.5, hash_func=hash_func, index=index)
    table: hashtable.HashTable[Any, Any] = hashtable.HashTable(
        size=8, max_load=0.5, hash_func=hash_func, strategy=strategy, index=index
    )
    assert_matches_table(recorded, table, ops)
    steps = recorded["steps"]
    # Every slot the probe loop counted is a slot it reported, and the counts add up to stats().
    for step in steps:
        assert step["probes"] == sum(1 for event in step["events"] if event["e"] == "visit"), step
    assert sum(step["probes"] for step in steps) == table.stats()["comparisons"]
    assert sum(step["result"] == "found" for step in steps) == 40
    assert any(event["e"] == "resize" for step in steps for event in step["events"])


@NEEDS_RECORDER
def test_engine_trace_shows_robin_hood_displacement_and_tombstone_reuse() -> None:
    """The known small cases, recorded by the engine: what the hand-written traces say."""
    for name in sorted(CASES):
        case = CASES[name]()
        recorded = trace(ops_of(case), strategy=name, size=8, max_load=0.5, hash_func=identity, index="mod")
        assert [step["result"] for step in recorded["steps"]] == [step["result"] for step in case["steps"]]
        assert list(replay.states(recorded)) == list(replay.states(case)), name
