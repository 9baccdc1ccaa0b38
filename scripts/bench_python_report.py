"""The Markdown section of `make bench-python`: the goals (issues 9 and 19), then every measured ratio.

Rendering only; `scripts/bench_python.py` measures, into the data of
`scripts/bench_python_results.py`. Standard library only.
"""

from __future__ import annotations

import math
import platform
from collections.abc import Callable
from dataclasses import dataclass

import bench_report
from bench_python_results import Contender, Results

# Column headings of the detailed tables, in their order.
OPERATION_HEADINGS = {
    "get": "`t[k]`",
    "in": "`k in t`",
    "set": "`t[k] = v`",
    "delete": "`del t[k]; t[k] = v`",
    "update": "`T().update(pairs)`",
    "construct": "`T(pairs)`",
}
# Columns of the summary: (heading, scenario id, operation); "memory" has its own source.
SUMMARY_COLUMNS = (
    ("get", "str-small", "get"),
    ("in", "str-small", "in"),
    ("set", "str-small", "set"),
    ("delete", "str-small", "delete"),
    ("build (update)", "int-large", "update"),
    ("build (constructor)", "int-large", "construct"),
    ("lookups", "int-large", "get"),
    ("memory", "int-large", "memory"),
)


@dataclass(frozen=True)
class Goal:
    """One line of issue 9's goals: a limit for the default config and for the best strategy."""

    metric: str
    default_limit: float
    best_limit: float
    unit: str  # "" for a ratio to dict, "ns" for nanoseconds above the floor
    measure: Callable[[Results, str], float | None]


def goals(results: Results) -> list[Goal]:
    small = bench_report.human_size(results.settings.small)
    large = bench_report.human_size(results.settings.large)

    def ratio(scenario: str, operation: str) -> Callable[[Results, str], float | None]:
        return lambda r, table: r.ratio(scenario, table, operation)

    def memory(r: Results, table: str) -> float | None:
        return next((row.ratio for row in r.memory if row.table == table), None)

    def above_floor(r: Results, table: str) -> float | None:
        return next((row.above_floor_ns for row in r.hash_func if row.table == table), None)

    return [
        Goal(f"`t[k]`, {small} str keys", 1.2, 1.0, "", ratio("str-small", "get")),
        Goal("`k in t`", 1.1, 0.9, "", ratio("str-small", "in")),
        Goal("`t[k] = v` (existing keys)", 1.2, 0.9, "", ratio("str-small", "set")),
        Goal(f"build from {large} pairs (`update(list)`)", 1.0, 0.8, "", ratio("int-large", "update")),
        Goal(f"{large} shuffled int lookups", 1.5, 0.8, "", ratio("int-large", "get")),
        Goal(f"memory per entry, {large} int keys", 1.0, 0.9, "", memory),
        Goal("Python `hash_func` overhead above the floor", 3.0, 3.0, "ns", above_floor),
    ]


def verdict(value: float | None, limit: float) -> str:
    if value is None or math.isnan(value):
        return "not measured"
    return "met" if value <= limit else "missed"


def number(value: float | None, unit: str = "") -> str:
    if value is None or math.isnan(value):
        return "–"
    return f"{value:.1f} ns" if unit == "ns" else f"{value:.2f}"


def best_strategy(results: Results, candidates: list[Contender]) -> tuple[Contender | None, int]:
    """The candidate meeting the most best-strategy goals; ties go to the lowest mean ratio to its limits."""
    scored = []
    for contender in candidates:
        values = [(goal, goal.measure(results, contender.label)) for goal in goals(results)]
        met = sum(verdict(value, goal.best_limit) == "met" for goal, value in values)
        ratios = [v / g.best_limit for g, v in values if g.unit == "" and v is not None and not math.isnan(v) and v > 0]
        closeness = bench_report.geometric_mean(ratios) if ratios else math.inf
        scored.append((-met, closeness, contender.label, contender))
    if not scored:
        return None, 0
    minus_met, _, _, contender = min(scored, key=lambda item: item[:3])
    return contender, -minus_met


# Issue 19's columns: one strategy, with its documented parameters, at or below dict in all six.
AT_OR_BELOW_DICT = (
    ("`t[k]`", "str-small", "get"),
    ("`k in t`", "str-small", "in"),
    ("`t[k] = v`", "str-small", "set"),
    ("build", "int-large", "update"),
    ("lookups", "int-large", "get"),
    ("memory", "int-large", "memory"),
)


