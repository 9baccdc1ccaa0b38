"""(g) Probe lengths, measured against the textbook: the mean entries or slots a
successful and a failed lookup visit, over every key of the tables (b) fills to exactly
each max_load, against each strategy's expected formula at that load.

probe_theory.png: mean probe length against load, markers measured (with error bars),
dashed lines expected, one colour per strategy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..experiment import Experiment
from ..plan import Options
from ..rows import in_experiment
from ..sentences import NO_DATA, fmt_times, plain
from .max_load import SWEEP, plan_filled_tables

Row = dict[str, Any]
# A measured mean probe length departs from the textbook's beyond this many standard errors.
PROBE_NOISE_SE = 3.0


@dataclass(frozen=True)
class ProbePoint:
    load: float
    measured: float
    standard_error: float
    expected: float

    @property
    def departs(self) -> bool:
        """Whether measured and expected differ by more than PROBE_NOISE_SE standard errors."""
        if not math.isfinite(self.expected):
            return True
        return abs(self.measured - self.expected) > PROBE_NOISE_SE * self.standard_error


def probe_series(rows: list[Row], kind: str) -> dict[str, list[ProbePoint]]:
    """Per strategy: a ProbePoint per filled table; `kind` is "hit" or "miss"."""
    series: dict[str, list[ProbePoint]] = {}
    for row in plain(in_experiment(rows, SWEEP)):
        measured = row[f"probe_{kind}"]
        if measured is None or row["load_factor"] is None:
            continue
        point = ProbePoint(row["load_factor"], measured, row[f"probe_{kind}_se"], row[f"expected_probe_{kind}"])
        series.setdefault(row["strategy"], []).append(point)
    return {name: sorted(points, key=lambda p: p.load) for name, points in series.items()}


def theory_finding(rows: list[Row], options: Options) -> str:
    points = [
        (strategy, kind, point)
        for kind in ("hit", "miss")
        for strategy, series in probe_series(rows, kind).items()
        for point in series
    ]
    if not points:
        return NO_DATA
    departing = [item for item in points if item[2].departs]
    head = (
        f"With hash {options.reference_hash} on {options.workloads[0]}, "
        f"{len(points) - len(departing)} of {len(points)} measured mean probe lengths agree with the "
        f"textbook expectation within noise ({PROBE_NOISE_SE:g} standard errors)"
    )
    if not departing:
        return head + ": the hash spreads these keys as uniformly as the formulas assume."

    def size(item: tuple[str, str, ProbePoint]) -> float:
        point = item[2]
        return abs(math.log(max(point.measured, 1e-9) / max(point.expected, 1e-9)))

    shown = []
    for strategy, kind, point in sorted(departing, key=size, reverse=True)[:3]:
        what = "successful" if kind == "hit" else "failed"
        shown.append(
            f"{strategy}'s {what} lookups at load {point.load:.2f} visit {point.measured:.2f} "
            f"against {point.expected:.2f} expected ({fmt_times(point.measured / point.expected)})"
        )
    return (
        head + "; the largest departures: " + "; ".join(shown) + ". A departure means these hashes are not as "
        "uniform as the formulas assume, or the formula simplifies the strategy (as its source file notes)."
    )


def probe_theory(rows: list[Row], options: Options, path: Path) -> None:
    from ..plot_style import colours, legend, log_axis, marker, no_data, save
    from ..plot_style import figure as new_figure

    palette = colours(list(options.strategies))
    figure = new_figure(13, 5.6, right=0.88)
    panels = figure.subplots(1, 2, sharex=True)
    for ax, kind, what in zip(panels, ("hit", "miss"), ("successful", "failed"), strict=True):
        series = probe_series(rows, kind)
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
                yerr=[PROBE_NOISE_SE * p.standard_error for p in points],
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
        f"workload={options.workloads[0]} (error bars: {PROBE_NOISE_SE:g} standard errors)"
    )
    save(figure, path)


EXPERIMENT = Experiment(
    "probe_theory",
    title="(g) Probe lengths: measured against the textbook",
    baseline="the textbook's expected probe length at the same load",
    finding=lambda results: theory_finding(results.rows, results.options),
    filename="probe_theory.png",
    draw=lambda results, path: probe_theory(results.rows, results.options, path),
    plan=plan_filled_tables,
)
