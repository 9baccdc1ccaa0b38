"""Nothing leaks: reference counts return to baseline after every public
operation (error paths included), RSS stays flat over a million set/delete
cycles, and reference cycles through a table are collected."""

from __future__ import annotations

import copy
import gc
import pickle
import sys
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import hashtable
import psutil
import pytest
from keys import EqError, HashError

# ---- reference counts ------------------------------------------------------------


class RcKey:
    """A key equal to any RcKey of the same name, with a chosen hash; its __eq__
    raises when either side is marked to."""

    def __init__(self, name: str, hash_value: int, raise_eq: bool = False) -> None:
        self.name = name
        self.hash_value = hash_value
        self.raise_eq = raise_eq

    def __hash__(self) -> int:
        return self.hash_value

    def __eq__(self, other: object) -> bool:
        if self.raise_eq or getattr(other, "raise_eq", False):
            raise EqError(self.name)
        return isinstance(other, RcKey) and other.name == self.name

    def __repr__(self) -> str:
        return f"RcKey({self.name!r})"


# The object every call of the Python hash function returns for RcKey keys: a
# big int, so its reference count is its own (small ints are shared).
HASH_RESULT = 2**100 + 12345


class Context:
    """The objects whose reference counts a test watches, and the table."""

    def __init__(self, strategy: str, hash_kind: str) -> None:
        self.refuse = False

        def hash_func(key: object) -> int:
            if self.refuse:
                raise HashError("refused")
            if isinstance(key, RcKey):
                return HASH_RESULT
            return hash(key)

        self.hash_func: Any = {"builtin": None, "python": hash_func, "named": "siphash13"}[hash_kind]
        self.table = hashtable.HashTable(strategy=strategy, hash_func=self.hash_func)
        self.key = RcKey("present", 77)
        self.value = object()
        self.other = RcKey("absent", 77)  # collides with `key`: __eq__ runs
        self.other_value = object()
        self.bad_eq = RcKey("bad", 77, raise_eq=True)
        self.unhashable = [1, 2, 3]
        self.big_key = 10**40 + 1
        self.str_key = "".join(["dyn", "amic", "-key"])  # not interned
        self.tuple_key = (self.big_key, self.str_key)
        for i in range(20):
            self.table[i] = i
        self.table[self.key] = self.value
        self.table[self.big_key] = self.value
        self.table[self.str_key] = self.other_value
        self.table[self.tuple_key] = self.other_value

    def watched(self) -> list[object]:
        objects = [
            self.table,
            self.key,
            self.value,
            self.other,
            self.other_value,
            self.bad_eq,
            self.unhashable,
            self.big_key,
            self.str_key,
            self.tuple_key,
            HASH_RESULT,
        ]
        if callable(self.hash_func):
            objects.append(self.hash_func)
        return objects


def expect(exc: type[BaseException] | tuple[type[BaseException], ...], action: Callable[[], object]) -> None:
    try:
        action()
    except exc:
        return
    raise AssertionError(f"{exc} not raised")


def refused(ctx: Context, action: Callable[[], object]) -> None:
    """Run `action` with the Python hash_func raising (a no-op for other kinds)."""
    if not callable(ctx.hash_func):
        return
    ctx.refuse = True
    try:
        expect(HashError, action)
    finally:
        ctx.refuse = False


def _update_from_table(c: Context) -> None:
    other = hashtable.HashTable({c.other: c.other_value}, hash_func=c.hash_func)
    c.table.update(other)
    del c.table[c.other]


