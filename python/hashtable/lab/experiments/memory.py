"""(f) Memory per entry against max_load: the table's own bytes (sys.getsizeof) per key
in the tables (b) fills to exactly each max_load, beside dict holding the same keys.

memory_vs_max_load.png: bytes per entry against max_load, one line per strategy, and dict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..experiment import Experiment
from ..plan import Options
from ..rows import in_experiment, is_dict
from ..sentences import NO_DATA, fmt_times, plain
from .max_load import SWEEP, plan_filled_tables

Row = dict[str, Any]


def memory_series(rows: list[Row], options: Options) -> dict[str, list[tuple[float, float]]]:
    """Per strategy: (max_load, bytes per entry) in tables filled to exactly max_load; and
    "dict": dict's bytes per entry holding the same keys, at the same x."""
    series: dict[str, list[tuple[float, float]]] = {}
    baselines = {(r["workload"], r["n"]): r for r in rows if is_dict(r)}
    for row in plain(in_experiment(rows, SWEEP)):
        if row["bytes_per_entry"] is None:
            continue
        series.setdefault(row["strategy"], []).append((row["max_load"], row["bytes_per_entry"]))
        base = baselines.get((row["workload"], row["n"]))
        if base is not None and base["bytes_per_entry"] is not None:
            series.setdefault("dict", []).append((row["max_load"], base["bytes_per_entry"]))
    return {name: sorted(set(points)) for name, points in series.items()}


def memory_finding(rows: list[Row], options: Options) -> str:
    series = memory_series(rows, options)
    tables = {k: dict(v) for k, v in series.items() if k != "dict"}
    if not tables:
        return NO_DATA
    loads = sorted({load for points in tables.values() for load in points})

    def extremes(load: float) -> str:
        at = {name: points[load] for name, points in tables.items() if load in points}
        small = min(at, key=lambda name: at[name])
        large = max(at, key=lambda name: at[name])
        if at[small] == at[large]:
            return f"at max_load {load:g} every strategy takes {at[small]:,.1f} bytes per entry"
        return (
            f"at max_load {load:g}, {small} takes {at[small]:,.1f} bytes per entry and {large} "
            f"{at[large]:,.1f} ({fmt_times(at[large] / at[small])} {small}'s)"
        )

    text = extremes(loads[-1])
    if len(loads) > 1:
        text += "; " + extremes(loads[0])
    dict_points = [value for _, value in series.get("dict", [])]
    if dict_points:
        low, high = min(dict_points), max(dict_points)
        span = f"{low:,.1f}" if low == high else f"{low:,.1f} to {high:,.1f}"
        text += f"; dict holding the same keys takes {span} bytes per entry"
    return "Counting the table's own storage (sys.getsizeof, keys and values not included): " + text + "."


def memory_per_entry(rows: list[Row], options: Options, path: Path) -> None:
    from ..plot_style import colours, legend, marker, no_data, save
    from ..plot_style import figure as new_figure

    series = memory_series(rows, options)
    palette = colours(list(options.strategies))
    figure = new_figure(8.5, 5.4, left=0.09)
    ax = figure.subplots()
    for i, strategy in enumerate(options.strategies):
        points = series.get(strategy, [])
        if points:
            ax.plot(
                [x for x, _ in points], [y for _, y in points], marker(i) + "-", color=palette[strategy], label=strategy
            )
    if "dict" in series:
        points = series["dict"]
        ax.plot([x for x, _ in points], [y for _, y in points], "k--", linewidth=2, label="dict (same keys)")
    if not series:
        no_data(ax)
    ax.set_xlabel("max_load (each table filled to exactly this load)")
    ax.set_ylabel("bytes per entry (the table's own storage)")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    legend(ax, title="strategy", fontsize=8)
    ax.set_title(f"(f) Memory per entry vs max_load: workload={options.workloads[0]}, hash={options.reference_hash}")
    save(figure, path)


EXPERIMENT = Experiment(
    "memory",
    title="(f) Memory per entry vs max_load",
    baseline="the smallest strategy at the same max_load; dict holding the same keys",
    finding=lambda results: memory_finding(results.rows, results.options),
    filename="memory_vs_max_load.png",
    draw=lambda results, path: memory_per_entry(results.rows, results.options, path),
    plan=plan_filled_tables,
)
