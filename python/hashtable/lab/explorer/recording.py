"""`trace(ops, ...)`: a run of operations on one table, recorded by the engine itself.

The events come from the core (crates/hashtable-core, through the extension's
private `_lab_trace`); nothing here re-derives them. `default_ops` is the explorer's
run: insert every key, look up present and absent keys, delete some and insert
them again, so that tombstones and their reuse appear.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, cast

import hashtable

from ..errors import LabError
from ..hashes import short_repr
from .schema import LAYOUTS, VERSION, Trace, TraceKey, check

Op = tuple[str, Hashable] | tuple[str, Hashable, object]
NATIVE = "_lab_trace"


def recorder() -> Callable[..., Any] | None:
    """The engine's trace recorder, or None in a build that does not have one."""
    from hashtable import _hashtable

    return cast("Callable[..., Any] | None", getattr(_hashtable, NATIVE, None))


def _checked_ops(ops: Iterable[Op]) -> list[tuple[Any, ...]]:
    checked: list[tuple[Any, ...]] = []
    for number, op in enumerate(ops):
        name = op[0] if isinstance(op, tuple) and op else None
        arity = {"set": 3, "get": 2, "del": 2}.get(name) if isinstance(name, str) else None
        if arity is None or len(op) != arity:
            raise LabError(f"ops[{number}]: {op!r} is not ('set', key, value), ('get', key) or ('del', key)")
        checked.append(tuple(op))
    return checked


def trace(
    ops: Iterable[Op],
    *,
    strategy: str = "chaining",
    size: int = 8,
    max_load: float = 0.5,
    growth: float = 2.0,
    hash_func: Callable[[Any], object] | str | None = None,
    index: str | None = None,
) -> Trace:
    """Run `ops` on a new table and return what the engine recorded (see schema.py).

    `ops` holds ("set", key, value), ("get", key) and ("del", key); the other
    arguments are HashTable's. The result is plain data: a snapshot of the buckets
    at the start, then one step per operation with its events.

    The keys are hashed as a HashTable with `hash_func` hashes them, then numbered
    (equal keys, by Python's ==, share a number), and the core table runs the
    operations on the numbers and the hashes, exactly as `_time_table` does: every
    collision and every comparison is the one the HashTable makes.
    """
    record = recorder()
    if record is None:
        raise LabError(
            "this build of the engine does not record traces: hashtable._hashtable._lab_trace is missing "
            "(the core's trace recorder is not merged yet)"
        )
    if strategy not in hashtable.STRATEGIES:
        raise LabError(f"unknown strategy {strategy!r}: choose from {', '.join(hashtable.STRATEGIES)}")
    checked = _checked_ops(ops)
    numbers: dict[Hashable, int] = {}
    for op in checked:
        numbers.setdefault(op[1], len(numbers))
    keys = list(numbers)
    from hashtable import _hashtable

    try:
        hashes = _hashtable._hash_keys(keys, cast("Callable[[Any], int] | str | None", hash_func))
    except TypeError as exc:
        raise LabError(f"hash_func: {exc}") from None
    index = index or str(hashtable.HashTable().index)
    try:
        text = record(
            hashes,
            [(op[0], numbers[op[1]]) for op in checked],
            strategy=strategy,
            index=index,
            max_load=max_load,
            growth=growth,
            size=size,
        )
    except ValueError as exc:
        raise LabError(str(exc)) from None
    raw = json.loads(text)
    tags = raw.get("tags")
    described: list[TraceKey] = []
    for number, (key, hashed) in enumerate(zip(keys, hashes, strict=True)):
        entry: TraceKey = {"repr": short_repr(key), "hash": f"0x{hashed:016x}"}
        if tags is not None:
            entry["tag"] = tags[number]
        described.append(entry)
    result: Trace = {
        "version": VERSION,
        "strategy": strategy,
        "layout": LAYOUTS[strategy],
        "size": raw["size"],
        "max_load": max_load,
        "growth": growth,
        "hash_func": _hash_name(hash_func),
        "index": index,
        "keys": described,
        "start": raw["start"],
        "steps": raw["steps"],
    }
    if "group_width" in raw:
        result["group_width"] = raw["group_width"]
    check(result)
    return result


def _hash_name(hash_func: object) -> str:
    if hash_func is None:
        return "python"
    if isinstance(hash_func, str):
        return hash_func
    return str(getattr(hash_func, "__qualname__", None) or repr(hash_func))


def default_ops(keys: Sequence[Hashable], missing: Sequence[Hashable]) -> list[Op]:
    """Insert every key; look up each, and each absent key; delete every third; insert those again."""
    ops: list[Op] = [("set", key, number) for number, key in enumerate(keys)]
    ops += [("get", key) for key in keys]
    ops += [("get", key) for key in missing]
    deleted = list(keys[::3])
    ops += [("del", key) for key in deleted]
    ops += [("set", key, -1) for key in deleted]
    return ops


def insert_ops(keys: Sequence[Hashable]) -> list[Op]:
    return [("set", key, number) for number, key in enumerate(keys)]
