"""(b) Lookup time against max_load: every strategy in tables filled to exactly each
--max-load (reference hash, first workload). Plots (f) and (g) read the same tables.

lookup_vs_max_load.png: ns per successful and per failed lookup against max_load, one
line per strategy, in the view --view chooses (native by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..experiment import Experiment
from ..measure import Config
from ..noise import Cell, cell, differs
from ..plan import Options, Plan
from ..rows import Series, in_experiment, sort_series
from ..sentences import NO_DATA, describe_changes, fmt_ns, names_list, plain, timed_column, view_words

Row = dict[str, Any]
SWEEP = "max_load"


def filled_size(n: int, max_load: float) -> tuple[int, int]:
    """(size, keys): a power-of-two size and at most n keys that fill it to max_load.

    Measured right after n inserts, a table's load depends on where n falls between
    two resizes, not only on max_load: with n=20,000, max_load 0.75 and 0.9 both end
    at 32,768 buckets (load 0.61). Filling a presized table to exactly max_load
    (no resize) makes the x of plot (b) the load the lookups really ran at.
    """
    size = 1
    while size * 2 * max_load <= n:
        size *= 2
    return size, max(1, int(size * max_load))


def plan_filled_tables(options: Options, plan: Plan, sizes: dict[str, int]) -> None:
    """Every strategy in a table filled to each max_load: the rows (b), (f) and (g) read."""
    first = options.workloads[0]
    n, index = sizes[first], options.indexes[0]
    for strategy in options.strategies:
        for value in sorted(options.max_loads):
            filled, count = filled_size(n, value)
            plan.add(Config(first, count, options.reference_hash, strategy, index, value, filled), SWEEP)


def max_load_series(rows: list[Row], column: str) -> Series:
    """Per strategy: (max_load, cell of `column`), each table filled to exactly max_load."""
    series: Series = {}
    for row in plain(in_experiment(rows, SWEEP)):
        value = cell(row, column)
        if value is not None:
            series.setdefault(row["strategy"], []).append((row["max_load"], value))
    return sort_series(series)


def _loads(points: list[tuple[float, Cell, Cell]]) -> str:
    return names_list([f"{load:g}" for load, _, _ in points])


def _probes(rows: list[Row], column: str) -> dict[tuple[str, float], float]:
    """(strategy, max_load) -> mean probes per lookup, where the native census ran."""
    return {
        (row["strategy"], row["max_load"]): float(row[column])
        for row in plain(in_experiment(rows, SWEEP))
        if row.get(column) is not None
    }


def robin_hood_finding(rows: list[Row], options: Options) -> str:
    """Robin Hood against linear probing, which the designs order exactly: the same
    keys make the same mean probes per successful lookup in both, and a failed lookup
    stops at the first richer item in Robin Hood but runs to the next empty slot in
    linear probing. Whether the times agree, with the noise rule deciding what differs:
    '' unless both strategies were measured at some max_load."""
    pairs: dict[str, list[tuple[float, Cell, Cell]]] = {}
    for operation in ("lookup_hit", "lookup_miss"):
        series = max_load_series(rows, timed_column(options, operation))
        robin_hood, linear = dict(series.get("robin_hood", [])), dict(series.get("linear", []))
        pairs[operation] = [(load, robin_hood[load], linear[load]) for load in sorted(set(robin_hood) & set(linear))]
    hits, misses = pairs["lookup_hit"], pairs["lookup_miss"]
    if not hits:
        return ""
    hit_probes, miss_probes = _probes(rows, "probe_hit"), _probes(rows, "probe_miss")
    slower = [(load, rh, lin) for load, rh, lin in hits if rh.best > lin.best and differs(rh, lin)]
    high, rh, lin = hits[-1]
    if not slower:
        text = (
            f"Robin Hood's successful lookups were no slower than linear probing's at any max_load "
            f"({_loads(hits)}; {fmt_ns(rh.best)} against {fmt_ns(lin.best)} at {high:g})"
        )
    else:
        load, rh, lin = slower[0]
        text = (
            f"Robin Hood's successful lookups were measurably slower than linear probing's at max_load "
            f"{_loads(slower)} ({fmt_ns(rh.best)} against {fmt_ns(lin.best)} at {load:g})"
        )
    at = slower[0][0] if slower else high
    if (("robin_hood", at) in hit_probes) and (("linear", at) in hit_probes):
        text += ", although the designs give both" if slower else ", as the designs have it: both take"
        text += (
            f" the same mean probes per hit ({hit_probes[('robin_hood', at)]:.2f} and "
            f"{hit_probes[('linear', at)]:.2f} at {at:g})"
        )
        first = _probes(rows, "probe_hit_first")
        pair = (first.get(("robin_hood", at)), first.get(("linear", at)))
        if slower and pair[0] is not None and pair[1] is not None and pair[0] < pair[1]:
            text += (
                f". Robin Hood evens those probes out by moving keys off their home slot: it found "
                f"{pair[0]:.0%} of its keys at home, against linear probing's {pair[1]:.0%}, so where a "
                "lookup ends is harder for the processor to guess, and a wrong guess costs more than "
                "the probes do"
            )
    from_half = [(load, rh, lin) for load, rh, lin in misses if load >= 0.5]
    if from_half:
        faster = [(load, rh, lin) for load, rh, lin in from_half if rh.best < lin.best and differs(rh, lin)]
        high, rh, lin = from_half[-1]
        counts = ""
        if (("robin_hood", high) in miss_probes) and (("linear", high) in miss_probes):
            counts = f"; {miss_probes[('robin_hood', high)]:.2f} against {miss_probes[('linear', high)]:.2f} probes"
        if len(faster) == len(from_half):
            text += (
                f"; its failed lookups were faster from max_load {from_half[0][0]:g} up "
                f"({fmt_ns(rh.best)} against {fmt_ns(lin.best)} at {high:g}{counts}), as they should be: "
                "a miss stops at the first richer item, not at the next empty slot"
            )
        else:
            behind = [point for point in from_half if point not in faster]
            text += (
                f"; its failed lookups were not measurably faster at max_load {_loads(behind)}, "
                f"though a miss stops at the first richer item ({fmt_ns(rh.best)} against "
                f"{fmt_ns(lin.best)} at {high:g}{counts})"
            )
    return text + "."


def max_load_finding(rows: list[Row], options: Options) -> str:
    parts = []
    for operation, what in (("lookup_hit", "successful"), ("lookup_miss", "failed")):
        series = {k: v for k, v in max_load_series(rows, timed_column(options, operation)).items() if len(v) >= 2}
        if not series:
            continue
        low = min(points[0][0] for points in series.values())
        changes = {name: (points[0][1], points[-1][1]) for name, points in series.items() if points[0][0] == low}
        high = max(points[-1][0] for points in series.values())
        parts.append((what, low, high, describe_changes(changes, f"at max_load {low:g}")))
    if not parts:
        if max_load_series(rows, timed_column(options, "lookup_hit")):
            return "Only one max_load was measured; give several (--max-load 0.25 0.5 0.9) to see the trend."
        return NO_DATA
    _, low, high, _ = parts[0]
    head = (
        f"Raising max_load from {low:g} to {high:g} (each table filled to exactly that load, "
        f"hash {options.reference_hash}, timed as {view_words(options)}): "
    )
    text = head + "; ".join(f"{what} lookups became {text}" for what, _, _, text in parts) + "."
    designs = robin_hood_finding(rows, options)
    return f"{text} {designs}" if designs else text


def lookup_vs_max_load(rows: list[Row], options: Options, path: Path) -> None:
    from ..plot_style import colours, legend, marker, no_data, save
    from ..plot_style import figure as new_figure

    palette = colours(list(options.strategies))
    figure = new_figure(11, 5.2)
    panels = figure.subplots(1, 2)
    for ax, operation, what in zip(panels, ("lookup_hit", "lookup_miss"), ("successful", "failed"), strict=True):
        series = max_load_series(rows, timed_column(options, operation))
        for i, (strategy, points) in enumerate(series.items()):
            xs = [x for x, _ in points]
            ys = [value.best for _, value in points]
            ax.plot(xs, ys, marker(i) + "-", color=palette.get(strategy), label=strategy)
        if not series:
            no_data(ax)
        ax.set_xlabel("max_load (each table filled to exactly this load)")
        ax.set_ylabel(f"ns per {what} lookup, best run")
        ax.set_title(f"{what} lookups", fontsize=10)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        legend(ax, title="strategy", fontsize=8)
    counts = [row["n"] for row in in_experiment(rows, SWEEP)]
    keys = f"{min(counts):,} to {max(counts):,} keys" if counts else "no keys"
    figure.suptitle(
        f"(b) Lookup time vs max_load, {view_words(options)}: hash={options.reference_hash}, "
        f"workload={options.workloads[0]}, {keys}"
    )
    save(figure, path)


EXPERIMENT = Experiment(
    SWEEP,
    title="(b) Lookup time vs max_load",
    baseline="each strategy's own time at the smallest max_load",
    finding=lambda results: max_load_finding(results.rows, results.options),
    filename="lookup_vs_max_load.png",
    draw=lambda results, path: lookup_vs_max_load(results.rows, results.options, path),
    plan=plan_filled_tables,
)
