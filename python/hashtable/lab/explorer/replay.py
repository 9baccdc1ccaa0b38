"""Replaying a trace: the buckets after every step, from the snapshot and the events.

The page's script does the same (explore.js, `applyStep`); the tests hold both to
the table's own picture(). A step's events are applied in order:

* slots, groups, compact indices: `place` and `move` write their cell (a move
  clears its `from` cell only if that still holds the item, so a Robin Hood swap
  reads the same recorded in either order); `remove` leaves None or "x".
* chains: `place` inserts at `pos`, `remove` deletes at `pos`; places renumber.
* `resize` starts from empty buckets of the new size and places every item.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from .schema import Cell, Event, Trace

TOMBSTONE = "x"
State = Any  # list[Cell] | list[list[list[int]]] | {"indices": list[Cell], "entries": list[int | None]}


def start_state(trace: Trace) -> State:
    return copy.deepcopy(trace["start"])


def states(trace: Trace) -> Iterator[State]:
    """The buckets after each step, in order (a fresh copy each time)."""
    state = start_state(trace)
    for step in trace["steps"]:
        for event in step["events"]:
            state = apply(trace["layout"], state, event)
        yield copy.deepcopy(state)


def apply(layout: str, state: State, event: Event) -> State:
    """`state` after `event` (changed in place where it can be; returned either way)."""
    kind = event["e"]
    if kind == "resize":
        return _resized(layout, event)
    if layout == "chains":
        _apply_chain(state, event)
    elif layout == "compact":
        _apply_compact(state, event)
    else:
        _apply_cells(state, event)
    return state


def _apply_cells(cells: list[Cell], event: Event) -> None:
    kind = event["e"]
    if kind == "place":
        cells[event["at"]] = [event["id"], event["dist"]]
    elif kind == "move":
        held = cells[event["from"]]
        if isinstance(held, list) and held[0] == event["id"]:
            cells[event["from"]] = None
        cells[event["to"]] = [event["id"], event["dist"]]
    elif kind == "remove":
        cells[event["at"]] = TOMBSTONE if event["leave"] == "tombstone" else None


def _apply_chain(buckets: list[list[list[int]]], event: Event) -> None:
    kind = event["e"]
    if kind == "place":
        chain = buckets[event["at"]]
        chain.insert(event["pos"], [event["id"], 0])
        _renumber(chain)
    elif kind == "remove":
        chain = buckets[event["at"]]
        del chain[event["pos"]]
        _renumber(chain)


def _renumber(chain: list[list[int]]) -> None:
    for pos, node in enumerate(chain):
        node[1] = pos


def _apply_compact(state: dict[str, Any], event: Event) -> None:
    kind = event["e"]
    entries: list[int | None] = state["entries"]
    if kind == "place":
        state["indices"][event["at"]] = [event["entry"], event["dist"]]
        entries.extend([None] * (event["entry"] + 1 - len(entries)))
        entries[event["entry"]] = event["id"]
    elif kind == "remove":
        state["indices"][event["at"]] = TOMBSTONE if event["leave"] == "tombstone" else None
        entries[event["entry"]] = None
        if "entries_len" in event:
            del entries[event["entries_len"] :]
    elif kind == "move":
        _apply_cells(state["indices"], event)


def _resized(layout: str, event: Event) -> State:
    size = event["new_size"]
    items = event["items"]
    if layout == "chains":
        buckets: list[list[list[int]]] = [[] for _ in range(size)]
        for item in sorted(items, key=lambda item: item["dist"]):
            buckets[item["to"]].append([item["id"], item["dist"]])
        return buckets
    if layout == "compact":
        indices: list[Cell] = [None] * size
        entries: list[int | None] = [None] * len(items)
        for item in items:
            indices[item["to"]] = [item["entry"], item["dist"]]
            entries[item["entry"]] = item["id"]
        return {"indices": indices, "entries": entries}
    cells: list[Cell] = [None] * size
    for item in items:
        cells[item["to"]] = [item["id"], item["dist"]]
    return cells


def picture(layout: str, state: State) -> str:
    """The table's picture() of `state`: what `t.picture()` prints for those buckets."""
    if layout == "chains":
        return "\n".join("[]" + "*" * len(chain) for chain in state)
    cells = state["indices"] if layout == "compact" else state
    return "\n".join(_cell_picture(cell) for cell in cells)


def _cell_picture(cell: Cell) -> str:
    if cell is None:
        return "[]"
    if cell == TOMBSTONE:
        return "[]x"
    dist = cell[1] if isinstance(cell, list) else 0
    if dist == 0:
        return "[]*"
    return f"[]*{dist}" if dist < 9 else "[]*9+"


def contents(trace: Trace, state: State) -> list[str]:
    """One line per bucket naming what it holds, as the page's DOM shows it (`data-holds`)."""
    reprs = [key["repr"] for key in trace["keys"]]
    if trace["layout"] == "chains":
        return [" ".join(reprs[node[0]] for node in chain) for chain in state]
    if trace["layout"] == "compact":
        entries = state["entries"]
        return [_cell_holds(reprs, cell, lambda at: entries[at]) for cell in state["indices"]]
    return [_cell_holds(reprs, cell, lambda at: at) for cell in state]


def _cell_holds(reprs: list[str], cell: Cell, key_of: Any) -> str:
    if cell is None:
        return ""
    if cell == TOMBSTONE:
        return TOMBSTONE
    key = key_of(cell[0]) if isinstance(cell, list) else None
    return "" if key is None else reprs[key]
