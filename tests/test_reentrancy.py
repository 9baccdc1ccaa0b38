"""Re-entrant and hostile user code.

The table is never borrowed while Python code runs, so a key's __eq__ or
__hash__, the hash_func, a __del__ reached through a decref, or a GC finalizer
may use the table freely. Each test runs its scenario on a dict and on a
HashTable of every strategy and demands dict's result (or, where stated, a
clear RuntimeError), and that the table stays consistent: len(t) equals the
number of items iteration yields, and nothing the scenario did not remove is lost.

This file: user code that runs inside one operation (a key's __eq__ or
__hash__, the hash_func, a __del__ of what the operation removed).
test_reentrancy_iteration_gc.py: iteration, update and == while the table
changes, a key whose hash changes, and the garbage collector.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hashtable
import pytest
from helpers_reliability import (
    Container,
    Scenario,
    Tracked,
    assert_consistent,
    canonical_items,
    run_both,
)
from keys import HashKey, named_key

# ---- a key's __eq__ mutates the table during a lookup or an insert ----------

ACTIONS = ["delete_self", "delete_other", "insert", "grow", "clear", "replace_value", "reinsert"]

OPERATIONS: dict[str, Callable[[Container, Any], Any]] = {
    "get": lambda c, k: c.get(k, "missing"),
    "getitem": lambda c, k: c[k],
    "contains": lambda c, k: k in c,
    "keys_contains": lambda c, k: k in c.keys(),
    "setitem": lambda c, k: c.__setitem__(k, "set"),
    "setdefault": lambda c, k: c.setdefault(k, "default"),
    "update": lambda c, k: c.update([(k, "updated")]),
    "delitem": lambda c, k: c.__delitem__(k),
    "pop": lambda c, k: c.pop(k, "missing"),
}


def trap_scenario(op: str, action: str, probe_equal: bool, fill: int = 6) -> Scenario:
    """`fill` int keys and one trap key; the probe shares the trap's hash, so the
    lookup calls trap.__eq__(probe), which runs `action` on the container once."""

    def scenario(c: Container) -> Any:
        for i in range(fill):
            c[i] = f"v{i}"
        trap = HashKey(1000, "trap")
        c[trap] = "trap"

        def hook() -> None:
            if action == "delete_self":
                del c[trap]
            elif action == "delete_other":
                del c[3]
            elif action == "insert":
                c["new"] = "n"
            elif action == "grow":
                for i in range(100, 160):
                    c[i] = i
            elif action == "clear":
                c.clear()
            elif action == "replace_value":
                c[trap] = "replaced"
            elif action == "reinsert":
                del c[trap]
                c[trap] = "again"

        trap.eq_hook = hook
        probe = HashKey(1000, "trap" if probe_equal else "other")
        result = OPERATIONS[op](c, probe)
        assert trap.eq_calls >= 1, "the scenario's premise: trap.__eq__ ran"
        return result

    return scenario


@pytest.mark.parametrize("probe_equal", [True, False], ids=["hit", "miss"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("op", ["get", "getitem", "contains", "keys_contains"])
def test_eq_mutates_the_table_during_a_lookup(strategy: str, op: str, action: str, probe_equal: bool) -> None:
    run_both(strategy, trap_scenario(op, action, probe_equal))


@pytest.mark.parametrize("probe_equal", [True, False], ids=["update", "new_key"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("op", ["setitem", "setdefault", "update"])
def test_eq_mutates_the_table_during_an_insert(strategy: str, op: str, action: str, probe_equal: bool) -> None:
    run_both(strategy, trap_scenario(op, action, probe_equal))


@pytest.mark.parametrize("probe_equal", [True, False], ids=["hit", "miss"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("op", ["delitem", "pop"])
def test_eq_mutates_the_table_during_a_delete(strategy: str, op: str, action: str, probe_equal: bool) -> None:
    run_both(strategy, trap_scenario(op, action, probe_equal))


def _fill_to_the_brink(strategy: str) -> int:
    """How many int keys (besides the trap) leave a fresh table one insert short of growing."""
    table = hashtable.HashTable(strategy=strategy)
    table[HashKey(1000, "trap")] = "trap"
    fill = 0
    while True:
        size = table.size
        table[fill] = "x"
        if table.size != size:
            return fill  # `fill` ints (0 .. fill-1) leave it at the brink
        fill += 1


@pytest.mark.parametrize("action", ACTIONS)
def test_eq_mutates_the_table_during_an_insert_that_grows_it(strategy: str, action: str) -> None:
    fill = _fill_to_the_brink(strategy)
    # The premise: with a silent __eq__, this very insert grows the table.
    quiet = hashtable.HashTable(strategy=strategy)
    for i in range(fill):
        quiet[i] = i
    quiet[HashKey(1000, "trap")] = "trap"
    size = quiet.size
    quiet[HashKey(1000, "other")] = "set"
    assert quiet.size > size
    run_both(strategy, trap_scenario("setitem", action, probe_equal=False, fill=fill))


def test_eq_that_always_mutates_gives_up_with_runtime_error(strategy: str) -> None:
    """An __eq__ that reshapes the table on every call would restart the lookup
    forever; the table gives up with RuntimeError and loses nothing."""
    table = hashtable.HashTable(strategy=strategy)
    counter = iter(range(10**6))
    trap = HashKey(1000, "trap", eq_hook=lambda: table.__setitem__(("n", next(counter)), 0))
    trap.eq_hook_times = 10**6
    table[trap] = "trap"
    with pytest.raises(RuntimeError, match="gave up"):
        table[HashKey(1000, "other")] = 1
    items = assert_consistent(table)
    inserted = next(counter)
    assert len(items) == inserted + 1
    assert all(("n", i) in table for i in range(inserted))
    assert table[trap] == "trap"


# ---- __del__ of a replaced or removed value or key mutates the table ----------


class NamedKey(Tracked):
    """A Tracked key equal to any NamedKey of the same name."""

    def __hash__(self) -> int:
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NamedKey) and other.name == self.name


def _mutate(c: Container, how: str, tag: str) -> Callable[[], None]:
    def hook() -> None:
        if how == "insert":
            c[("from_del", tag)] = "x"
        elif how == "grow":
            for i in range(40):
                c[("from_del", tag, i)] = i
        elif how == "delete":
            c.pop(1, None)
        elif how == "clear":
            c.clear()
        elif how == "reinsert":
            c[NamedKey(tag)] = "back"

    return hook


DEL_MUTATIONS = ["insert", "grow", "delete", "clear", "reinsert"]


@pytest.mark.parametrize("how", DEL_MUTATIONS)
@pytest.mark.parametrize("op", ["setitem", "set", "update_dict", "update_pairs"])
def test_del_of_a_replaced_value_mutates_the_table(strategy: str, op: str, how: str) -> None:
    def scenario(c: Container) -> Any:
        for i in range(5):
            c[i] = i
        c[NamedKey("k")] = Tracked("old", on_del=_mutate(c, how, "k"))
        if op == "setitem":
            c[NamedKey("k")] = "new"
        elif op == "set":
            setter = c.set if isinstance(c, hashtable.HashTable) else c.__setitem__
            setter(NamedKey("k"), "new")
        elif op == "update_dict":
            c.update({NamedKey("k"): "new"})
        else:
            c.update([(NamedKey("k"), "new")])
        return len(c)

    run_both(strategy, scenario)


@pytest.mark.parametrize("how", DEL_MUTATIONS)
@pytest.mark.parametrize("victim", ["value", "key"])
@pytest.mark.parametrize("op", ["delitem", "pop", "popitem", "clear"])
def test_del_of_a_removed_key_or_value_mutates_the_table(strategy: str, op: str, victim: str, how: str) -> None:
    def scenario(c: Container) -> Any:
        if op != "popitem":  # popitem's choice differs from dict's with more items
            for i in range(5):
                c[i] = i
        hook = _mutate(c, how, "k")
        if victim == "value":
            c[NamedKey("k")] = Tracked("value", on_del=hook)
        else:
            c[NamedKey("k", on_del=hook)] = "value"
        if op == "delitem":
            del c[NamedKey("k")]
        elif op == "pop":
            c.pop(NamedKey("k"))
        elif op == "popitem":
            c.popitem()
        else:
            c.clear()
        return len(c)

    run_both(strategy, scenario)


# ---- the hash function (or a key's __hash__) mutates the table ---------------


HASH_MUTATIONS = ["insert", "grow", "delete_target", "clear", "insert_target"]


def hash_scenario(op: str, how: str) -> Scenario:
    def scenario(c: Container) -> Any:
        for i in range(6):
            c[named_key(f"k{i}")] = i

        def hook() -> None:
            if how == "insert":
                c[named_key("other")] = "o"
            elif how == "grow":
                for i in range(50):
                    c[named_key(f"g{i}")] = i
            elif how == "delete_target":
                del c[named_key("k2")]
            elif how == "clear":
                c.clear()
            elif how == "insert_target":
                c[named_key("k9")] = "by hook"

        target = "k2" if how != "insert_target" else "k9"
        key = named_key(target, hook)
        return OPERATIONS[op](c, key)

    return scenario


@pytest.mark.parametrize("how", HASH_MUTATIONS)
@pytest.mark.parametrize("op", ["get", "contains", "setitem", "setdefault", "delitem", "pop"])
def test_key_hash_mutates_the_table(strategy: str, op: str, how: str) -> None:
    run_both(strategy, hash_scenario(op, how))


def python_hash(key: object) -> int:
    return hash(key)


@pytest.mark.parametrize("how", HASH_MUTATIONS)
@pytest.mark.parametrize("op", ["get", "contains", "setitem", "setdefault", "delitem", "pop"])
def test_hash_func_mutates_the_table(strategy: str, op: str, how: str) -> None:
    """The same scenarios through a Python hash_func: the key's __hash__ (and so
    the mutation) now runs inside the user's hash function."""
    run_both(strategy, hash_scenario(op, how), hash_func=python_hash)


