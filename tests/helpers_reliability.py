"""Helpers for the reliability suite: comparing a HashTable with a dict,
degenerate and raising hash functions, counting references.

Everything here is importable both from pytest (tests/ is on sys.path) and from
tests/soak.py (run as a script, so tests/ is sys.path[0]).
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import hashtable
from keys import HashError, HashKey, constant_hash, low_bits_hash, python_level_hash

STRATEGIES: tuple[str, ...] = tuple(hashtable.STRATEGIES)
INDEXES: tuple[str, ...] = tuple(hashtable.INDEXES)

# One NaN object shared by every test: found by identity, like dict.
SHARED_NAN = float("nan")


# Open-addressing strategies hold one item per slot, so they refuse max_load >= 1.
OPEN_ADDRESSING: frozenset[str] = frozenset(s for s, info in hashtable.STRATEGY_INFO.items() if info["open_addressing"])


def raising_hash(key: object) -> int:
    """Python's hash, except that it raises HashError for str keys starting with '!'."""
    if isinstance(key, str) and key.startswith("!"):
        raise HashError(f"hash_func refuses {key!r}")
    return hash(key)


def hash_func_raises(hash_func: Any, key: object) -> bool:
    """Whether the table's hash function raises for `key` (the model's view)."""
    return hash_func is raising_hash and isinstance(key, str) and key.startswith("!")


# The hash functions the differential tests run with: the builtin, the same
# through Python code, two degenerate ones, one that raises on some keys, and
# every named native hash the extension offers.
HASH_FUNCS: tuple[Any, ...] = (
    None,
    python_level_hash,
    low_bits_hash,
    constant_hash,
    raising_hash,
) + tuple(name for name in hashtable.HASH_FUNCTIONS if name != "python")


def hash_id(value: Any) -> str:
    return value if isinstance(value, str) else getattr(value, "__name__", "builtin")


def canonical(obj: object) -> tuple[Any, ...]:
    """A comparable stand-in for a key or value that survives pickling (NaN included)."""
    if isinstance(obj, float):
        if math.isnan(obj):
            return ("nan",)
        return ("float", obj.hex())
    if isinstance(obj, bool):
        return ("bool", obj)
    if isinstance(obj, int):
        return ("int", obj)
    if isinstance(obj, str):
        return ("str", obj)
    if isinstance(obj, tuple):
        return ("tuple",) + tuple(canonical(item) for item in obj)
    if isinstance(obj, HashKey):
        return ("HashKey", obj.hash_value, obj.name)
    if obj is None:
        return ("none",)
    return ("other", type(obj).__qualname__, repr(obj))


def canonical_items(items: Iterable[tuple[object, object]]) -> Counter[tuple[Any, Any]]:
    return Counter((canonical(key), canonical(value)) for key, value in items)


def iterated_items(table: hashtable.HashTable) -> list[tuple[Any, Any]]:
    """The table's items as iteration yields them, checked for internal consistency:
    keys, values and items iteration agree, no key object twice, len matches."""
    items = list(table.items())
    keys = list(table)
    values = list(table.values())
    assert len(items) == len(keys) == len(values) == len(table), (
        f"len(t)={len(table)} but iteration yields {len(keys)} keys, {len(values)} values, {len(items)} items"
    )
    # Keys, values and items iterate in the same (strategy's) order.
    assert [id(k) for k, _ in items] == [id(k) for k in keys]
    assert [id(v) for _, v in items] == [id(v) for v in values]
    assert len({id(k) for k in keys}) == len(keys), "a key object is yielded twice"
    return items


