"""Custom equality (no plot): `HashTable(key=str.casefold)` on HTTP header names and
`HashTable(eq="identity")` on unhashable objects (the workloads are in equality.py), in
every strategy and from Python only, against the mapping users write by hand for the
same semantics (by_hand.py) and against a dict given keys transformed beforehand.

It measures itself after the shared rounds, in rounds of its own. Its finding has one
sentence per workload; its tables give each strategy's ratio to the by-hand mapping.
"""

from __future__ import annotations

from typing import Any

from ..equality import EXPERIMENT as NAME
from ..equality import SEMANTICS, Semantics, floor_workload, make_equality_workload
from ..experiment import Experiment, TextTable
from ..measure import Config, Failure, Measurer, table_measurer
from ..noise import Cell, cell, versus
from ..plan import Options, Plan
from ..rows import in_experiment, is_dict
from ..runner import Counter, Job, LabRun, collect, dict_job, frozen_gc, rounds
from ..sentences import NO_DATA, fmt_ns, keys_word
from ..workloads import Workload

Row = dict[str, Any]
TITLE = "Custom equality: key= and eq= against the same semantics by hand"


def _timed(row: Row, column: str) -> Cell:
    value = cell(row, column)
    if value is None:
        raise ValueError(f"row has no {column}")
    return value


def semantics_finding(rows: list[Row], options: Options, semantics: Semantics) -> str | None:
    """The sentence for one workload; None when the run did not measure it."""
    mine = [row for row in in_experiment(rows, NAME) if row["workload"] == semantics.workload]
    by_hand = next((row for row in mine if row["strategy"] == semantics.by_hand_name), None)
    tables = [row for row in mine if row["strategy"] != semantics.by_hand_name]
    floor = next((row for row in rows if is_dict(row) and row["workload"] == semantics.workload), None)
    if by_hand is None or floor is None:
        return None
    head = f"On {semantics.workload} ({keys_word(by_hand['n'])}: {semantics.description}), "
    if not tables:
        return head + f"no HashTable({semantics.label}) could be measured (see the failures)."
    reference = next((row for row in tables if row["strategy"] == options.reference_strategy), tables[0])
    hit = _timed(reference, "lookup_hit_ns")
    text = head + (
        f"HashTable({semantics.label}, strategy={reference['strategy']!r}) finds a key from Python in "
        f"{fmt_ns(hit.best)}: "
        f"{versus(hit, _timed(by_hand, 'lookup_hit_ns'), semantics.by_hand_name)} "
        f"({fmt_ns(by_hand['lookup_hit_ns'])}, the same semantics in pure Python) and "
        f"{versus(hit, _timed(floor, 'lookup_hit_ns'), 'dict')} on {semantics.floor_words} "
        f"({fmt_ns(floor['lookup_hit_ns'])}); it inserts in {fmt_ns(reference['insert_ns'])}, "
        f"{versus(_timed(reference, 'insert_ns'), _timed(by_hand, 'insert_ns'), semantics.by_hand_name)}"
    )
    if len(tables) > 1:
        fastest = min(tables, key=lambda row: row["lookup_hit_ns"])
        slowest = max(tables, key=lambda row: row["lookup_hit_ns"])
        text += (
            f". Across the {len(tables)} strategies a lookup takes {fmt_ns(fastest['lookup_hit_ns'])} "
            f"({fastest['strategy']}) to {fmt_ns(slowest['lookup_hit_ns'])} ({slowest['strategy']})"
        )
    return text + "."


def equality_finding(rows: list[Row], options: Options) -> str:
    sentences = [semantics_finding(rows, options, semantics) for semantics in SEMANTICS.values()]
    found = [sentence for sentence in sentences if sentence is not None]
    return " ".join(found) if found else NO_DATA


TABLE_COLUMNS = ("insert_ns", "lookup_hit_ns", "lookup_miss_ns", "delete_ns")


TABLE_HEADINGS = ("table", "insert", "hit", "miss", "delete")