# Every operation, each leaving the table as it found it.
OPERATIONS: dict[str, Callable[[Context], object]] = {
    "set_new_then_delete": lambda c: (c.table.__setitem__(c.other, c.other_value), c.table.__delitem__(c.other)),
    "set_method": lambda c: (c.table.set(c.other, c.other_value), c.table.pop(c.other)),
    "replace_value": lambda c: (c.table.__setitem__(c.key, c.other_value), c.table.__setitem__(c.key, c.value)),
    "replace_with_equal_key": lambda c: c.table.__setitem__(RcKey("present", 77), c.value),
    "getitem_hit": lambda c: c.table[c.key],
    "getitem_miss": lambda c: expect(KeyError, lambda: c.table[c.other]),
    "get_hit_miss_default": lambda c: (c.table.get(c.key), c.table.get(c.other), c.table.get(c.other, c.value)),
    "contains": lambda c: (c.key in c.table, c.other in c.table, c.big_key in c.table),
    "delitem_miss": lambda c: expect(KeyError, lambda: c.table.__delitem__(c.other)),
    "pop_hit": lambda c: c.table.__setitem__(c.key, c.table.pop(c.key)),
    "pop_miss": lambda c: expect(KeyError, lambda: c.table.pop(c.other)),
    "pop_default": lambda c: c.table.pop(c.other, c.other_value),
    "popitem": lambda c: c.table.__setitem__(*c.table.popitem()),
    "setdefault_hit": lambda c: c.table.setdefault(c.key, c.other_value),
    "setdefault_miss": lambda c: (c.table.setdefault(c.other, c.other_value), c.table.pop(c.other)),
    "update_dict": lambda c: (c.table.update({c.other: c.other_value}), c.table.pop(c.other)),
    "update_pairs": lambda c: (c.table.update([(c.other, c.other_value)]), c.table.pop(c.other)),
    "update_table": _update_from_table,
    "update_self": lambda c: c.table.update(c.table),
    "update_kwargs": lambda c: (c.table.update(kw=c.value), c.table.pop("kw")),
    "clear_and_refill": lambda c: c.table.update(_cleared(c.table)),
    "copy": lambda c: (c.table.copy(), copy.copy(c.table)),
    "deepcopy": lambda c: copy.deepcopy(c.table),
    "iterate": lambda c: (list(c.table), list(c.table.values()), list(c.table.items())),
    "partial_iteration": lambda c: next(iter(c.table.items())),
    "views": lambda c: (
        c.key in c.table.keys(),
        (c.key, c.value) in c.table.items(),
        c.value in c.table.values(),
        len(c.table.keys()),
        c.table.keys() & {c.key},
        repr(c.table.items()),
    ),
    "iteration_invalidated": lambda c: _invalidated_iterator(c),
    "len_repr_str_picture": lambda c: (len(c.table), repr(c.table), str(c.table), c.table.picture()),
    "stats_sizeof_attributes": lambda c: (
        c.table.stats(),
        sys.getsizeof(c.table),
        c.table.size,
        c.table.load,
        c.table.hash_func,
        c.table.strategy,
    ),
    "equality": lambda c: (c.table == dict(c.table.items()), c.table == c.table.copy(), c.table != {}),
    # A local hash_func cannot be pickled: that error path must not leak either.
    "pickle": lambda c: (
        pickle.loads(pickle.dumps(c.table))
        if not callable(c.hash_func)
        else expect((pickle.PicklingError, AttributeError), lambda: pickle.dumps(c.table))
    ),
    "reduce": lambda c: c.table.__reduce__(),
    "fromkeys": lambda c: hashtable.HashTable.fromkeys([c.key, c.other, c.big_key], c.value),
    "constructor_from_table": lambda c: hashtable.HashTable(c.table, hash_func=c.hash_func),
    "eq_raises_in_lookups": lambda c: (
        expect(EqError, lambda: c.table[c.bad_eq]),
        expect(EqError, lambda: c.table.__setitem__(c.bad_eq, c.value)),
        expect(EqError, lambda: c.bad_eq in c.table),
        expect(EqError, lambda: c.table.pop(c.bad_eq, None)),
        expect(EqError, lambda: c.table.__delitem__(c.bad_eq)),
        expect(EqError, lambda: c.table.setdefault(c.bad_eq, c.value)),
    ),
    "unhashable_key": lambda c: (
        expect(TypeError, lambda: c.table[c.unhashable]),
        expect(TypeError, lambda: c.table.__setitem__(c.unhashable, c.value)),
        expect(TypeError, lambda: c.unhashable in c.table),
        expect(TypeError, lambda: c.table.update([(c.unhashable, c.value)])),
    ),
    "hash_func_raises": lambda c: (
        refused(c, lambda: c.table.__setitem__(c.key, c.value)),
        refused(c, lambda: c.table.__setitem__(c.other, c.value)),
        refused(c, lambda: c.table.get(c.key)),
        refused(c, lambda: c.table.pop(c.key)),
        refused(c, lambda: c.table.__delitem__(c.key)),
        refused(c, lambda: c.table.setdefault(c.other, c.value)),
        refused(c, lambda: c.table.update({c.other: c.value})),
    ),
}


def _cleared(table: hashtable.HashTable) -> list[tuple[Any, Any]]:
    items = list(table.items())
    table.clear()
    return items


def _invalidated_iterator(c: Context) -> None:
    iterator = iter(c.table)
    next(iterator)
    c.table[c.other] = c.other_value
    expect(RuntimeError, lambda: next(iterator))
    del c.table[c.other]