def test_hash_func_that_mutates_on_every_call(strategy: str) -> None:
    table: hashtable.HashTable

    def hash_func(key: object) -> int:
        if not (isinstance(key, tuple) and key[0] == "side"):
            table[("side", key)] = key  # re-enters: hashes the side key, inserts it
        return hash(key)

    table = hashtable.HashTable(strategy=strategy, hash_func=hash_func)
    model: dict[Any, Any] = {}
    for i in range(200):
        table[i] = i
        model[("side", i)] = i
        model[i] = i
    assert canonical_items(assert_consistent(table)) == canonical_items(model.items())


# ---- user code runs exactly as often as in dict (CPython's test_setdefault_atomic) --------


class Counting:
    """Hash 42 for every instance, equal only to itself, counting calls."""

    def __init__(self) -> None:
        self.hash_calls = 0
        self.eq_calls = 0

    def __hash__(self) -> int:
        self.hash_calls += 1
        return 42

    def __eq__(self, other: object) -> bool:
        self.eq_calls += 1
        return self is other


COUNTED_OPERATIONS: dict[str, Callable[[Container, Any], Any]] = {
    "setdefault": lambda c, k: c.setdefault(k, []),
    "setitem": lambda c, k: c.__setitem__(k, 1),
    "get": lambda c, k: c.get(k),
    "contains": lambda c, k: k in c,
    "pop": lambda c, k: c.pop(k, None),
}


