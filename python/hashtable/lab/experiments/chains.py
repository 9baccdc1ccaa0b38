"""(a) Chain lengths for each hash function: the grid's rows on the first workload with
the reference strategy, one histogram per hash.

chain_histogram.png: how many buckets (or, in open addressing, keys) have each chain
(or probe sequence) length, one panel per hash function, log scale.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..experiment import Experiment
from ..plan import Options, is_open_addressing
from ..rows import in_experiment
from ..sentences import NO_DATA, fmt_times, keys_word, plain, share

Row = dict[str, Any]


def histogram_rows(rows: list[Row], options: Options) -> list[Row]:
    """Grid rows on the first workload with the reference strategy: one per hash."""
    workload, strategy = options.workloads[0], options.reference_strategy
    index = options.indexes[0]
    picked = [
        row
        for row in plain(in_experiment(rows, "grid"))
        if row["workload"] == workload and row["strategy"] == strategy and row["index"] == index
    ]
    order = {choice.name: i for i, choice in enumerate(options.hashes)}
    return sorted(picked, key=lambda row: order.get(row["hash"], len(order)))


def chain_word(strategy: str) -> str:
    return "probe sequence" if is_open_addressing(strategy) else "chain"


def histogram_finding(rows: list[Row], options: Options) -> str:
    picked = histogram_rows(rows, options)
    if not picked:
        return NO_DATA
    word = chain_word(options.reference_strategy)
    worst = max(picked, key=lambda row: row["longest_chain"])
    ref = next((row for row in picked if row["hash"] == options.reference_hash), None)
    best = ref if ref is not None else min(picked, key=lambda row: row["longest_chain"])
    head = f"On {worst['workload']} (n={worst['n']:,}, {options.reference_strategy}), "
    if len(picked) == 1:
        return head + (
            f"{worst['hash']}'s longest {word} holds {keys_word(worst['longest_chain'])} and "
            f"{share(worst['empty_bucket_share'])} of its buckets are empty."
        )
    if worst["longest_chain"] <= 2 * best["longest_chain"]:
        low = min(row["longest_chain"] for row in picked)
        high = worst["longest_chain"]
        spread = f"{low} keys" if low == high else f"between {low} and {high} keys"
        return head + f"every hash function keeps its longest {word} at {spread}."
    return head + (
        f"{worst['hash']}'s longest {word} holds {worst['longest_chain']:,} keys "
        f"({fmt_times(worst['longest_chain'] / best['longest_chain'])} {best['hash']}'s "
        f"{best['longest_chain']:,}) and {share(worst['empty_bucket_share'])} of its buckets are empty "
        f"({share(best['empty_bucket_share'])} for {best['hash']})."
    )


def chain_histogram(rows: list[Row], options: Options, path: Path) -> None:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from ..plot_style import colours, legend, log_axis, no_data, save

    picked = histogram_rows(rows, options)
    strategy = options.reference_strategy
    word = chain_word(strategy)
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
    what = "keys" if is_open_addressing(strategy) else "buckets"
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


EXPERIMENT = Experiment(
    "chains",
    title=lambda options: f"(a) {chain_word(options.reference_strategy).capitalize()} lengths for each hash function",
    baseline=lambda options: f"{options.reference_hash}'s longest {chain_word(options.reference_strategy)}",
    finding=lambda results: histogram_finding(results.rows, results.options),
    filename="chain_histogram.png",
    draw=lambda results, path: chain_histogram(results.rows, results.options, path),
)
