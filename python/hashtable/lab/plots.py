"""The PNG plots, drawn with matplotlib's Agg canvas (no display, no pyplot state).

(a) chain_histogram.png     chain (or probe) lengths for each hash on the first workload
(b) lookup_vs_max_load.png  ns per lookup against max_load, one line per strategy
(c) lookup_vs_n.png         ns per successful lookup against n, per hash: native, and from Python beside dict
(d) resizes_vs_size.png     resizes and ns per insert against initial size, per strategy
(e) to (g) are in plots_structure.py. The strategy plots draw the native view
unless --view python.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import findings, plots_structure
from .finding_words import PLOTS, timed_column, view_words
from .plan import Options
from .plot_style import colours, legend, log_axis, marker, no_data, plain_number, save
from .plot_style import figure as new_figure
from .rows import in_experiment

Row = dict[str, Any]


def _context(options: Options) -> str:
    return f"workload={options.workloads[0]}"


def chain_histogram(rows: list[Row], options: Options, path: Path) -> None:
    picked = findings.histogram_rows(rows, options)
    strategy = options.reference_strategy
    word = findings.chain_word(strategy)
    palette = colours([choice.name for choice in options.hashes])
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
                no_data(ax)
            continue
        row = picked[i]
        histogram = {int(k): v for k, v in row["chain_histogram"].items() if v}
        xs = sorted(histogram)
        ys = [histogram[x] for x in xs]
        colour = palette.get(row["hash"], "black")
        ax.vlines(xs, 0.8, ys, colors=colour, linewidth=1.5)
        ax.plot(xs, ys, "o", color=colour, markersize=3.5, label=row["hash"])
        log_axis(ax, "y")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.set_title(f"{row['hash']}: longest {row['longest_chain']:,}", fontsize=10)
        ax.set_xlabel(f"{word} length (keys)", fontsize=9)
        if i % columns == 0:
            ax.set_ylabel(f"{what} (log scale)", fontsize=9)
        ax.set_xlim(left=-0.5)
        legend(ax, fontsize=8, loc="upper right")
        ax.grid(True, alpha=0.3)
    figure.suptitle(
        f"(a) How many {what} have each {word} length: {options.workloads[0]}, n={n:,}, "
        f"{strategy}, max_load={options.max_loads[0]:g}"
    )
    save(figure, path)


def lookup_vs_max_load(rows: list[Row], options: Options, path: Path) -> None:
    palette = colours(list(options.strategies))
    figure = new_figure(11, 5.2)
    panels = figure.subplots(1, 2)
    for ax, operation, what in zip(panels, ("lookup_hit", "lookup_miss"), ("successful", "failed"), strict=True):
        series = findings.max_load_series(rows, timed_column(options, operation))
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
    counts = [row["n"] for row in in_experiment(rows, "max_load")]
    keys = f"{min(counts):,} to {max(counts):,} keys" if counts else "no keys"
    figure.suptitle(
        f"(b) Lookup time vs max_load, {view_words(options)}: hash={options.reference_hash}, "
        f"{_context(options)}, {keys}"
    )
    save(figure, path)


def lookup_vs_n(rows: list[Row], options: Options, path: Path) -> None:
    names = [choice.name for choice in options.hashes]
    palette = colours(names)
    figure = new_figure(13, 5.8, right=0.87)
    panels = figure.subplots(1, 2, sharex=True)
    views = (("native_lookup_hit_ns", "the structure alone (native)"), ("lookup_hit_ns", "from Python"))
    for ax, (column, what) in zip(panels, views, strict=True):
        series = findings.n_series(rows, options, column)
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
        f"{_context(options)}, max_load={options.max_loads[0]:g}"
    )
    save(figure, path)


def resizes_vs_size(rows: list[Row], options: Options, path: Path) -> None:
    series = findings.size_series(rows, timed_column(options, "insert"))
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
    n = next((row["n"] for row in in_experiment(rows, "size")), 0)
    top.set_title(
        f"(d) Resizes and insert time vs initial size: hash={options.reference_hash}, {_context(options)}, n={n:,}"
    )
    save(figure, path)


def draw_all(rows: list[Row], options: Options, out: Path, caches: dict[str, int]) -> dict[str, str]:
    """Draw every plot into `out`; returns {plot key: file name} for the ones drawn."""
    drawers: dict[str, Callable[[Path], None]] = {
        "a": lambda path: chain_histogram(rows, options, path),
        "b": lambda path: lookup_vs_max_load(rows, options, path),
        "c": lambda path: lookup_vs_n(rows, options, path),
        "d": lambda path: resizes_vs_size(rows, options, path),
        "e": lambda path: plots_structure.scale(rows, options, path, caches),
        "f": lambda path: plots_structure.memory_per_entry(rows, options, path),
        "g": lambda path: plots_structure.probe_theory(rows, options, path),
    }
    drawn = {}
    for key, draw in drawers.items():
        if key == "e" and not options.scale:
            continue
        filename = PLOTS[key][0]
        draw(out / filename)
        drawn[key] = filename
    return drawn
