"""The lab's equality experiment: its workloads (case-variant header names, unhashable
objects), the pure-Python mappings it compares against, its plan, rows and finding.

The tests that build `HashTable(key=...)` or `HashTable(eq=...)` need issue 10's API: until
it exists they fail on the unknown keyword, by design.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import hashtable
import pytest
from hashtable import HashTable
from hashtable.lab.api import load_workloads, measure
from hashtable.lab.args import parse_options
from hashtable.lab.by_hand import CaseFoldDict, IdentityDict
from hashtable.lab.conductor import build_plan
from hashtable.lab.equality import (
    EQUALITY_WORKLOADS,
    HEADER_NAMES,
    SEMANTICS,
    floor_workload,
    header_names,
    make_equality_workload,
    table_kwargs,
)
from hashtable.lab.experiments import all_findings
from hashtable.lab.experiments.custom_equality import equality_tables

N = 40

# --- the workloads ----------------------------------------------------------------------------


def test_header_names_are_the_common_ones_then_vendor_ones_distinct_under_casefold() -> None:
    names = header_names(3_000, random.Random(0))
    assert names[: len(HEADER_NAMES)] == list(HEADER_NAMES)
    assert len({name.casefold() for name in names}) == 3_000
    vendor = names[len(HEADER_NAMES) :]
    assert all(name.startswith("X-") and 3 <= name.count("-") + 1 <= 5 for name in vendor)
    assert header_names(10, random.Random(0)) == list(HEADER_NAMES[:10])


def test_headers_are_looked_up_in_another_spelling() -> None:
    workload = make_equality_workload("headers", 500, seed=3)
    keys, lookups, missing = workload.keys, workload.lookup_keys, workload.missing
    assert workload.n == 500 and len(lookups) == 500 and len(missing) == 250
    folded = [str(key).casefold() for key in keys]
    assert len(set(folded)) == 500
    assert [str(lookup).casefold() for lookup in lookups] == folded
    assert sum(lookup != key for key, lookup in zip(keys, lookups, strict=True)) == 500
    assert not {str(key).casefold() for key in missing} & set(folded)
    assert make_equality_workload("headers", 500, seed=3) == workload
    assert make_equality_workload("headers", 500, seed=4).keys != keys
    cut = workload.prefix(100)
    assert cut.keys == keys[:100] and cut.lookup_keys == lookups[:100] and len(cut.missing) == 50


def test_identity_keys_are_unhashable_and_their_absent_keys_equal_copies() -> None:
    workload = make_equality_workload("identity", 60, seed=0)
    assert workload.lookup_keys is workload.keys
    for key in workload.keys:
        with pytest.raises(TypeError, match="unhashable"):
            hash(key)
    assert {type(key) for key in workload.keys} == {list, dict}
    assert len({id(key) for key in workload.keys + workload.missing}) == 90
    for copy, original in zip(workload.missing, workload.keys, strict=False):
        assert copy == original and copy is not original


def test_the_floor_gets_keys_transformed_beforehand() -> None:
    headers = make_equality_workload("headers", 30, seed=0)
    floor = floor_workload(headers)
    assert floor.keys == [str(key).casefold() for key in headers.keys] == floor.lookup_keys
    identity = make_equality_workload("identity", 30, seed=0)
    floor = floor_workload(identity)
    assert floor.keys == [id(key) for key in identity.keys] and floor.missing == [id(m) for m in identity.missing]
    with pytest.raises(ValueError, match="unknown equality workload 'nope'"):
        make_equality_workload("nope", 3, 0)


def test_table_kwargs_follow_the_semantics_label() -> None:
    assert table_kwargs("") == {}
    assert table_kwargs("key=str.casefold") == {"key": str.casefold}
    assert table_kwargs('eq="identity"') == {"eq": "identity"}


# --- the mappings written by hand -------------------------------------------------------------


def test_casefold_dict_keeps_the_first_spelling() -> None:
    d = CaseFoldDict([("Content-Type", 1)])
    d["content-type"] = 2
    d["Straße"] = 3
    assert list(d) == ["Content-Type", "Straße"] and d["CONTENT-TYPE"] == 2 and d["STRASSE"] == 3
    assert d.getitem("content-TYPE") == ("Content-Type", 2)
    assert "CONTENT-type" in d and 42 not in d
    del d["CONTENT-TYPE"]
    assert list(d) == ["Straße"] and len(d) == 1
    with pytest.raises(KeyError):
        d["content-type"]


def test_identity_dict_finds_only_the_same_object() -> None:
    a, b = [1], [1]
    d = IdentityDict([(a, "a")])
    assert a in d and b not in d and d[a] == "a"
    d[b] = "b"
    assert len(d) == 2 and list(d) == [a, b] and list(d)[1] is b
    del d[a]
    assert list(d) == [b]
    with pytest.raises(KeyError):
        d[[1]]


OPERATIONS = 2_000


def random_operations(keys: list[Any], spell: Callable[[Any, random.Random], Any]) -> list[tuple[str, Any]]:
    rng = random.Random(7)
    return [(rng.choice(("set", "set", "get", "del", "in")), spell(rng.choice(keys), rng)) for _ in range(OPERATIONS)]


def replay(mapping: Any, operations: list[tuple[str, Any]]) -> list[Any]:
    """What each operation returned (or raised), then the final items."""
    seen: list[Any] = []
    for step, (operation, key) in enumerate(operations):
        try:
            if operation == "set":
                mapping[key] = step
            elif operation == "get":
                seen.append(mapping[key])
            elif operation == "del":
                del mapping[key]
            else:
                seen.append(key in mapping)
        except KeyError:
            seen.append(KeyError)
    return [*seen, sorted(((repr(k), v) for k, v in mapping.items()), key=repr)]


def test_a_casefold_table_agrees_with_casefold_dict(strategy: str) -> None:
    names = list(HEADER_NAMES[:30])

    def spell(name: str, rng: random.Random) -> str:
        return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)

    operations = random_operations(names, spell)
    table = HashTable(strategy=strategy, **table_kwargs("key=str.casefold"))
    assert replay(table, operations) == replay(CaseFoldDict(), operations)


def test_an_identity_table_agrees_with_identity_dict(strategy: str) -> None:
    objects: list[Any] = [[i] for i in range(20)] + [{"k": i} for i in range(20)]
    copies = [list(o) if isinstance(o, list) else dict(o) for o in objects]

    def pick(index: Any, rng: random.Random) -> Any:
        return objects[index] if rng.random() < 0.8 else copies[index]

    operations = random_operations(list(range(len(objects))), pick)
    table = HashTable(strategy=strategy, **table_kwargs('eq="identity"'))
    assert replay(table, operations) == replay(IdentityDict(), operations)


# --- the plan, the rows and the finding -----------------------------------------------------


def test_the_plan_has_one_configuration_per_workload_and_strategy() -> None:
    options = parse_options(["--n", str(N), "--size", "4"])
    plan = build_plan(options, {"names": N})
    assert [(c.workload, c.strategy) for c in plan.equality] == [
        (w, s) for w in EQUALITY_WORKLOADS for s in hashtable.STRATEGIES
    ]
    assert {c.semantics for c in plan.equality} == {"key=str.casefold", 'eq="identity"'}
    assert plan.equality_jobs() == len(plan.equality) + 2 * len(EQUALITY_WORKLOADS)
    assert "key=str.casefold" in plan.equality[0].label()
    assert build_plan(parse_options(["--no-equality", "--size", "4"]), {"names": N}).equality == []


@pytest.fixture(scope="module")
def measured() -> Any:
    argv = ["--workload", "ints", "--n", str(N), "--hash", "python", "--repeat", "2", "--no-scale", "--size", "4"]
    options = parse_options(argv)
    return measure(options, load_workloads(options))


def test_every_strategy_is_timed_beside_the_by_hand_mapping_and_the_floor(measured: Any) -> None:
    assert measured.lab.failures == []
    for semantics in SEMANTICS.values():
        rows = [row for row in measured.rows if row["workload"] == semantics.workload]
        by_strategy = {row["strategy"]: row for row in rows}
        assert set(by_strategy) == {"dict", semantics.by_hand_name, *hashtable.STRATEGIES}
        floor = by_strategy["dict"]
        assert floor["experiment"] == "dict" and floor["semantics"] == "" and floor["n"] == N
        for name, row in by_strategy.items():
            assert row["lookup_hit_ns"] > 0 and row["native_lookup_hit_ns"] is None
            if name == "dict":
                continue
            assert row["experiment"] == "equality" and row["semantics"] == semantics.label
            ratio = row["lookup_hit_ns"] / floor["lookup_hit_ns"]
            assert row["lookup_hit_ratio_to_dict"] == pytest.approx(ratio, rel=0.01, abs=0.002)
            if name != semantics.by_hand_name:
                assert row["hash"] == semantics.hash.name
                assert row["hash_calls"] >= N and row["final_size"] >= N  # the table's own stats
    # The grid and its dict baseline are untouched by the experiment.
    assert {row["workload"] for row in measured.rows if row["experiment"] != "equality"} >= {"ints"}


def test_the_finding_compares_with_both_baselines(measured: Any) -> None:
    found = all_findings(measured.rows, measured.costs, measured.options, {})
    text = found["equality"].text
    for words in (
        "HashTable(key=str.casefold, strategy='chaining') finds a key from Python in",
        "CaseFoldDict",
        "dict on names folded by the caller beforehand",
        "HashTable(eq=\"identity\", strategy='chaining')",
        "IdentityDict",
        "dict on id(k) computed by the caller beforehand",
        f"Across the {len(hashtable.STRATEGIES)} strategies",
    ):
        assert words in text
    options = parse_options(["--no-equality"])
    assert "equality" not in all_findings(measured.rows, measured.costs, options, {})


def test_the_tables_give_each_strategys_ratio_to_the_by_hand_mapping(measured: Any) -> None:
    tables = equality_tables(measured.rows)
    assert [title for title, _ in tables] == [
        "headers: HashTable(key=str.casefold) from Python, ns per operation (x CaseFoldDict)",
        'identity: HashTable(eq="identity") from Python, ns per operation (x IdentityDict)',
    ]
    for (_, lines), semantics in zip(tables, SEMANTICS.values(), strict=True):
        assert [line[0] for line in lines] == [
            f"dict, {semantics.floor_key.__name__}(k) beforehand",
            f"{semantics.by_hand_name} (pure Python)",
            *hashtable.STRATEGIES,
        ]
        rows = {row["strategy"]: row for row in measured.rows if row["workload"] == semantics.workload}
        by_hand = rows[semantics.by_hand_name]
        for line in lines[2:]:
            ratio = rows[line[0]]["lookup_hit_ns"] / by_hand["lookup_hit_ns"]
            assert line[2].endswith(f"({ratio:.2f}x)")
    assert equality_tables([row for row in measured.rows if row["experiment"] != "equality"]) == []
