"""`trace(ops, ...)`: a run of operations on one table, recorded by the engine itself.

The events come from the core (crates/hashtable-core, through the extension's
private `_lab_trace`); nothing here re-derives them. `default_ops` is the explorer's
run: insert every key, look up present and absent keys, delete some and insert
them again, so that tombstones and their reuse appear.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, cast

import hashtable

from ..errors import LabError
from .schema import Trace, check

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
    """Run `ops` on a new HashTable and return what the engine recorded (see schema.py).

    `ops` holds ("set", key, value), ("get", key) and ("del", key); the other
    arguments are HashTable's. The result is plain data: a snapshot of the buckets
    at the start, then one step per operation with its events.
    """
    record = recorder()
    if record is None:
        raise LabError(
            "this build of the engine does not record traces: hashtable._hashtable._lab_trace is missing "
            "(the core's trace recorder is not merged yet)"
        )
    if strategy not in hashtable.STRATEGIES:
        raise LabError(f"unknown strategy {strategy!r}: choose from {', '.join(hashtable.STRATEGIES)}")
    params: dict[str, Any] = {"strategy": strategy, "size": size, "max_load": max_load, "growth": growth}
    if hash_func is not None:
        params["hash_func"] = hash_func
    if index is not None:
        params["index"] = index
    result = cast(Trace, record(_checked_ops(ops), **params))
    check(result)
    return result


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
