"""Results as flat rows: one per configuration (and per dict baseline), units in names.

The same rows feed results.csv, results.json, the terminal table, the HTML table,
the plots and the findings, so every number a reader sees comes from one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .runner import LabRun, Result

OPERATIONS: tuple[str, ...] = ("insert", "lookup_hit", "lookup_miss", "delete")

COLUMNS: tuple[str, ...] = (
    "experiment",
    "workload",
    "n",
    "hash",
    "strategy",
    "index",
    "max_load",
    "initial_size",
    "runs",
    "insert_ns",
    "lookup_hit_ns",
    "lookup_miss_ns",
    "delete_ns",
    "insert_ratio_to_dict",
    "lookup_hit_ratio_to_dict",
    "lookup_miss_ratio_to_dict",
    "delete_ratio_to_dict",
    "resizes",
    "hash_calls",
    "comparisons",
    "final_size",
    "load_factor",
    "longest_chain",
    "mean_probe",
    "empty_bucket_share",
    "chi_squared_p",
    "memory_bytes",
)

# What each column means, for results.json and the HTML page.
COLUMN_HELP: dict[str, str] = {
    "experiment": "which part of the run used this row: grid, max_load, n, size (joined by +)"
    ", or dict for the baseline",
    "n": "keys inserted, looked up and deleted",
    "initial_size": "buckets (or slots) asked for at construction",
    "runs": "timed runs; the best is reported",
    "insert_ns": "ns per insert (t[k] = v) of a new key, resizes included",
    "lookup_hit_ns": "ns per successful lookup (t[k])",
    "lookup_miss_ns": "ns per failed lookup (k in t, k absent)",
    "delete_ns": "ns per delete (del t[k])",
    "insert_ratio_to_dict": "insert_ns divided by dict's on the same keys (1 = as fast as dict)",
    "resizes": "resizes while inserting the n keys",
    "hash_calls": "hash function calls while inserting the n keys",
    "comparisons": "key equality checks while inserting the n keys",
    "final_size": "buckets (or slots) after the inserts",
    "load_factor": "keys per bucket (or slot) after the inserts",
    "longest_chain": "longest chain (chaining) or longest probe sequence (open addressing)",
    "mean_probe": "mean entries or slots a successful lookup visits",
    "empty_bucket_share": "fraction of buckets (or slots) holding nothing",
    "chi_squared_p": "p-value of home buckets against a uniform spread (tiny = clumped)",
    "memory_bytes": "sys.getsizeof(t): the table's own storage, keys and values not counted",
}


def _ratio(value: float, base: float | None) -> float | None:
    if base is None or base <= 0:
        return None
    return round(value / base, 3)


def make_row(result: Result, base: Result | None) -> dict[str, Any]:
    """The row for one result; `base` is the dict baseline on the same keys."""
    timing, config = result.timing, result.config
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        experiment="+".join(result.experiments),
        workload=result.workload,
        n=result.n,
        runs=timing.runs,
        memory_bytes=timing.memory_bytes,
    )
    for operation in OPERATIONS:
        value = getattr(timing, f"{operation}_ns")
        row[f"{operation}_ns"] = round(value, 1)
        base_value = getattr(base.timing, f"{operation}_ns") if base is not None else None
        row[f"{operation}_ratio_to_dict"] = _ratio(value, base_value)
    if config is None:
        row.update(hash="python", strategy="dict", index="")
        return row
    stats = timing.stats
    row.update(
        hash=config.hash,
        strategy=config.strategy,
        index=config.index,
        max_load=config.max_load,
        initial_size=config.size,
    )
    for name in ("resizes", "hash_calls", "comparisons", "final_size", "longest_chain"):
        row[name] = stats.get(name)
    for name, digits in (("load_factor", 4), ("mean_probe", 3), ("empty_bucket_share", 4)):
        value = stats.get(name)
        row[name] = round(value, digits) if value is not None else None
    p_value = stats.get("chi_squared_p")
    row["chi_squared_p"] = float(f"{p_value:.3g}") if p_value is not None else None
    row["chain_histogram"] = stats.get("histogram", {})
    return row


def build_rows(lab: LabRun) -> list[dict[str, Any]]:
    """Every result as a row; dict baselines first."""
    rows = []
    for result in lab.results:
        base = lab.baseline(result.workload, result.n)
        rows.append(make_row(result, base))
    return rows


def in_experiment(rows: Iterable[dict[str, Any]], experiment: str) -> list[dict[str, Any]]:
    return [row for row in rows if experiment in str(row["experiment"]).split("+")]


def is_dict(row: dict[str, Any]) -> bool:
    return bool(row["strategy"] == "dict")


# --- the summary table (terminal and HTML) ----------------------------------------------

# (heading, column, ratio column or None, lower is better?)
SUMMARY_COLUMNS: tuple[tuple[str, str, str | None, bool], ...] = (
    ("insert ns", "insert_ns", "insert_ratio_to_dict", True),
    ("hit ns", "lookup_hit_ns", "lookup_hit_ratio_to_dict", True),
    ("miss ns", "lookup_miss_ns", "lookup_miss_ratio_to_dict", True),
    ("delete ns", "delete_ns", "delete_ratio_to_dict", True),
    ("resizes", "resizes", None, True),
    ("longest", "longest_chain", None, True),
    ("mean probe", "mean_probe", None, True),
    ("empty", "empty_bucket_share", None, False),
    ("memory KiB", "memory_bytes", None, True),
)


def summary_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Grid rows and their dict baselines, each workload's fastest lookups first."""
    grid = in_experiment(rows, "grid")
    sizes = {(row["workload"], row["n"]) for row in grid}
    baselines = [row for row in rows if is_dict(row) and (row["workload"], row["n"]) in sizes]
    order = {name: i for i, name in enumerate(dict.fromkeys(row["workload"] for row in grid))}
    return sorted(grid + baselines, key=lambda row: (order.get(row["workload"], 0), row["lookup_hit_ns"]))


def extremes(rows: list[dict[str, Any]], column: str) -> tuple[Any, Any]:
    """(best, worst) value of `column` among the HashTable rows (lower is better)."""
    values = [row[column] for row in rows if not is_dict(row) and row[column] is not None]
    if len(set(values)) < 2:
        return None, None
    return min(values), max(values)


def format_cell(row: dict[str, Any], column: str, ratio: str | None) -> str:
    value = row[column]
    if value is None:
        return "-"
    if column == "memory_bytes":
        text = f"{value / 1024:,.1f}"
    elif column == "empty_bucket_share":
        text = f"{value:.0%}"
        if text == "100%" and value < 1:  # say "99.9%": a few buckets do hold keys
            text = f"{min(value, 0.999):.1%}"
    elif isinstance(value, float) and column.endswith("_ns"):
        text = f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
    elif isinstance(value, float):
        text = f"{value:,.2f}"
    else:
        text = f"{value:,}"
    if ratio is not None and not is_dict(row) and row[ratio] is not None:
        text += f" ({row[ratio]:.1f}x)" if row[ratio] < 100 else f" ({row[ratio]:,.0f}x)"
    return text
