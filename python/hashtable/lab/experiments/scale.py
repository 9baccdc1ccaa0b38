"""(e) Lookups as the table outgrows the caches: every strategy on random ints from 10^3
to 10^6 keys (10^7 with --big) in steps of x4, measured last and under its own time
budget (--scale-budget), each point beside a dict on the same keys.

scale.png: ns per lookup against the table's bytes, log-log, with this machine's
cache sizes as vertical lines; native solid, from Python dashed, dict black.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cache import format_bytes
from ..experiment import Experiment
from ..measure import Config
from ..native import KeyHashes
from ..noise import MIN_RUNS, Cell, cell, versus
from ..plan import Options, Plan
from ..rows import in_experiment, is_dict
from ..runner import Counter, KeyChecks, LabRun, collect, config_job, dict_job, frozen_gc, rounds
from ..sentences import describe_changes, fmt_ns, names_list
from ..workloads import Workload, make_workload

Row = dict[str, Any]
SWEEP = "scale"
# Random ints, from SCALE_START keys up by x4 to the limit.
SCALE_WORKLOAD = "random-ints"
SCALE_START = 1_000
SCALE_LIMIT, SCALE_LIMIT_BIG, SCALE_LIMIT_QUICK = 10**6, 10**7, 16_000
# Runs per configuration: its big tables make each run long.
SCALE_REPEAT = 3


def scale_points(limit: int) -> list[int]:
    """SCALE_START, x4 each step, then `limit` itself (closing a last step of x2 to x4)."""
    points = [SCALE_START]
    while points[-1] * 4 < limit:
        points.append(points[-1] * 4)
    if points[-1] * 2 <= limit:
        points.append(limit)
    else:
        points[-1] = limit
    return points


def scale_repeat(options: Options) -> int:
    return max(MIN_RUNS, min(options.repeat, SCALE_REPEAT))


def _points(plan: Plan) -> dict[int, list[Config]]:
    """The sweep's configurations by n, smallest first."""
    points: dict[int, list[Config]] = {}
    for config in plan.own.get(SWEEP, []):
        points.setdefault(config.n, []).append(config)
    return points


def measure_scale(options: Options, plan: Plan, lab: LabRun, counter: Counter) -> None:
    """The scale sweep, smallest n first, while the next point fits in the time budget.

    Each point's cost is forecast from the last one's, scaled by n; a point that
    would end past `options.scale_budget_s` is skipped with the rest, and a note
    says where the sweep stopped.
    """
    began = time.perf_counter()
    repeat = scale_repeat(options)
    last: tuple[int, float] | None = None
    points = _points(plan)
    for count, configs in points.items():
        spent = time.perf_counter() - began
        if last is not None and spent + last[1] * count / last[0] > options.scale_budget_s:
            lab.notes.append(
                f"the scale sweep stopped after n={last[0]:,}: n={count:,} would pass its "
                f"{options.scale_budget_s:g} s budget (--scale-budget)"
            )
            counter.done += sum(len(c) + 1 for n, c in points.items() if n >= count) * repeat
            break
        started = time.perf_counter()
        # Each point draws its own keys, only once the budget allows it: 10^7 keys take seconds.
        workload = make_workload(SCALE_WORKLOAD, count, options.seed)
        jobs, hashes = [dict_job(workload)], KeyHashes()
        for config in configs:
            job = config_job(options, config, workload, [SWEEP], KeyChecks(), hashes, lab)
            if job is not None:
                jobs.append(job)
        with frozen_gc():
            rounds(jobs, repeat, options.budget_s, counter, lab)
        collect(jobs, lab)
        last = (count, time.perf_counter() - started)


@dataclass(frozen=True)
class ScalePoint:
    n: int
    table_bytes: int
    time: Cell


def scale_series(rows: list[Row], column: str) -> dict[str, list[ScalePoint]]:
    """Per strategy (and "dict" for columns timed from Python): the scale sweep's points."""
    scale_rows = in_experiment(rows, SWEEP)
    counts = {row["n"] for row in scale_rows}
    dict_rows = [r for r in rows if is_dict(r) and r["workload"] == SCALE_WORKLOAD and r["n"] in counts]
    series: dict[str, list[ScalePoint]] = {}
    for row in scale_rows + dict_rows:
        value = cell(row, column)
        if value is not None:
            series.setdefault(row["strategy"], []).append(ScalePoint(row["n"], row["memory_bytes"], value))
    return {name: sorted(points, key=lambda point: point.n) for name, points in series.items()}