@pytest.mark.parametrize("op", sorted(COUNTED_OPERATIONS))
def test_one_hash_and_one_comparison_per_operation(strategy: str, op: str) -> None:
    counts = []
    for c in ({}, hashtable.HashTable(strategy=strategy)):
        stored = Counting()
        c[stored] = 5
        probe = Counting()
        stored.hash_calls = stored.eq_calls = 0
        COUNTED_OPERATIONS[op](c, probe)
        counts.append((stored.hash_calls, probe.hash_calls, stored.eq_calls + probe.eq_calls))
    assert counts[1] == counts[0] == (0, 1, 1)


def test_growth_hashes_no_key_again(strategy: str) -> None:
    keys = [Counting() for _ in range(500)]
    table = hashtable.HashTable(strategy=strategy)
    for key in keys:
        table[key] = 0
    assert table.stats()["resizes"] > 3
    assert all(key.hash_calls == 1 for key in keys)


# ---- CPython's test_reentrant_insertion: a replaced value's __del__ mutates ---------------


@pytest.mark.parametrize("mutation", ["insert", "update_then_clear", "popitem_all"])
def test_replaced_values_del_mutates_during_a_refill(strategy: str, mutation: str) -> None:
    def scenario(c: Container) -> Any:
        def mutate() -> None:
            if mutation == "insert":
                c["b"] = 5
            elif mutation == "update_then_clear":
                c.update({f"x{i}": i for i in range(40)})
                c.clear()
            else:
                while c:
                    c.popitem()

        for k in "abcdefghijklmnopqr":
            c[k] = Tracked(k, on_del=mutate)
        for k in "abcdefghijklmnopqr":  # CPython iterates list(d): insertion order
            c[k] = k
        return len(c)

    run_both(strategy, scenario)
