"""(d) Resizes and insert time against the initial size: every strategy created at each
--size (reference hash, first workload, all n keys).

resizes_vs_size.png: resizes while inserting, and ns per insert, against the initial
size, one line per strategy, in the view --view chooses (native by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..experiment import Experiment
from ..measure import Config
from ..noise import Cell, cell
from ..plan import Options, Plan
from ..rows import in_experiment
from ..sentences import NO_DATA, describe_changes, fmt_ns, keys_word, plain, timed_column, view_words

Row = dict[str, Any]
SWEEP = "size"


def size_series(rows: list[Row], column: str) -> dict[str, list[tuple[float, float, Cell]]]:
    """Per strategy: (initial size, resizes, cell of `column`)."""
    series: dict[str, list[tuple[float, float, Cell]]] = {}
    for row in plain(in_experiment(rows, SWEEP)):
        value = cell(row, column)
        if value is not None:
            series.setdefault(row["strategy"], []).append((row["initial_size"], row["resizes"], value))
    return {name: sorted(points, key=lambda point: point[0]) for name, points in series.items()}


def size_finding(rows: list[Row], options: Options) -> str:
    series = size_series(rows, timed_column(options, "insert"))
    if not series:
        return NO_DATA
    n = next(row["n"] for row in in_experiment(rows, SWEEP))
    small = min(points[0][0] for points in series.values())
    big = max(points[-1][0] for points in series.values())
    full = {name: points for name, points in series.items() if points[0][0] == small and points[-1][0] == big}
    if big == small or not full:
        name, points = next(iter(series.items()))
        size, resizes, insert = points[0]
        return (
            f"With initial size {size:,.0f}, {name} resized {resizes:.0f} times while inserting "
            f"{keys_word(n)} ({fmt_ns(insert.best)} per insert)."
        )
    before = sorted({points[0][1] for points in full.values()})
    after = sorted({points[-1][1] for points in full.values()})

    def span(values: list[float]) -> str:
        text = f"{values[0]:.0f}" if len(values) == 1 else f"{values[0]:.0f} to {values[-1]:.0f}"
        return text + (" resize" if values == [1] else " resizes")

    changes = {name: (points[0][2], points[-1][2]) for name, points in full.items()}
    return (
        f"Inserting {n:,} keys into a table created with {big:,.0f} buckets instead of {small:,.0f} "
        f"({span(after)} instead of {span(before)}), timed as {view_words(options)}: inserts became "
        f"{describe_changes(changes, f'at size {small:,.0f}')}."
    )


def resizes_vs_size(rows: list[Row], options: Options, path: Path) -> None:
    from matplotlib.ticker import FuncFormatter

    from ..plot_style import colours, legend, marker, no_data, plain_number, save
    from ..plot_style import figure as new_figure

    series = size_series(rows, timed_column(options, "insert"))
    palette = colours(list(options.strategies))
    figure = new_figure(8.5, 6.4, hspace=0.08, left=0.11)
    top, bottom = figure.subplots(2, 1, sharex=True)
    for i, (strategy, points) in enumerate(series.items()):
        sizes = [size for size, _, _ in points]
        colour = palette.get(strategy)
        # Resize counts often coincide: shrinking markers keep every strategy visible.
        top.plot(sizes, [r for _, r, _ in points], marker(i) + "-", color=colour, label=strategy, markersize=9 - i)
        bottom.plot(sizes, [c.best for _, _, c in points], marker(i) + "-", color=colour, label=strategy)
    if not series:
        no_data(top)
    else:
        top.set_xscale("log", base=2)
        # Every measured size is a labelled tick: each point can be read off.
        bottom.set_xticks(sorted({size for points in series.values() for size, _, _ in points}))
        bottom.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: plain_number(value)))
        bottom.xaxis.set_minor_formatter(FuncFormatter(lambda _value, _pos: ""))
    top.set_ylabel("resizes while inserting")
    bottom.set_ylabel(f"ns per insert, best run\n{view_words(options)}")
    bottom.set_xlabel("initial size (buckets or slots, log scale)")
    bottom.set_ylim(bottom=0)
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
        legend(ax, title="strategy", fontsize=8)
    n = next((row["n"] for row in in_experiment(rows, SWEEP)), 0)
    top.set_title(
        f"(d) Resizes and insert time vs initial size: hash={options.reference_hash}, "
        f"workload={options.workloads[0]}, n={n:,}"
    )
    save(figure, path)


def plan_sizes(options: Options, plan: Plan, sizes: dict[str, int]) -> None:
    """Every strategy created at each --size, all n keys of the first workload, reference hash."""
    first = options.workloads[0]
    max_load, index = options.max_loads[0], options.indexes[0]
    for strategy in options.strategies:
        for size in sorted(options.sizes):
            config = Config(first, sizes[first], options.reference_hash, strategy, index, max_load, size)
            plan.add(config, SWEEP)


EXPERIMENT = Experiment(
    SWEEP,
    title="(d) Resizes and insert time vs initial size",
    baseline="each strategy's own time at the smallest initial size",
    finding=lambda results: size_finding(results.rows, results.options),
    filename="resizes_vs_size.png",
    draw=lambda results, path: resizes_vs_size(results.rows, results.options, path),
    plan=plan_sizes,
)
