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
from ..noise import cell
from ..plan import Options, Plan
from ..rows import Series, in_experiment, sort_series
from ..sentences import NO_DATA, describe_changes, plain, timed_column, view_words

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
    return head + "; ".join(f"{what} lookups became {text}" for what, _, _, text in parts) + "."


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
