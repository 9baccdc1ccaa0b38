"""The trace's plain data: what the engine records, as JSON-ready dicts and lists.

A trace is one run of operations on one table. It holds a snapshot of the
buckets before the first operation, then one step per operation, each a list of
events in the order the engine did them. Replaying the events from the snapshot
(replay.py here, the same few lines in the page's script) gives the buckets after
every step, which a test checks against the table's own picture().

    {"version": 1, "strategy": "linear", "layout": "slots", "size": 8,
     "max_load": 0.5, "growth": 2.0, "hash_func": "python", "index": "fibonacci",
     "group_width": 16,                      # swiss only: slots per group
     "keys": [{"repr": "'apple'", "hash": "0x1f...", "tag": 37}, ...],
     "start": <buckets>,
     "steps": [{"op": "set", "key": 0, "home": 3, "result": "inserted",
                "probes": 2, "comparisons": 0, "events": [...]}, ...]}

Keys are numbered by first appearance; events name a key by that number (`id`).
`hash` is the key's hash as 64 bits in hex (the page draws its bits); `tag` is
swiss's 7-bit control byte for it. `<buckets>` depends on the layout:

* "slots" and "groups" (linear, quadratic, robin_hood; swiss): one cell per slot:
  None (empty), "x" (tombstone), or [id, dist], the item and its displacement as
  the table's bucket_view reports it (the probe steps from its home).
* "chains" (chaining): one list per bucket, the chain in order, of [id, dist]
  (dist is the node's place in its chain).
* "compact": {"indices": one cell per index slot, None, "x" (DUMMY) or
  [entry, dist]; "entries": the dense array, id or None for a hole}.

Events (`e` names the kind):

* {"e": "visit", "at": slot, "saw": SAW}: a slot read (a node, for chaining: "at"
  is its bucket and "pos" its place in the chain). SAW is "empty", "tombstone",
  "hash_mismatch", "key_equal", "key_differs", "richer" (Robin Hood: the resident
  is closer to its home, so the probe stops or the item swaps in), or "group"
  (swiss: "ctrl" the group's control bytes, "tag" the byte looked for, "matches"
  the slots whose byte matched).
* {"e": "place", "at": slot, "id": id, "dist": d, "reused": bool}: the item lands
  in an empty slot, or reuses a tombstone; chaining adds "pos", compact "entry".
* {"e": "update", "at": slot, "id": id}: a present key's value replaced.
* {"e": "move", "id": id, "from": slot, "to": slot, "dist": d}: an item moved
  (Robin Hood displacement, backward shift, Algorithm R, compaction).
* {"e": "remove", "at": slot, "id": id, "leave": "empty" | "tombstone"}; chaining
  adds "pos"; compact adds "entry" (the hole left in the entries) and "entries_len"
  (the entries' length after trailing holes are trimmed).
* {"e": "link", "bucket": b, "from": id | None, "to": id}: a chain link written
  (from None: the bucket's head), by an append or by an unlink closing the gap.
* {"e": "resize", "old_size": n, "new_size": m, "items": [{"id", "from", "to",
  "dist"}, ...]}: the table rebuilt; "items" is every item's new place (compact
  adds "entry"). After it the buckets hold exactly those items.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

VERSION = 1

Layout = Literal["slots", "groups", "chains", "compact"]
LAYOUTS: dict[str, Layout] = {
    "chaining": "chains",
    "linear": "slots",
    "quadratic": "slots",
    "robin_hood": "slots",
    "swiss": "groups",
    "compact": "compact",
}
SAW = ("empty", "tombstone", "hash_mismatch", "key_equal", "key_differs", "richer", "group")
EVENTS = ("visit", "place", "update", "move", "remove", "link", "resize")
RESULTS = ("inserted", "updated", "found", "missing", "deleted")

Event = dict[str, Any]
Cell = None | str | list[int]


class TraceKey(TypedDict, total=False):
    repr: str
    hash: str
    tag: int


class Step(TypedDict):
    op: Literal["set", "get", "del"]
    key: int
    home: int
    result: str
    probes: int
    comparisons: int
    events: list[Event]


class Trace(TypedDict, total=False):
    version: int
    strategy: str
    layout: Layout
    size: int
    max_load: float
    growth: float
    hash_func: str
    index: str
    group_width: int
    keys: list[TraceKey]
    start: Any
    steps: list[Step]


def check(trace: Trace) -> None:
    """Raise ValueError naming the first thing in `trace` that breaks the schema."""
    if trace.get("version") != VERSION:
        raise ValueError(f"trace version {trace.get('version')!r}, expected {VERSION}")
    layout = trace.get("layout")
    if layout != LAYOUTS.get(str(trace.get("strategy"))):
        raise ValueError(f"layout {layout!r} does not match strategy {trace.get('strategy')!r}")
    keys = trace.get("keys", [])
    for number, step in enumerate(trace.get("steps", [])):
        where = f"step {number}"
        if step.get("op") not in ("set", "get", "del"):
            raise ValueError(f"{where}: op {step.get('op')!r}")
        if not 0 <= step.get("key", -1) < len(keys):
            raise ValueError(f"{where}: key {step.get('key')!r} is not in keys")
        if step.get("result") not in RESULTS:
            raise ValueError(f"{where}: result {step.get('result')!r}")
        for event in step.get("events", []):
            if event.get("e") not in EVENTS:
                raise ValueError(f"{where}: event {event.get('e')!r}")
            if event["e"] == "visit" and event.get("saw") not in SAW:
                raise ValueError(f"{where}: visit saw {event.get('saw')!r}")