def cache_context(table_bytes: list[int], caches: dict[str, int]) -> str:
    """'the largest tables (24 to 48 MiB) are past L1d and L2 (2 MiB) and within L3 (260 MiB)'."""
    low, high = min(table_bytes), max(table_bytes)
    size = format_bytes(low)
    if format_bytes(high) != size:
        size += f" to {format_bytes(high)}"
    text = f"the largest tables take {size}"
    if not caches:
        return text + " (this machine's cache sizes are unknown)"
    passed = [name for name, capacity in caches.items() if capacity < low]
    holding = [name for name, capacity in caches.items() if capacity >= high]
    if passed:
        text += f", more than {names_list(passed)} hold ({format_bytes(caches[passed[-1]])})"
    if holding:
        text += f", {'but ' if passed else ''}within {holding[0]} ({format_bytes(caches[holding[0]])})"
    return text


def scale_finding(rows: list[Row], caches: dict[str, int]) -> str:
    native = scale_series(rows, "native_lookup_hit_ns")
    if not native:
        return "No data: the scale sweep did not run (--no-scale) or every configuration failed."
    low = min(points[0].n for points in native.values())
    high = max(points[-1].n for points in native.values())
    biggest = [v[-1].table_bytes for v in native.values() if v[-1].n == high]
    if low == high:
        times = sorted(points[0].time.best for points in native.values())
        text = (
            f"The scale sweep measured only n={low:,} random ints (see the notes), where "
            f"{cache_context(biggest, caches)}: successful lookups in the structure alone (native) take "
            f"{fmt_ns(times[0])} to {fmt_ns(times[-1])}"
        )
    else:
        changes = {k: (v[0].time, v[-1].time) for k, v in native.items() if v[0].n == low and v[-1].n == high}
        text = (
            f"From n={low:,} to n={high:,} random ints, where {cache_context(biggest, caches)}, successful "
            f"lookups in the structure alone (native) became {describe_changes(changes, f'at n={low:,}')}"
        )
    python = scale_series(rows, "lookup_hit_ns")
    base = next((p.time for p in python.get("dict", []) if p.n == high), None)
    if base is not None:
        at_high = {k: v[-1].time for k, v in python.items() if k != "dict" and v[-1].n == high}
        ordered = sorted(at_high, key=lambda name: at_high[name].best)
        compared = [f"{name} {versus(at_high[name], base, 'dict')}" for name in ordered]
        text += f". From Python at n={high:,}: {'; '.join(compared)}"
    return text + "."


def _short(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 10**6 else f"{n / 1e3:g}k" if n >= 10**3 else str(n)


def scale(rows: list[Row], options: Options, path: Path, caches: dict[str, int]) -> None:
    from ..plot_style import colours, legend, log_axis, marker, no_data, save
    from ..plot_style import figure as new_figure

    palette = colours(list(options.strategies))
    figure = new_figure(13, 6, right=0.86)
    panels = figure.subplots(1, 2, sharex=True)
    xs_all: list[float] = []
    for ax, operation, what in zip(panels, ("lookup_hit", "lookup_miss"), ("successful", "failed"), strict=True):
        native = scale_series(rows, f"native_{operation}_ns")
        python = scale_series(rows, f"{operation}_ns")
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


def plan_scale(options: Options, plan: Plan, sizes: dict[str, int]) -> None:
    """Every strategy at each point up to the limit --quick or --big sets (none with --no-scale)."""
    if not options.scale:
        return
    limit = SCALE_LIMIT_QUICK if options.quick else SCALE_LIMIT_BIG if options.big else SCALE_LIMIT
    max_load, size, index = options.max_loads[0], options.sizes[0], options.indexes[0]
    plan.own[SWEEP] = [
        Config(SCALE_WORKLOAD, count, options.reference_hash, strategy, index, max_load, size)
        for count in scale_points(limit)
        for strategy in options.strategies
    ]


class Scale(Experiment):
    """Measured on its own: each point draws its keys only once the budget allows it."""

    measured_last = True  # its budget takes the time left

    def draws(self, options: Options) -> bool:
        return options.scale

    def runs(self, options: Options, plan: Plan) -> int:
        return sum(len(configs) + 1 for configs in _points(plan).values()) * scale_repeat(options)

    def measure(
        self, options: Options, plan: Plan, workloads: dict[str, Workload], lab: LabRun, counter: Counter
    ) -> None:
        measure_scale(options, plan, lab, counter)


EXPERIMENT = Scale(
    SWEEP,
    title="(e) Lookup time as the table outgrows the caches",
    baseline=f"each strategy's own time at n={SCALE_START:,}; dict on the same keys from Python",
    finding=lambda results: scale_finding(results.rows, results.caches),
    filename="scale.png",
    draw=lambda results, path: scale(results.rows, results.options, path, results.caches),
    plan=plan_scale,
)
