"""The noise rule: when a measured difference counts as a difference.

Every timed cell keeps its runs as a `Cell`: the best (fastest) run, the median,
and the relative spread, (median - best) / best. The median, not the slowest run,
sets the spread, so one run spoiled by a burst of load elsewhere on the machine
does not hide every difference, while a cell whose runs scatter widely gets a
wide spread.

Two timed cells differ measurably when the gap between their best runs, relative
to the smaller, exceeds the spread of both sides and MIN_GAP. Findings state a
difference only then, and the terminal and HTML tables colour a cell only then;
otherwise they say that no difference could be measured. Exact counts (resizes,
longest chains, bytes) have no spread: any gap between them is a difference.

MIN_GAP covers part of what one run's spread cannot see: whole runs of the lab
drift apart by a few percent (CPU frequency, memory layout, other processes).
`scripts/lab_noise_check.py` measures that drift: it repeats a quick lab and, for
several floors, counts the stated differences and the pairs of configurations
whose stated difference reverses from one run to the next. A higher floor
reverses less and states less; 5% is where, on the shared 2-core machine this
was written on, reversals fell without losing more than a few percent of the
statements. Run the script to see the trade-off on yours.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# The fewest runs that give a spread; the runner never stops a job before this.
MIN_RUNS = 2
# Timed cells closer than this (relative) never differ measurably; see the module comment.
MIN_GAP = 0.05
NO_DIFFERENCE = "no measurable difference"


@dataclass(frozen=True)
class Cell:
    """A measured quantity: the best of its runs, their median and relative spread."""

    best: float
    median: float
    spread: float
    timed: bool = True  # False for exact counts and sizes

    @classmethod
    def of(cls, runs: Sequence[float]) -> Cell:
        """The cell for these runs (at least one)."""
        if not runs:
            raise ValueError("a cell needs at least one run")
        best, median = min(runs), statistics.median(runs)
        spread = (median - best) / best if best > 0 else 0.0
        return cls(best, median, spread)

    @classmethod
    def exact(cls, value: float) -> Cell:
        """A count or size: no spread."""
        return cls(value, value, 0.0, timed=False)


def gap(a: Cell, b: Cell) -> float:
    """|a - b| relative to the smaller of the two best runs (inf if that is 0)."""
    low = min(a.best, b.best)
    if a.best == b.best:
        return 0.0
    return abs(a.best - b.best) / low if low > 0 else float("inf")


def differs(a: Cell, b: Cell, floor: float = MIN_GAP) -> bool:
    """Whether a and b differ by more than the spread of each of them (and, when
    either is timed, by more than `floor`)."""
    size = gap(a, b)
    least = floor if a.timed or b.timed else 0.0
    return size > a.spread and size > b.spread and size > least


def ratio_text(value: float) -> str:
    return f"{value:,.0f}x" if value >= 10 else f"{value:.2g}x" if value < 0.995 else f"{value:.1f}x"


def versus(a: Cell, b: Cell, baseline: str) -> str:
    """'2.1x dict' when a and b differ measurably, else 'no measurable difference from dict'."""
    if not differs(a, b):
        return f"{NO_DIFFERENCE} from {baseline}"
    return f"{ratio_text(a.best / b.best)} {baseline}"


def cell(row: dict[str, Any], column: str) -> Cell | None:
    """The Cell stored in a row under `column` (`x_ns`, with `x_median_ns` and `x_spread`).

    Columns without a median are exact values. None when the row has no value.
    """
    best = row.get(column)
    if best is None:
        return None
    stem = column.removesuffix("_ns")
    median = row.get(f"{stem}_median_ns") if column.endswith("_ns") else None
    spread = row.get(f"{stem}_spread")
    if median is None or spread is None:
        return Cell.exact(float(best))
    return Cell(float(best), float(median), float(spread))


def standout(cells: Sequence[Cell | None]) -> tuple[int | None, int | None]:
    """(index of the best, index of the worst) cell, lower being better.

    A cell stands out only if it differs measurably from every other cell: the
    best must be measurably better than all the rest, the worst measurably worse.
    Ties, including exact ties between counts, stand out from nothing.
    """
    present = [(i, c) for i, c in enumerate(cells) if c is not None]
    if len(present) < 2:
        return None, None
    low = min(present, key=lambda item: item[1].best)
    high = max(present, key=lambda item: item[1].best)

    def alone(chosen: tuple[int, Cell]) -> int | None:
        index, candidate = chosen
        others = [c for i, c in present if i != index]
        return index if all(differs(candidate, other) for other in others) else None

    return alone(low), alone(high)
