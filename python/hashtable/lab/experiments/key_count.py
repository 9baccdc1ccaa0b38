"""(c) Lookup time against the number of keys: every hash at several key counts up to n
(reference strategy, first workload).

lookup_vs_n.png: ns per successful lookup against n, log-log, one line per hash
function: natively (the structure alone), and from Python beside dict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..experiment import Experiment
from ..measure import Config
from ..noise import cell, differs, versus
from ..plan import Options, Plan
from ..rows import Series, in_experiment, is_dict, sort_series
from ..sentences import NO_DATA, fmt_ns, fmt_times, names_list

Row = dict[str, Any]
SWEEP = "n"
# The sweep keeps at most this many key counts.
N_POINTS = 5


def n_points(n: int, limit: int = N_POINTS) -> list[int]:
    """Key counts for the n sweep: 1-2-5 steps from n/20 up to n, n included."""
    points: list[int] = []
    step = 1
    while step < n:
        for mantissa in (1, 2, 5):
            value = mantissa * step
            if n / 20 <= value < n:
                points.append(value)
        step *= 10
    points.append(n)
    return points[-limit:]


def n_series(rows: list[Row], options: Options, column: str) -> Series:
    """Per hash (and "dict" when `column` is timed from Python): (n, cell), first workload only."""
    workload = options.workloads[0]
    series: Series = {}
    n_rows = [row for row in in_experiment(rows, SWEEP) if row["workload"] == workload]
    for row in n_rows:
        value = cell(row, column)
        if value is not None:
            series.setdefault(row["hash"], []).append((row["n"], value))
    counts = {row["n"] for row in n_rows}
    for row in rows:
        if is_dict(row) and row["workload"] == workload and row["n"] in counts:
            value = cell(row, column)
            if value is not None:
                series.setdefault("dict", []).append((row["n"], value))
    return sort_series(series)


def n_finding(rows: list[Row], options: Options) -> str:
    """Every hash at the largest n: natively against the reference hash, from Python against dict."""
    native = {k: v for k, v in n_series(rows, options, "native_lookup_hit_ns").items() if k != "dict"}
    if not native:
        return NO_DATA
    top = max(points[-1][0] for points in native.values())
    at_top = {name: points[-1][1] for name, points in native.items() if points[-1][0] == top}
    ref = options.reference_hash if options.reference_hash in at_top else min(at_top, key=lambda k: at_top[k].best)
    base = at_top[ref]
    others = sorted((name for name in at_top if name != ref), key=lambda name: -at_top[name].best)
    slower = [name for name in others if differs(at_top[name], base) and at_top[name].best > base.best]
    faster = [name for name in reversed(others) if differs(at_top[name], base) and at_top[name].best < base.best]
    ties = [name for name in others if name not in slower and name not in faster]

    def ratios(names: list[str], word: str) -> str:
        listed = [f"{name}'s {fmt_times(at_top[name].best / base.best)}" for name in names[:3]]
        first = names[0]
        listed[0] = (
            f"{first}'s cost {fmt_times(at_top[first].best / base.best)} {ref}'s "
            f"({fmt_ns(at_top[first].best)} against {fmt_ns(base.best)})"
        )
        more = f"; {names_list(names[3:])} are measurably {word} too" if len(names) > 3 else ""
        return ", ".join(listed) + more

    parts = []
    if slower:
        parts.append(ratios(slower, "slower"))
    if faster:
        parts.append(f"measurably faster: {ratios(faster, 'faster')}")
    if ties:
        parts.append(f"{names_list(ties)}: no measurable difference from {ref}'s")
    text = f"At n={top:,.0f} ({options.reference_strategy}), lookups in the structure alone (native): "
    text += "; ".join(parts) if parts else f"only {ref} was measured ({fmt_ns(base.best)})"
    python = n_series(rows, options, "lookup_hit_ns")
    dict_points = dict(python.get("dict", []))
    if top in dict_points:
        tops = {name: dict(points)[top] for name, points in python.items() if name != "dict" and top in dict(points)}
        if tops:
            slow = max(tops, key=lambda name: tops[name].best)
            fast = min(tops, key=lambda name: tops[name].best)
            text += (
                f". From Python, where the hash call and the binding add their cost, lookups range from "
                f"{versus(tops[fast], dict_points[top], 'dict')} ({fast}) to "
                f"{versus(tops[slow], dict_points[top], 'dict')} ({slow})"
            )
    return text + "."


def lookup_vs_n(rows: list[Row], options: Options, path: Path) -> None:
    from ..plot_style import colours, legend, log_axis, no_data, save
    from ..plot_style import figure as new_figure

    names = [choice.name for choice in options.hashes]
    palette = colours(names)
    figure = new_figure(13, 5.8, right=0.87)
    panels = figure.subplots(1, 2, sharex=True)
    views = (("native_lookup_hit_ns", "the structure alone (native)"), ("lookup_hit_ns", "from Python"))
    for ax, (column, what) in zip(panels, views, strict=True):
        series = n_series(rows, options, column)
        for name in [*names, "dict"]:
            if name not in series:
                continue
            xs = [x for x, _ in series[name]]
            ys = [value.best for _, value in series[name]]
            if name == "dict":
                ax.plot(xs, ys, "k--", linewidth=2, label="dict (baseline)")
            else:
                ax.plot(xs, ys, "o-", color=palette[name], label=name)
        if not series:
            no_data(ax)
        else:
            log_axis(ax, "x")
            log_axis(ax, "y")
        ax.set_xlabel("number of keys n (log scale)")
        ax.set_ylabel("ns per successful lookup, best run (log scale)")
        ax.set_title(what, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
    legend(panels[1], title="hash function", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.suptitle(
        f"(c) Lookup time vs number of keys: strategy={options.reference_strategy}, "
        f"workload={options.workloads[0]}, max_load={options.max_loads[0]:g}"
    )
    save(figure, path)


def plan_key_counts(options: Options, plan: Plan, sizes: dict[str, int]) -> None:
    """Every hash at each of n_points(n) keys of the first workload, reference strategy."""
    first = options.workloads[0]
    max_load, size, index = options.max_loads[0], options.sizes[0], options.indexes[0]
    for choice in options.hashes:
        for count in n_points(sizes[first]):
            config = Config(first, count, choice.name, options.reference_strategy, index, max_load, size)
            plan.add(config, SWEEP)


EXPERIMENT = Experiment(
    SWEEP,
    title="(c) Lookup time vs number of keys",
    baseline=lambda options: f"{options.reference_hash}'s time natively; dict's from Python",
    finding=lambda results: n_finding(results.rows, results.options),
    filename="lookup_vs_n.png",
    draw=lambda results, path: lookup_vs_n(results.rows, results.options, path),
    plan=plan_key_counts,
)