def six_columns(results: Results, table: str) -> list[tuple[str, float | None]]:
    """The ratio to dict of each of issue 19's six columns for `table`."""
    memory = next((row.ratio for row in results.memory if row.table == table), None)
    return [
        (heading, memory if operation == "memory" else results.ratio(scenario, table, operation))
        for heading, scenario, operation in AT_OR_BELOW_DICT
    ]


def render_at_or_below_dict(results: Results, candidates: list[Contender]) -> list[str]:
    """Which strategies, with their documented parameters, are at or below dict in all six columns;
    else the closest (fewest columns above dict, then the lowest worst ratio) and its misses."""
    scored = []
    for contender in candidates:
        columns = six_columns(results, contender.label)
        measured = [(heading, value) for heading, value in columns if value is not None and not math.isnan(value)]
        above = [(heading, value) for heading, value in measured if value > 1.0]
        worst = max((value for _, value in measured), default=math.inf)
        scored.append((len(above) + len(columns) - len(measured), worst, contender.label, above))
    out = ["", "At or below dict in all six of `t[k]`, `k in t`, `t[k] = v`, build, lookups and memory (issue 19):"]
    meeting = [label for missed, _, label, _ in scored if missed == 0]
    if meeting:
        out.append(", ".join(f"`{label}`" for label in meeting) + ".")
    elif scored:
        missed, _, label, above = min(scored)
        listed = ", ".join(f"{heading} {value:.2f}" for heading, value in above)
        out.append(f"none; the closest is `{label}`, above dict in {missed}: {listed}.")
    return out