@pytest.mark.parametrize("hash_kind", ["builtin", "python", "named"])
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_operation_leaves_reference_counts_unchanged(strategy: str, hash_kind: str, operation: str) -> None:
    # With automatic collection paused, everything made here stays young, so a
    # young-generation collection frees any cyclic garbage the action made: a
    # full gc.collect() would cost seconds once a long session has filled the heap.
    gc.disable()
    try:
        ctx = Context(strategy, hash_kind)
        action = OPERATIONS[operation]
        action(ctx)  # warm up caches (interned names, lazily imported helpers)
        contents_before = [(id(k), id(v)) for k, v in ctx.table.items()]
        gc.collect(1)
        before = [sys.getrefcount(obj) for obj in ctx.watched()]
        for _ in range(25):
            action(ctx)
        gc.collect(1)
        after = [sys.getrefcount(obj) for obj in ctx.watched()]
    finally:
        gc.enable()
    names = ["table", "key", "value", "other", "other_value", "bad_eq", "unhashable"]
    names += ["big_key", "str_key", "tuple_key", "HASH_RESULT", "hash_func"]
    leaks = {name: a - b for name, b, a in zip(names, before, after, strict=False) if a != b}
    assert not leaks, f"reference counts changed after 25 x {operation}: {leaks}"
    assert sorted(contents_before) == sorted((id(k), id(v)) for k, v in ctx.table.items())


def test_dropping_a_table_releases_everything(strategy: str) -> None:
    key, value = RcKey("k", 3), object()

    def hash_func(k: object) -> int:
        return hash(k)

    baseline = [sys.getrefcount(o) for o in (key, value, hash_func)]
    tables = [hashtable.HashTable({key: value}, strategy=strategy, hash_func=hash_func) for _ in range(10)]
    iterators = [iter(t.items()) for t in tables]
    views = [t.values() for t in tables]
    assert sys.getrefcount(key) > baseline[0]
    del tables, iterators, views
    assert [sys.getrefcount(o) for o in (key, value, hash_func)] == baseline


# ---- RSS over a million set/delete cycles -----------------------------------------------


def rss() -> int:
    return int(psutil.Process().memory_info().rss)


MIB = 1 << 20


def test_million_set_delete_cycles_keep_rss_flat(strategy: str) -> None:
    table = hashtable.HashTable(strategy=strategy)
    value = object()

    def cycles(count: int) -> None:
        for i in range(count):
            key = i & 1023
            table[key] = value
            del table[key]

    cycles(100_000)  # warm-up
    gc.collect(1)
    before = rss()
    cycles(1_000_000)
    gc.collect(1)
    growth = rss() - before
    assert len(table) == 0
    assert growth < MIB, f"RSS grew by {growth / MIB:.2f} MiB over 10^6 set/delete cycles"


def test_grow_and_shrink_cycles_keep_rss_flat(strategy: str) -> None:
    """Fill to 2000 keys and empty again, 250 times (10^6 set/delete pairs in
    all), with min_load so each round grows and shrinks the table."""
    table = hashtable.HashTable(strategy=strategy, min_load=0.1)
    keys = [f"key-{i}" for i in range(2000)]

    def rounds(count: int) -> None:
        for _ in range(count):
            for key in keys:
                table[key] = key
            for key in keys:
                del table[key]

    rounds(25)
    gc.collect(1)
    before = rss()
    rounds(250)
    gc.collect(1)
    growth = rss() - before
    assert len(table) == 0 and table.stats()["resizes"] > 250
    assert growth < MIB, f"RSS grew by {growth / MIB:.2f} MiB over 250 grow/shrink rounds"


def test_error_paths_keep_rss_flat(strategy: str) -> None:
    table = hashtable.HashTable({i: i for i in range(100)}, strategy=strategy)

    def misses(count: int) -> None:
        for i in range(count):
            try:
                table[1000 + (i & 255)]
            except KeyError:
                pass
            try:
                table[[i]] = i
            except TypeError:
                pass

    misses(50_000)
    gc.collect(1)
    before = rss()
    misses(300_000)
    gc.collect(1)
    growth = rss() - before
    assert growth < MIB, f"RSS grew by {growth / MIB:.2f} MiB over 3*10^5 failing lookups"


# ---- reference cycles through a table are collected ---------------------------------------


