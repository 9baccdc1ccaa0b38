"""Re-entrant user code across whole-table operations: iteration, update and
== while the table changes, a key whose hash changes after insertion, and
the garbage collector running (and finalizing) in the middle of operations.

Same rules as test_reentrancy.py: dict's result or a clear RuntimeError, never
a crash, never a lost item, and len(t) always equals what iteration yields.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import hashtable
import pytest
from helpers_reliability import (
    Container,
    assert_consistent,
    run_both,
)
from keys import HashKey
from keys import python_level_hash as python_hash

# ---- iteration while the table changes ----------------------------------------


@pytest.mark.parametrize("kind", ["keys", "values", "items"])
def test_iteration_with_delete_then_readd_is_a_runtime_error(strategy: str, kind: str) -> None:
    """dict notices only a size change; the table notices any structural change,
    so a delete followed by a re-add (same len) is a RuntimeError, not a skipped
    or repeated item."""
    table = hashtable.HashTable({i: i for i in range(20)}, strategy=strategy)
    views = {"keys": table.keys, "values": table.values, "items": table.items}
    iterator = iter(views[kind]())
    first = next(iterator)
    victim = 19 if first not in (19, (19, 19)) else 18
    del table[victim]
    table[victim] = victim
    with pytest.raises(RuntimeError, match="changed during iteration"):
        next(iterator)
    with pytest.raises(StopIteration):  # a failed iterator stays exhausted
        next(iterator)
    assert len(assert_consistent(table)) == 20


def test_iteration_survives_value_replacement(strategy: str) -> None:
    table = hashtable.HashTable({i: i for i in range(50)}, strategy=strategy)
    seen = []
    for key in table:
        table[key] = -key  # replacing a value is not a structural change
        seen.append(key)
    assert sorted(seen) == list(range(50))
    assert all(table[i] == -i for i in range(50))


@pytest.mark.parametrize("mutation", ["delete", "delete_current", "insert", "clear", "pop_missing"])
def test_iteration_with_mutation_matches_dict_or_raises(strategy: str, mutation: str) -> None:
    def scenario(c: Container) -> Any:
        for i in range(10):
            c[i] = i
        seen = 0
        try:
            for key in c:
                seen += 1
                if seen == 3:
                    if mutation == "delete":
                        del c[9 if 9 in c else 0]
                    elif mutation == "insert":
                        c[100] = 100
                    elif mutation == "clear":
                        c.clear()
                    elif mutation == "delete_current":
                        del c[key]
                    else:
                        c.pop(12345, None)
        except RuntimeError:
            return ("RuntimeError", seen)
        return ("completed", seen)

    run_both(strategy, scenario)


# ---- update from sources that mutate the table ------------------------------------


class MutatingMapping(Mapping[Any, Any]):
    """A mapping whose __getitem__ mutates the target table the first time."""

    def __init__(self, target: Container, data: dict[Any, Any], how: str) -> None:
        self.target = target
        self.data = data
        self.how = how

    def __getitem__(self, key: Any) -> Any:
        if self.how == "insert":
            self.target[("from_getitem", key)] = key
        elif self.how == "delete":
            self.target.pop(0, None)
        elif self.how == "clear" and key == 2:
            self.target.clear()
        return self.data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self.data))

    def __len__(self) -> int:
        return len(self.data)


@pytest.mark.parametrize("how", ["insert", "delete", "clear"])
def test_update_from_a_mapping_that_mutates_the_table(strategy: str, how: str) -> None:
    def scenario(c: Container) -> Any:
        for i in range(5):
            c[i] = i
        c.update(MutatingMapping(c, {j: f"m{j}" for j in range(1, 8)}, how))
        return len(c)

    run_both(strategy, scenario)


@pytest.mark.parametrize("how", ["insert", "delete", "clear"])
def test_update_from_pairs_that_mutate_the_table(strategy: str, how: str) -> None:
    def scenario(c: Container) -> Any:
        for i in range(5):
            c[i] = i

        def pairs() -> Iterator[tuple[Any, Any]]:
            for j in range(3, 12):
                if how == "insert":
                    c[("gen", j)] = j
                elif how == "delete":
                    c.pop(j - 1, None)
                elif j == 6:
                    c.clear()
                yield j, f"p{j}"

        c.update(pairs())
        return len(c)

    run_both(strategy, scenario)


def test_update_with_itself(strategy: str) -> None:
    def scenario(c: Container) -> Any:
        keys = [HashKey(5, f"c{i}") for i in range(6)] + list(range(20))
        for i, key in enumerate(keys):
            c[key] = i
        c.update(c)
        return len(c)

    table = run_both(strategy, scenario)
    assert len(table) == 26


def test_update_with_itself_runs_no_key_code(strategy: str) -> None:
    def scenario(c: Container) -> Any:
        keys = [HashKey(5, f"c{i}") for i in range(6)]
        for i, key in enumerate(keys):
            c[key] = i
        for key in keys:
            key.eq_hook = c.clear
        before = sum(key.eq_calls for key in keys)
        c.update(c)
        for key in keys:
            key.eq_hook = None  # disarmed before the checks look keys up
        return sum(key.eq_calls for key in keys) - before  # dict: 0

    run_both(strategy, scenario)


@pytest.mark.parametrize("same_hash_func", [True, False])
def test_update_from_a_table_that_the_target_keys_clear(strategy: str, same_hash_func: bool) -> None:
    """The target's keys' __eq__ clears the source mid-update. dict.update(dict)
    raises RuntimeError here; the table copies a snapshot of the source, so
    every source item arrives, which is also a consistent answer."""
    source = hashtable.HashTable(strategy=strategy)
    target = hashtable.HashTable(strategy=strategy, hash_func=None if same_hash_func else python_hash)
    for i in range(6):
        source[HashKey(5, f"s{i}")] = i
    for i in range(3):
        target[HashKey(5, f"s{i}")] = "old"
    for key in target:
        key.eq_hook = source.clear
    try:
        target.update(source)
    except RuntimeError:
        pass
    else:
        assert sorted((k.name, v) for k, v in target.items()) == [(f"s{i}", i) for i in range(6)]
    assert len(source) == 0
    assert_consistent(target)
    assert_consistent(source)


# ---- == while an __eq__ mutates one of the tables -------------------------------------


@pytest.mark.parametrize("victim", ["left", "right"])
@pytest.mark.parametrize("how", ["clear", "delete", "insert"])
def test_equality_while_eq_mutates_a_table(strategy: str, victim: str, how: str) -> None:
    left = hashtable.HashTable(strategy=strategy)
    right = hashtable.HashTable(strategy=strategy)
    target = left if victim == "left" else right

    def hook() -> None:
        if how == "clear":
            target.clear()
        elif how == "delete":
            target.pop(HashKey(5, "k3"), None)
        else:
            for i in range(30):
                target[("eq", i)] = i

    for i in range(6):
        left[HashKey(5, f"k{i}")] = i
        right[HashKey(5, f"k{i}", eq_hook=hook, eq_hook_times=1)] = i
    result = left == right  # each lookup in `right` calls right's keys' __eq__
    assert isinstance(result, bool)
    assert_consistent(left)
    assert_consistent(right)
    assert (left == right) is (dict(left.items()) == dict(right.items()))


# ---- a key whose hash changes after insertion -------------------------------------------


class MutableHash:
    def __init__(self, value: int) -> None:
        self.value = value

    def __hash__(self) -> int:
        return self.value

    def __eq__(self, other: object) -> bool:
        return self is other

    def __repr__(self) -> str:
        return f"MutableHash#{id(self)}"


def test_key_whose_hash_changes_after_insertion(strategy: str) -> None:
    results = []
    for c in ({}, hashtable.HashTable(strategy=strategy)):
        keys = [MutableHash(i) for i in range(30)]
        for key in keys:
            c[key] = key.value
        moved = keys[7]
        moved.value = 12345  # now stored under a hash it no longer has
        lost_lookup = moved in c
        got = c.get(moved, "missing")
        c[moved] = "again"  # a second entry for the same object, as in dict
        both = [k for k in c if k is moved]
        length = len(c)
        iterated = len(list(c))
        del c[moved]  # removes the entry it can find: the new one
        after = len(c), sum(1 for k in c if k is moved)
        for key in keys:
            if key is not moved:
                assert c[key] == key.value  # nothing else is lost
        c.clear()
        results.append((lost_lookup, got, len(both), length, iterated, after, len(c)))
    assert results[0] == results[1] == (False, "missing", 2, 31, 31, (30, 1), 0)


# ---- the GC runs while the table is in use --------------------------------------------


class CycleWithDel:
    """Garbage only the cyclic GC can free; its finalizer inserts into a table."""

    def __init__(self, target: Container, tag: int) -> None:
        self.target = target
        self.tag = tag
        self.me = self

    def __del__(self) -> None:
        self.target[("finalized", self.tag)] = self.tag


class AllocatingKey:
    """Equal by name; __hash__ and __eq__ allocate GC-tracked objects, so with
    a low threshold a collection starts inside them, mid-operation."""

    def __init__(self, name: int) -> None:
        self.name = name

    def __hash__(self) -> int:
        _ = [[self.name]]
        return self.name % 7

    def __eq__(self, other: object) -> bool:
        _ = [[other]]
        return isinstance(other, AllocatingKey) and other.name == self.name


@pytest.fixture
def low_gc_threshold() -> Iterator[None]:
    old = gc.get_threshold()
    gc.set_threshold(5, 1, 1)
    try:
        yield
    finally:
        gc.set_threshold(*old)


@pytest.mark.usefixtures("low_gc_threshold")
def test_gc_during_inserts_runs_finalizers_that_insert(strategy: str) -> None:
    table = hashtable.HashTable(strategy=strategy)
    model: dict[Any, Any] = {}
    made = 0
    for i in range(600):
        CycleWithDel(table, made)  # becomes cyclic garbage at once
        made += 1
        key = AllocatingKey(i)
        table[key] = i
        model[key] = i
        if i % 5 == 4:
            del table[AllocatingKey(i - 1)]
            del model[AllocatingKey(i - 1)]
    gc.collect(1)  # the last cycles made are young; older ones were collected already
    for tag in range(made):
        assert table[("finalized", tag)] == tag, "a finalizer's insert was lost"
        model[("finalized", tag)] = tag
    assert len(assert_consistent(table)) == len(model)
    for key, value in model.items():
        assert table[key] == value


@pytest.mark.usefixtures("low_gc_threshold")
def test_gc_callback_mutating_the_table_never_finds_it_busy(strategy: str) -> None:
    table = hashtable.HashTable(strategy=strategy)
    errors: list[BaseException] = []
    collections = 0

    def callback(phase: str, info: dict[str, int]) -> None:
        nonlocal collections
        if phase != "start":
            return
        try:
            table[("gc", collections)] = collections
            table.pop(("gc", collections - 50), None)
            collections += 1
        except BaseException as err:  # noqa: BLE001 - recorded, asserted below
            errors.append(err)

    gc.callbacks.append(callback)
    try:
        for i in range(3000):
            table[AllocatingKey(i)] = i
            if i % 3 == 0:
                _ = AllocatingKey(i // 2) in table
            if i % 4 == 0:
                table.pop(AllocatingKey(i // 2), None)
    finally:
        gc.callbacks.remove(callback)
    assert not errors, errors[:3]
    assert collections > 10, "the premise: collections ran during the operations"
    assert_consistent(table)
    for n in range(max(0, collections - 50), collections):
        assert table[("gc", n)] == n


def test_finalizers_touch_a_table_in_a_garbage_cycle(strategy: str) -> None:
    table = hashtable.HashTable(strategy=strategy)

    class Back:
        def __init__(self, table: hashtable.HashTable, n: int) -> None:
            self.table = table
            self.n = n

        def __del__(self) -> None:
            self.table[("from_del", self.n)] = self.n
            self.table.pop(self.n, None)
            len(self.table)
            list(self.table.items())

    gc.disable()  # keep the cycle young: gc.collect(1) is cheap in a long session
    try:
        for i in range(50):
            table[i] = Back(table, i)
        alive = weakref.ref(table)
        del table
        for _ in range(3):
            gc.collect(1)
    finally:
        gc.enable()
    assert alive() is None


# ---- ports of CPython's test_dict use-after-free cases --------------------------------------


def _compare_while_both_operands_clear(a: Container, b: Container) -> bool:
    class X:
        def __del__(self) -> None:
            b.clear()

        def __eq__(self, other: object) -> bool:
            a.clear()
            return True

        def __hash__(self) -> int:
            return 13

    a[X()] = 0
    b[X()] = X()
    return bool(a == b)


def test_equal_operator_modifying_both_operands(strategy: str) -> None:
    """CPython's test_equal_operator_modifying_operand: __eq__ clears one
    operand and a __del__ clears the other while == runs."""
    expected = _compare_while_both_operands_clear({}, {})
    left = hashtable.HashTable(strategy=strategy)
    right = hashtable.HashTable(strategy=strategy)
    assert _compare_while_both_operands_clear(left, right) is expected
    assert_consistent(left)
    assert_consistent(right)


def _items_contains_while_clearing(c: Container) -> bool:
    class X:
        def __eq__(self, other: object) -> Any:
            c.clear()
            return NotImplemented

    return (0, X()) in c.items()


def test_items_contains_whose_eq_clears_the_table(strategy: str) -> None:
    """CPython's test_dictitems_contains_use_after_free."""
    table = hashtable.HashTable({0: set()}, strategy=strategy)
    assert _items_contains_while_clearing({0: set()}) is False
    assert _items_contains_while_clearing(table) is False
    assert len(assert_consistent(table)) == 0


