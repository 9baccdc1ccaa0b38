"""`scripts/bench_python.py` on tiny sizes: every strategy gets well-formed rows.

Nothing here asserts a speed: timings are only checked to be positive finite
numbers, and the Markdown to hold one goal line per goal of issue 9 and issue 19's
line on which strategy is at or below dict in all six of its columns.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import hashtable
import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
SCENARIOS = ("str-small", "int-small", "str-large", "int-large")


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    sys.path.insert(0, str(SCRIPTS))
    try:
        import bench_python

        yield bench_python
    finally:
        sys.path.remove(str(SCRIPTS))


@pytest.fixture(scope="module")
def results(bench: ModuleType) -> Any:
    # large > CHUNK, so the large tables are timed in two chunks (10k + 2k keys).
    return bench.run(bench.Settings(small=64, large=12_000, repeat=1))


def strategy_label(strategy: str) -> str:
    return "HashTable() (default config)" if strategy == "chaining" else strategy


def positive_finite(value: float) -> bool:
    return math.isfinite(value) and value > 0


def test_every_strategy_has_every_operation_in_every_scenario(bench: ModuleType, results: Any) -> None:
    measured = {(row.scenario, row.table, row.operation): row for row in results.rows}
    for strategy in hashtable.STRATEGIES:
        for scenario in SCENARIOS:
            for operation in bench.OPERATIONS:
                row = measured[(scenario, strategy_label(strategy), operation)]
                assert positive_finite(row.ns) and positive_finite(row.ratio), row
    for scenario in SCENARIOS:
        for operation in bench.OPERATIONS:
            assert measured[(scenario, "dict", operation)].ratio == 1.0


def test_ratios_are_each_table_over_its_scenarios_baseline(results: Any) -> None:
    baselines = {scenario.id: scenario.baseline.label for scenario in results.scenarios}
    base_ns = {(row.scenario, row.operation): row.ns for row in results.rows if row.table == baselines[row.scenario]}
    for row in results.rows:
        assert row.ratio == pytest.approx(row.ns / base_ns[(row.scenario, row.operation)])
    assert {baselines[scenario] for scenario in SCENARIOS} == {"dict"}


def test_key_and_eq_tables_are_timed_against_the_pure_python_mappings(bench: ModuleType, results: Any) -> None:
    measured = {(row.scenario, row.table, row.operation): row for row in results.rows}
    scenarios = {scenario.id: scenario for scenario in results.scenarios}
    for scenario_id, baseline, words in (
        ("identity-small", bench.IDENTITY_BASELINE.label, 'eq="identity"'),
        ("casefold-small", bench.CASEFOLD_BASELINE.label, "key=str.casefold"),
    ):
        scenario = scenarios[scenario_id]
        assert scenario.baseline.label == baseline and len(scenario.keys) == 64
        for operation in bench.OPERATIONS:
            assert measured[(scenario_id, baseline, operation)].ratio == 1.0
            for strategy in hashtable.STRATEGIES:
                row = measured[(scenario_id, f"{strategy}, {words}", operation)]
                assert positive_finite(row.ns) and positive_finite(row.ratio), row
    identity = scenarios["identity-small"]
    assert all(isinstance(key, list) for key in identity.keys)
    assert sorted(map(id, identity.lookups)) == sorted(map(id, identity.keys))  # the same objects
    casefold = scenarios["casefold-small"]
    assert [k.casefold() for k in casefold.keys] == [k.casefold() for k in casefold.lookups]
    assert all(k != other for k, other in zip(casefold.keys, casefold.lookups, strict=True))
    # The built tables kept their semantics: a lookup spelling finds what its key stored.
    table = scenario_table(casefold, "chaining, key=str.casefold")
    assert table.getitem(casefold.lookups[0]) == (casefold.keys[0], casefold.keys[0])


def scenario_table(scenario: Any, label: str) -> Any:
    contender = next(c for c in scenario.contenders if c.label == label)
    return contender.make(scenario.pairs)


def test_memory_and_hash_func_rows(results: Any) -> None:
    memory = {row.table: row for row in results.memory}
    for table in ["dict", *map(strategy_label, hashtable.STRATEGIES)]:
        row = memory[table]
        assert positive_finite(row.rss_bytes_per_entry) and positive_finite(row.ratio), row
        assert positive_finite(row.sizeof_bytes_per_entry), row
    hash_func = {row.table: row for row in results.hash_func}
    assert set(map(strategy_label, hashtable.STRATEGIES)) <= set(hash_func)
    for row in hash_func.values():
        assert positive_finite(row.default_ns) and positive_finite(row.custom_ns), row
        assert math.isfinite(row.floor_ns) and math.isfinite(row.above_floor_ns), row


def test_markdown_has_the_goals_and_a_table_per_scenario(bench: ModuleType, results: Any) -> None:
    import bench_python_report

    contenders = results.scenarios[0].contenders
    section = bench_python_report.render(
        results, "make bench-python", strategy_label("chaining"), bench.candidates_for_best(contenders), False
    )
    goal_lines = [line for line in section.splitlines() if line.endswith(("| met |", "| missed |"))]
    assert len(goal_lines) == len(bench_python_report.goals(results))
    for scenario in results.scenarios:
        assert f"### {scenario.title}" in section
    summary = section.split("### Summary")[1].split("###")[0]
    assert "key=str.casefold" not in summary and "IdentityDict" not in summary  # they have their own baselines
    assert "| CaseFoldDict (pure Python: str.casefold in each method) | " in section
    assert "make bench-python" in section and "- Python: " in section and "- CPU: " in section


def test_recommended_parameters_come_from_strategy_info(bench: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        hashtable,
        "STRATEGY_INFO",
        {"swiss": {"recommended": {"max_load": 0.8}}, "linear": SimpleNamespace(recommended={"growth": 1.5})},
        raising=False,
    )
    contenders = {c.label: c for c in bench.hashtable_contenders()}
    swiss = contenders["swiss (max_load=0.8)"]
    assert swiss.hashtable_kwargs == {"strategy": "swiss", "max_load": 0.8}
    assert swiss.make().max_load == 0.8
    assert contenders["linear (growth=1.5)"].make().strategy == "linear"
    best = {c.strategy: c.label for c in bench.candidates_for_best(list(contenders.values()))}
    assert best["swiss"] == "swiss (max_load=0.8)" and best["robin_hood"] == "robin_hood"


def test_bad_repeat_is_refused(bench: ModuleType) -> None:
    with pytest.raises(SystemExit):
        bench.main(["--repeat", "0"])


def test_section_replaces_only_its_block(bench: ModuleType, tmp_path: Path) -> None:
    import bench_report
    import markdown_block

    target = tmp_path / "BENCHMARKS.md"
    target.write_text("# Core\n\ncriterion tables\n")
    markdown_block.write_into(target, "## Python\n\nfirst")
    markdown_block.write_into(target, "## Python\n\nsecond")
    text = target.read_text()
    assert text.startswith("# Core\n\ncriterion tables\n")
    assert text.count(markdown_block.START) == 1 and "second" in text and "first" not in text

    bench_report.write_keeping_python_section(target, "# Core, measured again\n")
    assert target.read_text().startswith("# Core, measured again\n")
    assert markdown_block.extract(target.read_text()) == markdown_block.extract(text)


def test_at_or_below_dict_names_the_strategies_that_are_and_else_the_closest() -> None:
    import bench_python_report
    from bench_python_results import Contender, MemoryRow, Results, Row, Settings

    def results_for(ratios: dict[str, list[float]]) -> Results:
        rows, memory = [], []
        for table, values in ratios.items():
            *timed, memory_ratio = values
            for (_, scenario, operation), ratio in zip(bench_python_report.AT_OR_BELOW_DICT, timed, strict=False):
                rows.append(Row(scenario, table, operation, ns=ratio, ratio=ratio))
            memory.append(MemoryRow(table, 1.0, 1.0, memory_ratio))
        return Results(Settings(), [], rows, memory, [])

    contenders = [Contender(label, dict) for label in ("fast", "slow")]
    meeting = results_for({"fast": [0.99, 0.9, 1.0, 0.8, 0.7, 0.7], "slow": [1.2, 0.9, 1.0, 0.8, 0.7, 1.1]})
    lines = bench_python_report.render_at_or_below_dict(meeting, contenders)
    assert lines[-1] == "`fast`."
    missing = results_for({"fast": [1.01, 0.9, 1.0, 0.8, 0.7, 0.7], "slow": [1.2, 0.9, 1.0, 0.8, 0.7, 1.1]})
    lines = bench_python_report.render_at_or_below_dict(missing, contenders)
    assert lines[-1] == "none; the closest is `fast`, above dict in 1: `t[k]` 1.01."