@pytest.fixture
def paused_gc() -> Iterator[None]:
    """Automatic collection off: what a test makes stays in the young
    generations, so gc.collect(1) finds its cycles cheaply however large the
    rest of the session's heap is."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Node:
    def __init__(self, table: hashtable.HashTable) -> None:
        self.table = table

    def __hash__(self) -> int:
        return 1


def _table_in_itself(t: hashtable.HashTable) -> None:
    t["self"] = t


def _value_refers_back(t: hashtable.HashTable) -> None:
    t["node"] = Node(t)


def _key_refers_back(t: hashtable.HashTable) -> None:
    t[Node(t)] = "key"


def _iterator_stored(t: hashtable.HashTable) -> None:
    t["iterator"] = iter(t)
    t["items iterator"] = iter(t.items())


def _view_stored(t: hashtable.HashTable) -> None:
    t["keys"] = t.keys()
    t["values"] = t.values()
    t["items"] = t.items()


def _nested(t: hashtable.HashTable) -> None:
    inner = hashtable.HashTable({"outer": t})
    t["inner"] = inner


CYCLES: dict[str, Callable[[hashtable.HashTable], None]] = {
    "table_contains_itself": _table_in_itself,
    "value_refers_back": _value_refers_back,
    "key_refers_back": _key_refers_back,
    "iterator_stored_in_table": _iterator_stored,
    "view_stored_in_table": _view_stored,
    "two_tables_refer_to_each_other": _nested,
}


@pytest.mark.usefixtures("paused_gc")
@pytest.mark.parametrize("cycle", sorted(CYCLES))
def test_cycles_through_a_table_are_collected(strategy: str, cycle: str) -> None:
    table = hashtable.HashTable({i: str(i) for i in range(10)}, strategy=strategy)
    CYCLES[cycle](table)
    assert gc.is_tracked(table)
    alive = weakref.ref(table)
    del table
    assert alive() is not None, "the premise: only the cycle keeps it"
    gc.collect(1)
    assert alive() is None, f"{cycle}: the cycle kept the table alive"


@pytest.mark.usefixtures("paused_gc")
def test_hash_func_closure_referring_to_the_table_is_collected(strategy: str) -> None:

    def make() -> weakref.ref[hashtable.HashTable]:
        table: hashtable.HashTable | None = None

        def hash_func(key: object) -> int:
            assert table is not None  # the closure cell holds the table
            return hash(key)

        table = hashtable.HashTable(strategy=strategy, hash_func=hash_func)
        for i in range(10):
            table[i] = i
        assert table.hash_func is hash_func
        return weakref.ref(table)

    alive = make()
    assert alive() is not None  # only the cycle keeps it
    gc.collect(1)
    assert alive() is None


def test_gc_sees_every_key_value_and_the_hash_func(strategy: str) -> None:
    def hash_func(key: object) -> int:
        return hash(key)

    keys = [RcKey(f"k{i}", i) for i in range(30)]
    values = [object() for _ in range(30)]
    table = hashtable.HashTable(zip(keys, values, strict=True), strategy=strategy, hash_func=hash_func)
    referents = {id(obj) for obj in gc.get_referents(table)}
    assert {id(k) for k in keys} <= referents
    assert {id(v) for v in values} <= referents
    assert id(hash_func) in referents
    iterator = iter(table)
    assert table in gc.get_referents(iterator)


@pytest.mark.usefixtures("paused_gc")
def test_collected_cycle_with_finalizers_frees_every_item(strategy: str) -> None:
    freed: list[int] = []

    class Finalized:
        def __init__(self, n: int, table: hashtable.HashTable) -> None:
            self.n = n
            self.table = table

        def __del__(self) -> None:
            freed.append(self.n)

    table = hashtable.HashTable(strategy=strategy)
    for i in range(40):
        table[i] = Finalized(i, table)
    del table
    gc.collect(1)
    assert sorted(freed) == list(range(40))


# ---- freeing deeply nested tables --------------------------------------------------------

DEEP_SCRIPT = """
import gc
from hashtable import HashTable

def chain(depth):
    inner = t = HashTable(strategy=STRATEGY)
    for _ in range(depth):
        t = HashTable({0: t}, strategy=STRATEGY)
    return inner, t

for how in WAYS:
    inner, t = chain(100_000)
    if how == "clear":
        t.clear()
    elif how == "del":
        del t[0]
    elif how == "pop":
        t.pop(0)
    elif how == "replace":
        t[0] = None
    elif how == "popitem":
        t.popitem()
    elif how == "update":
        t.update({0: None})
    elif how == "gc_cycle":
        inner["back"] = t  # only the cyclic GC can free the chain now
        del t, inner
        gc.collect()
    else:
        del t, inner
    print(how, "freed", flush=True)
"""


def test_deeply_nested_tables_are_freed_by_every_removal(strategy: str) -> None:
    """A chain of 100 000 tables, each the only value of the next, released by
    each way of removing a value (and by the GC): no native stack overflow.
    Every way for chaining; the freeing code is shared, so the other strategies
    run two of them."""
    import subprocess

    ways = ["clear", "del", "pop", "replace", "popitem", "update", "gc_cycle", "drop"]
    if strategy != "chaining":
        ways = ["gc_cycle", "drop"]
    script = DEEP_SCRIPT.replace("STRATEGY", repr(strategy)).replace("WAYS", repr(ways))
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert result.stdout.split() == [word for way in ways for word in (way, "freed")]