def equality_tables(rows: list[Row]) -> list[tuple[str, list[list[str]]]]:
    """(title, lines) per workload: the dict floor, the by-hand mapping, every strategy's table.

    Each cell is the best run's ns per operation, and for the tables the ratio to the
    by-hand mapping's best run. Empty when the experiment did not run.
    """
    found = []
    for semantics in SEMANTICS.values():
        mine = [row for row in in_experiment(rows, NAME) if row["workload"] == semantics.workload]
        by_hand = next((row for row in mine if row["strategy"] == semantics.by_hand_name), None)
        floor = next((row for row in rows if is_dict(row) and row["workload"] == semantics.workload), None)
        if by_hand is None or floor is None:
            continue
        title = (
            f"{semantics.workload}: HashTable({semantics.label}) from Python, ns per operation "
            f"(x {semantics.by_hand_name})"
        )
        lines = [
            [f"dict, {semantics.floor_key.__name__}(k) beforehand", *(_ns(floor[c]) for c in TABLE_COLUMNS)],
            [f"{semantics.by_hand_name} (pure Python)", *(_ns(by_hand[c]) for c in TABLE_COLUMNS)],
        ]
        for row in mine:
            if row is not by_hand:
                cells = [f"{_ns(row[c])} ({row[c] / by_hand[c]:.2f}x)" for c in TABLE_COLUMNS]
                lines.append([row["strategy"], *cells])
        found.append((title, lines))
    return found


def _ns(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def measure_equality(options: Options, plan: Plan, lab: LabRun, counter: Counter) -> None:
    """Per workload: a dict on keys transformed beforehand, the by-hand mapping, then
    every strategy's table; all of them interleaved in the same rounds."""
    jobs = []
    for name in dict.fromkeys(config.workload for config in plan.equality):
        semantics = SEMANTICS[name]
        workload = make_equality_workload(name, options.n, options.seed)
        floor = dict_job(floor_workload(workload))
        by_hand = Measurer(semantics.by_hand, workload)
        jobs += [
            floor,
            Job(
                f"{semantics.by_hand_name} on {name} n={workload.n}",
                [by_hand],
                name,
                workload.n,
                [NAME],
                kind="by-hand",
                mapping=semantics.by_hand_name,
                semantics=semantics.label,
            ),
        ]
        for config in (c for c in plan.equality if c.workload == name):
            try:
                measurer = table_measurer(config, semantics.hash, workload)
            except (ValueError, TypeError) as exc:
                lab.failures.append(Failure(config, f"the table rejected this configuration: {exc}"))
                counter.done += options.repeat
                continue
            jobs.append(Job(config.label(), [measurer], name, workload.n, [NAME], config))
    with frozen_gc():
        rounds(jobs, options.repeat, options.budget_s, counter, lab)
    collect(jobs, lab)


def plan_equality(options: Options, plan: Plan, sizes: dict[str, int]) -> None:
    """One configuration per workload and strategy, n keys each."""
    max_load, size, index = options.max_loads[0], options.sizes[0], options.indexes[0]
    plan.own[NAME] = [
        Config(s.workload, options.n, s.hash.name, strategy, index, max_load, size, s.label)
        for s in SEMANTICS.values()
        for strategy in options.strategies
    ]


class CustomEquality(Experiment):
    """Measured on its own, from Python only (--no-equality skips it)."""

    def active(self, options: Options) -> bool:
        return options.equality

    def runs(self, options: Options, plan: Plan) -> int:
        return plan.equality_jobs() * options.repeat

    def measure(
        self, options: Options, plan: Plan, workloads: dict[str, Workload], lab: LabRun, counter: Counter
    ) -> None:
        measure_equality(options, plan, lab, counter)


EXPERIMENT = CustomEquality(
    NAME,
    title=TITLE,
    baseline="the same semantics by hand in pure Python; a dict on keys transformed beforehand",
    finding=lambda results: equality_finding(results.rows, results.options),
    tables=lambda results: [TextTable(title, TABLE_HEADINGS, lines) for title, lines in equality_tables(results.rows)],
    plan=plan_equality,
)