def assert_matches_dict(table: hashtable.HashTable, model: dict[Any, Any]) -> None:
    """The table holds exactly the model's key objects, each with the model's value object."""
    items = iterated_items(table)
    assert len(table) == len(model), f"len(t)={len(table)} != len(d)={len(model)}"
    by_id = {id(key): (key, value) for key, value in model.items()}
    for key, value in items:
        assert id(key) in by_id, f"table holds {key!r}, which the dict does not"
        _, expected = by_id[id(key)]
        assert value is expected, f"t[{key!r}] is {value!r}, dict has {expected!r}"
    assert len(table.keys()) == len(table.values()) == len(table.items()) == len(model)
    assert table.keys() == model.keys()
    assert table.items() == model.items()
    assert sorted(map(id, table.values())) == sorted(map(id, model.values()))
    assert table == model
    assert not (table != model)
    assert table.load == len(model)


def assert_consistent(table: hashtable.HashTable) -> list[tuple[Any, Any]]:
    """len(t) equals what iteration yields, and every yielded key is found again."""
    items = iterated_items(table)
    for key, _ in items:
        assert key in table  # NaN keys too: the very object is found by identity
    return items


def refcounts(*objects: object) -> list[int]:
    """sys.getrefcount of each object, minus nothing: compare two calls, never absolutes."""
    return [sys.getrefcount(obj) for obj in objects]


class Tracked:
    """A value or key whose __del__ calls `on_del`: lets a test act when it is freed."""

    def __init__(self, name: str, on_del: Callable[[], object] | None = None) -> None:
        self.name = name
        self.on_del = on_del

    def __del__(self) -> None:
        if self.on_del is not None:
            hook, self.on_del = self.on_del, None
            hook()

    def __repr__(self) -> str:
        return f"Tracked({self.name!r})"


# ---- running one scenario on a dict and on a HashTable (test_reentrancy*.py) --------------

Container = Any  # a dict or a HashTable
Scenario = Callable[[Container], Any]


def outcome(container: Container, scenario: Scenario) -> tuple[Any, ...]:
    try:
        result: tuple[Any, ...] = ("returned", canonical(scenario(container)))
    except Exception as err:  # noqa: BLE001 - the exception type is the outcome
        result = ("raised", type(err).__name__)
    return result


def run_both(strategy: str, scenario: Scenario, **params: Any) -> hashtable.HashTable:
    """Run `scenario` on a dict and on a HashTable of `strategy`: the table must
    end exactly as the dict did, with the same result or exception type, and
    be consistent (len equals what iteration yields, every key found again)."""
    model: dict[Any, Any] = {}
    table = hashtable.HashTable(strategy=strategy, **params)
    expected = outcome(model, scenario)
    got = outcome(table, scenario)
    items = assert_consistent(table)
    assert got == expected, f"table: {got}, dict: {expected}"
    assert canonical_items(items) == canonical_items(model.items())
    return table


# ---- the threaded workload (tests/test_threads.py and tests/soak.py) ---------------------


class ThreadKey:
    """A key owned by one thread (or shared, owner -1), with Python __hash__ and
    __eq__: every comparison runs Python code, so the GIL can switch threads
    in the middle of a lookup. Hashes collide across owners on purpose."""

    __slots__ = ("owner", "index", "hash_value")

    def __init__(self, owner: int, index: int, buckets: int = 37) -> None:
        self.owner = owner
        self.index = index
        self.hash_value = index % buckets

    def __hash__(self) -> int:
        return self.hash_value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ThreadKey) and other.owner == self.owner and other.index == self.index

    def __repr__(self) -> str:
        return f"ThreadKey({self.owner}, {self.index})"


