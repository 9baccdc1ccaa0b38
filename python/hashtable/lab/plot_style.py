"""What every plot shares: colours, markers, saving, and log axes a value can be read off.

matplotlib is imported here, and this module only by the plot modules, which the
command imports only when it draws: the table, the CSV and the JSON work without it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator

PALETTE = (
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
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def colours(names: list[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def marker(i: int) -> str:
    return MARKERS[i % len(MARKERS)]


def figure(width: float, height: float, right: float = 0.98, hspace: float = 0.2, left: float = 0.07) -> Figure:
    """A figure with fixed margins (constrained layout costs a second per plot);
    `right` leaves room for a legend outside the axes."""
    made = Figure(figsize=(width, height))
    made.subplots_adjust(left=left, right=right, bottom=0.1, top=0.9, wspace=0.2, hspace=hspace)
    return made


def save(figure: Figure, path: Path) -> None:
    FigureCanvasAgg(figure)
    figure.savefig(path, dpi=110)


def plain_number(value: float) -> str:
    """1,000 rather than 10^3; 0.5 and 2.5 keep their decimals."""
    if value >= 1 and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:g}"


def log_axis(ax: Axes, which: Literal["x", "y"], label: Callable[[float], str] = plain_number, base: int = 10) -> None:
    """Log scale on `which` ("x" or "y") with labels at every major and minor tick, so
    every line crosses a labelled value: base 10 labels 1, 2, 3 and 5 in each decade;
    base 4 (for bytes) labels every power of two."""
    if which == "x":
        ax.set_xscale("log", base=base)
    else:
        ax.set_yscale("log", base=base)
    axis = ax.xaxis if which == "x" else ax.yaxis
    formatter = FuncFormatter(lambda value, _pos: label(value))
    axis.set_major_locator(LogLocator(base=base))
    axis.set_minor_locator(LogLocator(base=base, subs=(2.0, 3.0, 5.0) if base == 10 else (2.0,)))
    axis.set_major_formatter(formatter)
    axis.set_minor_formatter(formatter)
    ax.tick_params(axis=which, which="minor", labelsize=7)


def legend(ax: Axes, **options: Any) -> None:
    """A legend, when there is anything to put in it (an empty one only warns)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**options)


def no_data(ax: Axes, text: str = "no data: every configuration failed") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="grey")
