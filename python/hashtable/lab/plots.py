"""The four PNG plots, drawn with matplotlib's Agg canvas (no display, no pyplot state).

(a) chain_histogram.png   chain (or probe) lengths for each hash on the first workload
(b) lookup_vs_max_load.png ns per successful lookup against max_load, one line per strategy
(c) lookup_vs_n.png        ns per successful lookup against n, one line per hash (and dict)
(d) resizes_vs_size.png    resizes and ns per insert against initial size, per strategy
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from . import findings
from .plan import Options
from .rows import in_experiment

Row = dict[str, Any]


@dataclass(frozen=True)
class Plot:
    filename: str
    title: str
    finding: str


_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#637939",
)


_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _colours(names: list[str]) -> dict[str, str]:
    return {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(names)}


def _save(figure: Figure, path: Path) -> None:
    FigureCanvasAgg(figure)
    figure.savefig(path, dpi=110)


def _plain_ticks(ax: Axes, xs: list[float] | None = None, y: bool = False) -> None:
    """Label a log axis with plain numbers (1,000 rather than 10^3)."""
    plain = FuncFormatter(lambda value, _pos: f"{value:,.0f}")
    if xs is not None:
        ax.set_xticks(sorted(set(xs)))
        ax.xaxis.set_major_formatter(plain)
        ax.xaxis.set_minor_formatter(NullFormatter())
    if y:
        ax.yaxis.set_major_formatter(plain)


def _legend(ax: Axes, **options: Any) -> None:
    """A legend, when there is anything to put in it (an empty one only warns)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**options)


def _no_data(ax: Axes, text: str = "no data: every configuration failed") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="grey")


def _context(options: Options) -> str:
    return f"workload={options.workloads[0]}"


def chain_histogram(rows: list[Row], options: Options, path: Path) -> Plot:
    picked = findings.histogram_rows(rows, options)
    strategy = options.reference_strategy
    word = findings.chain_word(strategy)
    colours = _colours([choice.name for choice in options.hashes])
    count = max(1, len(picked))
    columns = min(4, count)
    lines = math.ceil(count / columns)
    # Constrained layout costs seconds with a dozen panels; fixed margins cost nothing.
    height = 2.9 * lines + 0.9
    figure = Figure(figsize=(3.4 * columns + 0.6, height))
    figure.subplots_adjust(
        left=0.07,
        right=0.98,
        bottom=0.55 / height * 1.6,
        top=1 - 0.75 / height,
        wspace=0.12,
        hspace=0.55,
    )
    axes = figure.subplots(lines, columns, squeeze=False, sharey=True)
    n = picked[0]["n"] if picked else 0
    what = "buckets" if strategy == "chaining" else "keys"
    for i, ax in enumerate(axes.flat):
        if i >= len(picked):
            ax.set_visible(i == 0)
            if i == 0:
                _no_data(ax)
            continue
        row = picked[i]
        histogram = {int(k): v for k, v in row["chain_histogram"].items() if v}
        xs = sorted(histogram)
        ys = [histogram[x] for x in xs]
        colour = colours.get(row["hash"], "black")
        ax.vlines(xs, 0.8, ys, colors=colour, linewidth=1.5)
        ax.plot(xs, ys, "o", color=colour, markersize=3.5, label=row["hash"])
        ax.set_yscale("log")
        ax.minorticks_off()
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.set_title(f"{row['hash']}: longest {row['longest_chain']:,}", fontsize=10)
        ax.set_xlabel(f"{word} length (keys)", fontsize=9)
        if i % columns == 0:
            ax.set_ylabel(f"{what} (log scale)", fontsize=9)
        ax.set_xlim(left=-0.5)
        _legend(ax, fontsize=8, loc="upper right")
        ax.grid(True, alpha=0.3)
    figure.suptitle(
        f"(a) How many {what} have each {word} length: {options.workloads[0]}, n={n:,}, "
        f"{strategy}, max_load={options.max_loads[0]:g}"
    )
    _save(figure, path)
    title = f"(a) {word.capitalize()} lengths for each hash function"
    return Plot(path.name, title, findings.histogram_finding(rows, options))