def test_items_iteration_when_a_replaced_values_del_clears(strategy: str) -> None:
    """CPython's test_oob_indexing_dictiter_iternextitem: replacing a value
    frees the old one, whose __del__ clears the table mid-iteration."""
    table = hashtable.HashTable(strategy=strategy)

    class X(int):
        def __del__(self) -> None:
            table.clear()

    for i in range(8):
        table[i] = X(i)
    with pytest.raises(RuntimeError):
        for key, _ in table.items():
            if key == 2:
                table[2] = None  # frees X(2): its __del__ clears the table
    assert len(assert_consistent(table)) == 0


@pytest.mark.parametrize("source_kind", ["dict", "table"])
def test_update_whose_eq_clears_the_source(strategy: str, source_kind: str) -> None:
    """CPython's test_merge_and_mutate: dict.update raises RuntimeError when the
    source changes under it; the table copies the source's items first, so it
    either raises RuntimeError too or holds every source item."""
    source: Any

    class X:
        def __hash__(self) -> int:
            return 0

        def __eq__(self, other: object) -> bool:
            source.clear()
            return False

    pairs = [(i, 0) for i in range(1, 1337)]
    source = dict(pairs) if source_kind == "dict" else hashtable.HashTable(pairs, strategy=strategy)
    source[X()] = 0
    expected = len(source) + 2
    target = hashtable.HashTable(strategy=strategy)
    target[X()] = 0
    target[1] = 1
    try:
        target.update(source)
    except RuntimeError:
        pass
    else:
        assert len(target) == expected - 1  # key 1 is shared
    assert len(source) == 0
    assert_consistent(target)
