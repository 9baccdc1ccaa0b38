"""`key=` and `eq=` under the reliability suite's rules: beside a model dict over
random operations (differential and stateful), reference counts, the cyclic GC,
and key or eq functions that raise or change the table while they run."""

from __future__ import annotations

import gc
import pickle
import random
import sys
import weakref
from typing import Any

import pytest
from hashtable import HashTable
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

OPERATIONS = 20_000


def random_name(rng: random.Random) -> str:
    """A header-like name in a random capitalisation: many spellings per key."""
    base = f"x-h{rng.randrange(300)}"
    return "".join(c.upper() if rng.random() < 0.5 else c for c in base)


class TransformModel:
    """What a `key=str.casefold` table must hold: per folded key, the first spelling and the value."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, Any]] = {}

    def set(self, key: str, value: Any) -> None:
        first = self.entries.get(key.casefold(), (key, None))[0]
        self.entries[key.casefold()] = (first, value)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.entries.values())


@pytest.mark.parametrize("hash_func", [None, lambda k: hash(k) & 7], ids=["hash", "low_bits"])
def test_transform_table_agrees_with_a_dict_of_folded_keys(strategy: str, hash_func: Any) -> None:
    rng = random.Random(f"transform/{strategy}")
    table: HashTable[str, int] = HashTable(strategy=strategy, key=str.casefold, hash_func=hash_func, min_load=0.1)
    model = TransformModel()
    for step in range(OPERATIONS):
        key = random_name(rng)
        folded = key.casefold()
        choice = rng.random()
        if choice < 0.45:
            table[key] = step
            model.set(key, step)
        elif choice < 0.65:
            expected = model.entries.pop(folded, (None, None))[1]
            assert table.pop(key, None) == expected
        elif choice < 0.85:
            assert table.get(key) == model.entries.get(folded, (None, None))[1]
            if folded in model.entries:
                assert table.getitem(key) == model.entries[folded]
        elif choice < 0.95:
            expected = model.entries.setdefault(folded, (key, -step))[1]
            assert table.setdefault(key, -step) == expected
        elif model.entries:
            stored, value = table.popitem()
            assert model.entries.pop(stored.casefold()) == (stored, value)
        assert len(table) == len(model.entries)
    assert dict(table.items()) == model.as_dict()


@pytest.mark.parametrize("hash_func", [None, lambda k: 0], ids=["address", "constant"])
def test_identity_table_agrees_with_a_dict_keyed_by_id(strategy: str, hash_func: Any) -> None:
    rng = random.Random(f"identity/{strategy}")
    # Equal but distinct objects, unhashable ones among them.
    pool: list[Any] = [[i % 5] for i in range(100)] + [int(str(10**20 + i % 5)) for i in range(100)]
    pool += [{"k": i % 3} for i in range(50)] + [str(i % 4) + "" for i in range(50)]
    table: HashTable[Any, int] = HashTable(strategy=strategy, eq="identity", hash_func=hash_func, min_load=0.1)
    model: dict[int, tuple[Any, int]] = {}
    steps = OPERATIONS // 4 if hash_func is not None else OPERATIONS
    for step in range(steps):
        key = rng.choice(pool)
        choice = rng.random()
        if choice < 0.45:
            table[key] = step
            model[id(key)] = (key, step)
        elif choice < 0.65:
            assert table.pop(key, None) == model.pop(id(key), (None, None))[1]
        elif choice < 0.9:
            assert (key in table) == (id(key) in model)
            assert table.get(key) == model.get(id(key), (None, None))[1]
        elif model:
            stored, value = table.popitem()
            assert model.pop(id(stored)) == (stored, value)
        assert len(table) == len(model)
    assert sorted(map(id, table)) == sorted(model)
    assert all(table[obj] == value for obj, value in model.values())


class CaseInsensitiveMachine(RuleBasedStateMachine):
    """A transform table and an identity table beside their models, step by step."""

    strategy = "chaining"

    def __init__(self) -> None:
        super().__init__()
        self.table: HashTable[str, int] = HashTable(strategy=self.strategy, key=str.casefold, min_load=0.2)
        self.model = TransformModel()
        self.objects: HashTable[Any, int] = HashTable(strategy=self.strategy, eq="identity")
        self.object_model: dict[int, tuple[Any, int]] = {}

    names = st.text(alphabet="aAbBß", min_size=1, max_size=3)

    @rule(key=names, value=st.integers(0, 9))
    def store(self, key: str, value: int) -> None:
        self.table[key] = value
        self.model.set(key, value)

    @rule(key=names)
    def remove(self, key: str) -> None:
        expected = self.model.entries.pop(key.casefold(), None)
        if expected is None:
            with pytest.raises(KeyError):
                del self.table[key]
        else:
            assert self.table.getitem(key) == expected
            del self.table[key]

    @rule()
    def round_trip(self) -> None:
        self.table = pickle.loads(pickle.dumps(self.table))
        self.objects = self.objects.copy()

    @rule(value=st.integers(0, 9), fresh=st.booleans())
    def store_object(self, value: int, fresh: bool) -> None:
        known = [obj for obj, _ in self.object_model.values()]
        key = [value] if fresh or not known else known[value % len(known)]
        self.objects[key] = value
        self.object_model[id(key)] = (key, value)

    @invariant()
    def agree(self) -> None:
        assert dict(self.table.items()) == self.model.as_dict()
        assert sorted(map(id, self.objects)) == sorted(self.object_model)


def test_stateful_transform_and_identity_tables(strategy: str) -> None:
    machine = type(f"Machine_{strategy}", (CaseInsensitiveMachine,), {"strategy": strategy})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )


# --- reference counts and the GC ---


def test_key_and_eq_functions_are_released_and_traversed(strategy: str) -> None:
    def key(k: str) -> str:
        return k.lower()

    def eq(a: Any, b: Any) -> bool:
        return bool(a == b)

    before = (sys.getrefcount(key), sys.getrefcount(eq))
    t = HashTable(strategy=strategy, key=key, eq=eq)
    t["A"] = 1
    referents = gc.get_referents(t)
    assert any(r is key for r in referents) and any(r is eq for r in referents)
    del referents
    t.copy()
    pickle.loads(pickle.dumps(HashTable(strategy=strategy, key=str.lower)))
    del t
    assert (sys.getrefcount(key), sys.getrefcount(eq)) == before


def test_stored_keys_and_their_lookup_forms_are_released(strategy: str) -> None:
    original = "".join(["Mixed", "Case"])  # built at run time: its count is ours alone
    folded_forms: list[str] = []

    def key(k: str) -> str:
        folded = k.casefold()
        folded_forms.append(folded)
        return folded

    t = HashTable(strategy=strategy, key=key)
    before = sys.getrefcount(original)
    t[original] = 1
    for n in range(100):
        t[f"k{n}"] = n
    assert sys.getrefcount(original) == before + 1
    stored_form = folded_forms[0]
    assert sys.getrefcount(stored_form) >= 3  # the list, the argument, the table's pair
    held = sys.getrefcount(stored_form)
    del t[original.upper()]
    assert sys.getrefcount(original) == before
    assert sys.getrefcount(stored_form) == held - 1


@pytest.mark.parametrize("parameter", ["key", "eq"])
def test_cycle_through_key_or_eq_is_collected(strategy: str, parameter: str) -> None:
    class Value:
        pass

    def build() -> weakref.ref[Value]:
        table: HashTable[Any, Any]

        def func(*args: Any) -> Any:
            table.stats()  # the function refers to the table: a cycle
            return args[0] if parameter == "key" else args[0] == args[1]

        table = HashTable(strategy=strategy, **{parameter: func})
        value = Value()
        table["k"] = value
        return weakref.ref(value)

    gc.collect()
    alive = build()
    assert alive() is not None
    gc.collect()
    assert alive() is None


def test_identity_table_holding_itself_is_collected(strategy: str) -> None:
    t = HashTable(strategy=strategy, eq="identity")
    t[t] = t
    alive = weakref.ref(t)
    del t
    gc.collect()
    assert alive() is None


# --- functions that raise or change the table ---


def test_eq_that_clears_the_table_ends_in_a_consistent_table(strategy: str) -> None:
    t: HashTable[int, str]
    cleared = []

    def eq(stored: Any, key: Any) -> bool:
        if not cleared:
            cleared.append(True)
            t.clear()
        return bool(stored == key)

    t = HashTable(strategy=strategy, eq=eq, hash_func=lambda k: 0)
    t[int("1001")] = "a"
    t[int("1002")] = "b"  # eq runs against 1001 and clears the table, then the lookup restarts
    assert dict(t) == {1002: "b"}
    assert t[int("1002")] == "b"


def test_key_that_changes_the_table_gives_dicts_result_or_runtime_error(strategy: str) -> None:
    t: HashTable[str, int]

    def key(k: str) -> str:
        if k == "trigger":
            for n in range(50):
                t[f"side{n}"] = n  # resizes while the outer operation waits
        return k.lower()

    t = HashTable(strategy=strategy, key=key)
    t["A"] = 1
    t["trigger"] = 2
    assert t["TRIGGER"] == 2 and t["a"] == 1 and len(t) == 52
    assert len(list(t)) == len(t)


def test_key_that_raises_leaks_nothing(strategy: str) -> None:
    argument = "".join(["Refused", "Key"])

    def key(k: str) -> str:
        raise LookupError(k)

    t = HashTable(strategy=strategy, key=key)
    before = sys.getrefcount(argument)
    for _ in range(100):
        with pytest.raises(LookupError):
            t[argument] = 1
        with pytest.raises(LookupError):
            t.get(argument)
    assert sys.getrefcount(argument) == before and len(t) == 0


def test_value_del_that_uses_a_transform_table_during_replacement(strategy: str) -> None:
    t: HashTable[str, Any]
    seen: list[Any] = []

    class Noisy:
        def __del__(self) -> None:
            seen.append(t.get("KEY"))
            t["other"] = 0

    t = HashTable(strategy=strategy, key=str.lower)
    t["Key"] = Noisy()
    t["kEY"] = "new"
    assert seen == ["new"] and dict(t) == {"Key": "new", "other": 0}