def threaded_workload(
    strategy: str,
    threads: int = 4,
    ops_per_thread: int = 100_000,
    seed: int = 0,
    distinct_hashes: int = 37,
) -> dict[str, Any]:
    """`threads` threads hammer one table. Each owns the keys ThreadKey(t, 0..199)
    and checks every answer about them against its own dict; all share the keys
    ThreadKey(-1, 0..49), about which only consistency can be checked. Keys take
    `distinct_hashes` hash values, so chains hold many keys of every thread. Returns a
    summary; raises AssertionError listing every thread's unexpected exception."""
    import random
    import threading

    table = hashtable.HashTable(strategy=strategy)
    models: list[dict[ThreadKey, Any]] = [{} for _ in range(threads)]
    failures: list[str] = []
    iteration_errors = [0] * threads
    start = threading.Barrier(threads)

    def work(owner: int) -> None:
        rng = random.Random(seed * 1000 + owner)
        model = models[owner]
        h = distinct_hashes
        own = [ThreadKey(owner, i, h) for i in range(200)]
        shared = [ThreadKey(-1, i, h) for i in range(50)]
        start.wait()
        try:
            for n in range(ops_per_thread):
                op = rng.randrange(100)
                key = own[rng.randrange(200)]
                # A fresh, equal key object half the time: __eq__ must run.
                probe = ThreadKey(owner, key.index, h) if n & 1 else key
                if op < 30:
                    value = (owner, n)
                    table[probe] = value
                    model.setdefault(key, None)
                    model[key] = value
                elif op < 45:
                    assert table.get(probe) is model.get(key), f"get {key}"
                elif op < 55:
                    assert (probe in table) is (key in model), f"in {key}"
                elif op < 65:
                    if key in model:
                        del table[probe]
                        del model[key]
                    else:
                        try:
                            del table[probe]
                        except KeyError:
                            pass
                        else:
                            raise AssertionError(f"del of absent {key} succeeded")
                elif op < 70:
                    assert table.pop(probe, None) is model.pop(key, None), f"pop {key}"
                elif op < 75:
                    value = (owner, n)
                    assert table.setdefault(probe, value) is model.setdefault(key, value)
                elif op < 80:
                    batch = {own[rng.randrange(200)]: (owner, n, j) for j in range(3)}
                    table.update(batch)
                    model.update(batch)
                elif op < 90:
                    skey = shared[rng.randrange(50)]
                    table[ThreadKey(-1, skey.index, h)] = (owner, n)
                elif op < 96:
                    table.pop(shared[rng.randrange(50)], None)
                elif op < 99:
                    got = table.get(shared[rng.randrange(50)])
                    assert got is None or (isinstance(got, tuple) and 0 <= got[0] < threads)
                else:
                    try:
                        items = list(table.items())
                    except RuntimeError as err:
                        # dict raises the same when another thread resizes it.
                        assert "changed during iteration" in str(err), str(err)
                        iteration_errors[owner] += 1
                    else:
                        assert len({id(k) for k, _ in items}) == len(items)
        except BaseException as err:  # noqa: BLE001 - reported by the main thread
            failures.append(f"thread {owner}: {type(err).__name__}: {err}")

    workers = [threading.Thread(target=work, args=(owner,)) for owner in range(threads)]
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(old_interval)
    assert not failures, "\n".join(failures)
    # Final contents: each thread's keys exactly as its model says, and the
    # shared keys consistent.
    items = list(table.items())
    assert len(items) == len(table)
    own_items = [(k, v) for k, v in items if k.owner >= 0]
    shared_items = [(k, v) for k, v in items if k.owner < 0]
    for owner, model in enumerate(models):
        mine = {k.index: v for k, v in own_items if k.owner == owner}
        assert len(mine) == sum(1 for k, _ in own_items if k.owner == owner), "a key twice"
        assert mine == {k.index: v for k, v in model.items()}, f"thread {owner}'s keys differ"
    shared_indexes = [k.index for k, _ in shared_items]
    assert len(shared_indexes) == len(set(shared_indexes)), "a shared key is stored twice"
    for key, value in shared_items:
        assert key in table and table[key] is value
        assert isinstance(value, tuple) and 0 <= value[0] < threads
    return {
        "strategy": strategy,
        "operations": threads * ops_per_thread,
        "final_len": len(table),
        "shared_keys": len(shared_items),
        "iteration_runtime_errors": sum(iteration_errors),
    }