def lookup_vs_max_load(rows: list[Row], options: Options, path: Path) -> Plot:
    colours = _colours(list(options.strategies))
    figure = Figure(figsize=(11, 5.2), layout="constrained")
    panels = figure.subplots(1, 2)
    for ax, column, what in zip(panels, ("lookup_hit_ns", "lookup_miss_ns"), ("successful", "failed"), strict=True):
        series = findings.max_load_series(rows, column)
        for i, (strategy, points) in enumerate(series.items()):
            xs, ys = zip(*points, strict=True)
            marker = _MARKERS[i % len(_MARKERS)]
            ax.plot(xs, ys, marker + "-", color=colours.get(strategy), label=strategy)
        if not series:
            _no_data(ax)
        ax.set_xlabel("max_load (each table filled to exactly this load)")
        ax.set_ylabel(f"ns per {what} lookup")
        ax.set_title(f"{what} lookups", fontsize=10)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        _legend(ax, title="strategy", fontsize=8)
    counts = [row["n"] for row in in_experiment(rows, "max_load")]
    keys = f"{min(counts):,} to {max(counts):,} keys" if counts else "no keys"
    figure.suptitle(f"(b) Lookup time vs max_load: hash={options.reference_hash}, {_context(options)}, {keys}")
    _save(figure, path)
    return Plot(path.name, "(b) Lookup time vs max_load", findings.max_load_finding(rows, options))


def lookup_vs_n(rows: list[Row], options: Options, path: Path) -> Plot:
    series = findings.n_series(rows, options)
    names = [choice.name for choice in options.hashes]
    colours = _colours(names)
    figure = Figure(figsize=(9.5, 5.6), layout="constrained")
    ax = figure.subplots()
    for name in [*names, "dict"]:
        if name not in series:
            continue
        xs, ys = zip(*series[name], strict=True)
        if name == "dict":
            ax.plot(xs, ys, "k--", linewidth=2, label="dict (baseline)")
        else:
            ax.plot(xs, ys, "o-", color=colours[name], label=name)
    if not series:
        _no_data(ax)
    else:
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_ticks(ax, [x for points in series.values() for x, _ in points], y=True)
    ax.set_xlabel("number of keys n (log scale)")
    ax.set_ylabel("ns per successful lookup (log scale)")
    ax.grid(True, which="both", alpha=0.3)
    _legend(ax, title="hash function", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(
        f"(c) Lookup time vs number of keys: strategy={options.reference_strategy}, "
        f"{_context(options)}, max_load={options.max_loads[0]:g}"
    )
    _save(figure, path)
    return Plot(path.name, "(c) Lookup time vs number of keys", findings.n_finding(rows, options))


def resizes_vs_size(rows: list[Row], options: Options, path: Path) -> Plot:
    series = findings.size_series(rows)
    colours = _colours(list(options.strategies))
    figure = Figure(figsize=(8.5, 6.4), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    for i, (strategy, points) in enumerate(series.items()):
        sizes, resizes, insert_ns = zip(*points, strict=True)
        colour, marker = colours.get(strategy), _MARKERS[i % len(_MARKERS)]
        # Resize counts often coincide: shrinking markers keep every strategy visible.
        top.plot(sizes, resizes, marker + "-", color=colour, label=strategy, markersize=9 - i)
        bottom.plot(sizes, insert_ns, marker + "-", color=colour, label=strategy)
    if not series:
        _no_data(top)
    else:
        top.set_xscale("log", base=2)
        _plain_ticks(bottom, [size for points in series.values() for size, _, _ in points])
    top.set_ylabel("resizes while inserting")
    bottom.set_ylabel("ns per insert")
    bottom.set_xlabel("initial size (buckets or slots, log scale)")
    bottom.set_ylim(bottom=0)
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
        _legend(ax, title="strategy", fontsize=8)
    n = next((row["n"] for row in in_experiment(rows, "size")), 0)
    top.set_title(
        f"(d) Resizes and insert time vs initial size: hash={options.reference_hash}, {_context(options)}, n={n:,}"
    )
    _save(figure, path)
    title = "(d) Resizes and insert time vs initial size"
    return Plot(path.name, title, findings.size_finding(rows, options))


def draw_all(rows: list[Row], options: Options, out: Path) -> list[Plot]:
    """Draw the four plots into `out`; returns them with their findings, in order."""
    return [
        chain_histogram(rows, options, out / "chain_histogram.png"),
        lookup_vs_max_load(rows, options, out / "lookup_vs_max_load.png"),
        lookup_vs_n(rows, options, out / "lookup_vs_n.png"),
        resizes_vs_size(rows, options, out / "resizes_vs_size.png"),
    ]
