"""The plots about the structures themselves.

(e) scale.png               ns per lookup against the table's bytes, log-log, with this
                            machine's cache sizes as vertical lines; native solid,
                            from Python dashed, dict black
(f) memory_vs_max_load.png  bytes per entry against max_load, per strategy, and dict
(g) probe_theory.png        mean probe length against load: measured (markers) and the
                            textbook's expectation (lines), successful and failed lookups
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from . import findings_structure as data
from .cache import format_bytes
from .plan import SCALE_WORKLOAD, Options
from .plot_style import colours, legend, log_axis, marker, no_data, save
from .plot_style import figure as new_figure

Row = dict[str, Any]


def _short(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 10**6 else f"{n / 1e3:g}k" if n >= 10**3 else str(n)


def scale(rows: list[Row], options: Options, path: Path, caches: dict[str, int]) -> None:
    palette = colours(list(options.strategies))
    figure = new_figure(13, 6, right=0.86)
    panels = figure.subplots(1, 2, sharex=True)
    xs_all: list[float] = []
    for ax, operation, what in zip(panels, ("lookup_hit", "lookup_miss"), ("successful", "failed"), strict=True):
        native = data.scale_series(rows, f"native_{operation}_ns")
        python = data.scale_series(rows, f"{operation}_ns")
        for i, strategy in enumerate(options.strategies):
            for series, style, fill, label in (
                (native, "-", None, f"{strategy} native"),
                (python, "--", "none", f"{strategy} from Python"),
            ):
                points = series.get(strategy, [])
                if points:
                    xs = [p.table_bytes for p in points]
                    xs_all += xs
                    ax.plot(
                        xs,
                        [p.time.best for p in points],
                        marker(i) + style,
                        color=palette.get(strategy),
                        markerfacecolor=fill,
                        label=label,
                        linewidth=1.4,
                    )
        dict_points = python.get("dict", [])
        if dict_points:
            xs = [p.table_bytes for p in dict_points]
            xs_all += xs
            ax.plot(xs, [p.time.best for p in dict_points], "k--", linewidth=2.2, label="dict from Python")
            for point in dict_points:
                ax.annotate(
                    f"n={_short(point.n)}",
                    (point.table_bytes, point.time.best),
                    textcoords="offset points",
                    xytext=(0, 7),
                    ha="center",
                    fontsize=7,
                )
        if not native and not python:
            no_data(ax, "no data: the scale sweep did not run")
            continue
        log_axis(ax, "x", format_bytes, base=4)
        log_axis(ax, "y")
        ax.set_xlabel("the table's own bytes (sys.getsizeof; log scale)")
        ax.set_ylabel(f"ns per {what} lookup, best run (log scale)")
        ax.set_title(f"{what} lookups", fontsize=10)
        ax.grid(True, which="both", alpha=0.25)
    if xs_all:
        low, high = min(xs_all), max(xs_all)
        for name, size in caches.items():
            if low / 4 <= size <= high * 4:
                for ax in panels:
                    ax.axvline(size, color="grey", linestyle=":", linewidth=1.5)
                    ax.text(
                        size,
                        0.98,
                        f" {name} {format_bytes(size)}",
                        transform=ax.get_xaxis_transform(),
                        rotation=90,
                        va="top",
                        ha="right",
                        fontsize=8,
                        color="dimgrey",
                    )
    legend(panels[1], fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    outside = [f"{name} {format_bytes(size)}" for name, size in caches.items() if xs_all and size > max(xs_all) * 4]
    note = f"; beyond the largest table: {', '.join(outside)}" if outside else ""
    note += "" if caches else "; cache sizes unknown on this machine"
    figure.suptitle(
        f"(e) Lookups as the table grows: {SCALE_WORKLOAD}, hash={options.reference_hash}, "
        f"max_load={options.max_loads[0]:g}, n x4 per point{note}"
    )
    save(figure, path)


def memory_per_entry(rows: list[Row], options: Options, path: Path) -> None:
    series = data.memory_series(rows, options)
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


def probe_theory(rows: list[Row], options: Options, path: Path) -> None:
    palette = colours(list(options.strategies))
    figure = new_figure(13, 5.6, right=0.88)
    panels = figure.subplots(1, 2, sharex=True)
    for ax, kind, what in zip(panels, ("hit", "miss"), ("successful", "failed"), strict=True):
        series = data.probe_series(rows, kind)
        for i, strategy in enumerate(options.strategies):
            points = series.get(strategy, [])
            finite = [p for p in points if math.isfinite(p.expected)]
            if not points:
                continue
            colour = palette[strategy]
            ax.plot([p.load for p in finite], [p.expected for p in finite], "--", color=colour, linewidth=1.2)
            ax.errorbar(
                [p.load for p in points],
                [p.measured for p in points],
                yerr=[data.PROBE_NOISE_SE * p.standard_error for p in points],
                fmt=marker(i),
                color=colour,
                label=strategy,
                capsize=3,
            )
        if not series:
            no_data(ax)
            continue
        log_axis(ax, "y")
        ax.set_xlabel("load factor (keys per bucket or slot)")
        ax.set_ylabel(f"entries or slots visited per {what} lookup (log scale)")
        ax.set_title(f"{what} lookups: markers measured, dashed lines expected", fontsize=10)
        ax.grid(True, which="both", alpha=0.25)
    legend(panels[1], title="strategy", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.suptitle(
        f"(g) Mean probe length, measured against the textbook: hash={options.reference_hash}, "
        f"workload={options.workloads[0]} (error bars: {data.PROBE_NOISE_SE:g} standard errors)"
    )
    save(figure, path)