def render_goals(results: Results, default_label: str, candidates: list[Contender], has_info: bool) -> list[str]:
    best, met = best_strategy(results, candidates)
    best_label = best.label if best else None
    out = [
        "### Goals",
        "",
        "Ratios to dict in this run (lower is better); the `hash_func` line is ns per `t[k]` above the floor.",
        f"Default config: `{default_label}`. Best strategy: the one strategy, with its recommended",
        "parameters, that meets the most of its column"
        + (f": `{best_label}`, {met} of {len(goals(results))} met." if best_label else "."),
    ]
    if not has_info:
        out.append("`hashtable.STRATEGY_INFO` does not exist in this build, so every strategy ran with its defaults.")
    out += [
        "",
        "| metric | default config: goal | measured | | best strategy: goal | measured | |",
        "| --- | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for goal in goals(results):
        default_value = goal.measure(results, default_label)
        best_value = goal.measure(results, best_label) if best_label else None
        out.append(
            f"| {goal.metric} | ≤ {number(goal.default_limit, goal.unit)} | {number(default_value, goal.unit)} "
            f"| {verdict(default_value, goal.default_limit)} | ≤ {number(goal.best_limit, goal.unit)} "
            f"| {number(best_value, goal.unit)} | {verdict(best_value, goal.best_limit)} |"
        )
    return [*out, *render_at_or_below_dict(results, candidates), ""]


def render_summary(results: Results, tables: list[str]) -> list[str]:
    small = bench_report.human_size(results.settings.small)
    large = bench_report.human_size(results.settings.large)
    out = [
        "### Summary",
        "",
        f"Ratios to dict: get, in, set and delete on {small} str keys; builds, shuffled lookups and memory",
        f"on {large} int keys. The dict row is its own time (ns per operation) and bytes per entry.",
        "",
        "| table | " + " | ".join(heading for heading, _, _ in SUMMARY_COLUMNS) + " |",
        "| --- |" + " ---: |" * len(SUMMARY_COLUMNS),
    ]
    memory = {row.table: row for row in results.memory}
    times = {(row.scenario, row.table, row.operation): row for row in results.rows}
    for table in tables:
        cells = []
        for _, scenario, operation in SUMMARY_COLUMNS:
            if operation == "memory":
                row = memory.get(table)
                value = None if row is None else (row.rss_bytes_per_entry if table == "dict" else row.ratio)
                cells.append("–" if value is None or math.isnan(value) else f"{value:.2f}")
                continue
            found = times.get((scenario, table, operation))
            cells.append("–" if found is None else (f"{found.ns:.1f}" if table == "dict" else f"{found.ratio:.2f}"))
        out.append(f"| {table} | " + " | ".join(cells) + " |")
    return [*out, ""]


def render_scenarios(results: Results) -> list[str]:
    out = []
    for scenario in results.scenarios:
        labels = [scenario.baseline.label] + [c.label for c in scenario.contenders]
        times = {(row.table, row.operation): row for row in results.rows if row.scenario == scenario.id}
        operations = [op for op in OPERATION_HEADINGS if any(key[1] == op for key in times)]
        out += [
            f"### {scenario.title}",
            "",
            f"`{scenario.baseline.label}`: ns per operation; every other row: ratio to it.",
            "",
            "| table | " + " | ".join(OPERATION_HEADINGS[op] for op in operations) + " |",
            "| --- |" + " ---: |" * len(operations),
        ]
        for label in labels:
            cells = []
            for operation in operations:
                found = times.get((label, operation))
                if found is None:
                    cells.append("–")
                else:
                    cells.append(f"{found.ns:.1f} ns" if label == scenario.baseline.label else f"{found.ratio:.2f}")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("")
    return out


def render_memory(results: Results) -> list[str]:
    if not results.memory:
        return []
    large = bench_report.human_size(results.settings.large)
    out = [
        f"### Memory, {large} int keys",
        "",
        "Growth of the process's resident set size while the table is built from a list of pairs, in a",
        "fresh process per table, divided by the number of keys (the keys themselves are not counted).",
        "glibc's mmap threshold is fixed at 128 KiB in that process, so the arrays a table frees as it",
        "grows are returned to the system rather than kept resident and counted against it.",
        "`sys.getsizeof` is what the type reports about itself; other libraries may leave out their nodes.",
        "",
        "| table | bytes per entry (RSS) | ratio to dict | `sys.getsizeof` per entry |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in results.memory:
        ratio = "–" if row.table == "dict" else number(row.ratio)
        out.append(f"| {row.table} | {number(row.rss_bytes_per_entry)} | {ratio} | {row.sizeof_bytes_per_entry:.2f} |")
    return [*out, ""]


def render_hash_func(results: Results) -> list[str]:
    if not results.hash_func:
        return []
    small = bench_report.human_size(results.settings.small)
    floor = results.hash_func[0].floor_ns
    out = [
        f"### Python `hash_func`, {small} str keys",
        "",
        "`t[k]` with `hash_func=lambda k: hash(k)` against the same table with the default hash. The floor,",
        f"{floor:.1f} ns in this run, is what one bare vectorcall of that lambda plus hashing its result costs",
        "beyond `hash(k)`, timed by a native loop (`hashtable._hashtable._time_hash_calls`) in the same rounds.",
        "",
        "| table | default hash | with `hash_func` | difference | above the floor |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in results.hash_func:
        difference = row.custom_ns - row.default_ns
        out.append(
            f"| {row.table} | {row.default_ns:.1f} ns | {row.custom_ns:.1f} ns | {difference:.1f} ns "
            f"| {row.above_floor_ns:.1f} ns |"
        )
    return [*out, ""]


def render(results: Results, command: str, default_label: str, candidates: list[Contender], has_info: bool) -> str:
    # The summary's rows: the tables timed against dict (the key=/eq= scenarios have their own baselines).
    against_dict = [s for s in results.scenarios if s.baseline.label == "dict"]
    tables = list(dict.fromkeys(["dict"] + [c.label for s in against_dict for c in s.contenders]))
    settings = results.settings
    python = f"- Python: {platform.python_implementation()} {platform.python_version()}"
    out = [
        "## Python: every strategy against dict",
        "",
        *bench_report.provenance(command, (python,)),
        "",
        f"Each time is the best of {settings.repeat} runs in one process, every table taking its turn in",
        "each run (other processes only ever add time). Loops use the mapping syntax, compiled afresh per",
        "table; lookups visit the keys in a shuffled order; keys are random 60-bit ints or their hex",
        "spellings as str. `scripts/bench_python.py --help` tells the method in full.",
        "",
        *render_goals(results, default_label, candidates, has_info),
        *render_summary(results, tables),
        *render_scenarios(results),
        *render_memory(results),
        *render_hash_func(results),
    ]
    return "\n".join(out)
