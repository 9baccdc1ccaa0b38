"""The summary table shared by the terminal and index.html: which columns, in what
order, how each cell reads, and which cells stand out.

By default the table fits 100 terminal columns: the structure's own times
(native), the successful lookup from Python beside dict, the binding overhead,
the longest chain and the bytes per entry. `--wide` (and the HTML page) adds
every other column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .noise import cell, standout
from .rows import in_experiment, is_dict

Row = dict[str, Any]


@dataclass(frozen=True)
class SummaryColumn:
    heading: str  # may hold a newline: rich and HTML both show two lines
    column: str
    ratio: str | None = None  # a ratio column shown in brackets after the value
    coloured: bool = True  # lower is better, so the best and worst can stand out
    wide_only: bool = False


SUMMARY_COLUMNS: tuple[SummaryColumn, ...] = (
    SummaryColumn("native\ninsert", "native_insert_ns"),
    SummaryColumn("native\nhit", "native_lookup_hit_ns"),
    SummaryColumn("native\nmiss", "native_lookup_miss_ns"),
    SummaryColumn("native\ndelete", "native_delete_ns", wide_only=True),
    SummaryColumn("py insert\n(x dict)", "insert_ns", "insert_ratio_to_dict", wide_only=True),
    SummaryColumn("py hit\n(x dict)", "lookup_hit_ns", "lookup_hit_ratio_to_dict"),
    SummaryColumn("py miss\n(x dict)", "lookup_miss_ns", "lookup_miss_ratio_to_dict", wide_only=True),
    SummaryColumn("py delete\n(x dict)", "delete_ns", "delete_ratio_to_dict", wide_only=True),
    SummaryColumn("hit\noverhead", "lookup_hit_overhead_ns", coloured=False),
    SummaryColumn("resizes", "resizes", wide_only=True),
    SummaryColumn("longest", "longest_chain"),
    SummaryColumn("mean\nprobe", "mean_probe", wide_only=True),
    SummaryColumn("empty", "empty_bucket_share", coloured=False, wide_only=True),
    SummaryColumn("memory\nKiB", "memory_bytes", wide_only=True),
    SummaryColumn("bytes/\nentry", "bytes_per_entry"),
)

LEGEND = (
    "native: the structure alone, ns per operation in a Rust loop over the core table "
    "(keys hashed in advance); py: ns per operation from Python, the interpreter loop "
    "included, with the ratio to dict on the same keys; hit overhead: py hit - native hit. "
    "Green: measurably the best in its column, red: measurably the worst (each apart from every "
    "other row by more than both spreads of the runs and 5%); ties are not coloured. dict has no "
    "native time."
)


def summary_columns(wide: bool) -> tuple[SummaryColumn, ...]:
    return tuple(column for column in SUMMARY_COLUMNS if wide or not column.wide_only)


def name_columns(many_workloads: bool, many_indexes: bool) -> list[str]:
    names = ["hash", "strategy"]
    if many_indexes:
        names.append("index")
    if many_workloads:
        names.insert(0, "workload")
    return names


def summary_rows(rows: list[Row]) -> list[Row]:
    """Grid rows and their dict baselines: per workload, dict first, then the
    configurations, fastest native successful lookup first."""
    grid = in_experiment(rows, "grid")
    sizes = {(row["workload"], row["n"]) for row in grid}
    baselines = [row for row in rows if is_dict(row) and (row["workload"], row["n"]) in sizes]
    order = {name: i for i, name in enumerate(dict.fromkeys(row["workload"] for row in grid))}

    def key(row: Row) -> tuple[int, int, float]:
        speed = row["native_lookup_hit_ns"]
        return (order.get(row["workload"], 0), 0 if is_dict(row) else 1, speed if speed is not None else 0.0)

    return sorted(grid + baselines, key=key)


def standouts(rows: list[Row], columns: tuple[SummaryColumn, ...]) -> dict[tuple[int, str], str]:
    """{(row position, column): "best" or "worst"} under the noise rule, per workload."""
    marks: dict[tuple[int, str], str] = {}
    workloads = dict.fromkeys(row["workload"] for row in rows)
    for workload in workloads:
        positions = [i for i, row in enumerate(rows) if row["workload"] == workload and not is_dict(row)]
        for column in columns:
            if not column.coloured:
                continue
            best, worst = standout([cell(rows[i], column.column) for i in positions])
            if best is not None:
                marks[(positions[best], column.column)] = "best"
            if worst is not None:
                marks[(positions[worst], column.column)] = "worst"
    return marks


def format_cell(row: Row, column: str, ratio: str | None) -> str:
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
        text = f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    else:
        text = f"{value:,}"
    if ratio is not None and not is_dict(row) and row[ratio] is not None:
        text += f" ({row[ratio]:.1f}x)" if row[ratio] < 10 else f" ({row[ratio]:,.0f}x)"
    return text
